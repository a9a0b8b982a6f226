/**
 * The membership as a signed document (no central server, not even for trust): version 1 is
 * signed by every founding member with a key it lists; each later version names the hash of the
 * one it replaces and takes effect when signed by the quorum of the previous version's members
 * with their keys there. Signatures are Ed25519 over a purpose tag and the canonical JSON of the
 * document, so a membership signature never verifies as anything else (L3's idea, here too).
 */
import { z } from 'zod'
import { SisError } from '../errors.ts'
import { NODE_ED25519, sha256Hex, verifyStrict, publicKeyFromBase64 } from '../crypto/index.ts'
import type { Ed25519Backend, SigningKey } from '../crypto/index.ts'
import { canonicalJson } from '../log/canonical-json.ts'
import { loadMembership, MembershipDocument } from './membership.ts'
import type { Membership } from './membership.ts'

export const MEMBERSHIP_PURPOSE = 'carec-sis/membership/v1\n'

export const SignedMembership = z.strictObject({
  document: MembershipDocument,
  signatures: z.array(z.strictObject({ country: z.string(), keyId: z.string(), signature: z.string() })).max(64),
})
export type SignedMembership = z.infer<typeof SignedMembership>

const encoder = new TextEncoder()

export function membershipSigningBytes(doc: MembershipDocument): Uint8Array {
  return encoder.encode(MEMBERSHIP_PURPOSE + canonicalJson(doc))
}

export function membershipHash(doc: MembershipDocument): string {
  return sha256Hex(membershipSigningBytes(doc))
}

/** Adds (or replaces) the signature of `country` with `keyId`. */
export function signMembership(
  signed: SignedMembership,
  country: string,
  keyId: string,
  key: SigningKey,
  backend: Ed25519Backend = NODE_ED25519,
): SignedMembership {
  const signature = Buffer.from(backend.sign(key, membershipSigningBytes(signed.document))).toString('base64')
  return {
    document: signed.document,
    signatures: [...signed.signatures.filter((s) => s.country !== country), { country, keyId, signature }],
  }
}

function invalid(message: string, details: Record<string, string | number> = {}): never {
  throw new SisError('MEMBERSHIP_INVALID', `membership: ${message}`, details)
}

/** Countries whose signature verifies with the key `signers` pins for them. */
function validSigners(
  signed: SignedMembership,
  signers: Membership,
  at: (country: string, keyId: string) => string,
): Set<string> {
  const bytes = membershipSigningBytes(signed.document)
  const ok = new Set<string>()
  for (const s of signed.signatures) {
    let key: Uint8Array
    try {
      key = signers.key(s.country, s.keyId, at(s.country, s.keyId))
    } catch {
      continue
    }
    const sig = new Uint8Array(Buffer.from(s.signature, 'base64'))
    if (verifyStrict(NODE_ED25519, key, bytes, sig)) ok.add(s.country)
  }
  return ok
}

/**
 * The founders whose signature on the founding version verifies. A founder signs with a key it
 * lists; that key is judged at its own start (founders' keys are made minutes apart), and never
 * after the document's end.
 */
function foundersSigning(signed: SignedMembership, founding: Membership): Set<string> {
  const doc = founding.document
  const keyStart = (country: string, keyId: string) =>
    doc.members.find((m) => m.country === country)?.keys.find((k) => k.keyId === keyId)?.validFrom ?? doc.validFrom
  return validSigners(signed, founding, (c, k) => [keyStart(c, k), doc.validFrom].sort()[1]!)
}

/**
 * Checks a signed membership and returns it loaded. `previous` is the version in force (absent
 * for the founding version); `now` is the caller's clock. Fails closed: unsigned, under quorum,
 * out of sequence or expired memberships are refused.
 */
/**
 * Whether a membership version is in force at `clock` (an ISO time). Membership times are whole
 * seconds and compared as text, so the clock is cut to its second first: "…:21.769Z" would
 * otherwise sort before "…:21Z" and fail a fresh membership.
 */
export function inForce(doc: { readonly validFrom: string; readonly validUntil: string }, clock: string): boolean {
  const at = clock.replace(/\.\d+Z$/, 'Z')
  return at >= doc.validFrom && at <= doc.validUntil
}

export function verifySignedMembership(input: unknown, now: string, previous?: Membership): Membership {
  const parsed = SignedMembership.safeParse(input)
  if (!parsed.success)
    invalid(`${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? 'malformed'}`)
  const signed = parsed.data
  const doc = signed.document
  if (!inForce(doc, now))
    invalid(`version ${doc.version} is valid from ${doc.validFrom} to ${doc.validUntil}, not at ${now}`, {
      version: doc.version,
    })
  const loaded = loadMembership(doc)
  if (previous === undefined) {
    if (doc.version !== 1 || doc.previous !== undefined)
      invalid('without a membership in force, only a founding version 1 can be taken')
    for (const p of publicKeys(doc)) publicKeyFromBase64(p)
    const signers = foundersSigning(signed, loaded)
    const missing = doc.members.map((m) => m.country).filter((c) => !signers.has(c))
    if (missing.length > 0)
      invalid(`the founding version must be signed by every member; missing: ${missing.join(', ')}`, {
        missing: missing.join(','),
      })
    return loaded
  }
  const before = previous.document
  if (doc.version !== before.version + 1) invalid(`version ${doc.version} does not follow version ${before.version}`)
  if (doc.previous !== membershipHash(before))
    invalid(`version ${doc.version} does not name the hash of version ${before.version}`)
  const signers = validSigners(signed, previous, () => now)
  if (signers.size < before.quorum)
    invalid(
      `version ${doc.version} is signed by ${signers.size} current members (${[...signers].join(', ') || 'none'}), the quorum is ${before.quorum}`,
      { signers: signers.size, quorum: before.quorum },
    )
  return loaded
}

/**
 * Who has signed `signed` so far, and who still must: for version 1 every founder (judged by the
 * keys it lists), for a later one the quorum of `previous`'s members (judged by its keys at `at`).
 * Never throws: a version that does not follow `previous` still shows its signatures.
 */
export function membershipSigners(
  signed: SignedMembership,
  previous: Membership | undefined,
  at: string,
): { signedBy: string[]; needed: number; notSigned: string[] } {
  const signing = previous ?? safeLoad(signed.document)
  if (signing === undefined) return { signedBy: [], needed: signed.document.members.length, notSigned: [] }
  const doc = signing.document
  const by = previous === undefined ? foundersSigning(signed, signing) : validSigners(signed, previous, () => at)
  return {
    signedBy: doc.members.map((m) => m.country).filter((c) => by.has(c)),
    needed: previous === undefined ? doc.members.length : doc.quorum,
    notSigned: doc.members.map((m) => m.country).filter((c) => !by.has(c)),
  }
}

function safeLoad(doc: MembershipDocument): Membership | undefined {
  try {
    return loadMembership(doc)
  } catch {
    return undefined
  }
}

function publicKeys(doc: MembershipDocument): string[] {
  return doc.members.flatMap((m) => m.keys.map((k) => k.publicKey))
}
