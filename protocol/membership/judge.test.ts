import { describe, expect, it } from 'vitest'
import { judgeChain, membershipHash, signMembership } from './index.ts'
import type { SignedMembership } from './index.ts'
import { keyIdOf, testKey, testMembershipDocument } from '../testing/federation.ts'
import { CAREC_COUNTRY_CODES } from '../codes/index.ts'

const NOW = '2026-11-23T12:00:00Z'

function signedBy(doc: SignedMembership['document'], countries: readonly string[]): SignedMembership {
  return countries.reduce<SignedMembership>((s, c) => signMembership(s, c, keyIdOf(c), testKey(c)), {
    document: doc,
    signatures: [],
  })
}

const founding = signedBy(testMembershipDocument(), CAREC_COUNTRY_CODES)
const v2doc = {
  ...founding.document,
  version: 2,
  issuedAt: '2026-06-01T00:00:00Z',
  previous: membershipHash(founding.document),
  members: founding.document.members.filter((m) => m.country !== 'TM'),
}
const quorum = CAREC_COUNTRY_CODES.slice(0, 6)

describe('judging a membership chain', () => {
  it('a chain in any order: each version valid, who signed, the newest in force', () => {
    const v2 = signedBy(v2doc, quorum)
    const verdict = judgeChain([v2, founding], NOW)
    expect(verdict.versions.map((v) => [v.version, v.valid, v.needed])).toEqual([
      [1, true, 11],
      [2, true, 6],
    ])
    expect(verdict.versions[1]!.signedBy).toEqual(quorum)
    expect(verdict.versions[1]!.notSigned).toEqual(CAREC_COUNTRY_CODES.slice(6))
    expect(verdict.newest).toEqual({ version: 2, inForce: true })
    // The history judges entries by the version of their time: TM's key still counts before v2.
    expect(() => verdict.membership!.key('TM', keyIdOf('TM'), '2026-03-01T00:00:00Z')).not.toThrow()
    expect(() => verdict.membership!.key('TM', keyIdOf('TM'), '2026-07-01T00:00:00Z')).toThrow()
  })

  it('a proposal under quorum: not valid, with the members still to sign, and judging stops there', () => {
    const v2 = signedBy(v2doc, quorum.slice(0, 5))
    const v3 = signedBy({ ...v2doc, version: 3, previous: membershipHash(v2doc) }, quorum)
    const verdict = judgeChain([founding, v2, v3], NOW)
    expect(verdict.versions).toHaveLength(2)
    expect(verdict.versions[1]).toMatchObject({ version: 2, valid: false, needed: 6 })
    expect(verdict.versions[1]!.problem).toMatch(/signed by 5 current members .* the quorum is 6/)
    expect(verdict.versions[1]!.notSigned).toEqual(CAREC_COUNTRY_CODES.slice(5))
    expect(verdict.newest).toEqual({ version: 1, inForce: true })
  })

  it('a founding version short of a founder, a version that does not chain, an expired newest version', () => {
    const partial = signedBy(testMembershipDocument(), CAREC_COUNTRY_CODES.slice(1))
    const f = judgeChain([partial], NOW)
    expect(f.versions[0]).toMatchObject({ valid: false, notSigned: [CAREC_COUNTRY_CODES[0]] })
    expect(f.membership).toBeUndefined()
    const unchained = signedBy({ ...v2doc, previous: '00'.repeat(32) }, quorum)
    expect(judgeChain([founding, unchained], NOW).versions[1]!.problem).toMatch(/does not name the hash of version 1/)
    expect(judgeChain([founding], '2028-06-01T00:00:00Z').newest).toEqual({ version: 1, inForce: false })
  })
})
