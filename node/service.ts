/**
 * What the node offers its local users (officers, traders, the national system, admins): the
 * interface the HTTP API (node/api) is written against. SisNode implements it; unit tests of the
 * API may use a small in-memory implementation beside it.
 */
import type { DocumentRecord, OutboxItem, SearchQuery } from './storage/types.ts'
import type { NodeEvent } from './events.ts'
import type { Readiness } from './config.ts'

/** Who is asking: resolved from an API token by the API layer. Deny by default. */
export type Principal =
  | { readonly role: 'admin'; readonly name: string }
  | { readonly role: 'integration'; readonly name: string }
  | { readonly role: 'officer'; readonly name: string; readonly office: string }
  | { readonly role: 'trader'; readonly name: string; readonly traderId: string }

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

/** The delivery receipts of one document (GET /v1/documents/{id}/receipts). */
export interface ReceiptsView {
  readonly documentId: string
  readonly receipts: readonly {
    readonly peer: string
    readonly receivedAt: string
    readonly entryIds: readonly string[]
    readonly verified: boolean
    readonly reason?: string
    /** The signed DeliveryReceipt (admin and integration only: it lists other documents' entries too). */
    readonly xml?: string
  }[]
}

/** The events of GET /v1/events (node/events.ts; the adapter contract re-exports them for adapter authors). */
export type { NodeEvent } from './events.ts'

export interface SubmitResult {
  readonly documentId: string
  readonly entryId: string
  readonly status: string
}

/** One other member as this node sees it (GET /v1/status). */
export interface PeerStatus {
  readonly country: string
  readonly connected: boolean
  /** Entries waiting in the outbox for this member. */
  readonly outboxDepth: number
  /** How long the oldest of them has waited (0 when none). */
  readonly replicationLagSeconds: number
}

/** What an operator checks first (GET /v1/status, `sis status`). */
export interface NodeStatus {
  readonly country: string
  readonly softwareVersion: string
  /** The key id this node signs with now, and this country's keys pinned in the membership. */
  readonly keyId: string
  readonly keys: readonly {
    readonly keyId: string
    readonly publicKey: string
    readonly validFrom: string
    readonly revokedAt?: string
  }[]
  readonly membership: {
    readonly version: number
    readonly validFrom: string
    readonly validUntil: string
    readonly valid: boolean
    readonly members: number
    readonly quorum: number
  }
  readonly peers: readonly PeerStatus[]
  readonly outboxTotal: number
  readonly startedAt: string
  readonly uptimeSeconds: number
}

/** Outbox items waiting (GET /v1/outbox): `total` counts all, `items` is at most the limit asked. */
export interface OutboxView {
  readonly total: number
  readonly items: readonly OutboxItem[]
}

/** The health probes' answer (GET /health/live, /health/ready). */
export interface Health {
  live: boolean
  ready: boolean
  /** Why the node is not ready (empty when it is), one sentence each. */
  reasons: string[]
  /** node.json `readiness`: 'peer' waits for a connected member, 'always' does not. */
  readiness: Readiness
  peers: number
  members: number
  membershipVersion?: number
  membershipValidUntil?: string
}

export interface NodeService {
  readonly country: string
  /**
   * Runs a command of a document kind (node/kinds/): each writes signed entries as this node,
   * after a dry run of the kind's rules (an entry they judge ineffective is refused, unsigned).
   * Each kind's commands are listed in its node/kinds/<kind>/index.ts.
   */
  command(principal: Principal, kind: string, name: string, input: unknown): Promise<SubmitResult>
  document(principal: Principal, documentId: string): Promise<DocumentRecord | undefined>
  log(principal: Principal, documentId: string): Promise<LogView | undefined>
  /** The signed receipts for the document's entries: which member holds which, since when. */
  receipts(principal: Principal, documentId: string): Promise<ReceiptsView | undefined>
  search(principal: Principal, query: SearchQuery): Promise<DocumentRecord[]>
  /** A tar archive of the document's entries, for `sis log verify`. */
  exportBundle(principal: Principal, documentId: string): Promise<Uint8Array | undefined>
  subscribe(principal: Principal, listener: (event: NodeEvent) => void): () => void
  health(): Promise<Health>
  /** Adopts a newer signed membership (admin): it must follow the one in force and carry its quorum. */
  updateMembership(principal: Principal, signed: unknown): Promise<{ version: number }>
  /** The node, the membership in force and every other member: connection, outbox, lag. */
  status(principal: Principal): Promise<NodeStatus>
  /** Outbox items waiting (due or backing off), oldest schedule first, of one peer or all. */
  outbox(principal: Principal, query: { peer?: string; limit: number }): Promise<OutboxView>
  /** Makes every waiting item (of one peer or all) due now and starts a delivery round. */
  retryOutbox(principal: Principal, peer?: string): Promise<{ rescheduled: number }>
  /**
   * A consistent snapshot of the whole store as a backup file (node/storage/backup.ts), streamed
   * in chunks while the node keeps running.
   */
  backup(principal: Principal): Promise<{ fileName: string; chunks: AsyncIterable<Uint8Array> }>
}
