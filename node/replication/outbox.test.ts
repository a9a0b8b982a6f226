/**
 * Outbox delivery: many documents per push request, a delivery asked for while one runs, peers
 * with nothing due left alone, the retry backoff, and what a receipt clears.
 */
import { describe, expect, it } from 'vitest'
import { allocateMrn } from '../../protocol/codes/index.ts'
import { transitLifecycle } from '../../protocol/testing/scenario.ts'
import type { Frames } from './types.ts'
import { documentsLike, LATER, NOW, nodeOf, pushTo, receipt, upTo } from './testing/harness.ts'

const { writer, e } = transitLifecycle()
const released = upTo(writer, e.released!)
/** Transits of their own MRNs, written by CN up to their release. */
const transit = documentsLike(released, (n) =>
  allocateMrn({ year: 2026, country: 'CN', serial: `ZZOUTB${n}`, procedure: 'J' }),
)
const n = released.length

describe('outbox delivery', () => {
  it('one push request carries the due entries of many documents, and the outbox drains', async () => {
    const cn = await nodeOf('CN')
    const kz = await nodeOf('KZ')
    const docs = [transit(4), transit(5), transit(6)]
    for (const d of docs) await cn.replicator.ingest(d.entries.map((w) => w.bytes))
    const requests: Frames[] = []
    expect(await cn.replicator.flush('KZ', pushTo(kz, 'KZ', requests))).toBe(3 * n)
    expect(requests.map((f) => f.length)).toEqual([3 * n])
    expect(await cn.store.outbox('KZ', LATER)).toEqual([])
    expect(await cn.store.receipts('KZ')).toHaveLength(1)
    // UZ's items wait for UZ.
    expect(await cn.store.outbox('UZ', LATER)).toHaveLength(3 * n)
  })

  it('a delivery asked for while one runs is not dropped: it runs as soon as the first ends', async () => {
    const cn = await nodeOf('CN')
    const kz = await nodeOf('KZ')
    const [a, b] = [transit(7), transit(8)]
    await cn.replicator.ingest(a.entries.map((w) => w.bytes))
    const requests: Frames[] = []
    const deliver = pushTo(kz, 'KZ', requests)
    let open: () => void = () => undefined
    const gate = new Promise<void>((resolve) => {
      open = resolve
    })
    const send = async (peer: string, name: string, frames: Frames) => {
      if (requests.length === 0) await gate
      return deliver(peer, name, frames)
    }
    const running = cn.replicator.deliver('KZ', send)
    await new Promise((r) => setTimeout(r, 10))
    // B is stored while A's delivery is on the wire; its delivery is asked for then.
    await cn.replicator.ingest(b.entries.map((w) => w.bytes))
    const asked = cn.replicator.deliver('KZ', send)
    open()
    await Promise.all([running, asked])
    expect(requests.map((f) => f.length)).toEqual([n, n])
    expect(await cn.store.outbox('KZ', LATER)).toEqual([])
  })

  it('a delivery to a peer with nothing due does not look at the store; a new entry or a due retry does', async () => {
    const cn = await nodeOf('CN')
    const kz = await nodeOf('KZ')
    const requests: Frames[] = []
    const ok = pushTo(kz, 'KZ', requests)
    await cn.replicator.ingest(transit(26).entries.map((w) => w.bytes))
    await cn.replicator.deliver('KZ', ok)
    expect(requests).toHaveLength(1)
    const reads = cn.store.outboxReads
    await cn.replicator.deliver('KZ', ok)
    expect(cn.store.outboxReads).toBe(reads)
    await cn.replicator.ingest(transit(27).entries.map((w) => w.bytes))
    await cn.replicator.deliver('KZ', ok)
    expect(requests.map((f) => f.length)).toEqual([n, n])
    // A failed push backs off: nothing is due until then, so nothing is looked at or sent.
    await cn.replicator.ingest(transit(28).entries.map((w) => w.bytes))
    await expect(cn.replicator.deliver('KZ', () => Promise.reject(new Error('unreachable')))).rejects.toThrow(
      'unreachable',
    )
    const after = cn.store.outboxReads
    await cn.replicator.deliver('KZ', ok)
    expect(cn.store.outboxReads).toBe(after)
    // Forced (an operator's retry, the periodic look): the store is read, the backing-off items stay.
    await cn.replicator.deliver('KZ', ok, { force: true })
    expect(cn.store.outboxReads).toBeGreaterThan(after)
    expect(requests).toHaveLength(2)
    expect(await cn.store.outbox('KZ', LATER)).toHaveLength(n)
  })
})

describe('outbox retries and receipts', () => {
  it('a failed push backs off 1 s, 2 s, 4 s ... up to 5 min, and is not tried before it is due', async () => {
    let now = Date.parse(NOW)
    const cn = await nodeOf('CN', { now: () => new Date(now).toISOString() })
    await cn.replicator.ingest(transit(40).entries.map((w) => w.bytes))
    let sent = 0
    const failing = () => {
      sent++
      return Promise.reject(new Error('unreachable'))
    }
    const delays: number[] = []
    for (let attempt = 1; attempt <= 12; attempt++) {
      await expect(cn.replicator.deliver('KZ', failing)).rejects.toThrow('unreachable')
      const items = await cn.store.outbox('KZ', LATER)
      expect(items.map((o) => o.attempts)).toEqual(Array(n).fill(attempt))
      const due = Date.parse(items[0]!.nextAttemptAt)
      delays.push(due - now)
      // Just before it is due, nothing is sent.
      now = due - 1
      await cn.replicator.deliver('KZ', failing)
      expect(sent).toBe(attempt)
      now = due
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300].map((s) => s * 1000))
  })

  it('a receipt clears the items it names and is kept as proof; the others back off', async () => {
    const cn = await nodeOf('CN')
    const a = transit(41)
    await cn.replicator.ingest(a.entries.map((w) => w.bytes))
    const [taken, ...left] = a.entries
    const partial = async (): Promise<Frames> => [receipt('KZ', 'CN', [taken!.id], a.documentId)]
    expect(await cn.replicator.flush('KZ', partial)).toBe(1)
    const items = await cn.store.outbox('KZ', LATER)
    expect(items.map((o) => o.entryId).sort()).toEqual(left.map((w) => w.id).sort())
    expect(items.map((o) => o.attempts)).toEqual(left.map(() => 1))
    const receipts = await cn.store.receipts('KZ')
    expect(receipts.map((r) => r.entryIds)).toEqual([[taken!.id]])
  })

  it('a receipt signed by another country than the peer clears nothing', async () => {
    const cn = await nodeOf('CN')
    const a = transit(42)
    await cn.replicator.ingest(a.entries.map((w) => w.bytes))
    const ids = a.entries.map((w) => w.id)
    const wrong = async (): Promise<Frames> => [receipt('UZ', 'CN', ids, a.documentId)]
    await expect(cn.replicator.flush('KZ', wrong)).rejects.toMatchObject({ code: 'SIG_INVALID' })
    expect((await cn.store.outbox('KZ', LATER)).map((o) => o.attempts)).toEqual(ids.map(() => 1))
    expect(await cn.store.receipts('KZ')).toEqual([])
  })
})
