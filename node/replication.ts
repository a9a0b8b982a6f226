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

  #serial<T>(fn: () => Promise<T>): Promise<T> {
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
    return this.#serial(() => this.#ingest(bytesList, from))
  }

  async #ingest(bytesList: readonly Uint8Array[], from?: string): Promise<IngestResult> {
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
      const fresh: LogEntry[] = []
      const forked = new Set<string>()
      for (const e of entries) {
        const r = doc.log.add(e)
        if (r.status === 'accepted') {
          for (const f of r.forks) for (const id of f.ids) forked.add(id)
          fresh.push(e, ...r.released.map((id) => doc.log.get(id) as LogEntry))
          for (const d of r.dropped) { result.refused.push({ id: d.id, code: d.error.code, error: d.error }); this.#events.refused(from, d.error) }
        }
        else if (r.status === 'duplicate') result.held.push(e.id)
        else if (r.status === 'pending') result.pending.push(e.id)
        else { result.refused.push({ id: e.id, code: r.error.code, error: r.error }); this.#events.refused(from, r.error) }
      }
      if (fresh.length === 0) continue
      this.#docs.refresh(doc)
      if (!doc.audience.includes(this.country)) {
        // Not ours to hold (THREATS 19): forget what was just added; the store never saw it.
        this.#docs.evict(documentId)
        const err = new SisError('LOG_WRONG_DOCUMENT', `${this.country} is not in the audience of ${documentId}`, { documentId })
        for (const e of fresh) result.refused.push({ id: e.id, code: err.code, error: err })
        this.#events.refused(from, err)
        continue
      }
      const now = this.#now()
      const stored: StoredEntry[] = fresh.map((e) => ({ id: e.id, documentId, author: e.author, seq: e.seq, type: e.type, bytes: e.bytes, storedAt: now }))
      // Own entries go to every other audience country; so do both sides of a fork this node
      // just found, whoever wrote them, so that every route member holds the proof (THREATS 12).
      const item = (peer: string, entryId: string): OutboxItem => ({ peer, documentId, entryId, enqueuedAt: now, attempts: 0, nextAttemptAt: now })
      const own = fresh.filter((e) => e.author === this.country).map((e) => e.id)
      const outbox: OutboxItem[] = [
        ...own.flatMap((id) => doc.audience.filter((c) => c !== this.country).map((peer) => item(peer, id))),
        ...[...forked].filter((id) => !own.includes(id)).flatMap((id) => doc.audience.filter((c) => c !== this.country && c !== from).map((peer) => item(peer, id))),
      ]
      await this.#store.commit({ entries: stored, document: recordOf(doc, now), outbox })
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

  /** What this node answers a peer's sync: entries of shared documents the peer lacks. */
  async answerSync(peer: string, request: { documents: { id: string; vector: Record<string, number> }[] }, limit = 5000): Promise<Frames> {
    const known = new Map(request.documents.map((d) => [d.id, d.vector]))
    const out: Uint8Array[] = []
    for await (const record of this.#store.documents()) {
      if (!record.audience.includes(peer)) continue
      const vector = known.get(record.documentId) ?? {}
      for (const e of await this.#store.entriesOf(record.documentId)) {
        if (e.seq > (vector[e.author] ?? 0)) out.push(e.bytes)
        if (out.length >= limit) return out
      }
    }
    return out
  }

  /** This node's sync request to a peer: the vectors of the documents it shares with it. */
  async syncRequest(peer: string): Promise<Uint8Array> {
    const documents: { id: string; vector: Record<string, number> }[] = []
    for await (const record of this.#store.documents()) {
      if (!record.audience.includes(peer)) continue
      documents.push({ id: record.documentId, vector: (await this.#docs.get(record.documentId)).log.vector() })
    }
    return json({ documents })
  }

  parseSync(frame: Uint8Array | undefined): { documents: { id: string; vector: Record<string, number> }[] } {
    return parse(frame)
  }
}

/** Exponential backoff with a cap: 1 s, 2 s, 4 s ... 5 min. */
function backoff(item: OutboxItem, now: string): OutboxItem {
  const attempts = item.attempts + 1
  const delay = Math.min(300_000, 1000 * 2 ** Math.min(attempts - 1, 9))
  return { ...item, attempts, nextAttemptAt: new Date(Date.parse(now) + delay).toISOString() }
}
