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
 * sending peer; an entry already stored is known by its id (the SHA-256 of its bytes) and is not
 * verified again.
 */
import { randomUUID } from 'node:crypto'
import { sha256Hex } from '../protocol/crypto/index.ts'
import { isSisError, SisError } from '../protocol/errors.ts'
import { isJoining } from '../protocol/kinds/index.ts'
import { entryId, readEntries, readSignedMessage } from '../protocol/log/index.ts'
import type { LogEntry } from '../protocol/log/index.ts'
import type { Membership } from '../protocol/membership/index.ts'
import type { DocumentCache, LoadedDocument } from './documents.ts'
import { recordOf } from './documents.ts'
import type { CommitBatch, OutboxItem, Store, StoredEntry } from './storage/types.ts'

export type Frames = Uint8Array[]

/**
 * One document of a sync request: the ids the asker holds (`have`), or only a digest of them
 * (a full sync of many documents): a document whose digest differs is answered with all its
 * entries, and the asker drops those it holds by their ids, cheaply.
 */
export interface SyncDocument {
  readonly id: string
  readonly have?: readonly string[]
  readonly digest?: string
}

export interface SyncRequest {
  readonly documents: readonly SyncDocument[]
  /**
   * 2: the answer starts with a JSON head frame (SyncHead). Without it the answer is entries
   * only (the first version of the protocol), cut at SYNC_BATCH; the asker asks again.
   */
  readonly v?: 2
  /**
   * The cursor of this answerer's last complete answer to the asker, and then only its `have`
   * documents and those the answerer changed after the cursor are considered (a cursor it does
   * not know, after a restart, is answered with `resync`). Absent: every shared document, and
   * a document the asker does not list is one it lacks.
   */
  readonly since?: string
  /** Rounds of one exchange: documents from this id on (a previous answer's `next`)... */
  readonly from?: string
  /** ...less the first `skip` entries the `from` document lacks (sent already). */
  readonly skip?: number
}

export interface SyncHead {
  readonly v: 2
  /** An opaque token for the answerer's changes up to this answer (its next `since`). */
  readonly cursor: string
  /** The answer was cut: ask again from this document, skipping `skip` of its entries. */
  readonly next?: string
  readonly skip?: number
  /** `since` was not known here: ask again without it (every shared document). */
  readonly resync?: true
}

/** Cursors an answerer remembers per asker (the newest ones). */
const CURSORS_PER_PEER = 8

