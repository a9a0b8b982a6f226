/**
 * The federation membership as the protocol needs it: which countries are members, which keys
 * each may sign with and when, and which customs offices each owns with which roles. Only keys
 * pinned here count (S2); a key inside a message never does. In this form it is a JSON document
 * validated by zod; the node (issue 4) wraps it in a quorum-signed document.
 */
import { z } from 'zod'
import { SisError } from '../errors.ts'
import { CAREC_COUNTRY_CODES, findOffice, OFFICE_ROLES } from '../codes/index.ts'
import type { OfficeRole } from '../codes/index.ts'
import { checkPublicKey, publicKeyFromBase64 } from '../crypto/index.ts'

const Instant = z.iso.datetime({ offset: false })

export const MemberKey = z.strictObject({
  keyId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  /** Raw Ed25519 public key, base64 (32 bytes). */
  publicKey: z.string(),
  validFrom: Instant,
  validUntil: Instant.optional(),
  revokedAt: Instant.optional(),
})

export const Member = z.strictObject({
  country: z.enum(CAREC_COUNTRY_CODES),
  name: z.string().min(1).max(120),
  peerId: z.string().optional(),
  addresses: z.array(z.string()).max(16).optional(),
  keys: z.array(MemberKey).min(1).max(16),
})

export const OfficeAssignment = z.strictObject({
  referenceNumber: z.string().regex(/^[A-Z]{2}[A-Z0-9]{6}$/),
  country: z.string().regex(/^[A-Z]{2}$/),
  roles: z.array(z.enum(OFFICE_ROLES)).min(1),
})

export const MembershipDocument = z.strictObject({
  federation: z.string().min(1).max(120),
  version: z.number().int().positive(),
  validFrom: Instant,
  validUntil: Instant,
  quorum: z.number().int().positive(),
  /** When this version was drafted; a member it removes stops signing from then on. */
  issuedAt: Instant.optional(),
  /** SHA-256 (hex) of the signing bytes of the version this one replaces; absent on version 1. */
  previous: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  members: z.array(Member).min(1).max(64),
  /** Offices beyond the code list, or overriding it (roles change by membership change). */
  offices: z.array(OfficeAssignment).max(1000).optional(),
})
export type MembershipDocument = z.infer<typeof MembershipDocument>

export interface OfficeInfo {
  readonly referenceNumber: string
  readonly country: string
  readonly roles: readonly OfficeRole[]
}

/** Keys and offices as the log needs them. Pure: every answer depends on its arguments only. */
export interface Membership {
  readonly document: MembershipDocument
  /** The pinned key of `country`/`keyId` valid at `at` (ISO time); throws SIG_UNKNOWN_KEY. */
  key(country: string, keyId: string, at: string): Uint8Array
  office(referenceNumber: string): OfficeInfo | undefined
  isMember(country: string): boolean
}

function unknownKey(reason: string, message: string, details: Record<string, string>): never {
  throw new SisError('SIG_UNKNOWN_KEY', message, { reason, ...details })
}

/** Validates a membership document (keys checked as at enrolment: S3) and returns its view. */
export function loadMembership(input: unknown): Membership {
  const parsed = MembershipDocument.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new SisError(
      'MEMBERSHIP_INVALID',
      `membership: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
      { path: issue?.path.join('.') ?? '' },
    )
  }
  const doc = parsed.data
  const keys = new Map<string, { raw: Uint8Array; validFrom: string; validUntil?: string; revokedAt?: string }>()
  const countries = new Set<string>()
  for (const m of doc.members) {
    if (countries.has(m.country))
      throw new SisError('MEMBERSHIP_INVALID', `membership: ${m.country} is listed twice`, { country: m.country })
    countries.add(m.country)
    for (const k of m.keys) {
      const raw = publicKeyFromBase64(k.publicKey)
      checkPublicKey(raw)
      keys.set(`${m.country}/${k.keyId}`, {
        raw,
        validFrom: k.validFrom,
        validUntil: k.validUntil,
        revokedAt: k.revokedAt,
      })
    }
  }
  const offices = new Map((doc.offices ?? []).map((o) => [o.referenceNumber, o]))
  return {
    document: doc,
    key(country, keyId, claimed) {
      // Header values reach here before the signature is checked: quote and bound them.
      const at = claimed.length > 40 ? claimed.slice(0, 40) : claimed
      country = country.slice(0, 8)
      keyId = keyId.slice(0, 64)
      if (at < doc.validFrom || at > doc.validUntil) {
        throw new SisError(
          'MEMBERSHIP_INVALID',
          `membership "${doc.federation}" v${doc.version} is not valid at ${JSON.stringify(at)} (valid ${doc.validFrom} to ${doc.validUntil}): checks fail closed`,
          { at },
        )
      }
      const k = keys.get(`${country}/${keyId}`)
      if (k === undefined)
        unknownKey('unknown', `key ${JSON.stringify(`${country}/${keyId}`)} is not pinned in the membership`, {
          country,
          keyId,
        })
      if (at < k.validFrom)
        unknownKey(
          'not-yet-valid',
          `key ${country}/${keyId} is valid from ${k.validFrom}, the entry claims ${JSON.stringify(at)}`,
          { country, keyId },
        )
      if (k.validUntil !== undefined && at > k.validUntil)
        unknownKey(
          'expired',
          `key ${country}/${keyId} expired at ${k.validUntil}, the entry claims ${JSON.stringify(at)}`,
          { country, keyId },
        )
      if (k.revokedAt !== undefined && at >= k.revokedAt)
        unknownKey(
          'revoked',
          `key ${country}/${keyId} was revoked at ${k.revokedAt}, the entry claims ${JSON.stringify(at)}`,
          { country, keyId },
        )
      return k.raw
    },
    office(ref) {
      const assigned = offices.get(ref)
      if (assigned !== undefined) return assigned
      const listed = findOffice(ref)
      return listed === undefined
        ? undefined
        : { referenceNumber: listed.referenceNumber, country: listed.country, roles: listed.roles }
    },
    isMember: (country) => countries.has(country),
  }
}
