/**
 * Judging a membership chain the way a node does, but saying everything instead of failing on
 * the first fault: for an operator checking a proposal before posting it (`sis federation show`)
 * and for a country joining a federation at a later version (`sis federation join`), which must
 * verify every step from the founding version to the one in force.
 *
 * Each version is judged as of its own drafting (`issuedAt`, else `validFrom`), as a node replays
 * its stored versions; only the newest must also be valid at the caller's clock to be in force.
 */
import { isSisError } from '../errors.ts'
import { withHistory } from './history.ts'
import type { Membership } from './membership.ts'
import { inForce, membershipHash, SignedMembership, verifySignedMembership, membershipSigners } from './signed.ts'

export interface VersionVerdict {
  readonly version: number
  readonly hash: string
  /** Whether the version follows its predecessor and carries the signatures it needs. */
  readonly valid: boolean
  /** Why not, in the node's words (MEMBERSHIP_INVALID's message). */
  readonly problem?: string
  /** Countries whose signature verifies under the key the signing version pins for them. */
  readonly signedBy: readonly string[]
  /** Signatures needed: every founder for version 1, the previous version's quorum after. */
  readonly needed: number
  /** Members of the signing version (the previous one; the version itself for version 1) not signed yet. */
  readonly notSigned: readonly string[]
}

export interface ChainVerdict {
  /** One verdict per version, oldest first; judging stops after the first invalid one. */
  readonly versions: readonly VersionVerdict[]
  /** The newest valid version, loaded with its history (undefined when version 1 is invalid). */
  readonly membership?: Membership
  /** The newest valid version's number, and whether it is in force at the clock given. */
  readonly newest?: { readonly version: number; readonly inForce: boolean }
}

const drafted = (doc: { issuedAt?: string; validFrom: string }): string => doc.issuedAt ?? doc.validFrom

/** Judges `chain` (signed versions, in any order; taken by version) at `now`. */
export function judgeChain(chain: readonly SignedMembership[], now: string): ChainVerdict {
  const sorted = [...chain].sort((a, b) => a.document.version - b.document.version)
  const versions: VersionVerdict[] = []
  const loaded: Membership[] = []
  for (const signed of sorted) {
    const previous = loaded.at(-1)
    const signers = membershipSigners(signed, previous, drafted(signed.document))
    let problem: string | undefined
    try {
      loaded.push(verifySignedMembership(signed, drafted(signed.document), previous))
    } catch (e) {
      if (!isSisError(e)) throw e
      problem = e.message
    }
    versions.push({
      version: signed.document.version,
      hash: membershipHash(signed.document),
      valid: problem === undefined,
      ...(problem === undefined ? {} : { problem }),
      ...signers,
    })
    if (problem !== undefined) break
  }
  const newest = loaded.at(-1)
  return {
    versions,
    ...(newest === undefined
      ? {}
      : {
          membership: withHistory(loaded),
          newest: { version: newest.document.version, inForce: inForce(newest.document, now) },
        }),
  }
}

/** Parses `input` as a signed membership, or says why it is not one. */
export function parseSignedMembership(input: unknown): SignedMembership | string {
  const parsed = SignedMembership.safeParse(input)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  return `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'malformed'}`
}
