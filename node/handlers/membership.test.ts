/**
 * The membership handler over the in-memory store: the stored versions newer than the asker's,
 * up to the one in force here, at most 16 per answer, in order.
 */
import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../storage/index.ts'
import { MEMBERSHIP_BATCH, membershipHandler } from './membership.ts'

const enc = new TextEncoder()
const version = (v: number) => enc.encode(JSON.stringify({ document: { version: v } }))
const ask = (body: unknown) => [enc.encode(JSON.stringify(body))]
const versions = (frames: Uint8Array[]) =>
  frames.map((f) => (JSON.parse(new TextDecoder().decode(f)) as { document: { version: number } }).document.version)

async function storeWith(held: readonly number[]): Promise<MemoryStore> {
  const store = new MemoryStore()
  await store.open()
  for (const v of held) await store.putMembership(v, version(v))
  return store
}

describe('membership handler', () => {
  it("answers the stored versions newer than the asker's, oldest first, as stored", async () => {
    const store = await storeWith([1, 2, 3, 4])
    const answer = await membershipHandler({ store, version: () => 4 })(ask({ version: 2 }))
    expect(versions(answer)).toEqual([3, 4])
    expect(Buffer.from(answer[0]!).equals(Buffer.from(version(3)))).toBe(true)
    expect(await membershipHandler({ store, version: () => 4 })(ask({ version: 4 }))).toEqual([])
  })

  it('hands out no version newer than the one in force here', async () => {
    const store = await storeWith([1, 2, 3, 4])
    expect(versions(await membershipHandler({ store, version: () => 2 })(ask({ version: 1 })))).toEqual([2])
  })

  it('answers at most 16 versions at a time, and skips one not held', async () => {
    const store = await storeWith(Array.from({ length: 30 }, (_, i) => i + 1).filter((v) => v !== 5))
    const handle = membershipHandler({ store, version: () => 30 })
    const first = versions(await handle(ask({ version: 1 })))
    expect(first).toHaveLength(MEMBERSHIP_BATCH)
    expect(first).toEqual([2, 3, 4, ...Array.from({ length: 13 }, (_, i) => i + 6)])
    expect(versions(await handle(ask({ version: first.at(-1) })))).toEqual(Array.from({ length: 12 }, (_, i) => i + 19))
  })

  it('answers from the first version when the request names no usable version', async () => {
    const store = await storeWith([1, 2])
    const handle = membershipHandler({ store, version: () => 2 })
    for (const body of [{}, { version: 'x' }, { version: 1.5 }, { version: Number.MAX_SAFE_INTEGER + 2 }])
      expect(versions(await handle(ask(body))), JSON.stringify(body)).toEqual([1, 2])
  })

  it('fails on a request without its frame (the asker gets REMOTE_ERROR)', async () => {
    const handle = membershipHandler({ store: await storeWith([1]), version: () => 1 })
    await expect(handle([])).rejects.toThrow(SyntaxError)
  })
})
