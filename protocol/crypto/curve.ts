/**
 * Edwards25519 constants and the byte-level tests that strict verification runs before any
 * backend: they work on the encodings alone (no point decoding), so they cost nanoseconds and a
 * hostile signature is refused before any curve arithmetic. Internal to protocol/crypto.
 */

/** The field prime p = 2^255 − 19. */
export const P = 2n ** 255n - 19n
/** The order of the base point, L = 2^252 + 27742317777372353535851937790883648493. */
export const L = 2n ** 252n + 27742317777372353535851937790883648493n

/** Little-endian bytes to an unsigned integer (Ed25519 encodes y and S little-endian). */
export function bytesToBigIntLE(bytes: Uint8Array): bigint {
  let n = 0n
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] ?? 0)
  return n
}

function bigIntTo32LE(n: bigint): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++, n >>= 8n) out[i] = Number(n & 0xffn)
  return out
}

const L_BYTES = bigIntTo32LE(L)

/** Is the 32-byte little-endian scalar S < L? Compared byte by byte from the most significant. */
export function isScalarBelowL(s: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const a = s[i] ?? 0
    const b = L_BYTES[i] ?? 0
    if (a !== b) return a < b
  }
  return false // S = L
}

/**
 * Is this 32-byte point encoding canonical, y < p? Bit 255 is the sign of x and is not part of y.
 * y ≥ p only when y is one of p … 2^255 − 1: byte 31 (without the sign bit) is 0x7f, bytes 30…1
 * are 0xff and byte 0 is ≥ 0xed.
 */
export function isCanonicalY(encoding: Uint8Array): boolean {
  if (((encoding[31] ?? 0) & 0x7f) !== 0x7f) return true
  for (let i = 30; i >= 1; i--) if (encoding[i] !== 0xff) return true
  return (encoding[0] ?? 0) < 0xed
}

/**
 * Every 32-byte encoding of a point of small order (1, 2, 4 or 8): the 8 points of the torsion
 * subgroup in canonical form, then the spellings a lenient decoder also accepts — x = 0 with the
 * sign bit set (points y = 1 and y = −1) and y + p for y = 0 and y = 1 (the only small-order y
 * below 19). The test file checks with noble's Point that this list is complete.
 */
export const SMALL_ORDER_ENCODINGS: readonly string[] = [
  '0100000000000000000000000000000000000000000000000000000000000000', // identity (order 1)
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // (0, −1): order 2
  '0000000000000000000000000000000000000000000000000000000000000000', // (±√−1, 0): order 4
  '0000000000000000000000000000000000000000000000000000000000000080', // its negation: order 4
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a', // order 8
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa', // order 8
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85', // order 8
  // Non-canonical spellings of the same points:
  '0100000000000000000000000000000000000000000000000000000000000080', // identity, x = "−0"
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', // (0, −1), x = "−0"
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p ≡ 0
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', // y = p ≡ 0, sign set
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // y = p + 1 ≡ 1
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', // y = p + 1 ≡ 1, sign set
]

/** A Map key for 32 bytes: one char per byte, cheaper than hex on the verification path. */
export function bytesKey(bytes: Uint8Array): string {
  // apply takes the typed array as it is; spreading it first costs several times more.
  return String.fromCharCode.apply(null, bytes as unknown as number[])
}

function hexKey(hex: string): string {
  let s = ''
  for (let i = 0; i < hex.length; i += 2) s += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16))
  return s
}

const SMALL_ORDER_SET = new Set(SMALL_ORDER_ENCODINGS.map(hexKey))

// The first bytes of the encodings above: any other encoding is not one of them.
const SMALL_ORDER_FIRST_BYTES = new Set(SMALL_ORDER_ENCODINGS.map((hex) => parseInt(hex.slice(0, 2), 16)))

export function isSmallOrderEncoding(encoding: Uint8Array): boolean {
  if (encoding.length !== 32 || !SMALL_ORDER_FIRST_BYTES.has(encoding[0] ?? -1)) return false
  return SMALL_ORDER_SET.has(bytesKey(encoding))
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}

/**
 * A Map that keeps at most `limit` entries, dropping the least recently used: the caches of
 * checked public keys and of node:crypto KeyObjects must not grow with every key a peer names.
 */
export class BoundedMap<K, V> {
  readonly #map = new Map<K, V>()
  readonly #limit: number

  constructor(limit: number) {
    this.#limit = limit
  }

  get(key: K): V | undefined {
    const value = this.#map.get(key)
    if (value !== undefined) {
      this.#map.delete(key) // re-insert: Map iterates in insertion order, so the oldest is first
      this.#map.set(key, value)
    }
    return value
  }

  set(key: K, value: V): void {
    this.#map.delete(key)
    this.#map.set(key, value)
    if (this.#map.size > this.#limit) {
      const oldest = this.#map.keys().next()
      if (oldest.done !== true) this.#map.delete(oldest.value)
    }
  }

  get size(): number {
    return this.#map.size
  }
}

/**
 * A cache for values derived from a 32-byte key: by the key array's identity first (the pinned
 * keys of a membership are a few arrays, handed out again on every lookup), checked against a
 * copy of its bytes so a changed array is never mistaken for the key it held; then by the bytes
 * themselves in a BoundedMap. Turning the bytes into a Map key costs more than the rest.
 */
export class KeyCache<V> {
  readonly #byIdentity = new WeakMap<Uint8Array, { readonly copy: Uint8Array; readonly value: V }>()
  readonly #byBytes: BoundedMap<string, V>

  constructor(limit: number) {
    this.#byBytes = new BoundedMap(limit)
  }

  get(raw: Uint8Array): V | undefined {
    const known = this.#byIdentity.get(raw)
    if (known !== undefined && equalBytes(known.copy, raw)) return known.value
    const value = this.#byBytes.get(bytesKey(raw))
    if (value !== undefined) this.#byIdentity.set(raw, { copy: raw.slice(), value })
    return value
  }

  set(raw: Uint8Array, value: V): void {
    this.#byBytes.set(bytesKey(raw), value)
    this.#byIdentity.set(raw, { copy: raw.slice(), value })
  }
}
