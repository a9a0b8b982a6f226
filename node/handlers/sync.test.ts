/**
 * The sync handler on a real replicator over the in-memory store: a member's request in, what it
 * lacks of the documents it shares with this node out; a member off the document's route gets
 * nothing; a malformed request fails the handler.
 */
import { describe, expect, it } from 'vitest'
import { SisError } from '../../protocol/errors.ts'
import { EXAMPLE_CONTEXT } from '../../protocol/messages/index.ts'
import { testMembership } from '../../protocol/testing/federation.ts'
import { transitLifecycle } from '../../protocol/testing/scenario.ts'
import { DocumentCache } from '../documents.ts'
import { Replicator } from '../replication.ts'
import { MemoryStore } from '../storage/index.ts'
import { syncHandler } from './sync.ts'

const membership = testMembership()
const { e } = transitLifecycle()
const chain = [e.lodged!, e.accepted!, e.covered!, e.released!]
const request = (body: unknown) => [new TextEncoder().encode(JSON.stringify(body))]
const hex = (frames: Uint8Array[]) => frames.map((f) => Buffer.from(f).toString('hex')).sort()

/** KZ, holding CN's entries up to the release. */
async function answerer() {
  const store = new MemoryStore()
  await store.open()
  const replicator = new Replicator({
    country: 'KZ',
    store,
    docs: new DocumentCache(store, membership),
    membership,
    now: () => '2026-11-24T15:00:00.000Z',
    events: {
      documentChanged: () => undefined,
      refused: () => undefined,
      delivered: () => undefined,
      received: () => undefined,
    },
  })
  const r = await replicator.ingest(
    chain.map((w) => w.bytes),
    'CN',
  )
  expect(r.accepted).toHaveLength(chain.length)
  return syncHandler(replicator)
}

describe('sync handler', () => {
  it('answers a route member what it lacks of a shared document', async () => {
    const handle = await answerer()
    // A first-version request listing nothing: every shared document is one the asker lacks.
    expect(hex(await handle(request({ documents: [] }), { country: 'UZ' }))).toEqual(hex(chain.map((w) => w.bytes)))
    // The asker holds all but the release: only the release comes back.
    const have = request({
      documents: [{ id: EXAMPLE_CONTEXT.mrn, have: [e.lodged!.id, e.accepted!.id, e.covered!.id] }],
    })
    expect(hex(await handle(have, { country: 'CN' }))).toEqual(hex([e.released!.bytes]))
  })

  it('answers a member off the route nothing, even when it names the document', async () => {
    const handle = await answerer()
    expect(await handle(request({ documents: [] }), { country: 'KG' })).toEqual([])
    expect(await handle(request({ documents: [{ id: EXAMPLE_CONTEXT.mrn, have: [] }] }), { country: 'KG' })).toEqual([])
  })

  it('starts a version-2 answer with its head frame', async () => {
    const handle = await answerer()
    const [head, ...entries] = await handle(request({ documents: [], v: 2 }), { country: 'UZ' })
    expect(JSON.parse(new TextDecoder().decode(head))).toMatchObject({ v: 2, cursor: expect.any(String) as string })
    expect(hex(entries)).toEqual(hex(chain.map((w) => w.bytes)))
  })

  it('fails on a malformed request', async () => {
    const handle = await answerer()
    for (const body of [{ documents: 'x' }, { documents: [{ id: 1 }] }, { documents: [], v: 3 }]) {
      let err: unknown
      try {
        await handle(request(body), { country: 'UZ' })
      } catch (x) {
        err = x
      }
      expect(err, JSON.stringify(body)).toBeInstanceOf(SisError)
      expect((err as SisError).message).toBe('sync: malformed request')
    }
  })
})
