/**
 * The sync server: it answers only documents whose audience includes the asker (THREATS 19),
 * what the asker lacks by ids or digest, cut answers, cursors per asker, and refuses malformed
 * requests.
 */
import { describe, expect, it } from 'vitest'
import { EXAMPLE_CONTEXT } from '../../protocol/messages/index.ts'
import { transitLifecycle } from '../../protocol/testing/scenario.ts'
import { idsDigest, parse } from './types.ts'
import type { Frames, SyncHead } from './types.ts'
import { nodeOf, upTo } from './testing/harness.ts'

const { writer, e } = transitLifecycle()
/** CN's entries up to the release, then KZ's passage. */
const first = upTo(writer, e.passageKZ!)
const ids = first.map((w) => w.id)
const mrn = EXAMPLE_CONTEXT.mrn
const headOf = (frames: Frames) => parse<SyncHead>(frames[0])
const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v))

async function holding(country = 'KZ', syncBatch?: number) {
  const node = await nodeOf(country, syncBatch === undefined ? {} : { syncBatch })
  expect(
    (
      await node.replicator.ingest(
        first.map((w) => w.bytes),
        'CN',
      )
    ).accepted,
  ).toHaveLength(first.length)
  return node
}

describe('sync server: who gets what', () => {
  it('answers only documents whose audience includes the asker (THREATS 19)', async () => {
    const kz = await holding()
    expect(await kz.replicator.answerSync('KG', { documents: [] })).toEqual([])
    // Naming the document does not help an off-route asker.
    expect(await kz.replicator.answerSync('KG', { documents: [{ id: mrn, have: [] }] })).toEqual([])
    expect(await kz.replicator.answerSync('UZ', { documents: [] })).toHaveLength(first.length)
    // UZ already holds the first two entries: it gets only what it lacks.
    expect(await kz.replicator.answerSync('UZ', { documents: [{ id: mrn, have: ids.slice(0, 2) }] })).toHaveLength(
      first.length - 2,
    )
  })

  it('a document whose digest matches is not answered; one whose digest differs is answered whole', async () => {
    const kz = await holding()
    expect(
      await kz.replicator.answerSync('UZ', { documents: [{ id: mrn, digest: idsDigest([...ids].reverse()) }] }),
    ).toEqual([])
    expect(
      await kz.replicator.answerSync('UZ', { documents: [{ id: mrn, digest: idsDigest(ids.slice(1)) }] }),
    ).toHaveLength(first.length)
  })

  it('(version 2) answers an off-route member alike whether the document is held or not', async () => {
    const kz = await holding()
    const empty = await nodeOf('KZ')
    const ask = { v: 2 as const, documents: [{ id: mrn, have: [] }] }
    const shape = (frames: Frames) => {
      const { cursor: _, ...head } = headOf(frames)
      void _
      return { head, entries: frames.length - 1 }
    }
    expect(shape(await kz.replicator.answerSync('KG', ask))).toEqual({ head: { v: 2 }, entries: 0 })
    expect(shape(await empty.replicator.answerSync('KG', ask))).toEqual(
      shape(await kz.replicator.answerSync('KG', ask)),
    )
    // A cursor never issued reads the same too.
    expect(shape(await kz.replicator.answerSync('KG', { ...ask, since: 'x' }))).toEqual(
      shape(await empty.replicator.answerSync('KG', { ...ask, since: 'x' })),
    )
  })
})

describe('sync server: rounds and cursors', () => {
  it('cuts an answer at its batch and says where the next round goes on', async () => {
    const kz = await holding('KZ', 2)
    const one = await kz.replicator.answerSync('UZ', { v: 2, documents: [] })
    expect(one).toHaveLength(3)
    expect(headOf(one)).toMatchObject({ next: mrn, skip: 2 })
    // The later rounds hand out no cursor; together the rounds carry every entry once.
    const got = one.slice(1)
    for (let head = headOf(one); head.next !== undefined;) {
      const more = await kz.replicator.answerSync('UZ', { v: 2, documents: [], from: head.next, skip: head.skip ?? 0 })
      head = headOf(more)
      expect(head.cursor).toBe('')
      got.push(...more.slice(1))
    }
    expect(got.map((b) => Buffer.from(b).toString())).toEqual(first.map((w) => Buffer.from(w.bytes).toString()))
  })

  it('a delta request answers what changed after its cursor; each asker has its own, the newest 8', async () => {
    const kz = await holding()
    const cursor = headOf(await kz.replicator.answerSync('UZ', { v: 2, documents: [{ id: mrn, have: ids }] })).cursor
    expect(cursor).toMatch(/^[0-9a-f-]{36}$/)
    expect(await kz.replicator.answerSync('UZ', { v: 2, documents: [], since: cursor })).toHaveLength(1)
    await kz.replicator.ingest([e.incident!.bytes], 'KZ')
    const delta = await kz.replicator.answerSync('UZ', { v: 2, documents: [], since: cursor })
    expect(delta.length).toBe(1 + first.length + 1)
    // CN's cursor is not UZ's.
    expect(headOf(await kz.replicator.answerSync('CN', { v: 2, documents: [], since: cursor })).resync).toBe(true)
    // Every first round hands out a cursor (3 so far for UZ): the 9th pushes the oldest out.
    for (let i = 0; i < 4; i++) await kz.replicator.answerSync('UZ', { v: 2, documents: [] })
    const since = () => kz.replicator.answerSync('UZ', { v: 2, documents: [], since: cursor }).then(headOf)
    expect((await since()).resync).toBeUndefined()
    expect((await since()).resync).toBeUndefined()
    expect((await since()).resync).toBe(true)
  })

  it('refuses a malformed request', async () => {
    const { replicator } = await nodeOf('KZ')
    expect(
      replicator.parseSync(encode({ documents: [{ id: mrn, have: [] }], v: 2, since: 'c', from: mrn, skip: 1 })),
    ).toMatchObject({ skip: 1 })
    for (const bad of [
      { documents: 'x' },
      { documents: [{ id: 1, have: [] }] },
      { documents: [{ id: mrn }] },
      { documents: [], v: 3 },
      { documents: [], skip: -1 },
      { documents: [], since: 5 },
    ]) {
      expect(() => replicator.parseSync(encode(bad)), JSON.stringify(bad)).toThrow('sync: malformed request')
    }
    expect(() => replicator.parseSync(undefined)).toThrow('a frame is missing')
  })
})
