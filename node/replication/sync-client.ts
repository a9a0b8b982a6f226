/**
 * The sync client (`/carec-sis/sync/1.0.0`, asking side): pulls from one peer what this node
 * lacks of the documents they share. A full sync sends a digest per shared document (on
 * connecting, and now and then); a delta sync lists only the documents this node changed since
 * the last completed sync with the peer, with their ids, and the peer's cursor of it. Rounds are
 * pipelined: the next round is asked for while this one's entries are verified.
 */
import { SisError } from '../../protocol/errors.ts'
import type { EntrySlice } from '../storage/types.ts'
import type { ChangeFeed } from './changes.ts'
import { idsDigest, isHead, json, parse } from './types.ts'
import type { CatchUpProgress, Frames, IngestResult, SyncDocument, SyncHead, SyncRequest, Transport } from './types.ts'

/** Where the last completed sync with a peer left off: our counter, and the peer's cursor. */
interface Synced {
  readonly local: number
  readonly cursor: string
}

export class SyncClient {
  readonly #store: Pick<EntrySlice, 'entryIdsOf'>
  readonly #feed: ChangeFeed
  /** Verifies and stores what a peer answered (Replicator.ingest: queued with every other write). */
  readonly #ingest: (frames: Frames, from: string) => Promise<IngestResult>
  /** Per peer: our counter and the peer's cursor as of the last sync with it that completed. */
  readonly #synced = new Map<string, Synced>()
  readonly #progress: ((peer: string, p: CatchUpProgress) => void) | undefined

  constructor(opts: {
    store: Pick<EntrySlice, 'entryIdsOf'>
    feed: ChangeFeed
    ingest: (frames: Frames, from: string) => Promise<IngestResult>
    /** Called after each round of an exchange the peer cut into several (a catch-up). */
    progress?: (peer: string, p: CatchUpProgress) => void
  }) {
    this.#store = opts.store
    this.#feed = opts.feed
    this.#ingest = opts.ingest
    this.#progress = opts.progress
  }

  /**
   * `full`: every shared document, by digests; otherwise only documents this node changed since
   * the last completed sync with the peer (with their ids) and those the peer changed since its
   * cursor. Returns the entries accepted.
   */
  async sync(peer: string, send: Transport['request'], options: { full: boolean }): Promise<number> {
    const last = options.full ? undefined : this.#synced.get(peer)
    if (last !== undefined) {
      const r = await this.#rounds(peer, send, last)
      if (r !== 'resync') return r
    }
    const r = await this.#rounds(peer, send, undefined)
    return r === 'resync' ? 0 : r
  }

  /** A version-1 sync request (every shared document with its ids): for tests and old peers. */
  async request(peer: string): Promise<Uint8Array> {
    const audiences = await this.#feed.audiences()
    const documents: SyncDocument[] = []
    for (const [id, audience] of [...audiences].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (audience.includes(peer)) documents.push({ id, have: await this.#store.entryIdsOf(id) })
    }
    return json({ documents })
  }

  async #rounds(peer: string, send: Transport['request'], last: Synced | undefined): Promise<number | 'resync'> {
    const local = this.#feed.seq
    const audiences = await this.#feed.audiences()
    const documents: SyncDocument[] = []
    if (last === undefined) {
      for (const [id, audience] of audiences)
        if (audience.includes(peer)) documents.push({ id, digest: idsDigest(await this.#store.entryIdsOf(id)) })
    } else {
      for (const id of this.#feed.changedAfter(last.local))
        if ((audiences.get(id) ?? []).includes(peer)) documents.push({ id, have: await this.#store.entryIdsOf(id) })
    }
    documents.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    const ask = (from: string | undefined, skip: number | undefined) => {
      // Documents before `from` were answered already: the later rounds leave them out.
      const rest = from === undefined ? documents : documents.filter((d) => d.id >= from)
      const request: SyncRequest = {
        v: 2,
        documents: rest,
        ...(last === undefined ? {} : { since: last.cursor }),
        ...(from === undefined ? {} : { from }),
        ...(skip === undefined ? {} : { skip }),
      }
      return send(peer, 'sync', [json(request)], { timeoutMs: 30_000 })
    }
    let accepted = 0
    let complete = true
    let cursor: string | undefined
    let total = 0
    let answer = ask(undefined, undefined)
    // Every round must bring entries: a peer cannot keep this node asking for nothing.
    for (let round = 0; ; round++) {
      const frames = await answer
      if (!isHead(frames[0])) {
        // A peer of the first version: entries only; the periodic sync asks again.
        if (frames.length > 0) accepted += (await this.#ingest(frames, peer)).accepted.length
        return accepted
      }
      const head = parse<SyncHead>(frames[0])
      if (head.resync === true) return 'resync'
      if (
        typeof head.cursor !== 'string' ||
        (head.next !== undefined && typeof head.next !== 'string') ||
        (head.skip !== undefined && !Number.isSafeInteger(head.skip)) ||
        (head.total !== undefined && !Number.isSafeInteger(head.total)) ||
        (head.left !== undefined && !Number.isSafeInteger(head.left))
      )
        throw new SisError('MSG_INVALID_VALUE', 'sync: malformed answer', {})
      // The first answer's cursor: what the peer changed during later rounds comes next time.
      cursor ??= head.cursor
      if (head.next !== undefined && (frames.length === 1 || round >= 100_000))
        throw new SisError('MSG_INVALID_VALUE', 'sync: an answer cut with nothing in it', {})
      // The next round travels while this one is verified.
      if (head.next !== undefined) {
        answer = ask(head.next, head.skip)
        answer.catch(() => undefined)
      }
      if (frames.length > 1) {
        const r = await this.#ingest(frames.slice(1), peer)
        accepted += r.accepted.length
        // Entries left waiting for parents: this sync did not close the gap, so the next one
        // must not start after it.
        if (r.pending.length > 0) complete = false
      }
      if (head.total !== undefined) total = Math.max(total, head.total)
      if (total > 0)
        this.#progress?.(peer, {
          entries: accepted,
          documentsTotal: total,
          documentsDone: head.next === undefined ? total : Math.max(0, total - (head.left ?? total)),
          done: head.next === undefined,
        })
      if (head.next === undefined) break
    }
    if (complete && cursor !== undefined && cursor !== '') this.#synced.set(peer, { local, cursor })
    return accepted
  }
}
