// Backup and restore of a real LevelDB store: the snapshot is one instant while writes go on, a
// restored folder reads back the same, and a damaged or truncated file is refused before use.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { BackupCountryError, checkBackupCountry, decodeBackup, encodeBackup, verifyBackup } from './backup.ts'
import { doc, entry, item } from './conformance.testkit.ts'
import { LevelStore, inspectStoreFolder, writeStoreFolder } from './level-store.ts'

const root = mkdtempSync(join(tmpdir(), 'sis-backup-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const c of chunks) parts.push(c)
  return new Uint8Array(Buffer.concat(parts))
}

const once = (bytes: Uint8Array, chunk = 1000) =>
  (async function* () {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk)
  })()

describe('backup of a LevelStore', () => {
  it('is a snapshot: writes after it started are not in it; a restore reads back the same store', async () => {
    const store = new LevelStore(join(root, 'a'))
    await store.open()
    const e1 = entry('D1', 'KZ', 1, 'first')
    await store.commit({ entries: [e1], document: doc('D1'), outbox: [item('UZ', e1, '2025-03-01T10:00:00.000Z')] })
    const snapshot = store.snapshot(1)
    // Written after the snapshot was taken, before a single record of it was read.
    await store.commit({ entries: [entry('D2', 'KZ', 1, 'later')], document: doc('D2') })
    const file = await collect(
      encodeBackup({ country: 'KZ', createdAt: '2025-03-01T10:00:00.000Z', layout: '1' }, snapshot),
    )
    await store.close()

    const { header, trailer } = await verifyBackup(once(file, 7))
    expect(header.country).toBe('KZ')
    expect(trailer.records).toBeGreaterThan(4)

    const target = join(root, 'restored')
    expect(await inspectStoreFolder(target)).toBe('missing')
    const written = await writeStoreFolder(
      target,
      decodeBackup(once(file), () => undefined, 3),
    )
    expect(written).toBe(trailer.records)
    expect(await inspectStoreFolder(target)).toBe('holds-data')
    const restored = new LevelStore(target)
    await restored.open()
    expect((await restored.getEntry(e1.id))?.bytes).toEqual(e1.bytes)
    expect((await restored.getDocument('D1'))?.documentId).toBe('D1')
    expect(await restored.getDocument('D2')).toBeUndefined()
    expect(await restored.outboxDepth()).toEqual({ UZ: 1 })
    expect(await inspectStoreFolder(target)).toBe('locked')
    await restored.close()
  })

  it('refuses a damaged, truncated or foreign file', async () => {
    const store = new LevelStore(join(root, 'b'))
    await store.open()
    await store.commit({ entries: [entry('D1', 'KZ', 1, 'x')], document: doc('D1') })
    const file = await collect(
      encodeBackup({ country: 'KZ', createdAt: '2025-03-01T10:00:00.000Z', layout: '1' }, store.snapshot()),
    )
    await store.close()
    const flipped = new Uint8Array(file)
    flipped[Math.floor(file.length / 2)]! ^= 1
    await expect(verifyBackup(once(flipped))).rejects.toThrow(/checksum mismatch|damaged|not JSON/)
    await expect(verifyBackup(once(file.subarray(0, file.length - 10)))).rejects.toThrow(/truncated/)
    await expect(verifyBackup(once(new TextEncoder().encode('hello world, not a backup')))).rejects.toThrow(
      /not a sis backup/,
    )
    await expect(verifyBackup(once(new Uint8Array([...file, 1])))).rejects.toThrow(/after the trailer/)
  })

  it('an empty store folder reads as empty', async () => {
    const store = new LevelStore(join(root, 'c'))
    await store.open()
    await store.close()
    expect(await inspectStoreFolder(join(root, 'c'))).toBe('empty')
  })
})

describe('the country of a backup', () => {
  const header = { format: 1, country: 'KZ', createdAt: '2025-03-01T10:00:00.000Z', layout: '1' } as const

  it("restores only into its own country's node, and says why another is refused", () => {
    expect(() => checkBackupCountry(header, 'KZ')).not.toThrow()
    let refused: unknown
    try {
      checkBackupCountry(header, 'UZ')
    } catch (e) {
      refused = e
    }
    expect(refused).toBeInstanceOf(BackupCountryError)
    expect(refused).toMatchObject({ backupCountry: 'KZ', nodeCountry: 'UZ' })
    expect((refused as Error).message).toMatch(/documents UZ is not on and restoring it would disclose them/)
  })
})
