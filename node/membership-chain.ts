/**
 * The membership chain of a stopped node's data folder: the founding version in membership.json
 * and every later version in the store's membership history (what MembershipKeeper.load replays
 * at start). `sis federation join` writes it for a country admitted at a later version, and
 * `sis federation show --data` reads it. A running node holds its store's lock: both refuse then
 * (`sis status` shows a running node's version in force).
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SignedMembership } from '../protocol/membership/index.ts'
import { writeFileAtomic } from '../shared/files.ts'
import { DATA_FILES } from './config.ts'
import { DataFolderError } from './data-folder.ts'
import { inspectStoreFolder, LevelStore } from './storage/level-store.ts'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

async function openStopped(dir: string): Promise<LevelStore> {
  const folder = join(dir, DATA_FILES.store)
  if ((await inspectStoreFolder(folder)) === 'locked')
    throw new DataFolderError(
      'invalid',
      `${folder} is in use by a running node`,
      'stop the node first (SIGTERM); a running node shows its membership in sis status',
    )
  const store = new LevelStore(folder)
  await store.open()
  return store
}

/** Every version the data folder holds, oldest first: membership.json, then the stored later ones. */
export async function readFolderChain(dir: string): Promise<unknown[]> {
  const file = join(dir, DATA_FILES.membership)
  if (!existsSync(file))
    throw new DataFolderError('unreadable', `${file} does not exist`, 'sis federation join first, or give the files')
  const chain: unknown[] = [JSON.parse(readFileSync(file, 'utf8'))]
  const store = await openStopped(dir)
  try {
    const latest = await store.latestMembership()
    for (let v = 2; latest !== undefined && v <= latest.version; v++) {
      const bytes = await store.getMembership(v)
      if (bytes === undefined) break
      chain.push(JSON.parse(decoder.decode(bytes)))
    }
  } finally {
    await store.close()
  }
  return chain
}

/**
 * Writes a verified chain into a stopped node's data folder: versions 2 and later into the store
 * (one synced write each; the node replays them in sequence at start), then the founding version
 * as membership.json, atomically and last. Refused when membership.json already holds another
 * founding version: the folder belongs to another federation.
 */
export async function writeFolderChain(dir: string, chain: readonly SignedMembership[]): Promise<void> {
  const founding = chain.find((m) => m.document.version === 1)
  if (founding === undefined) throw new TypeError('a chain starts at version 1')
  const file = join(dir, DATA_FILES.membership)
  const text = JSON.stringify(founding, null, 2) + '\n'
  if (existsSync(file)) {
    const held = SignedMembership.safeParse(JSON.parse(readFileSync(file, 'utf8')))
    if (!held.success || JSON.stringify(held.data.document) !== JSON.stringify(founding.document))
      throw new DataFolderError(
        'exists',
        `${file} holds another founding membership`,
        'a data folder belongs to one federation: join from a new folder (sis init)',
      )
  }
  const store = await openStopped(dir)
  try {
    for (const m of chain)
      if (m.document.version > 1) await store.putMembership(m.document.version, encoder.encode(JSON.stringify(m)))
  } finally {
    await store.close()
  }
  writeFileAtomic(file, text)
}
