/**
 * Route-scoped replication (issue 4; docs/protocol/replication.md). Entries reach exactly the
 * countries that must hold their document:
 * - push: every entry this node stores is put, in the same synced batch, into a persistent
 *   outbox for each other audience country; a worker delivers it when the peer is reachable, with
 *   backoff, and clears it on the peer's signed DeliveryReceipt (kept as proof of delivery);
 * - sync: on connecting to a member (and periodically) each side sends, per shared document, its
 *   vector {author: seq}; the answer carries the entries the asker lacks, including documents it
 *   does not know yet, but only documents whose audience includes the asker (THREATS 19).
 * Receivers verify everything (readEntry) and count refusals against the sending peer.
 */
import { isSisError, SisError } from '../protocol/errors.ts'
import { readEntry, readSignedMessage } from '../protocol/log/index.ts'
import type { LogEntry } from '../protocol/log/index.ts'
import type { Membership } from '../protocol/membership/index.ts'
import type { DocumentCache, LoadedDocument } from './documents.ts'
import { recordOf } from './documents.ts'
import type { OutboxItem, Store, StoredEntry } from './storage/types.ts'

export type Frames = Uint8Array[]

export interface SyncRequest {
  readonly documents: readonly { readonly id: string; readonly have: readonly string[] }[]
}

/** One sync answer's size: below the transport's frame count and byte limits. */
export const SYNC_BATCH = 1000
export const SYNC_BYTES = 32 * 1024 * 1024

function outOfScope(): SisError {
  return new SisError('LOG_WRONG_DOCUMENT', 'entry refused: not a document this node may hold from this author', {})
}

/** What replication needs of the libp2p host (node/p2p/host.ts implements it). */
export interface Transport {
  handle(name: string, handler: (request: Frames, from: { peerId: string; country: string }) => Promise<Frames>): void | Promise<void>
  request(country: string, name: string, frames: Frames, options?: { timeoutMs?: number }): Promise<Frames>
  connectedMembers(): string[]
}

export interface ReplicationEvents {
  documentChanged(doc: LoadedDocument): void
  refused(peer: string | undefined, error: SisError): void
  delivered(peer: string, count: number): void
  received(peer: string | undefined, count: number): void
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const json = (v: unknown) => encoder.encode(JSON.stringify(v))
const parse = <T>(b: Uint8Array | undefined): T => {
  if (b === undefined) throw new SisError('MSG_INVALID_VALUE', 'replication: a frame is missing', {})
  return JSON.parse(decoder.decode(b)) as T
}

export interface IngestResult {
  readonly accepted: string[]
  readonly held: string[]
  readonly pending: string[]
  readonly refused: { id?: string; code: string; error: SisError }[]
}

export class Replicator {
  readonly country: string
  readonly #store: Store
  readonly #docs: DocumentCache
  #membership: Membership
  readonly #events: ReplicationEvents
  readonly #now: () => string
  /** One ingest at a time: the log, state and batch of a document change together. */
  #queue: Promise<unknown> = Promise.resolve()

  constructor(opts: { country: string; store: Store; docs: DocumentCache; membership: Membership; events: ReplicationEvents; now?: () => string }) {
    this.country = opts.country
    this.#store = opts.store
    this.#docs = opts.docs
    this.#membership = opts.membership
    this.#events = opts.events
    this.#now = opts.now ?? (() => new Date().toISOString())
  }

