/**
 * Reads the federation membership given by --membership: the signed files `{document, signatures}`
 * that `sis federation create|sign` write and every node keeps, one per version. Each version is
 * checked as the node checks it: version 1 signed by every founder, each later one the next
 * version naming the hash of the one before and signed by its quorum, each as of its own drafting
 * (an auditor's clock must not decide). Entries are then judged by the version of their time.
 * A bare membership document (no signatures) is still read alone, for hand-made test federations.
 */
import type { Command } from 'commander'
import { isSisError } from '../protocol/errors.ts'
import {
  loadMembership,
  membershipHash,
  SignedMembership,
  verifySignedMembership,
  withHistory,
} from '../protocol/membership/index.ts'
import type { Membership, MembershipDocument } from '../protocol/membership/index.ts'
import { readBounded } from './files.ts'
import { CliError, EXIT } from './output.ts'

const FORMAT_HINT =
  'give the signed membership.json (sis federation create/sign), then each later version in turn: --membership v1.json --membership v2.json'

export interface MembershipChain {
  /** Every version given, each entry judged by the version of its time (withHistory). */
  readonly membership: Membership
  /** The version numbers given, oldest first. */
  readonly versions: readonly number[]
}

/** --membership FILE, repeatable (one signed file per version), required. */
export function withMembership(cmd: Command): Command {
  return cmd.requiredOption(
    '--membership <file>',
    'the signed membership file (membership.json); repeat it for each later version: entries are judged by the version of their time',
    (file: string, previous: string[] | undefined) => [...(previous ?? []), file],
  )
}

/** One membership file as JSON (at most 4 MiB, strict UTF-8), or a CliError naming the file. */
export async function readMembershipJson(path: string): Promise<unknown> {
  const bytes = await readBounded(path, 4 * 1024 * 1024)
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (e) {
    throw new CliError(
      `${path} is not a JSON membership file: ${e instanceof Error ? e.message : String(e)}`,
      EXIT.INVALID,
      FORMAT_HINT,
      { code: 'MEMBERSHIP_INVALID', details: { file: path } },
    )
  }
}

function refused(path: string, e: unknown): never {
  if (!isSisError(e)) throw e
  throw new CliError(`${path}: ${e.message}`, EXIT.INVALID, FORMAT_HINT, {
    code: e.code,
    details: { ...e.details, file: path },
  })
}

const isSigned = (json: unknown): boolean => typeof json === 'object' && json !== null && 'document' in json

/**
 * Reads and checks the membership files, in any order (they are taken by version). A bare
 * document is read only alone, and `note` says that no signature was checked.
 */
export async function readMembershipFiles(
  paths: readonly string[],
  note: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<MembershipChain> {
  const files = await Promise.all(paths.map(async (path) => ({ path, json: await readMembershipJson(path) })))
  const bare = files.find((f) => !isSigned(f.json))
  if (bare !== undefined) {
    if (files.length > 1)
      throw new CliError(
        `${bare.path} is a bare membership document, without signatures: a version chain takes only signed files`,
        EXIT.INVALID,
        FORMAT_HINT,
        { code: 'MEMBERSHIP_INVALID', details: { file: bare.path } },
      )
    let membership: Membership
    try {
      membership = loadMembership(bare.json)
    } catch (e) {
      refused(bare.path, e)
    }
    note(`note: ${bare.path} is a bare membership document: no membership signature was checked`)
    return { membership, versions: [membership.document.version] }
  }
  const version = (json: unknown) => SignedMembership.safeParse(json).data?.document.version ?? 0
  files.sort((a, b) => version(a.json) - version(b.json))
  const versions: Membership[] = []
  for (const { path, json } of files) {
    // Each version as of its own drafting, as the node replays its stored versions (node/node.ts).
    const doc = (json as { document?: { issuedAt?: unknown; validFrom?: unknown } }).document
    const drafted = String(doc?.issuedAt ?? doc?.validFrom ?? '')
    try {
      versions.push(verifySignedMembership(json, drafted, versions.at(-1)))
    } catch (e) {
      refused(path, e)
    }
  }
  return { membership: withHistory(versions), versions: versions.map((m) => m.document.version) }
}

/**
 * The next membership version drafted from `current` with `changes` (members, offices, quorum,
 * validity): chained to it (version + 1, `previous` = its hash, issued at `at`), unsigned, as
 * `sis federation propose` and `sis key rotate` write it. The caller reports a failed parse.
 */
export function draftNextVersion(
  current: MembershipDocument,
  at: string,
  changes: Partial<MembershipDocument>,
): ReturnType<typeof SignedMembership.safeParse> {
  return SignedMembership.safeParse({
    document: { ...current, ...changes, version: current.version + 1, issuedAt: at, previous: membershipHash(current) },
    signatures: [],
  })
}
