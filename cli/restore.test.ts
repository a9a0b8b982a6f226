/**
 * sis restore and the country of a backup: a backup restores only into the node of the country
 * that made it, and --force (which replaces a store that holds data) does not change that. Real
 * LevelDB stores, real backup files, real data folders from sis init; sis run in process.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeBackup } from '../node/storage/backup.ts'
import { doc, entry } from '../node/storage/conformance.testkit.ts'
import { LevelStore, inspectStoreFolder } from '../node/storage/level-store.ts'
import { sisInProcess } from './cli.testkit.ts'

const dir = mkdtempSync(join(tmpdir(), 'sis-restore-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A backup of a real store holding one document, as the node of `country` would write it. */
async function backupOf(country: string, documentId: string): Promise<string> {
  const store = new LevelStore(join(dir, `${country}-source`))
  await store.open()
  await store.commit({ entries: [entry(documentId, country, 1, 'first')], document: doc(documentId) })
  const file = join(dir, `${country}.sisbak`)
  const header = { country, createdAt: '2026-11-23T04:25:39.316Z', layout: '1' }
  await pipeline(Readable.from(encodeBackup(header, store.snapshot())), createWriteStream(file))
  await store.close()
  return file
}

async function initNode(country: string): Promise<string> {
  const data = join(dir, country)
  expect((await sisInProcess('init', '--country', country, '--data', data, '--json')).code).toBe(0)
  return data
}

function errorOf(out: string): { code: string; message: string; details?: Record<string, string> } {
  return (JSON.parse(out) as { errors: { code: string; message: string; details?: Record<string, string> }[] })
    .errors[0]!
}

describe('sis restore and the country of the backup', () => {
  let kzBackup: string
  beforeAll(async () => {
    kzBackup = await backupOf('KZ', 'KZ-DOC-1')
  })

  it("refuses another country's backup, with or without --force, saying why, and writes nothing", async () => {
    const uz = await initNode('UZ')
    const before = await inspectStoreFolder(join(uz, 'store'))
    for (const force of [[], ['--force']]) {
      const r = await sisInProcess('restore', kzBackup, '--data', uz, ...force, '--json')
      expect(r.code, force.join(' ')).toBe(2)
      const e = errorOf(r.out)
      expect(e.code).toBe('BACKUP_OTHER_COUNTRY')
      expect(e.details).toEqual({ backup: 'KZ', node: 'UZ' })
      expect(e.message).toContain('a backup restores only the country that made it')
      expect(e.message).toContain('documents UZ is not on')
      expect(e.message).toContain('disclose')
    }
    expect(await inspectStoreFolder(join(uz, 'store'))).toBe(before)
    const human = await sisInProcess('restore', kzBackup, '--data', uz, '--force')
    expect(human.out).toContain('--force only replaces a store that holds data, never the country')
  })

  it('refuses a folder without node.json: the country it would be restored into is unknown', async () => {
    const bare = join(dir, 'bare')
    const r = await sisInProcess('restore', kzBackup, '--data', bare, '--json')
    expect(r.code).toBe(2)
    expect(errorOf(r.out).code).toBe('BACKUP_NO_NODE')
    expect(await inspectStoreFolder(join(bare, 'store'))).toBe('missing')
  })

  it("restores its own country's backup; --force still replaces a store that holds data", async () => {
    const kz = await initNode('KZ')
    const first = await sisInProcess('restore', kzBackup, '--data', kz, '--json')
    expect(first.code, first.out).toBe(0)
    expect(await inspectStoreFolder(join(kz, 'store'))).toBe('holds-data')
    const again = await sisInProcess('restore', kzBackup, '--data', kz, '--json')
    expect(again.code).toBe(2)
    expect(errorOf(again.out).code).toBe('STORE_NOT_EMPTY')
    const forced = await sisInProcess('restore', kzBackup, '--data', kz, '--force', '--json')
    expect(forced.code, forced.out).toBe(0)
    const store = new LevelStore(join(kz, 'store'))
    await store.open()
    expect((await store.getDocument('KZ-DOC-1'))?.documentId).toBe('KZ-DOC-1')
    await store.close()
  })
})
