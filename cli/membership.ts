/** Reads the federation membership file (JSON) given by --membership. */
import { isSisError } from '../protocol/errors.ts'
import { loadMembership, membershipHash, SignedMembership } from '../protocol/membership/index.ts'
import type { Membership, MembershipDocument } from '../protocol/membership/index.ts'
import { readBounded } from './files.ts'
import { CliError, EXIT } from './output.ts'

export async function readMembershipFile(path: string): Promise<Membership> {
  const bytes = await readBounded(path, 4 * 1024 * 1024)
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (e) {
    throw new CliError(`${path} is not a JSON membership document: ${e instanceof Error ? e.message : String(e)}`, EXIT.INVALID, 'see docs/protocol/membership.md for the format')
  }
  try {
    return loadMembership(json)
  } catch (e) {
    if (isSisError(e)) throw new CliError(`${path}: ${e.message}`, EXIT.INVALID, 'see docs/protocol/membership.md for the format')
    throw e
  }
}

/**
 * The next membership version drafted from `current` with `changes` (members, offices, quorum,
 * validity): chained to it (version + 1, `previous` = its hash, issued at `at`), unsigned, as
 * `sis federation propose` and `sis key rotate` write it. The caller reports a failed parse.
 */
export function draftNextVersion(current: MembershipDocument, at: string, changes: Partial<MembershipDocument>): ReturnType<typeof SignedMembership.safeParse> {
  return SignedMembership.safeParse({ document: { ...current, ...changes, version: current.version + 1, issuedAt: at, previous: membershipHash(current) }, signatures: [] })
}
