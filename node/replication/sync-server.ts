/**
 * The sync server (`/carec-sis/sync/1.0.0`, answering side): what this node answers a peer's
 * sync request. The entries of shared documents the peer does not hold, by id (so both sides of
 * an equivocation travel too), only of documents whose audience includes the asker, whether it
 * names them or not (THREATS 19); an answer is cut at SYNC_BATCH entries or SYNC_BYTES bytes,
 * and a version-2 answer starts with a head frame: a cursor for the asker's next delta sync,
 * and where to go on when the answer was cut.
 */
import { randomUUID } from 'node:crypto'
import { SisError } from '../../protocol/errors.ts'
import type { EntrySlice } from '../storage/types.ts'
import type { ChangeFeed } from './changes.ts'
import { idsDigest, json, parse } from './types.ts'
import type { Frames, SyncHead, SyncRequest } from './types.ts'

/** Cursors an answerer remembers per asker (the newest ones). */
const CURSORS_PER_PEER = 8

/** One sync answer's size: below the transport's frame count and byte limits. */
export const SYNC_BATCH = 1000
export const SYNC_BYTES = 32 * 1024 * 1024

/** A sync request frame, its shape checked; a malformed one is refused (the handler fails). */
export function parseSync(frame: Uint8Array | undefined): SyncRequest {
  const r = parse<SyncRequest>(frame)
  const ok =
    Array.isArray(r.documents) &&
    r.documents.every(
      (d) => typeof d.id === 'string' && (d.have === undefined ? typeof d.digest === 'string' : Array.isArray(d.have)),
    ) &&
    (r.v === undefined || r.v === 2) &&
    (r.since === undefined || typeof r.since === 'string') &&
    (r.from === undefined || typeof r.from === 'string') &&
    (r.skip === undefined || (Number.isSafeInteger(r.skip) && r.skip >= 0))
  if (!ok) throw new SisError('MSG_INVALID_VALUE', 'sync: malformed request', {})
  return r
}

export class SyncServer {
  readonly #store: Pick<EntrySlice, 'entryIdsOf' | 'getEntries'>
  readonly #feed: ChangeFeed
  /** Entries per answer (SYNC_BATCH; smaller in tests). */
  readonly #batch: number
  /**
   * Cursors handed to each asker: random tokens for our counter, so that a peer learns nothing
   * of how much changed here in documents it does not share.
   */
  readonly #cursors = new Map<string, Map<string, number>>()

  constructor(opts: { store: Pick<EntrySlice, 'entryIdsOf' | 'getEntries'>; feed: ChangeFeed; batch?: number }) {
    this.#store = opts.store
    this.#feed = opts.feed
    this.#batch = opts.batch ?? SYNC_BATCH
  }

  /** The answer to `peer`'s request: a version-1 asker gets entries only and asks again while answers come back full. */
  async answer(peer: string, request: SyncRequest): Promise<Frames> {
    const seq = this.#feed.seq
    const audiences = await this.#feed.audiences()
    const listed = new Map(request.documents.map((d) => [d.id, d]))
    const issued = this.#cursors.get(peer) ?? new Map<string, number>()
    const since = request.v === 2 && request.since !== undefined ? issued.get(request.since) : undefined
    if (request.v === 2 && request.since !== undefined && since === undefined)
      return [json({ v: 2, cursor: '', resync: true } satisfies SyncHead)]
    const candidates: string[] = []
    let before = 0
    const consider = (id: string) => {
      // Only documents whose audience includes the asker, whether it names them or not (THREATS 19).
      if (!(audiences.get(id) ?? []).includes(peer)) return
      if (request.from !== undefined && id < request.from) {
        // Answered in earlier rounds of this exchange: counted for the progress figures only.
        before++
        return
      }
      candidates.push(id)
    }
    if (since === undefined) for (const id of audiences.keys()) consider(id)
    else {
      const ids = new Set(listed.keys())
      for (const id of this.#feed.changedAfter(since)) ids.add(id)
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
      const skipped = documentId === request.from ? (request.skip ?? 0) : 0
      missing = missing.slice(skipped)
      if (missing.length === 0) continue
      // A version-2 answer is cut between documents where it can (the next round starts at one).
      if (request.v === 2 && out.length > 0 && out.length + missing.length > this.#batch) {
        next = documentId
        break
      }
      const found = await this.#store.getEntries(missing)
      let cut = -1
      for (let i = 0; i < found.length; i++) {
        const e = found[i]
        if (e === undefined) continue
        if (out.length >= this.#batch || bytes + e.bytes.length > SYNC_BYTES) {
          cut = i
          break
        }
        out.push(e.bytes)
        bytes += e.bytes.length
      }
      // Cut inside a document (one bigger than an answer): the next round goes on inside it.
      if (cut >= 0) {
        next = documentId
        skip = skipped + cut
        break
      }
    }
    if (request.v !== 2) return out
    // Only the first round of an exchange hands out a cursor: it is the one the asker keeps.
    const rest =
      next === undefined
        ? {}
        : {
            next,
            ...(skip === 0 ? {} : { skip }),
            total: before + candidates.length,
            left: candidates.length - candidates.indexOf(next),
          }
    if (request.from !== undefined) return [json({ v: 2, cursor: '', ...rest } satisfies SyncHead), ...out]
    const cursor = randomUUID()
    issued.set(cursor, seq)
    // The oldest first out: an asker only ever uses the cursor of its last completed sync.
    for (const old of issued.keys()) if (issued.size > CURSORS_PER_PEER) issued.delete(old)
    this.#cursors.set(peer, issued)
    const head: SyncHead = { v: 2, cursor, ...rest }
    return [json(head), ...out]
  }
}
