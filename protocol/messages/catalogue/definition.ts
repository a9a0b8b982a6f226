/**
 * What the catalogue knows about a message type: its body schema (the elements after Header)
 * and the prose that docs/protocol/messages/ is generated from, plus the cross-field rules
 * that a schema cannot say. Sender and receiver roles are office roles or trader/system roles.
 */
import type { z } from 'zod'
import type { MessageTypeName } from './names.ts'

export interface RuleViolation {
  /** Path of the field at fault, elements joined by '/'. */
  readonly path: string
  readonly value?: string
  readonly reason: string
}

export interface MessageDefinition<Body extends z.ZodRawShape = z.ZodRawShape> {
  readonly type: MessageTypeName
  readonly title: string
  readonly purpose: string
  readonly sender: string
  readonly receivers: readonly string[]
  /** The NCTS phase 6 messages it corresponds to. */
  readonly ncts: string
  /** What the header's documentId is for this message. */
  readonly documentKind: 'transit' | 'guarantee' | 'any'
  readonly body: Body
  /** Rules beyond the schema, as documented. */
  readonly rules: readonly string[]
  /** Checks the rules that can be checked on the message alone (a method, so bivariant). */
  check?(message: z.output<z.ZodObject<Body>>): RuleViolation[]
}

export function defineMessage<Body extends z.ZodRawShape>(def: MessageDefinition<Body>): MessageDefinition<Body> {
  return def
}
