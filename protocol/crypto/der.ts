/**
 * The DER of Ed25519 keys (RFC 8410), read and written by hand. An Ed25519 key has one DER form
 * per kind, so we accept keys by exact prefix and length; the small reader below only finds the
 * algorithm of a key we refuse, so the error can say "this is an RSA key" rather than "bad DER".
 * No node:crypto here, so a browser page can use it.
 */

/** SPKI: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING { 0 unused bits, 32-byte key } }. */
export const SPKI_ED25519_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00)

/** PKCS#8 v1: SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (seed) } }. */
export const PKCS8_ED25519_PREFIX = Uint8Array.of(
  0x30,
  0x2e,
  0x02,
  0x01,
  0x00,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x70,
  0x04,
  0x22,
  0x04,
  0x20,
)

/**
 * PKCS#8 v2 (RFC 5958 OneAsymmetricKey), which some tools write: version 1 and, after the seed,
 * [1] IMPLICIT BIT STRING { 0 unused bits, 32-byte public key }.
 */
export const PKCS8_V2_ED25519_PREFIX = Uint8Array.of(
  0x30,
  0x51,
  0x02,
  0x01,
  0x01,
  0x30,
  0x05,
  0x06,
  0x03,
  0x2b,
  0x65,
  0x70,
  0x04,
  0x22,
  0x04,
  0x20,
)
export const PKCS8_V2_PUBLIC_KEY_TAG = Uint8Array.of(0x81, 0x21, 0x00)

export function hasPrefix(bytes: Uint8Array, prefix: Uint8Array, offset = 0): boolean {
  if (bytes.length < offset + prefix.length) return false
  for (let i = 0; i < prefix.length; i++) if (bytes[offset + i] !== prefix[i]) return false
  return true
}

/** The algorithm OIDs an operator is likely to hand us by mistake, by their content bytes. */
const ALGORITHMS = new Map<string, string>([
  ['2b6570', 'ed25519'],
  ['2b6571', 'ed448'],
  ['2b656e', 'x25519'],
  ['2b656f', 'x448'],
  ['2a864886f70d010101', 'rsa'],
  ['2a864886f70d01010a', 'rsa-pss'],
  ['2a8648ce3d0201', 'ec'],
  ['2a8648ce380401', 'dsa'],
])

interface Tlv {
  readonly tag: number
  readonly start: number
  readonly end: number
}

/** One DER tag-length-value at `offset`, or undefined if it runs past the end. */
function readTlv(der: Uint8Array, offset: number): Tlv | undefined {
  const tag = der[offset]
  let length = der[offset + 1]
  let start = offset + 2
  if (tag === undefined || length === undefined) return undefined
  if (length & 0x80) {
    const count = length & 0x7f
    if (count === 0 || count > 3) return undefined // indefinite or absurd: not a key file
    length = 0
    for (let i = 0; i < count; i++) {
      const b = der[start++]
      if (b === undefined) return undefined
      length = length * 256 + b
    }
  }
  const end = start + length
  return end > der.length ? undefined : { tag, start, end }
}

/**
 * The algorithm named by an SPKI or PKCS#8 structure ('ed25519', 'rsa', 'x25519', ... or
 * 'oid:<hex>'), or undefined if the bytes are not one. Used for error messages only.
 */
export function algorithmOf(der: Uint8Array, kind: 'spki' | 'pkcs8'): string | undefined {
  const outer = readTlv(der, 0)
  if (outer?.tag !== 0x30) return undefined
  let position = outer.start
  if (kind === 'pkcs8') {
    const version = readTlv(der, position)
    if (version?.tag !== 0x02) return undefined
    position = version.end
  }
  const algorithm = readTlv(der, position)
  if (algorithm?.tag !== 0x30) return undefined
  const oid = readTlv(der, algorithm.start)
  if (oid?.tag !== 0x06) return undefined
  const hex = [...der.subarray(oid.start, oid.end)].map((b) => b.toString(16).padStart(2, '0')).join('')
  return ALGORITHMS.get(hex) ?? `oid:${hex}`
}
