/**
 * A document kind on the node's side: what a running node does for one kind beyond the generic
 * core (replication, storage, the document routes). A node kind names its protocol kind and
 * declares its search keys, its commands (the entries local users write through it), its HTTP
 * routes, its reactions to changed documents and its extra peer protocols. node/kinds/registry.ts
 * lists them; docs/kinds/adding-a-kind.md walks through writing one.
 */
import type { z } from 'zod'
import type { Logger } from 'pino'
import type { AnyKind } from '../../protocol/kinds/index.ts'
import type { DocumentLog, DocumentState } from '../../protocol/log/index.ts'
import type { Membership } from '../../protocol/membership/index.ts'
import type { Route } from '../api/table.ts'
import type { NodeService, Principal, SubmitResult } from '../service.ts'
import type { DocumentRecord, SearchQuery } from '../storage/types.ts'

export type Frames = Uint8Array[]

/** A document as a kind sees it: its verified entries and its computed state. */
export interface DocumentView {
  readonly log: DocumentLog
  readonly state: DocumentState
}

/** A search key a kind declares: its query parameter schema, and a line for the API docs. */
export interface SearchKey {
  readonly schema: z.ZodType<string>
  readonly description: string
}

/** What the node lends a kind's commands, reactions and protocols. */
export interface KindContext {
  readonly country: string
  /** The membership in force now. */
  membership(): Membership
  readonly logger: Logger | undefined
  now(): string
  /** Year, country and a serial unique on this node, for the identifiers it allocates. */
  allocation(): { year: number; country: string; serial: string }
  /** A document as held here (an empty log when it is not). */
  document(documentId: string): Promise<DocumentView>
  /** The stored record of a document, if held. */
  record(documentId: string): Promise<DocumentRecord | undefined>
  /** The node's own search over every held document (no user scope: for the node's duties). */
  search(query: SearchQuery): Promise<DocumentRecord[]>
  /** Whether a local user may see a held document (data scope, THREATS 28). */
  sees(principal: Principal, record: DocumentRecord): boolean
  /**
   * Writes one entry as this node: header from the log, dry run of the kind's machine (an entry
   * its own rules judge ineffective is refused, never signed), signature, synced storage.
   */
  write(type: string, documentId: string, body: Record<string, unknown>): Promise<SubmitResult>
  /**
   * Takes a document's log from a peer (verified entry by entry) and writes this node's entry
   * on top of it, storing all of it if the entry is effective (else nothing).
   */
  writeOnto(
    frames: Frames,
    from: string,
    type: string,
    documentId: string,
    body: Record<string, unknown>,
  ): Promise<SubmitResult>
  /** Asks a connected member over one of the peer protocols. */
  request(country: string, protocol: string, frames: Frames, options?: { timeoutMs?: number }): Promise<Frames>
  /** The signed bytes of every entry of a held document. */
  entryBytes(documentId: string): Promise<Frames>
}

export interface KindRouteDeps {
  readonly service: NodeService
}

export interface NodeKind {
  /** The protocol kind (its messages, machine, audience). */
  readonly kind: AnyKind
  /** The search keys its documents are found by (GET /v1/search?key=value). */
  readonly searchKeys: Readonly<Record<string, SearchKey>>
  /** The values of those keys for one document (office and trader also decide who sees it). */
  keys(doc: DocumentView): Record<string, string[]>
  /** Named commands local users run (through the API and adapters): each writes entries. */
  readonly commands: Readonly<
    Record<string, (ctx: KindContext, principal: Principal, input: unknown) => Promise<SubmitResult>>
  >
  /** Its own HTTP routes (their OpenAPI entries come with them). */
  routes?(deps: KindRouteDeps): Route[]
  /** Runs after any document changed (its own or another kind's), one reaction at a time. */
  react?(ctx: KindContext, changed: DocumentView): Promise<void>
  /** Extra peer protocols: name → handler of a member's request. */
  readonly protocols?: Readonly<Record<string, (ctx: KindContext, frames: Frames, from: string) => Promise<Frames>>>
}
