import { describe, expect, it } from 'vitest'
import { membershipHash, signMembership, verifySignedMembership } from './index.ts'
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

describe('the signed membership', () => {
  const founding = signedBy(testMembershipDocument(), CAREC_COUNTRY_CODES)

  it('the founding version takes effect when every member signed it', () => {
    expect(verifySignedMembership(founding, NOW).document.version).toBe(1)
  })

  it('a clock reading with milliseconds in the founding second is within the validity (times compare as instants)', () => {
    expect(verifySignedMembership(founding, '2026-01-01T00:00:00.769Z').document.version).toBe(1)
    expect(() => verifySignedMembership(founding, '2025-12-31T23:59:59.999Z')).toThrow(/valid from/)
  })

  it('fails closed: a missing founder, a changed document, an expired version', () => {
    const partial = signedBy(
      testMembershipDocument(),
      CAREC_COUNTRY_CODES.filter((c) => c !== 'AF'),
    )
    expect(() => verifySignedMembership(partial, NOW)).toThrow(
      expect.objectContaining({ code: 'MEMBERSHIP_INVALID', details: expect.objectContaining({ missing: 'AF' }) }),
    )
    const changed = { ...founding, document: { ...founding.document, quorum: 1 } }
    expect(() => verifySignedMembership(changed, NOW)).toThrow(expect.objectContaining({ code: 'MEMBERSHIP_INVALID' }))
    expect(() => verifySignedMembership(founding, '2028-01-01T00:00:00Z')).toThrow(
      expect.objectContaining({ code: 'MEMBERSHIP_INVALID' }),
    )
  })

  it('a change takes effect with the quorum of the current members, not below', () => {
    const current = verifySignedMembership(founding, NOW)
    const next = {
      ...testMembershipDocument(),
      version: 2,
      previous: membershipHash(founding.document),
      members: founding.document.members.filter((m) => m.country !== 'TM'),
    }
    const six = CAREC_COUNTRY_CODES.slice(0, 6)
    expect(verifySignedMembership(signedBy(next, six), NOW, current).isMember('TM')).toBe(false)
    expect(() => verifySignedMembership(signedBy(next, six.slice(0, 5)), NOW, current)).toThrow(
      expect.objectContaining({
        code: 'MEMBERSHIP_INVALID',
        details: expect.objectContaining({ signers: 5, quorum: 6 }),
      }),
    )
    const skipped = { ...next, version: 3 }
    expect(() => verifySignedMembership(signedBy(skipped, CAREC_COUNTRY_CODES), NOW, current)).toThrow(
      expect.objectContaining({ code: 'MEMBERSHIP_INVALID' }),
    )
  })

  it('a signature by a key the member does not hold does not count', () => {
    const forged = {
      document: founding.document,
      signatures: founding.signatures.map((s) =>
        s.country === 'KZ'
          ? signMembership({ document: founding.document, signatures: [] }, 'KZ', keyIdOf('KZ'), testKey('KZ', 2))
              .signatures[0]!
          : s,
      ),
    }
    expect(() => verifySignedMembership(forged, NOW)).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ missing: 'KZ' }) }),
    )
  })
})
