/**
 * The node's data folder (node/data-folder.ts) as the CLI uses it: `sis init`, `sis federation`
 * and `sis start` call these, and a folder that cannot be used becomes a CliError with the exit
 * code of its problem and the hint.
 */
import { DataFolderError, initDataFolder as initFolder, readNodeConfig as readConfig } from '../node/data-folder.ts'
import { DATA_FILES, NodeFile } from '../node/config.ts'
import type { SignedMembership } from '../protocol/membership/index.ts'
import type { NodeConfig } from '../node/config.ts'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { MemberCard } from '../node/data-folder.ts'
import { CliError, EXIT } from './output.ts'

export type { MemberCard }

const EXIT_OF = { exists: EXIT.USAGE, unreadable: EXIT.IO, invalid: EXIT.INVALID } as const

function asCliError(e: unknown): unknown {
  return e instanceof DataFolderError ? new CliError(e.message, EXIT_OF[e.problem], e.hint) : e
}

export async function initDataFolder(...args: Parameters<typeof initFolder>): Promise<MemberCard> {
  try {
    return await initFolder(...args)
  } catch (e) {
    throw asCliError(e)
  }
}

export function readNodeConfig(dir: string, now: () => string): NodeConfig {
  try {
    return readConfig(dir, now)
  } catch (e) {
    throw asCliError(e)
  }
}

export async function readFolderChain(dir: string): Promise<unknown[]> {
  const { readFolderChain: read } = await import('../node/membership-chain.ts')
  try {
    return await read(dir)
  } catch (e) {
    throw asCliError(e)
  }
}

export async function writeFolderChain(dir: string, chain: readonly SignedMembership[]): Promise<void> {
  const { writeFolderChain: write } = await import('../node/membership-chain.ts')
  try {
    await write(dir, chain)
  } catch (e) {
    throw asCliError(e)
  }
}

/** node.json of a data folder alone (before it has a membership). */
export function readNodeFile(dir: string): NodeFile {
  const file = join(dir, DATA_FILES.config)
  if (!existsSync(file))
    throw new CliError(`${dir} holds no node (${DATA_FILES.config} is missing)`, EXIT.IO, 'run sis init first')
  const parsed = NodeFile.safeParse(JSON.parse(readFileSync(file, 'utf8')))
  if (!parsed.success)
    throw new CliError(
      `${file}: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`,
      EXIT.INVALID,
    )
  return parsed.data
}
