/**
 * What the node offers its local users (officers, traders, the national system, admins): the
 * interface the HTTP API (node/api) is written against. SisNode implements it; unit tests of the
 * API may use a small in-memory implementation beside it.
 */
import type { DocumentRecord, SearchQuery } from './storage/types.ts'

/** Who is asking: resolved from an API token by the API layer. Deny by default. */
export type Principal =
  | { readonly role: 'admin'; readonly name: string }
  | { readonly role: 'integration'; readonly name: string }
  | { readonly role: 'officer'; readonly name: string; readonly office: string }
  | { readonly role: 'trader'; readonly name: string; readonly traderId: string }

/** Officer actions on a transit, each written as one signed entry by this node. */
export const TRANSIT_ACTIONS = ['accept', 'reject', 'amend', 'release', 'passage', 'incident', 'diversion', 'arrival', 'arrival-advice', 'control', 'write-off', 'invalidation-request', 'invalidation-decision', 'resolve-dispute'] as const
export type TransitAction = (typeof TRANSIT_ACTIONS)[number]

export interface LogView {
  readonly documentId: string
  readonly entries: readonly {
    readonly id: string
    readonly type: string
    readonly author: string
    readonly seq: number
    readonly verified: boolean
    readonly effective: boolean
    readonly reason?: string
    readonly xml: string
  }[]
}

export interface NodeEvent {
  readonly type: 'document-changed' | 'entry-refused' | 'peer-connected' | 'peer-disconnected'
  readonly documentId?: string
  readonly status?: string
  readonly at: string
  readonly detail?: string
}

export interface SubmitResult {
  readonly documentId: string
  readonly entryId: string
  readonly status: string
}

export interface NodeService {
  readonly country: string
  /** Lodges a declaration given as unsigned message XML (DeclarationLodged) or its JSON form. */
  lodge(principal: Principal, declaration: { xml: string } | { json: unknown }): Promise<SubmitResult>
  /** Acts on a transit: the body is the action's message body as JSON (header filled by the node). */
  act(principal: Principal, documentId: string, action: TransitAction, body: unknown): Promise<SubmitResult>
  document(principal: Principal, documentId: string): Promise<DocumentRecord | undefined>
  log(principal: Principal, documentId: string): Promise<LogView | undefined>
  search(principal: Principal, query: SearchQuery): Promise<DocumentRecord[]>
  /** A tar archive of the document's entries, for `sis log verify`. */
  exportBundle(principal: Principal, documentId: string): Promise<Uint8Array | undefined>
  subscribe(principal: Principal, listener: (event: NodeEvent) => void): () => void
  health(): Promise<{ live: boolean; ready: boolean; peers: number; members: number; membershipVersion?: number; membershipValidUntil?: string }>
  /** Adopts a newer signed membership (admin): it must follow the one in force and carry its quorum. */
  updateMembership(principal: Principal, signed: unknown): Promise<{ version: number }>
}
