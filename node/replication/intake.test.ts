/**
 * Intake: verifying and placing offered entries, route scope, refusals counted against the
 * sender, fork spreading, one synced write per call, and the change feed after it.
 */
import { describe, expect, it } from 'vitest'
import { allocateMrn } from '../../protocol/codes/index.ts'
import { exampleMessage, EXAMPLE_CONTEXT } from '../../protocol/messages/index.ts'
import { DocumentWriter } from '../../protocol/testing/federation.ts'
import { transitLifecycle } from '../../protocol/testing/scenario.ts'
import type { CommitBatch } from '../storage/types.ts'
import { countingMembership, CountingStore, documentsLike, LATER, nodeOf, upTo } from './testing/harness.ts'

const { writer, e } = transitLifecycle()
/** CN's entries up to the release, then KZ's passage. */
const first = upTo(writer, e.passageKZ!)
const released = upTo(writer, e.released!)
/** Transits of their own MRNs, written by CN up to their release. */
const transit = documentsLike(released, (n) =>
  allocateMrn({ year: 2026, country: 'CN', serial: `ZZINTK${n}`, procedure: 'J' }),
)

describe('intake: route scope and refusals', () => {
  it('stores a route document with its audience', async () => {
    const kz = await nodeOf('KZ')
    const r = await kz.replicator.ingest(
      first.map((w) => w.bytes),
      'CN',
    )
    expect(r.accepted).toHaveLength(first.length)
    expect((await kz.store.getDocument(EXAMPLE_CONTEXT.mrn))?.audience).toEqual(['CN', 'KZ', 'UZ'])
    expect(await kz.store.entryIdsOf(EXAMPLE_CONTEXT.mrn)).toHaveLength(first.length)
  })

  it('an off-route member refuses to store the document', async () => {
    const kg = await nodeOf('KG')
    const r = await kg.replicator.ingest(
      first.map((w) => w.bytes),
      'CN',
    )
    expect(r.accepted).toEqual([])
    expect(r.refused.map((x) => x.code)).toContain('LOG_WRONG_DOCUMENT')
    expect(await kg.store.getDocument(EXAMPLE_CONTEXT.mrn)).toBeUndefined()
    expect(kg.store.writes).toBe(0)
  })

  it('a forged entry is refused with its code and counted against the sender; the node keeps serving', async () => {
    const kz = await nodeOf('KZ')
    const forged = Buffer.from(Buffer.from(e.lodged!.bytes).toString('utf8').replace('Cotton', 'Cottom'))
    const r = await kz.replicator.ingest([forged], 'KG')
    expect(r.refused.map((x) => x.code)).toEqual(['SIG_DIGEST_MISMATCH'])
    expect(kz.refused).toEqual([{ peer: 'KG', code: 'SIG_DIGEST_MISMATCH' }])
    expect(
      (
        await kz.replicator.ingest(
          first.map((w) => w.bytes),
          'CN',
        )
      ).accepted,
    ).toHaveLength(first.length)
  })

  it('both sides of a fork are queued for every other route member', async () => {
    const kz = await nodeOf('KZ')
    await kz.replicator.ingest(
      first.map((w) => w.bytes),
      'CN',
    )
    // CN signs another entry at the seq of its release, on the same previous entry.
    const before = released.at(-2)!
    const other = writer.write('InvalidationRequested', 'CN', exampleMessage('InvalidationRequested'), {
      seq: e.released!.seq,
      previous: before.id,
      parents: [before.id],
      auth: [e.lodged!.id],
    })
    await kz.replicator.ingest([other.bytes], 'CN')
    const toUz = (await kz.store.outbox('UZ', LATER)).map((o) => o.entryId).sort()
    // KZ's own passage, and the two entries CN signed at the same seq.
    expect(toUz).toEqual([e.passageKZ!.id, e.released!.id, other.id].sort())
    // The proof is not sent back to the author that sent it.
    expect((await kz.store.outbox('CN', LATER)).map((o) => o.entryId)).toEqual([e.passageKZ!.id])
  })

  it('a duplicate of a pending entry is not reported as held (finding 4)', async () => {
    const kz = await nodeOf('KZ')
    await kz.replicator.ingest([e.passageUZ!.bytes], 'UZ')
    const again = await kz.replicator.ingest([e.passageUZ!.bytes], 'UZ')
    expect(again.held).toEqual([])
    expect(again.pending).toEqual([e.passageUZ!.id])
  })

  it('entries of unknown documents that wait for parents leave no memory behind (finding 3)', async () => {
    const kz = await nodeOf('KZ')
    const r = await kz.replicator.ingest([e.passageUZ!.bytes], 'UZ')
    expect(r.pending).toEqual([e.passageUZ!.id])
    // The document was evicted: delivering its causal past later starts from the store, and the
    // waiting entry must be sent again (the sender's outbox does that).
    await kz.replicator.ingest(
      released.map((w) => w.bytes),
      'CN',
    )
    expect(await kz.store.hasEntry(e.passageUZ!.id)).toBe(false)
  })

  it('an off-route member cannot write into a held document, and its refusal reveals nothing (finding 6)', async () => {
    const kz = await nodeOf('KZ')
    await kz.replicator.ingest(
      released.map((w) => w.bytes),
      'CN',
    )
    const kg = new DocumentWriter(EXAMPLE_CONTEXT.mrn).write(
      'IncidentRecorded',
      'KG',
      exampleMessage('IncidentRecorded'),
      { parents: [e.released!.id], auth: [e.released!.id] },
    )
    const held = await kz.replicator.ingest([kg.bytes], 'KG')
    const fresh = await (await nodeOf('KZ')).replicator.ingest([kg.bytes], 'KG')
    // Neither takes anything; the push handler answers both alike ("nothing of the push was taken").
    expect([...held.accepted, ...held.held, ...fresh.accepted, ...fresh.held]).toEqual([])
    expect(held.refused[0]?.code).toBe('LOG_WRONG_DOCUMENT')
    expect(await kz.store.hasEntry(kg.id)).toBe(false)
  })
})

