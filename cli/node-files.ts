/**
 * The node's data folder (node/data-folder.ts) as the CLI uses it: `sis init`, `sis federation`
 * and `sis start` call these, and a folder that cannot be used becomes a CliError with the exit
 * code of its problem and the hint.
 */
import { DataFolderError, initDataFolder as initFolder, readNodeConfig as readConfig } from '../node/data-folder.ts'
import type { NodeConfig } from '../node/config.ts'
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
