/**
 * A document kind: everything the generic core (protocol/log, the node's replication, storage
 * and document routes) needs to know about one sort of document, in one object. A kind owns its
 * message types, the identifier its documents go by, its pure state machine, the order its
 * concurrent entries are applied in, its status, who must hold its documents (audience) and the
 * entries a new one of its entries rests on (authority). protocol/kinds/registry.ts lists the
 * kinds; docs/kinds/adding-a-kind.md walks through writing one.
 */
import type { Effect, OfficeDirectory } from '../log/effect.ts'
import type { MessageDefinition } from '../messages/catalogue/definition.ts'

/** What a kind's machine sees of an entry (protocol/log's LogEntry is one). */
export interface KindEntry {
  readonly id: string
  readonly type: string
  readonly documentId: string
  readonly author: string
  readonly seq: number
  /** The decoded, validated message (cast to the kind's own MessageOf type). */
  readonly message: unknown
}

/** Causal-past queries over the ordered entries of the document. */
export interface CausalQuery {
  /** Is `ancestor` in the causal past of `entry`? */
  has(entry: string, ancestor: string): boolean
}

export interface MachineContext {
  readonly offices: OfficeDirectory
  readonly past: CausalQuery
}

/**
 * A kind's state machine over one document. apply() is called for every entry of the kind's
 * types in the order of L8 and returns its effect; `facts` is the state after the last call.
 * Facts must be plain JSON data: they are hashed into the state hash (canonical JSON).
 */
export interface KindMachine<Facts> {
  readonly facts: Facts
  apply(entry: KindEntry): Effect
}

/**
 * Who must hold a document: a list of member countries, or every member (a register). Nobody
 * else receives it or learns that it exists (THREATS 19).
 */
export type Audience = readonly string[] | 'every-member'

export interface KindIdentifier {
  /** What the identifier is called (as officers know it). */
  readonly name: string
  /** Where the message body carries it (element path), for docs. */
  readonly field: string
  /** The document id a message of this kind names in its body (checked against its header). */
  documentIdOf(message: Record<string, unknown>): string | undefined
}

export interface DocumentKind<
  Facts = unknown,
  Messages extends Readonly<Record<string, MessageDefinition>> = Readonly<Record<string, MessageDefinition>>,
> {
  /** Lowercase, stable: stored with every document record and hashed into its state. */
  readonly name: string
  readonly title: string
  /** Its message types by name, logged and directed (see MessageDefinition.directed). */
  readonly messages: Messages
  readonly identifier: KindIdentifier
  /**
   * Semantic rank of each logged type (L8): among concurrent entries, the lowest rank is
   * applied first. The type that opens a document has rank 0.
   */
  readonly ranks: Readonly<Record<string, number>>
  machine(context: MachineContext): KindMachine<Facts>
  status(facts: Facts): string
  audience(facts: Facts, offices: OfficeDirectory): Audience
  /**
   * Types whose author joins the document's audience by writing them (a country brought in by
   * its own entry): replication takes them from an author not yet in the audience.
   */
  readonly joining?: readonly string[]
  /** The entries a new entry of `type` rests on (its header's authorityEntry), from the facts. */
  authority(type: string, facts: Facts): string[]
}

/** A kind as the registry holds it: facts are opaque to the generic core. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKind = DocumentKind<any>

/** Declares a kind (the identity; it checks the object and keeps its message types' names). */
export function defineKind<Facts, const Messages extends Readonly<Record<string, MessageDefinition>>>(
  kind: DocumentKind<Facts, Messages>,
): DocumentKind<Facts, Messages> {
  return kind
}
