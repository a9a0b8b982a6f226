/**
 * What the catalogue knows about a message type: its body schema (the elements after Header)
 * and the prose that docs/protocol/messages/ is generated from, plus the cross-field rules
 * that a schema cannot say. Sender and receiver roles are office roles or trader/system roles.
 * Each document kind (protocol/kinds/) defines its own messages with defineMessage; the
 * registry assembles them into the catalogue.
 */
import type { z } from 'zod'
import type { Header } from '../header.ts'

/**
 * A rule beyond the schema, with its stable code (as NCTS numbers its rules and conditions):
 * two capital letters each kind chooses for its own namespace (DM- for the directed messages of
 * no kind), a dash, R and three digits. A code is never renumbered or reused; a rule that changes its meaning gets a new one.
 */
export interface Rule {
  readonly code: string
  readonly text: string
}

/** The form of a rule code. */
export const RULE_CODE = /^[A-Z]{2}-R[0-9]{3}$/

export interface RuleViolation {
  /** The code of the rule broken (one of the message's `rules`). */
  readonly rule: string
  /** Path of the field at fault, elements joined by '/'. */
  readonly path: string
  readonly value?: string
  readonly reason: string
}

export interface MessageDefinition<Body extends z.ZodRawShape = z.ZodRawShape, Type extends string = string> {
  /** The message type: also its root element name. */
  readonly type: Type
  readonly title: string
  readonly purpose: string
  readonly sender: string
  readonly receivers: readonly string[]
  /** The NCTS phase 6 messages it corresponds to. */
  readonly ncts: string
  /** Directed messages are answered, not logged (L4): receipts, rejections, queries. */
  readonly directed?: true
  readonly body: Body
  /** Rules beyond the schema, as documented, each with its code. */
  readonly rules: readonly Rule[]
  /** Checks the rules that can be checked on the message alone (a method, so bivariant). */
  check?(message: z.output<z.ZodObject<Body>>): RuleViolation[]
  /**
   * A valid example (its author and body; the header is made alike for every example), for the
   * examples, the docs and the tests. The first kinds' examples, one story told across them,
   * are in protocol/messages/examples.ts; a kind added later gives its own here.
   */
  example?(): { readonly author: string; readonly body: z.input<z.ZodObject<Body>> }
}

export function defineMessage<const Type extends string, Body extends z.ZodRawShape>(
  def: MessageDefinition<Body, Type>,
): MessageDefinition<Body, Type> {
  return def
}

/** The whole message (Header, then the body) that a definition describes. */
export type MessageOf<D extends MessageDefinition> = { Header: Header & { messageType: D['type'] } } & z.output<
  z.ZodObject<D['body']>
>