/** One sync answer's size: below the transport's frame count and byte limits. */
export const SYNC_BATCH = 1000
export const SYNC_BYTES = 32 * 1024 * 1024
/** One push request: entries of many documents, below the transport's limits. */
export const PUSH_BATCH = 500
const PUSH_BYTES = 16 * 1024 * 1024
/** Push requests in flight to one peer: the peer verifies one while the next travels. */
const PUSH_PARALLEL = 2

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
/** A digest of a set of entry ids (order-free). */
export function idsDigest(ids: readonly string[]): string {
  return sha256Hex(encoder.encode([...ids].sort().join(','))).slice(0, 32)
}
/** Entries are XML (they start with '<'); the head of a version-2 answer is a JSON object. */
const isHead = (frame: Uint8Array | undefined): boolean => frame !== undefined && frame[0] === 0x7b

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
  /**
   * The audience of every stored document as its stored record has it, read from the store once
   * and then kept in step with every commit: sync decides what a peer may see from it without
   * decoding every record again.
   */
  #audiences: Promise<Map<string, readonly string[]>> | undefined
  /** This process's change counter: which documents changed since a given sync (in memory). */
  #seq = 0
  readonly #changedAt = new Map<string, number>()
  /**
   * Cursors handed to each asker: random tokens for our counter, so that a peer learns nothing
   * of how much changed here in documents it does not share.
   */
  readonly #cursors = new Map<string, Map<string, number>>()
  /** Per peer: our counter and the peer's cursor as of the last sync with it that completed. */
  readonly #synced = new Map<string, { local: number; cursor: string }>()
  /** Deliveries running, per peer; `again` when another was asked for meanwhile. */
  readonly #delivering = new Map<string, { again: boolean; done: Promise<void> }>()
  /**
   * Per peer: when its earliest outbox item falls due (ms since the epoch), as far as this
   * process knows (absent: not known, look in the store). Lets a tick or a change skip the peers
   * with nothing due instead of scanning every peer's outbox. `#dueVersion` counts the changes,
   * so that a look that raced with a new item never raises the time past it.
   */
  readonly #nextDue = new Map<string, number>()
  #dueVersion = 0

  /** Entries per sync answer (SYNC_BATCH; smaller in tests). */
  readonly #syncBatch: number

  constructor(opts: { country: string; store: Store; docs: DocumentCache; membership: Membership; events: ReplicationEvents; now?: () => string; syncBatch?: number }) {
    this.country = opts.country
    this.#syncBatch = opts.syncBatch ?? SYNC_BATCH
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

  #audienceIndex(): Promise<Map<string, readonly string[]>> {
    this.#audiences ??= (async () => {
      const m = new Map<string, readonly string[]>()
      for await (const r of this.#store.documents()) m.set(r.documentId, r.audience)
      return m
    })()
    // A failed read (the store closing) is tried again next time.
    this.#audiences.catch(() => { this.#audiences = undefined })
    return this.#audiences
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
    const refuse = (err: SisError, id?: string) => {
      result.refused.push({ ...(id === undefined ? {} : { id }), code: err.code, error: err })
      this.#events.refused(from, err)
    }
    // The id first: what is stored here already is answered as held without verifying it again
    // (a replay costs a hash and a key lookup, not a signature check).
    const unique = new Map<string, Uint8Array>()
    for (const bytes of bytesList) {
      const id = entryId(bytes)
      if (!unique.has(id)) unique.set(id, bytes)
    }
    const ids = [...unique.keys()]
    const heads = await this.#store.entryHeads(ids)
    const toRead: Uint8Array[] = []
    let audiences: Map<string, readonly string[]> | undefined
    for (let i = 0; i < ids.length; i++) {
      const h = heads[i]
      if (h === undefined) { toRead.push(unique.get(ids[i]!)!); continue }
      // The same rule as for an entry read fresh into a held document: only its audience writes.
      audiences ??= await this.#audienceIndex()
      if (!(audiences.get(h.documentId) ?? []).includes(h.author) && !isJoining(h.type)) refuse(outOfScope(), h.id)
      else result.held.push(h.id)
    }
    const byDoc = new Map<string, LogEntry[]>()
    for (const e of readEntries(toRead, this.#membership)) {
      if (isSisError(e)) { refuse(e); continue }
      const list = byDoc.get(e.documentId)
      if (list === undefined) byDoc.set(e.documentId, [e])
      else list.push(e)
    }
    const batches: CommitBatch[] = []
    const changed: LoadedDocument[] = []
    const accepted: string[] = []
    const now = this.#now()
    for (const [documentId, entries] of byDoc) {
      const doc = await this.#docs.get(documentId)
      const held = doc.log.size > 0
      const fresh: LogEntry[] = []
      const forked = new Set<string>()
      for (const e of entries) {
        // Of a document held here, only its audience writes (a diversion brings a new country
        // in). The refusal reads exactly as for a document not held: no existence leaks.
        if (held && !doc.audience.includes(e.author) && !isJoining(e.type)) { refuse(outOfScope(), e.id); continue }
        const r = doc.log.add(e)
        if (r.status === 'accepted') {
          for (const f of r.forks) for (const id of f.ids) forked.add(id)
          fresh.push(e, ...r.released.map((id) => doc.log.get(id) as LogEntry))
          for (const d of r.dropped) refuse(d.error, d.id)
        }
        // A duplicate of a pending entry is not held: a receipt must name only stored entries.
        else if (r.status === 'duplicate') (await this.#store.hasEntry(e.id) ? result.held : result.pending).push(e.id)
        else if (r.status === 'pending') result.pending.push(e.id)
        else refuse(r.error, e.id)
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
      batches.push({ entries: stored, document: recordOf(doc, now), outbox })
      changed.push(doc)
      accepted.push(...fresh.map((e) => e.id))
    }
    if (batches.length > 0) {
      try {
        // Every document of the call in one synced write (one fsync, not one per document).
        await this.#store.commitAll(batches)
      } catch (err) {
        // Nothing was written (one batch): forget the in-memory additions too, so nothing
        // unstored is ever acknowledged or chained onto.
        for (const doc of changed) this.#docs.evict(doc.log.documentId)
        throw err
      }
      for (const b of batches) for (const o of b.outbox ?? []) this.#dueAt(o.peer, Date.parse(o.nextAttemptAt))
      for (const doc of changed) {
        const id = doc.log.documentId
        // A load from the store that began before this write must not replace what was written.
        this.#docs.keep(doc)
        this.#changedAt.set(id, ++this.#seq)
        const audience = [...doc.audience]
        if (this.#audiences !== undefined) void this.#audiences.then((m) => m.set(id, audience), () => undefined)
      }
      result.accepted.push(...accepted)
      for (const doc of changed) this.#events.documentChanged(doc)
    }
    this.#events.received(from, result.accepted.length)
    return result
  }

  /**
   * Delivers to one peer (flush), at most one delivery per peer at a time. Asked while one runs,
   * it is not dropped: the running one goes round again when it ends, so an entry stored
   * meanwhile leaves at once, not at the next tick. Resolves when the peer's deliveries end;
   * rejects with the first failure (the failed items back off).
   */
  deliver(peer: string, send: Transport['request'], options: { force?: boolean } = {}): Promise<void> {
    const running = this.#delivering.get(peer)
    if (running !== undefined) {
      running.again = true
      return running.done
    }
    // Nothing due for this peer as far as this process knows: no need to look (force: look anyway).
    const due = this.#nextDue.get(peer)
    if (options.force !== true && due !== undefined && due > Date.parse(this.#now())) return Promise.resolve()
    const state = { again: false, done: Promise.resolve() }
    state.done = (async () => {
      try {
        do {
          state.again = false
          await this.flush(peer, send)
        } while (state.again)
      } finally {
        this.#delivering.delete(peer)
      }
    })()
    this.#delivering.set(peer, state)
    return state.done
  }

  /**
   * Delivers every due outbox item of one peer, many documents per request and a few requests
   * in flight, until none is due; returns how many were acknowledged. Stops at the first failure
   * (the failed items back off).
   */
  async flush(peer: string, send: Transport['request']): Promise<number> {
    let total = 0
    for (;;) {
      const window = PUSH_BATCH * PUSH_PARALLEL
      const version = this.#dueVersion
      const items = await this.#store.outbox(peer, this.#now(), window)
      if (items.length < window) {
        // Whatever is not due now falls due when its earliest item does (the outbox is in time order).
        const [first] = await this.#store.outbox(peer, '9999-12-31T23:59:59.999Z', items.length + 1)
          .then((all) => all.filter((o) => !items.some((i) => i.entryId === o.entryId)))
        if (version === this.#dueVersion) this.#nextDue.set(peer, first === undefined ? Infinity : Date.parse(first.nextAttemptAt))
      }
      if (items.length === 0) return total
      // All items of a document in one request, so that a peer never gets an entry before the
      // request carrying its parents (requests in flight may be taken in any order).
      const byDoc = new Map<string, OutboxItem[]>()
      for (const item of items) {
        const list = byDoc.get(item.documentId)
        if (list === undefined) byDoc.set(item.documentId, [item])
        else list.push(item)
      }
      const requests: OutboxItem[][] = []
      let current: OutboxItem[] = []
      for (const due of byDoc.values()) {
        if (current.length > 0 && current.length + due.length > PUSH_BATCH) { requests.push(current); current = [] }
        current.push(...due)
      }
      if (current.length > 0) requests.push(current)
      const results = await Promise.allSettled(requests.map((due) => this.#push(peer, due, send)))
      for (const r of results) {
        if (r.status === 'rejected') throw r.reason
        total += r.value
      }
      if (items.length < window) return total
    }
  }

  async #push(peer: string, due: OutboxItem[], send: Transport['request']): Promise<number> {
    try {
      const stored = await this.#store.getEntries(due.map((d) => d.entryId))
      const entries: Uint8Array[] = []
      let bytes = 0
      let sent = due
      for (let i = 0; i < stored.length; i++) {
        const e = stored[i]
        if (e === undefined) continue
        if (entries.length > 0 && bytes + e.bytes.length > PUSH_BYTES) { sent = due.slice(0, i); break }
        entries.push(e.bytes)
        bytes += e.bytes.length
      }
      const [receiptBytes] = await send(peer, 'push', entries, { timeoutMs: 30_000 })
      const receipt = readSignedMessage(receiptBytes ?? new Uint8Array(), this.#membership)
      if (receipt.type !== 'DeliveryReceipt' || receipt.message.Header.authorCountry !== peer) throw new SisError('SIG_INVALID', `the receipt from ${peer} is not its DeliveryReceipt`, {})
      const held = new Set(receipt.message.Receipt.EntryId)
      const done = sent.filter((d) => held.has(d.entryId)).map((d) => d.entryId)
      await this.#store.ackOutbox(peer, done, { peer, entryIds: done, bytes: receiptBytes!, receivedAt: this.#now() })
      // Items over the byte bound stay due and go in the next request; those the peer did not
      // take back off.
      const left = sent.filter((d) => !held.has(d.entryId))
      if (left.length > 0) await this.#retry(left)
      if (sent.length < due.length) this.#dueAt(peer, Date.parse(this.#now()))
      this.#events.delivered(peer, done.length)
      return done.length
    } catch (err) {
      await this.#retry(due)
      throw err
    }
  }

  async #retry(items: readonly OutboxItem[]): Promise<void> {
    const later = items.map((d) => backoff(d, this.#now()))
    await this.#store.retryOutbox(later)
    for (const o of later) this.#dueAt(o.peer, Date.parse(o.nextAttemptAt))
  }

  /** An item of `peer` falls due at `at`: the peer is looked at by then. */
  #dueAt(peer: string, at: number): void {
    this.#dueVersion++
    const known = this.#nextDue.get(peer)
    if (known !== undefined && at < known) this.#nextDue.set(peer, at)
  }

  /**
   * What this node answers a peer's sync: the entries of shared documents the peer does not hold
   * (by id, so both sides of an equivocation travel too), up to SYNC_BATCH entries and
   * SYNC_BYTES bytes. A version-2 answer starts with a head frame (our cursor, and where to go
   * on when the answer was cut); a version-1 asker asks again while answers come back full.
   */
  async answerSync(peer: string, request: SyncRequest): Promise<Frames> {
    const seq = this.#seq
    const audiences = await this.#audienceIndex()
    const listed = new Map(request.documents.map((d) => [d.id, d]))
    const issued = this.#cursors.get(peer) ?? new Map<string, number>()
    const since = request.v === 2 && request.since !== undefined ? issued.get(request.since) : undefined
    if (request.v === 2 && request.since !== undefined && since === undefined) return [json({ v: 2, cursor: '', resync: true } satisfies SyncHead)]
    const candidates: string[] = []
    const consider = (id: string) => {
      // Only documents whose audience includes the asker, whether it names them or not (THREATS 19).
      if (!(audiences.get(id) ?? []).includes(peer)) return
      if (request.from !== undefined && id < request.from) return
      candidates.push(id)
    }
    if (since === undefined) for (const id of audiences.keys()) consider(id)
    else {
      const ids = new Set(listed.keys())
      for (const [id, at] of this.#changedAt) if (at > since) ids.add(id)
      for (const id of ids) consider(id)
    }
    candidates.sort()
    const out: Uint8Array[] = []
    let bytes = 0
    let next: string | undefined
    let skip = 0
    for (const documentId of candidates) {
      const ids = await this.#store.entryIdsOf(documentId)
      const asked = listed.get(documentId)
      let missing: string[]
      if (asked?.have !== undefined) {
        const have = new Set(asked.have)
        missing = ids.filter((id) => !have.has(id))
      } else missing = asked?.digest !== undefined && asked.digest === idsDigest(ids) ? [] : ids
      const skipped = documentId === request.from ? request.skip ?? 0 : 0
      missing = missing.slice(skipped)
      if (missing.length === 0) continue
      // A version-2 answer is cut between documents where it can (the next round starts at one).
      if (request.v === 2 && out.length > 0 && out.length + missing.length > this.#syncBatch) { next = documentId; break }
      const found = await this.#store.getEntries(missing)
      let cut = -1
      for (let i = 0; i < found.length; i++) {
        const e = found[i]
        if (e === undefined) continue
        if (out.length >= this.#syncBatch || bytes + e.bytes.length > SYNC_BYTES) { cut = i; break }
        out.push(e.bytes)
        bytes += e.bytes.length
      }
      // Cut inside a document (one bigger than an answer): the next round goes on inside it.
      if (cut >= 0) { next = documentId; skip = skipped + cut; break }
    }
    if (request.v !== 2) return out
    // Only the first round of an exchange hands out a cursor: it is the one the asker keeps.
    const rest = next === undefined ? {} : { next, ...(skip === 0 ? {} : { skip }) }
    if (request.from !== undefined) return [json({ v: 2, cursor: '', ...rest } satisfies SyncHead), ...out]
    const cursor = randomUUID()
    issued.set(cursor, seq)
    // The oldest first out: an asker only ever uses the cursor of its last completed sync.
    for (const old of issued.keys()) if (issued.size > CURSORS_PER_PEER) issued.delete(old)
    this.#cursors.set(peer, issued)
    const head: SyncHead = { v: 2, cursor, ...rest }
    return [json(head), ...out]
  }

  /** A version-1 sync request (every shared document with its ids): for tests and old peers. */
  async syncRequest(peer: string): Promise<Uint8Array> {
    const audiences = await this.#audienceIndex()
    const documents: SyncDocument[] = []
    for (const [id, audience] of [...audiences].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (audience.includes(peer)) documents.push({ id, have: await this.#store.entryIdsOf(id) })
    }
    return json({ documents })
  }

  parseSync(frame: Uint8Array | undefined): SyncRequest {
    const r = parse<SyncRequest>(frame)
    const ok = Array.isArray(r.documents) && r.documents.every((d) => typeof d.id === 'string' && (d.have === undefined ? typeof d.digest === 'string' : Array.isArray(d.have)))
      && (r.v === undefined || r.v === 2) && (r.since === undefined || typeof r.since === 'string') && (r.from === undefined || typeof r.from === 'string') && (r.skip === undefined || (Number.isSafeInteger(r.skip) && r.skip >= 0))
    if (!ok) throw new SisError('MSG_INVALID_VALUE', 'sync: malformed request', {})
    return r
  }

  /**
   * Pulls from one peer what this node lacks of the documents they share. `full`: every shared
   * document, by digests (on connecting, and now and then); otherwise only documents this node
   * changed since the last completed sync with the peer (with their ids) and those the peer
   * changed since its cursor. Rounds are pipelined: the next round is asked for while this
   * one's entries are verified. Returns the entries accepted.
   */
  async sync(peer: string, send: Transport['request'], options: { full: boolean }): Promise<number> {
    const last = options.full ? undefined : this.#synced.get(peer)
    if (last !== undefined) {
      const r = await this.#syncRounds(peer, send, last)
      if (r !== 'resync') return r
    }
    const r = await this.#syncRounds(peer, send, undefined)
    return r === 'resync' ? 0 : r
  }

  async #syncRounds(peer: string, send: Transport['request'], last: { local: number; cursor: string } | undefined): Promise<number | 'resync'> {
    const local = this.#seq
    const audiences = await this.#audienceIndex()
    const documents: SyncDocument[] = []
    if (last === undefined) {
      for (const [id, audience] of audiences) if (audience.includes(peer)) documents.push({ id, digest: idsDigest(await this.#store.entryIdsOf(id)) })
    } else {
      for (const [id, at] of this.#changedAt) if (at > last.local && (audiences.get(id) ?? []).includes(peer)) documents.push({ id, have: await this.#store.entryIdsOf(id) })
    }
    documents.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    const ask = (from: string | undefined, skip: number | undefined) => {
      // Documents before `from` were answered already: the later rounds leave them out.
      const rest = from === undefined ? documents : documents.filter((d) => d.id >= from)
      const request: SyncRequest = { v: 2, documents: rest, ...(last === undefined ? {} : { since: last.cursor }), ...(from === undefined ? {} : { from }), ...(skip === undefined ? {} : { skip }) }
      return send(peer, 'sync', [json(request)], { timeoutMs: 30_000 })
    }
    let accepted = 0
    let complete = true
    let cursor: string | undefined
    let answer = ask(undefined, undefined)
    // Every round must bring entries: a peer cannot keep this node asking for nothing.
    for (let round = 0; ; round++) {
      const frames = await answer
      if (!isHead(frames[0])) {
        // A peer of the first version: entries only; the periodic sync asks again.
        if (frames.length > 0) accepted += (await this.ingest(frames, peer)).accepted.length
        return accepted
      }
      const head = parse<SyncHead>(frames[0])
      if (head.resync === true) return 'resync'
      if (typeof head.cursor !== 'string' || (head.next !== undefined && typeof head.next !== 'string') || (head.skip !== undefined && !Number.isSafeInteger(head.skip))) throw new SisError('MSG_INVALID_VALUE', 'sync: malformed answer', {})
      // The first answer's cursor: what the peer changed during later rounds comes next time.
      cursor ??= head.cursor
      if (head.next !== undefined && (frames.length === 1 || round >= 100_000)) throw new SisError('MSG_INVALID_VALUE', 'sync: an answer cut with nothing in it', {})
      // The next round travels while this one is verified.
      if (head.next !== undefined) {
        answer = ask(head.next, head.skip)
        answer.catch(() => undefined)
      }
      if (frames.length > 1) {
        const r = await this.ingest(frames.slice(1), peer)
        accepted += r.accepted.length
        // Entries left waiting for parents: this sync did not close the gap, so the next one
        // must not start after it.
        if (r.pending.length > 0) complete = false
      }
      if (head.next === undefined) break
    }
    if (complete && cursor !== undefined && cursor !== '') this.#synced.set(peer, { local, cursor })
    return accepted
  }
}

/** Exponential backoff with a cap: 1 s, 2 s, 4 s ... 5 min. */
function backoff(item: OutboxItem, now: string): OutboxItem {
  const attempts = item.attempts + 1
  const delay = Math.min(300_000, 1000 * 2 ** Math.min(attempts - 1, 9))
  return { ...item, attempts, nextAttemptAt: new Date(Date.parse(now) + delay).toISOString() }
}
