/**
 * Route-scoped replication (issue 4; docs/protocol/replication.md). Entries reach exactly the
 * countries that must hold their document:
 * - push: every entry this node stores is put, in the same synced batch, into a persistent
 *   outbox for each other audience country; a worker delivers due items, many documents per
 *   request, when the peer is reachable, with backoff, and clears them on the peer's signed
 *   DeliveryReceipt (kept as proof of delivery);
 * - sync: on connecting to a member (and periodically) each side asks the other for what it
 *   lacks of the documents they share, by sets of entry ids; the answer carries those entries,
 *   including documents the asker does not know yet, but only documents whose audience includes
 *   the asker (THREATS 19).
 * Receivers verify every entry they do not hold yet (readEntries) and count refusals against the
 * sending peer.
 *
 * This file is the facade the node uses; each part lives in replication/, one file per reason to
 * change: intake.ts (verify, place, commit), outbox.ts (push delivery), sync-server.ts and
 * sync-client.ts (the two sides of sync), changes.ts (the change feed), types.ts (what they share).
 */
import type { Membership } from '../protocol/membership/index.ts'
import { SerialQueue } from '../shared/serial.ts'
import type { DocumentCache } from './documents.ts'
import { ChangeFeed } from './replication/changes.ts'
import { Intake } from './replication/intake.ts'
import { Outbox } from './replication/outbox.ts'
import { SyncClient } from './replication/sync-client.ts'
import { parseSync, SyncServer } from './replication/sync-server.ts'
import type { Frames, IngestResult, ReplicationEvents, SyncRequest, Transport } from './replication/types.ts'
import type { CommitSlice, DocumentSlice, EntrySlice, OutboxSlice } from './storage/types.ts'

export { PUSH_BATCH } from './replication/outbox.ts'
export { SYNC_BATCH, SYNC_BYTES } from './replication/sync-server.ts'
export { idsDigest } from './replication/types.ts'
export type {
  Frames,
  IngestResult,
  ReplicationEvents,
  SyncDocument,
  SyncHead,
  SyncRequest,
  Transport,
} from './replication/types.ts'

/** The store as replication uses it: every slice but the membership history. */
export type ReplicationStore = CommitSlice & EntrySlice & DocumentSlice & OutboxSlice

export class Replicator {
  readonly country: string
  #membership: Membership
  /** One ingest at a time: the log, state and batch of a document change together. */
  readonly #queue = new SerialQueue()
  readonly #intake: Intake
  readonly #outbox: Outbox
  readonly #server: SyncServer
  readonly #client: SyncClient

  constructor(opts: {
    country: string
    store: ReplicationStore
    docs: DocumentCache
    membership: Membership
    events: ReplicationEvents
    now?: () => string
    syncBatch?: number
  }) {
    const { store, events } = opts
    this.country = opts.country
    this.#membership = opts.membership
    const now = opts.now ?? (() => new Date().toISOString())
    const membership = () => this.#membership
    const feed = new ChangeFeed(store, events)
    this.#outbox = new Outbox({ store, membership, events, now })
    this.#intake = new Intake({
      country: opts.country,
      store,
      docs: opts.docs,
      membership,
      feed,
      events,
      now,
      queued: (items) => this.#outbox.queued(items),
    })
    this.#server = new SyncServer({ store, feed, ...(opts.syncBatch === undefined ? {} : { batch: opts.syncBatch }) })
    this.#client = new SyncClient({
      store,
      feed,
      ingest: async (frames, from) => {
        const r = await this.ingest(frames, from)
        if (r.accepted.length > 0) events.synced?.(from, r.accepted)
        return r
      },
      progress: (peer, p) => events.catchUp?.(peer, p),
    })
  }

  set membership(m: Membership) {
    this.#membership = m
  }

  /**
   * Runs fn after every ingest and write queued before it: a document's log, state and synced
   * batch change together, and a node's own header (seq, previous) is taken and used atomically.
   * A failure rejects its own caller only.
   */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    return this.#queue.run(fn)
  }

  /**
   * Verifies and stores entries (from this node's writer or from a peer). Entries of a document
   * this node is not in the audience of are refused. Resolves after the synced write: only then
   * may the caller acknowledge.
   */
  ingest(bytesList: readonly Uint8Array[], from?: string): Promise<IngestResult> {
    return this.serial(() => this.ingestUnlocked(bytesList, from))
  }

  /** ingest() for a caller already inside serial(). */
  ingestUnlocked(bytesList: readonly Uint8Array[], from?: string): Promise<IngestResult> {
    return this.#intake.ingest(bytesList, from)
  }

  /** Delivers the due outbox items of one peer, one delivery per peer at a time (outbox.ts). */
  deliver(peer: string, send: Transport['request'], options: { force?: boolean } = {}): Promise<void> {
    return this.#outbox.deliver(peer, send, options)
  }

  /** Delivers every due outbox item of one peer until none is due; how many were acknowledged. */
  flush(peer: string, send: Transport['request']): Promise<number> {
    return this.#outbox.flush(peer, send)
  }

  /** What this node answers a peer's sync (sync-server.ts). */
  answerSync(peer: string, request: SyncRequest): Promise<Frames> {
    return this.#server.answer(peer, request)
  }

  parseSync(frame: Uint8Array | undefined): SyncRequest {
    return parseSync(frame)
  }

  /** Pulls from one peer what this node lacks of the documents they share (sync-client.ts). */
  sync(peer: string, send: Transport['request'], options: { full: boolean }): Promise<number> {
    return this.#client.sync(peer, send, options)
  }

  /** A version-1 sync request (every shared document with its ids): for tests and old peers. */
  syncRequest(peer: string): Promise<Uint8Array> {
    return this.#client.request(peer)
  }
}
