/**
 * The node's data folder (node/data-folder.ts) as the CLI uses it: `sis init`, `sis federation`
 * and `sis start` call these, and a folder that cannot be used becomes a CliError with the exit
 * code of its problem and the hint.
 */
import { DataFolderError, initDataFolder as initFolder, readNodeConfig as readConfig } from '../node/data-folder.ts'
import { DATA_FILES, NodeFile } from '../node/config.ts'
import type { SignedMembership } from '../protocol/membership/index.ts'
import type { NodeConfig } from '../node/config.ts'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { MemberCard } from '../node/data-folder.ts'
import { CliError, EXIT } from './output.ts'

export type { MemberCard }

const EXIT_OF = { exists: EXIT.USAGE, unreadable: EXIT.IO, invalid: EXIT.INVALID } as const

function asCliError(e: unknown): unknown {
  return e instanceof DataFolderError ? new CliError(e.message, EXIT_OF[e.problem], e.hint) : e
}

/** Runs `run`, a DataFolderError becoming the CliError of its problem. */
async function folderWork<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (e) {
    throw asCliError(e)
  }
}

export function initDataFolder(...args: Parameters<typeof initFolder>): Promise<MemberCard> {
  return folderWork(() => initFolder(...args))
}

export function readNodeConfig(dir: string, now: () => string): NodeConfig {
  try {
    return readConfig(dir, now)
  } catch (e) {
    throw asCliError(e)
  }
}

// The store (LevelDB) is loaded only by the commands that read or write a folder's chain.
export function readFolderChain(dir: string): Promise<unknown[]> {
  return folderWork(async () => (await import('../node/membership-chain.ts')).readFolderChain(dir))
}

export function writeFolderChain(dir: string, chain: readonly SignedMembership[]): Promise<void> {
  return folderWork(async () => (await import('../node/membership-chain.ts')).writeFolderChain(dir, chain))
}

/** node.json of a data folder alone (before it has a membership, or of a stopped node). */
export function readNodeFile(dir: string): NodeFile {
  const path = join(dir, DATA_FILES.config)
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new CliError(
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      EXIT.IO,
      'give the data folder made by sis init',
    )
  }
  const parsed = NodeFile.safeParse(raw)
  if (!parsed.success)
    throw new CliError(`${path} is not a node configuration`, EXIT.INVALID, 'give the data folder made by sis init')
  return parsed.data
}
