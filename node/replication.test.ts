/**
 * Replication rules on a real store in memory (the LevelDB store has its own conformance and
 * crash tests): route scope, refusals counted against the sender, sync answers, fork spreading.
 */
import { describe, expect, it } from 'vitest'
import type { SisError } from '../protocol/errors.ts'
import { exampleMessage, EXAMPLE_CONTEXT } from '../protocol/messages/index.ts'
import { DocumentWriter, testMembership } from '../protocol/testing/federation.ts'
import { transitLifecycle } from '../protocol/testing/scenario.ts'
import { DocumentCache } from './documents.ts'
import { Replicator } from './replication.ts'
import { MemoryStore } from './storage/index.ts'

const membership = testMembership()

async function nodeOf(country: string) {
  const store = new MemoryStore()
  await store.open()
  const refused: { peer?: string; code: string }[] = []
  const replicator = new Replicator({
    country, store, docs: new DocumentCache(store, membership), membership, now: () => '2026-11-24T15:00:00.000Z',
    events: { documentChanged: () => undefined, refused: (peer: string | undefined, e: SisError) => refused.push({ peer, code: e.code }), delivered: () => undefined, received: () => undefined },
  })
  return { store, replicator, refused }
}

describe('replication', () => {
  const { writer, e } = transitLifecycle()
  const first = [e.lodged!, e.accepted!, e.released!, e.passageKZ!]

  it('stores a route document with its audience and answers sync only to route members (THREATS 19)', async () => {
    const kz = await nodeOf('KZ')
    const r = await kz.replicator.ingest(first.map((w) => w.bytes), 'CN')
    expect(r.accepted).toHaveLength(4)
    const record = await kz.store.getDocument(EXAMPLE_CONTEXT.mrn)
    expect(record?.audience).toEqual(['CN', 'KZ', 'UZ'])
    expect(await kz.replicator.answerSync('KG', { documents: [] })).toEqual([])
    expect(await kz.replicator.answerSync('UZ', { documents: [] })).toHaveLength(4)
    // UZ already holds CN's first two entries: it gets only what it lacks.
    expect(await kz.replicator.answerSync('UZ', { documents: [{ id: record!.documentId, have: [e.lodged!.id, e.accepted!.id] }] })).toHaveLength(2)
  })

  it('an off-route member refuses to store the document', async () => {
    const kg = await nodeOf('KG')
    const r = await kg.replicator.ingest(first.map((w) => w.bytes), 'CN')
    expect(r.accepted).toEqual([])
    expect(r.refused.map((x) => x.code)).toContain('LOG_WRONG_DOCUMENT')
    expect(await kg.store.getDocument(EXAMPLE_CONTEXT.mrn)).toBeUndefined()
    expect(await kg.replicator.answerSync('CN', { documents: [] })).toEqual([])
  })

  it('a forged entry is refused with its code and counted against the sender; the node keeps serving', async () => {
    const kz = await nodeOf('KZ')
    const forged = Buffer.from(Buffer.from(e.lodged!.bytes).toString('utf8').replace('Cotton', 'Cottom'))
    const r = await kz.replicator.ingest([forged], 'KG')
    expect(r.refused.map((x) => x.code)).toEqual(['SIG_DIGEST_MISMATCH'])
    expect(kz.refused).toEqual([{ peer: 'KG', code: 'SIG_DIGEST_MISMATCH' }])
    expect((await kz.replicator.ingest(first.map((w) => w.bytes), 'CN')).accepted).toHaveLength(4)
  })

  it('both sides of a fork are queued for every other route member', async () => {
    const kz = await nodeOf('KZ')
    await kz.replicator.ingest(first.map((w) => w.bytes), 'CN')
    const other = writer.write('InvalidationRequested', 'CN', exampleMessage('InvalidationRequested'), { seq: e.released!.seq, previous: e.accepted!.id, parents: [e.accepted!.id], auth: [e.lodged!.id] })
    await kz.replicator.ingest([other.bytes], 'CN')
    const toUz = (await kz.store.outbox('UZ', '2030-01-01T00:00:00Z')).map((o) => o.entryId).sort()
    // KZ's own passage, and the two entries CN signed at the same seq.
    expect(toUz).toEqual([e.passageKZ!.id, e.released!.id, other.id].sort())
    // The proof is not sent back to the author that sent it.
    expect((await kz.store.outbox('CN', '2030-01-01T00:00:00Z')).map((o) => o.entryId)).toEqual([e.passageKZ!.id])
  })
})