  set membership(m: Membership) { this.#membership = m }

  /**
   * Runs fn after every ingest and write queued before it: a document's log, state and synced
   * batch change together, and a node's own header (seq, previous) is taken and used atomically.
   */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn)
    this.#queue = run.catch(() => undefined)
    return run
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
  async ingestUnlocked(bytesList: readonly Uint8Array[], from?: string): Promise<IngestResult> {
    const result: IngestResult = { accepted: [], held: [], pending: [], refused: [] }
    const byDoc = new Map<string, LogEntry[]>()
    for (const bytes of bytesList) {
      try {
        const e = readEntry(bytes, this.#membership)
        byDoc.set(e.documentId, [...(byDoc.get(e.documentId) ?? []), e])
      } catch (err) {
        if (!isSisError(err)) throw err
        result.refused.push({ code: err.code, error: err })
        this.#events.refused(from, err)
      }
    }
    for (const [documentId, entries] of byDoc) {
      const doc = await this.#docs.get(documentId)
      const held = doc.log.size > 0
      const fresh: LogEntry[] = []
      const forked = new Set<string>()
      for (const e of entries) {
        // Of a document held here, only its audience writes (a diversion brings a new country
        // in). The refusal reads exactly as for a document not held: no existence leaks.
        if (held && !doc.audience.includes(e.author) && e.type !== 'DiversionRequested') {
          const err = outOfScope()
          result.refused.push({ id: e.id, code: err.code, error: err })
          this.#events.refused(from, err)
          continue
        }
        const r = doc.log.add(e)
        if (r.status === 'accepted') {
          for (const f of r.forks) for (const id of f.ids) forked.add(id)
          fresh.push(e, ...r.released.map((id) => doc.log.get(id) as LogEntry))
          for (const d of r.dropped) { result.refused.push({ id: d.id, code: d.error.code, error: d.error }); this.#events.refused(from, d.error) }
        }
        // A duplicate of a pending entry is not held: a receipt must name only stored entries.
        else if (r.status === 'duplicate') (await this.#store.hasEntry(e.id) ? result.held : result.pending).push(e.id)
        else if (r.status === 'pending') result.pending.push(e.id)
        else { result.refused.push({ id: e.id, code: r.error.code, error: r.error }); this.#events.refused(from, r.error) }
      }
      if (fresh.length === 0) {
        // Nothing of this document is held here: keep no memory of it (pending entries of unknown
        // documents would otherwise let a peer fill the memory).
        if (!held) this.#docs.evict(documentId)
        continue
      }
      this.#docs.refresh(doc)
      if (!doc.audience.includes(this.country)) {
        // Not ours to hold (THREATS 19): forget what was just added; the store never saw it.
        this.#docs.evict(documentId)
        const err = outOfScope()
        for (const e of fresh) result.refused.push({ id: e.id, code: err.code, error: err })
        this.#events.refused(from, err)
        continue
      }
      const now = this.#now()
      const stored: StoredEntry[] = fresh.map((e) => ({ id: e.id, documentId, author: e.author, seq: e.seq, type: e.type, bytes: e.bytes, storedAt: now }))
      // Own entries go to every other audience country; so do both sides of a fork this node
      // just found, whoever wrote them, so that every route member holds the proof (THREATS 12).
      // Only members can take delivery: a route country outside the federation gets nothing queued.
      const peers = doc.audience.filter((c) => c !== this.country && this.#membership.isMember(c))
      const item = (peer: string, entryId: string): OutboxItem => ({ peer, documentId, entryId, enqueuedAt: now, attempts: 0, nextAttemptAt: now })
      const own = fresh.filter((e) => e.author === this.country).map((e) => e.id)
      const outbox: OutboxItem[] = [
        ...own.flatMap((id) => peers.map((peer) => item(peer, id))),
        ...[...forked].filter((id) => !own.includes(id)).flatMap((id) => peers.filter((c) => c !== from).map((peer) => item(peer, id))),
      ]
      try {
        await this.#store.commit({ entries: stored, document: recordOf(doc, now), outbox })
      } catch (err) {
        // Nothing was written (one batch): forget the in-memory additions too, so nothing
        // unstored is ever acknowledged or chained onto.
        this.#docs.evict(documentId)
        throw err
      }
      result.accepted.push(...fresh.map((e) => e.id))
      this.#events.documentChanged(doc)
    }
    this.#events.received(from, result.accepted.length)
    return result
  }

  /** Delivers due outbox items to one peer, a document at a time; returns how many were acknowledged. */
  async flush(peer: string, send: Transport['request']): Promise<number> {
    const items = await this.#store.outbox(peer, this.#now(), 500)
    const byDoc = new Map<string, OutboxItem[]>()
    for (const item of items) byDoc.set(item.documentId, [...(byDoc.get(item.documentId) ?? []), item])
    let total = 0
    for (const due of byDoc.values()) total += await this.#flushDocument(peer, due, send)
    return total
  }

  async #flushDocument(peer: string, due: OutboxItem[], send: Transport['request']): Promise<number> {
    const entries: Uint8Array[] = []
    for (const item of due) {
      const e = await this.#store.getEntry(item.entryId)
      if (e !== undefined) entries.push(e.bytes)
    }
    try {
      const [receiptBytes] = await send(peer, 'push', entries, { timeoutMs: 20_000 })
      const receipt = readSignedMessage(receiptBytes ?? new Uint8Array(), this.#membership)
      if (receipt.type !== 'DeliveryReceipt' || receipt.message.Header.authorCountry !== peer) throw new SisError('SIG_INVALID', `the receipt from ${peer} is not its DeliveryReceipt`, {})
      const held = new Set(receipt.message.Receipt.EntryId)
      const done = due.filter((d) => held.has(d.entryId)).map((d) => d.entryId)
      await this.#store.ackOutbox(peer, done, { peer, entryIds: done, bytes: receiptBytes!, receivedAt: this.#now() })
      const left = due.filter((d) => !held.has(d.entryId))
      if (left.length > 0) await this.#store.retryOutbox(left.map((d) => backoff(d, this.#now())))
      this.#events.delivered(peer, done.length)
      return done.length
    } catch (err) {
      await this.#store.retryOutbox(due.map((d) => backoff(d, this.#now())))
      throw err
    }
  }

  /**
   * What this node answers a peer's sync: the entries of shared documents the peer does not hold
   * (by id, so both sides of an equivocation travel too), up to SYNC_BATCH entries and
   * SYNC_BYTES bytes; the peer asks again while answers come back full.
   */
  async answerSync(peer: string, request: SyncRequest): Promise<Frames> {
    const known = new Map(request.documents.map((d) => [d.id, new Set(d.have)]))
    const out: Uint8Array[] = []
    let bytes = 0
    for await (const record of this.#store.documents()) {
      if (!record.audience.includes(peer)) continue
      const have = known.get(record.documentId) ?? new Set<string>()
      for (const e of await this.#store.entriesOf(record.documentId)) {
        if (have.has(e.id)) continue
        if (out.length >= SYNC_BATCH || bytes + e.bytes.length > SYNC_BYTES) return out
        out.push(e.bytes)
        bytes += e.bytes.length
      }
    }
    return out
  }

  /** This node's sync request to a peer: the ids it holds of the documents it shares with it. */
  async syncRequest(peer: string): Promise<Uint8Array> {
    const documents: { id: string; have: string[] }[] = []
    for await (const record of this.#store.documents()) {
      if (!record.audience.includes(peer)) continue
      documents.push({ id: record.documentId, have: (await this.#store.entriesOf(record.documentId)).map((e) => e.id) })
    }
    return json({ documents })
  }

  parseSync(frame: Uint8Array | undefined): SyncRequest {
    const r = parse<SyncRequest>(frame)
    if (!Array.isArray(r.documents) || !r.documents.every((d) => typeof d.id === 'string' && Array.isArray(d.have))) throw new SisError('MSG_INVALID_VALUE', 'sync: malformed request', {})
    return r
  }
}

/** Exponential backoff with a cap: 1 s, 2 s, 4 s ... 5 min. */
function backoff(item: OutboxItem, now: string): OutboxItem {
  const attempts = item.attempts + 1
  const delay = Math.min(300_000, 1000 * 2 ** Math.min(attempts - 1, 9))
  return { ...item, attempts, nextAttemptAt: new Date(Date.parse(now) + delay).toISOString() }
}
