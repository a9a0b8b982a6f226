/**
 * Replication rules on a real store in memory (the LevelDB store has its own conformance and
 * crash tests): route scope, refusals counted against the sender, sync answers, fork spreading.
 */
import { describe, expect, it } from 'vitest'
import type { SisError } from '../protocol/errors.ts'
import { exampleMessage, EXAMPLE_CONTEXT } from '../protocol/messages/index.ts'
import { testMembership } from '../protocol/testing/federation.ts'
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
    expect(await kz.replicator.answerSync('UZ', { documents: [{ id: record!.documentId, vector: { CN: 2 } }] })).toHaveLength(2)
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
