/**
 * The membership as history: verifying an entry means asking whether its key was good at the
 * entry's claimed time, under the version that listed that key, not whether the newest version
 * still lists it. Without this, adopting a new version (a removed member, a new validity period)
 * would make entries verified long ago unverifiable, and nodes unable to load their own data.
 */
import { SisError } from '../errors.ts'
import type { Membership } from './membership.ts'

export function withHistory(versions: readonly Membership[]): Membership {
  const newest = versions.at(-1)
  if (newest === undefined) throw new SisError('MEMBERSHIP_INVALID', 'membership: no version in force', {})
  if (versions.length === 1) return newest
  const oldest = versions[0]!
  return {
    document: newest.document,
    office: (ref) => newest.office(ref),
    isMember: (country) => newest.isMember(country),
    key(country, keyId, at) {
      if (at < oldest.document.validFrom || at > newest.document.validUntil) return newest.key(country, keyId, at)
      // The newest version that lists the key decides its validity and revocation.
      for (let i = versions.length - 1; i >= 0; i--) {
        const v = versions[i]!
        const listed = v.document.members.find((m) => m.country === country)?.keys.find((k) => k.keyId === keyId)
        if (listed === undefined) continue
        const dropped = versions[i + 1]?.document
        const cutoff = dropped === undefined ? undefined : (dropped.issuedAt ?? dropped.validFrom)
        if (cutoff !== undefined && at >= cutoff) {
          throw new SisError(
            'SIG_UNKNOWN_KEY',
            `key ${country}/${keyId} left the membership at version ${dropped!.version} (${cutoff})`,
            { reason: 'removed', country, keyId },
          )
        }
        // Within that version's period its own checks apply (validity, revocation).
        const clamped =
          at < v.document.validFrom ? v.document.validFrom : at > v.document.validUntil ? v.document.validUntil : at
        if (listed.revokedAt !== undefined && at >= listed.revokedAt) return v.key(country, keyId, at)
        return v.key(country, keyId, clamped)
      }
      return newest.key(country, keyId, at)
    },
  }
}
