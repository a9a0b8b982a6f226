import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Level } from 'level'
import { afterAll, describe, expect, it } from 'vitest'
import { storeConformance } from './conformance.testkit.ts'
import { LevelStore } from './level-store.ts'
import { MemoryStore } from './memory-store.ts'

const root = mkdtempSync(join(tmpdir(), 'sis-store-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let counter = 0
const folder = (): string => join(root, String(counter++))

storeConformance('MemoryStore', async () => {
  const store = new MemoryStore()
  return {
    store,
    reopen: async () => {
      await store.close()
      await store.open()
      return store
    },
  }
})

storeConformance('LevelStore', async () => {
  const dir = folder()
  const store = new LevelStore(dir)
  return {
    store,
    reopen: async () => {
      await store.close()
      const again = new LevelStore(dir)
      await again.open()
      return again
    },
    writeRaw: async (rows) => {
      await store.close()
      const raw = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' })
      await raw.batch(
        rows.map(([key, value]) => ({ type: 'put' as const, key, value })),
        { sync: true },
      )
      await raw.close()
      const again = new LevelStore(dir)
      await again.open()
      return again
    },
  }
})

describe('LevelStore on disk', () => {
  it('refuses a second store on a folder in use (LevelDB lock)', async () => {
    const dir = folder()
    const a = new LevelStore(dir)
    await a.open()
    const b = new LevelStore(dir)
    await expect(b.open()).rejects.toMatchObject({
      name: 'StoreLockedError',
      folder: dir,
      cause: { code: 'LEVEL_DATABASE_NOT_OPEN', cause: { code: 'LEVEL_LOCKED' } },
    })
    await a.close()
  })

  it('refuses a folder written with another key layout', async () => {
    const dir = folder()
    const raw = new Level<string, string>(dir)
    await raw.put('v\x00layout', '2')
    await raw.close()
    const store = new LevelStore(dir)
    await expect(store.open()).rejects.toThrow(/key layout 2/)
    await store.close()
  })
})