describe('intake at speed (issue 5)', () => {
  it('an entry already stored is answered as held without verifying its signature again', async () => {
    const counting = countingMembership()
    const kz = await nodeOf('KZ', { membership: counting.membership })
    expect(
      (
        await kz.replicator.ingest(
          first.map((w) => w.bytes),
          'CN',
        )
      ).accepted,
    ).toHaveLength(first.length)
    expect(counting.verified()).toBe(first.length)
    const again = await kz.replicator.ingest(
      first.map((w) => w.bytes),
      'CN',
    )
    expect(again.held.sort()).toEqual(first.map((w) => w.id).sort())
    expect(again.accepted).toEqual([])
    expect(counting.verified()).toBe(first.length)
    // A push of held and new entries verifies only the new one.
    const mixed = await kz.replicator.ingest(
      [...first, e.incident!].map((w) => w.bytes),
      'KZ',
    )
    expect(mixed.accepted).toEqual([e.incident!.id])
    expect(counting.verified()).toBe(first.length + 1)
  })

  it('one ingest of entries of many documents is one synced write', async () => {
    const kz = await nodeOf('KZ')
    const docs = [transit(1), transit(2), transit(3)]
    const r = await kz.replicator.ingest(
      docs.flatMap((d) => d.entries.map((w) => w.bytes)),
      'CN',
    )
    expect(r.accepted).toHaveLength(3 * released.length)
    expect(kz.store.writes).toBe(1)
    for (const d of docs) expect((await kz.store.getDocument(d.documentId))?.status).toBe('released')
  })

  it('the document cache is bounded by the bytes of its entries', async () => {
    const kz = await nodeOf('KZ', { cache: { bytes: 20_000 } })
    for (let i = 15; i < 25; i++)
      await kz.replicator.ingest(
        transit(i).entries.map((w) => w.bytes),
        'CN',
      )
    const held = kz.docs.held
    expect(held.bytes).toBeLessThanOrEqual(20_000)
    expect(held.documents).toBeGreaterThan(0)
    expect(held.documents).toBeLessThan(10)
  })
})

describe('intake and the change feed', () => {
  it('reports each stored document once, after its synced write; a held replay reports nothing', async () => {
    const kz = await nodeOf('KZ')
    const [a, b] = [transit(30), transit(31)]
    await kz.replicator.ingest(
      [...a.entries, ...b.entries].map((w) => w.bytes),
      'CN',
    )
    expect(kz.changed).toEqual([a.documentId, b.documentId])
    await kz.replicator.ingest(
      a.entries.map((w) => w.bytes),
      'CN',
    )
    expect(kz.changed).toHaveLength(2)
  })

  it('a failed write reports nothing and forgets the entries, so they are taken when offered again', async () => {
    class FailingOnce extends CountingStore {
      fail = true
      override async commitAll(batches: readonly CommitBatch[]): Promise<void> {
        if (this.fail) {
          this.fail = false
          throw new Error('disk full')
        }
        return super.commitAll(batches)
      }
    }
    const kz = await nodeOf('KZ', { store: new FailingOnce() })
    const a = transit(32)
    await expect(
      kz.replicator.ingest(
        a.entries.map((w) => w.bytes),
        'CN',
      ),
    ).rejects.toThrow('disk full')
    expect(kz.changed).toEqual([])
    expect(
      (
        await kz.replicator.ingest(
          a.entries.map((w) => w.bytes),
          'CN',
        )
      ).accepted,
    ).toHaveLength(released.length)
    expect(kz.changed).toEqual([a.documentId])
  })
})
