/**
 * The sync client: full and delta syncs in pipelined rounds, a document bigger than an answer, a
 * restarted answerer, peers of the first version, equivocations, and answers it refuses.
 */
import { describe, expect, it } from 'vitest'
import { allocateMrn } from '../../protocol/codes/index.ts'
import { exampleMessage, EXAMPLE_CONTEXT } from '../../protocol/messages/index.ts'
import { transitLifecycle } from '../../protocol/testing/scenario.ts'
import { json } from './types.ts'
import type { Frames, SyncRequest } from './types.ts'
import { CountingStore, documentsLike, nodeOf, syncWith, upTo } from './testing/harness.ts'

const { writer, e } = transitLifecycle()
const first = upTo(writer, e.passageKZ!)
const released = upTo(writer, e.released!)
/** Transits of their own MRNs, written by CN up to their release. */
const transit = documentsLike(released, (n) =>
  allocateMrn({ year: 2026, country: 'CN', serial: `ZZSYNC${n}`, procedure: 'J' }),
)
const n = released.length

describe('sync client', () => {
  it('both sides of an equivocation travel by sync, so route nodes converge (finding 5)', async () => {
    const kz = await nodeOf('KZ')
    const uz = await nodeOf('UZ')
    const other = writer.write('InvalidationRequested', 'CN', exampleMessage('InvalidationRequested'), {
      seq: e.accepted!.seq,
      previous: e.lodged!.id,
      parents: [e.lodged!.id],
      auth: [e.lodged!.id],
    })
    await kz.replicator.ingest([e.lodged!.bytes, e.accepted!.bytes], 'CN')
    await uz.replicator.ingest([e.lodged!.bytes, other.bytes], 'CN')
    await uz.replicator.ingest(
      await kz.replicator.answerSync('UZ', uz.replicator.parseSync(await uz.replicator.syncRequest('KZ'))),
      'KZ',
    )
    await kz.replicator.ingest(
      await uz.replicator.answerSync('KZ', kz.replicator.parseSync(await kz.replicator.syncRequest('UZ'))),
      'UZ',
    )
    const [a, b] = [await kz.store.getDocument(EXAMPLE_CONTEXT.mrn), await uz.store.getDocument(EXAMPLE_CONTEXT.mrn)]
    expect(a?.stateHash).toBe(b?.stateHash)
    expect((a?.state as { forks: unknown[] }).forks).toHaveLength(1)
  })

  it('a full sync pulls everything in pipelined rounds, then a delta sync asks only for what changed', async () => {
    const cn = await nodeOf('CN', { syncBatch: n + 1 })
    const kz = await nodeOf('KZ')
    const docs = [transit(9), transit(10), transit(11)]
    for (const d of docs) await cn.replicator.ingest(d.entries.map((w) => w.bytes))
    const requests: SyncRequest[] = []
    expect(await kz.replicator.sync('CN', syncWith(cn, 'KZ', requests), { full: true })).toBe(3 * n)
    // Whole documents per round where they fit: 3 rounds of one document each.
    expect(requests).toHaveLength(3)
    // Progress of the catch-up, round by round: shared documents answered of the total.
    expect(kz.progress.map((p) => [p.documentsDone, p.documentsTotal, p.entries, p.done])).toEqual([
      [1, 3, n, false],
      [2, 3, 2 * n, false],
      [3, 3, 3 * n, true],
    ])
    expect(requests[0]!.documents).toEqual([])
    for (const d of docs) expect((await kz.store.getDocument(d.documentId))?.status).toBe('released')
    // Nothing changed: the delta round lists KZ's own changes (what it just took) and gets nothing.
    requests.length = 0
    expect(await kz.replicator.sync('CN', syncWith(cn, 'KZ', requests), { full: false })).toBe(0)
    expect(requests).toHaveLength(1)
    expect(requests[0]!.since).toBeTypeOf('string')
    expect(requests[0]!.documents.map((d) => d.id)).toEqual(docs.map((d) => d.documentId).sort())
    // CN's new document: the next delta brings exactly it.
    const more = transit(12)
    await cn.replicator.ingest(more.entries.map((w) => w.bytes))
    const answers: number[] = []
    const counting = async (peer: string, name: string, frames: Frames) => {
      const r = await syncWith(cn, 'KZ', requests)(peer, name, frames)
      answers.push(r.length - 1)
      return r
    }
    expect(await kz.replicator.sync('CN', counting, { full: false })).toBe(n)
    expect(answers).toEqual([n])
  })

  it('a full sync sends a digest per shared document', async () => {
    const cn = await nodeOf('CN')
    const kz = await nodeOf('KZ')
    const a = transit(13)
    await kz.replicator.ingest(
      a.entries.map((w) => w.bytes),
      'CN',
    )
    const requests: SyncRequest[] = []
    expect(await kz.replicator.sync('CN', syncWith(cn, 'KZ', requests), { full: true })).toBe(0)
    expect(requests[0]!.documents).toEqual([{ id: a.documentId, digest: expect.stringMatching(/^[0-9a-f]{32}$/) }])
    // KG shares nothing with KZ: it is told of nothing.
    requests.length = 0
    await kz.replicator.sync('KG', syncWith(cn, 'KZ', requests), { full: true })
    expect(requests[0]!.documents).toEqual([])
  })

  it('a document bigger than an answer goes on inside it in the next round', async () => {
    const cn = await nodeOf('CN', { syncBatch: 2 })
    const kz = await nodeOf('KZ')
    await cn.replicator.ingest(
      first.map((w) => w.bytes),
      'CN',
    )
    const requests: unknown[] = []
    expect(await kz.replicator.sync('CN', syncWith(cn, 'KZ', requests), { full: true })).toBe(first.length)
    expect(requests).toHaveLength(Math.ceil(first.length / 2))
  })

  it('a cursor the answerer does not know (it restarted) falls back to a full sync', async () => {
    const store = new CountingStore()
    const cn = await nodeOf('CN', { store })
    const kz = await nodeOf('KZ')
    const a = transit(14)
    await cn.replicator.ingest(a.entries.map((w) => w.bytes))
    await kz.replicator.sync('CN', syncWith(cn, 'KZ', []), { full: true })
    const restarted = await nodeOf('CN', { store })
    const b = transit(15)
    await restarted.replicator.ingest(b.entries.map((w) => w.bytes))
    const requests: { since?: string }[] = []
    expect(await kz.replicator.sync('CN', syncWith(restarted, 'KZ', requests), { full: false })).toBe(n)
    expect(requests.map((r) => r.since === undefined)).toEqual([false, true])
  })

  it('takes a first-version answer (entries only) as it is', async () => {
    const kz = await nodeOf('KZ')
    const entriesOnly = async (): Promise<Frames> => first.map((w) => w.bytes)
    expect(await kz.replicator.sync('CN', entriesOnly, { full: true })).toBe(first.length)
  })

  it('refuses a malformed head and an answer cut with nothing in it', async () => {
    const kz = await nodeOf('KZ')
    const answering = (head: unknown) => async (): Promise<Frames> => [json(head)]
    await expect(kz.replicator.sync('CN', answering({ v: 2, cursor: 5 }), { full: true })).rejects.toThrow(
      'sync: malformed answer',
    )
    await expect(kz.replicator.sync('CN', answering({ v: 2, cursor: 'c', next: 'x' }), { full: true })).rejects.toThrow(
      'an answer cut with nothing in it',
    )
  })
})