describe('replication under stress (review findings)', () => {
  const { writer, e } = transitLifecycle()

  it('both sides of an equivocation travel by sync, so route nodes converge (finding 5)', async () => {
    const kz = await nodeOf('KZ')
    const uz = await nodeOf('UZ')
    const other = writer.write('InvalidationRequested', 'CN', exampleMessage('InvalidationRequested'), { seq: e.accepted!.seq, previous: e.lodged!.id, parents: [e.lodged!.id], auth: [e.lodged!.id] })
    await kz.replicator.ingest([e.lodged!.bytes, e.accepted!.bytes], 'CN')
    await uz.replicator.ingest([e.lodged!.bytes, other.bytes], 'CN')
    await uz.replicator.ingest(await kz.replicator.answerSync('UZ', uz.replicator.parseSync(await uz.replicator.syncRequest('KZ'))), 'KZ')
    await kz.replicator.ingest(await uz.replicator.answerSync('KZ', kz.replicator.parseSync(await kz.replicator.syncRequest('UZ'))), 'UZ')
    const [a, b] = [await kz.store.getDocument(EXAMPLE_CONTEXT.mrn), await uz.store.getDocument(EXAMPLE_CONTEXT.mrn)]
    expect(a?.stateHash).toBe(b?.stateHash)
    expect((a?.state as { forks: unknown[] }).forks).toHaveLength(1)
  })

  it('a duplicate of a pending entry is not reported as held (finding 4)', async () => {
    const kz = await nodeOf('KZ')
    await kz.replicator.ingest([e.passageUZ!.bytes], 'UZ')
    const again = await kz.replicator.ingest([e.passageUZ!.bytes], 'UZ')
    expect(again.held).toEqual([])
  })

  it('entries of unknown documents that wait for parents leave no memory behind (finding 3)', async () => {
    const kz = await nodeOf('KZ')
    const r = await kz.replicator.ingest([e.passageUZ!.bytes], 'UZ')
    expect(r.pending).toEqual([e.passageUZ!.id])
    // The document was evicted: delivering its causal past later starts from the store, and the
    // waiting entry must be sent again (the sender's outbox does that).
    await kz.replicator.ingest([e.lodged!.bytes, e.accepted!.bytes, e.released!.bytes], 'CN')
    expect(await kz.store.hasEntry(e.passageUZ!.id)).toBe(false)
  })

  it('an off-route member cannot write into a held document, and its refusal reveals nothing (finding 6)', async () => {
    const kz = await nodeOf('KZ')
    await kz.replicator.ingest([e.lodged!.bytes, e.accepted!.bytes, e.released!.bytes], 'CN')
    const kg = new DocumentWriter(EXAMPLE_CONTEXT.mrn).write('IncidentRecorded', 'KG', exampleMessage('IncidentRecorded'), { parents: [e.released!.id], auth: [e.released!.id] })
    const held = await kz.replicator.ingest([kg.bytes], 'KG')
    const fresh = await (await nodeOf('KZ')).replicator.ingest([kg.bytes], 'KG')
    // Neither takes anything; the push handler answers both alike ("nothing of the push was taken").
    expect([...held.accepted, ...held.held, ...fresh.accepted, ...fresh.held]).toEqual([])
    expect(held.refused[0]?.code).toBe('LOG_WRONG_DOCUMENT')
    expect(await kz.store.hasEntry(kg.id)).toBe(false)
  })
})
