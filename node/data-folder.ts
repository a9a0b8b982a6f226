/**
 * The data folder of a node: creating it (`sis init`) and reading it back into a NodeConfig
 * (`sis start`). Private keys are written 0600 and never printed. A folder that cannot be used
 * raises a DataFolderError saying why and what to do; cli/node-files.ts turns it into an exit
 * code, the test network (test-network/network.ts) calls these directly.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { PrivateKey } from '@libp2p/interface'
import { generatePeerKey, peerIdOfKey, readPeerKeyFile, writePeerKeyFile } from './p2p/peer-key.ts'
import { publicKeyToBase64 } from '../protocol/crypto/index.ts'
import { verifySignedMembership } from '../protocol/membership/index.ts'
import { generateSigningKey, readSigningKey, writeSigningKey } from './keys.ts'
import { DATA_FILES, NodeFile } from './config.ts'
import type { NodeConfig } from './config.ts'
import { writeFileAtomic } from '../shared/files.ts'

/** Why a data folder cannot be used: it already holds a node, a file cannot be read, or a file is not valid. */
export type DataFolderProblem = 'exists' | 'unreadable' | 'invalid'

export class DataFolderError extends Error {
  override readonly name = 'DataFolderError'
  readonly problem: DataFolderProblem
  /** What the operator can do about it. */
  readonly hint: string | undefined
  constructor(problem: DataFolderProblem, message: string, hint?: string) {
    super(message)
    this.problem = problem
    this.hint = hint
  }
}

export interface MemberCard {
  country: string
  name: string
  peerId: string
  addresses: string[]
  keys: { keyId: string; publicKey: string; validFrom: string }[]
}

export async function initDataFolder(
  dir: string,
  opts: { country: string; listen: string[]; apiPort: number; keyId?: string; now: string },
): Promise<MemberCard> {
  if (existsSync(join(dir, DATA_FILES.config)))
    throw new DataFolderError(
      'exists',
      `${dir} already holds a node (${DATA_FILES.config} exists)`,
      'choose an empty folder; a node is initialised once',
    )
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const keyId = opts.keyId ?? `${opts.country.toLowerCase()}-${opts.now.slice(0, 4)}-1`
  const signing = generateSigningKey()
  writeSigningKey(join(dir, DATA_FILES.signingKey), signing)
  const p2p = await generatePeerKey()
  writePeerKeyFile(join(dir, DATA_FILES.p2pKey), p2p)
  const file = NodeFile.parse({
    country: opts.country,
    keyId,
    listen: opts.listen,
    api: { host: '127.0.0.1', port: opts.apiPort },
  })
  // Last, atomically: a data folder without a whole node.json can be initialised again.
  writeFileAtomic(join(dir, DATA_FILES.config), JSON.stringify(file, null, 2) + '\n')
  const peerId = peerIdOfKey(p2p)
  return {
    country: opts.country,
    name: `${opts.country} customs`,
    peerId,
    addresses: [...opts.listen],
    keys: [{ keyId, publicKey: publicKeyToBase64(signing.publicKey), validFrom: opts.now.replace(/\.\d+Z$/, 'Z') }],
  }
}

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new DataFolderError(
      'unreadable',
      `cannot read ${what} ${path}: ${e instanceof Error ? e.message : String(e)}`,
      what === 'membership'
        ? 'place the signed membership.json in the data folder (sis federation create/sign)'
        : 'run sis init first',
    )
  }
}

export function readNodeConfig(dir: string, now: () => string): NodeConfig {
  const parsed = NodeFile.safeParse(readJson(join(dir, DATA_FILES.config), 'node configuration'))
  if (!parsed.success)
    throw new DataFolderError(
      'invalid',
      `${join(dir, DATA_FILES.config)}: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`,
      'fix the option named, or re-run sis init in a new folder',
    )
  let p2pKey: PrivateKey
  try {
    p2pKey = readPeerKeyFile(join(dir, DATA_FILES.p2pKey))
  } catch (e) {
    throw new DataFolderError(
      'unreadable',
      `cannot read ${join(dir, DATA_FILES.p2pKey)}: ${e instanceof Error ? e.message : String(e)}`,
    )
  }
  const membershipSigned = readJson(join(dir, DATA_FILES.membership), 'membership')
  // The founding file is checked as of its own start: later versions live in the store, and the
  // node refuses to start (fails closed) if the newest one is not valid now.
  const founded = (membershipSigned as { document?: { validFrom?: unknown } }).document?.validFrom
  const membership = verifySignedMembership(membershipSigned, typeof founded === 'string' ? founded : now())
  return {
    dataDir: dir,
    file: parsed.data,
    signingKey: readSigningKey(join(dir, DATA_FILES.signingKey)),
    p2pKey,
    membership,
    membershipSigned,
    now,
  }
}
