/**
 * The change feed: the audience index read from the store once and kept in step with commits,
 * the change counter sync reads, and documentChanged after a commit is counted.
 */
import { describe, expect, it } from 'vitest'
import type { LoadedDocument } from '../documents.ts'
import { MemoryStore } from '../storage/index.ts'
import type { DocumentRecord } from '../storage/types.ts'
import { ChangeFeed } from './changes.ts'

/** What the feed reads of a loaded document: its id and audience. */
const doc = (documentId: string, audience: string[]) => ({ log: { documentId }, audience }) as unknown as LoadedDocument
const record = (documentId: string, audience: string[]): DocumentRecord => ({
  documentId,
  kind: 'k',
  audience,
  status: 's',
  stateHash: 'h',
  updatedAt: '2026-11-24T15:00:00.000Z',
  index: { status: 's', keys: {} },
  state: {},
})

class CountingDocs extends MemoryStore {
  reads = 0
  failing = false
  override documents(): AsyncIterable<DocumentRecord> {
    this.reads++
    if (!this.failing) return super.documents()
    return { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('closing')) }) }
  }
}

async function storeWith(...records: DocumentRecord[]): Promise<CountingDocs> {
  const store = new CountingDocs()
  await store.open()
  for (const r of records) await store.commit({ document: r })
  return store
}

describe('change feed', () => {
  it('reads the audiences from the store once and keeps them in step with commits', async () => {
    const store = await storeWith(record('A', ['CN', 'KZ']))
    const feed = new ChangeFeed(store, { documentChanged: () => undefined })
    expect([...(await feed.audiences())]).toEqual([['A', ['CN', 'KZ']]])
    feed.committed([doc('B', ['KZ', 'UZ']), doc('A', ['CN', 'KZ', 'KG'])])
    const m = await feed.audiences()
    expect(m.get('A')).toEqual(['CN', 'KZ', 'KG'])
    expect(m.get('B')).toEqual(['KZ', 'UZ'])
    expect(store.reads).toBe(1)
  })

  it('a failed read is tried again next time', async () => {
    const store = await storeWith(record('A', ['CN']))
    store.failing = true
    const feed = new ChangeFeed(store, { documentChanged: () => undefined })
    await expect(feed.audiences()).rejects.toThrow('closing')
    store.failing = false
    expect((await feed.audiences()).get('A')).toEqual(['CN'])
    expect(store.reads).toBe(2)
  })

  it('counts changes: what changed after a count, lazily, in the order first changed', async () => {
    const feed = new ChangeFeed(await storeWith(), { documentChanged: () => undefined })
    expect(feed.seq).toBe(0)
    feed.committed([doc('A', []), doc('B', [])])
    const mark = feed.seq
    expect(mark).toBe(2)
    feed.committed([doc('C', []), doc('A', [])])
    expect([...feed.changedAfter(mark)]).toEqual(['A', 'C'])
    expect([...feed.changedAfter(0)]).toEqual(['A', 'B', 'C'])
    const seen: string[] = []
    for (const id of feed.changedAfter(mark)) {
      seen.push(id)
      if (id === 'A') feed.committed([doc('D', [])])
    }
    expect(seen).toEqual(['A', 'C', 'D'])
  })

  it('tells the node of every document of a commit once all of them are counted', async () => {
    const told: [string, number][] = []
    const feed: ChangeFeed = new ChangeFeed(await storeWith(), {
      documentChanged: (d) => told.push([d.log.documentId, feed.seq]),
    })
    feed.committed([doc('A', []), doc('B', [])])
    expect(told).toEqual([
      ['A', 2],
      ['B', 2],
    ])
  })
})
