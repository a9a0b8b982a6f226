/**
 * Outbox delivery (`/carec-sis/push/1.0.0`): a worker per peer sends the due outbox items, the
 * entries of many documents per request and a few requests in flight, checks the peer's signed
 * DeliveryReceipt, stores it as proof of delivery and clears what it names; what failed or was
 * not taken backs off exponentially (1 s doubling to 5 min).
 */
import { SisError } from '../../protocol/errors.ts'
import { readSignedMessage } from '../../protocol/log/index.ts'
import type { Membership } from '../../protocol/membership/index.ts'
import type { EntrySlice, OutboxItem, OutboxSlice } from '../storage/types.ts'
import type { ReplicationEvents, Transport } from './types.ts'

/** One push request: entries of many documents, below the transport's limits. */
export const PUSH_BATCH = 500
const PUSH_BYTES = 16 * 1024 * 1024
/** Push requests in flight to one peer: the peer verifies one while the next travels. */
const PUSH_PARALLEL = 2

export interface OutboxOptions {
  readonly store: Pick<EntrySlice, 'getEntries'> & Pick<OutboxSlice, 'outbox' | 'retryOutbox' | 'ackOutbox'>
  /** The membership in force: a receipt is checked against its pinned keys. */
  readonly membership: () => Membership
  readonly events: Pick<ReplicationEvents, 'delivered'>
  readonly now: () => string
}

export class Outbox {
  readonly #o: OutboxOptions
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

  constructor(options: OutboxOptions) {
    this.#o = options
  }

  /** Items were just stored in the outbox (intake): their peers are looked at when they fall due. */
  queued(items: readonly OutboxItem[]): void {
    for (const o of items) this.#dueAt(o.peer, Date.parse(o.nextAttemptAt))
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
    if (options.force !== true && due !== undefined && due > Date.parse(this.#o.now())) return Promise.resolve()
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
    const { store } = this.#o
    let total = 0
    for (;;) {
      const window = PUSH_BATCH * PUSH_PARALLEL
      const version = this.#dueVersion
      const items = await store.outbox(peer, this.#o.now(), window)
      if (items.length < window) {
        // Whatever is not due now falls due when its earliest item does (the outbox is in time order).
        const [first] = await store
          .outbox(peer, '9999-12-31T23:59:59.999Z', items.length + 1)
          .then((all) => all.filter((o) => !items.some((i) => i.entryId === o.entryId)))
        if (version === this.#dueVersion)
          this.#nextDue.set(peer, first === undefined ? Infinity : Date.parse(first.nextAttemptAt))
      }
      if (items.length === 0) return total
      const results = await Promise.allSettled(requestsOf(items).map((due) => this.#push(peer, due, send)))
      for (const r of results) {
        if (r.status === 'rejected') throw r.reason
        total += r.value
      }
      if (items.length < window) return total
    }
  }

  async #push(peer: string, due: OutboxItem[], send: Transport['request']): Promise<number> {
    const { store } = this.#o
    try {
      const stored = await store.getEntries(due.map((d) => d.entryId))
      const entries: Uint8Array[] = []
      let bytes = 0
      let sent = due
      for (let i = 0; i < stored.length; i++) {
        const e = stored[i]
        if (e === undefined) continue
        if (entries.length > 0 && bytes + e.bytes.length > PUSH_BYTES) {
          sent = due.slice(0, i)
          break
        }
        entries.push(e.bytes)
        bytes += e.bytes.length
      }
      const [receiptBytes] = await send(peer, 'push', entries, { timeoutMs: 30_000 })
      const receipt = readSignedMessage(receiptBytes ?? new Uint8Array(), this.#o.membership())
      if (receipt.type !== 'DeliveryReceipt' || receipt.message.Header.authorCountry !== peer)
        throw new SisError('SIG_INVALID', `the receipt from ${peer} is not its DeliveryReceipt`, {})
      const held = new Set(receipt.message.Receipt.EntryId)
      const done = sent.filter((d) => held.has(d.entryId)).map((d) => d.entryId)
      // A receipt is kept as the proof of what it delivered: one naming nothing sent proves nothing.
      if (done.length > 0)
        await store.ackOutbox(peer, done, { peer, entryIds: done, bytes: receiptBytes!, receivedAt: this.#o.now() })
      // Items over the byte bound stay due and go in the next request; those the peer did not
      // take back off.
      const left = sent.filter((d) => !held.has(d.entryId))
      if (left.length > 0) await this.#retry(left)
      if (sent.length < due.length) this.#dueAt(peer, Date.parse(this.#o.now()))
      this.#o.events.delivered(peer, done.length)
      return done.length
    } catch (err) {
      await this.#retry(due)
      throw err
    }
  }

  async #retry(items: readonly OutboxItem[]): Promise<void> {
    const later = items.map((d) => backoff(d, this.#o.now()))
    await this.#o.store.retryOutbox(later)
    for (const o of later) this.#dueAt(o.peer, Date.parse(o.nextAttemptAt))
  }

  /** An item of `peer` falls due at `at`: the peer is looked at by then. */
  #dueAt(peer: string, at: number): void {
    this.#dueVersion++
    const known = this.#nextDue.get(peer)
    if (known !== undefined && at < known) this.#nextDue.set(peer, at)
  }
}

/**
 * Due items cut into push requests of at most PUSH_BATCH entries (a larger document alone in
 * one). All items of a document in one request, so that a peer never gets an entry before the
 * request carrying its parents (requests in flight may be taken in any order).
 */
function requestsOf(items: readonly OutboxItem[]): OutboxItem[][] {
  const byDoc = new Map<string, OutboxItem[]>()
  for (const item of items) {
    const list = byDoc.get(item.documentId)
    if (list === undefined) byDoc.set(item.documentId, [item])
    else list.push(item)
  }
  const requests: OutboxItem[][] = []
  let current: OutboxItem[] = []
  for (const due of byDoc.values()) {
    if (current.length > 0 && current.length + due.length > PUSH_BATCH) {
      requests.push(current)
      current = []
    }
    current.push(...due)
  }
  if (current.length > 0) requests.push(current)
  return requests
}

/** Exponential backoff with a cap: 1 s, 2 s, 4 s ... 5 min. */
function backoff(item: OutboxItem, now: string): OutboxItem {
  const attempts = item.attempts + 1
  const delay = Math.min(300_000, 1000 * 2 ** Math.min(attempts - 1, 9))
  return { ...item, attempts, nextAttemptAt: new Date(Date.parse(now) + delay).toISOString() }
}
