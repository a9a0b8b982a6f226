import { createPublicKey } from 'node:crypto'
import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Ed25519Backend } from './index.ts'
import { NOBLE_ED25519, NODE_ED25519, checkPublicKey, signingKeyFromSeed, verifyStrict } from './index.ts'
import { L, P, SMALL_ORDER_ENCODINGS, bytesToBigIntLE } from './curve.ts'
import { SPKI_ED25519_PREFIX } from './der.ts'

const hex = ed.etc.hexToBytes
const toHex = ed.etc.bytesToHex
const BACKENDS = [NODE_ED25519, NOBLE_ED25519]

function le32(n: bigint): Uint8Array {
  const out = new Uint8Array(32)
  for (let i = 0; i < 32; i++, n >>= 8n) out[i] = Number(n & 0xffn)
  return out
}

function reasonOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return (e as { code?: string; details?: { reason?: string } }).details?.reason
  }
  return 'accepted'
}

/** A backend that counts its calls, to prove the strict rules refuse before any backend runs. */
function counting(backend: Ed25519Backend): { backend: Ed25519Backend; calls: () => number } {
  let calls = 0
  return {
    backend: { name: backend.name, sign: backend.sign, verify: (...a) => (calls++, backend.verify(...a)) },
    calls: () => calls,
  }
}

/** For every backend: verifyStrict refuses, and refuses without calling the backend. */
function refusedBeforeBackend(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): void {
  for (const b of BACKENDS) {
    const spy = counting(b)
    expect(verifyStrict(spy.backend, publicKey, message, signature), b.name).toBe(false)
    expect(spy.calls(), b.name).toBe(0)
  }
}

const key = signingKeyFromSeed(new Uint8Array(32).fill(7))
const message = new TextEncoder().encode('CC015C declaration lodged')
const signature = NODE_ED25519.sign(key, message)
/** The y below 19 that are on the curve (0 and 1 are small-order; the others are mixed-order). */
const SMALL_Y = [...Array(19).keys()]
  .map(BigInt)
  .filter((y) => reasonOf(() => ed.Point.fromBytes(le32(y))) === 'accepted')

describe('checkPublicKey', () => {
  it('accepts an honest key', () => {
    expect(reasonOf(() => checkPublicKey(key.publicKey))).toBe('accepted')
  })

  it("refuses a key that is not 32 bytes ('length')", () => {
    for (const n of [0, 31, 33, 64]) expect(reasonOf(() => checkPublicKey(new Uint8Array(n)))).toBe('length')
  })

  it("refuses each of the 8 small-order points ('small-order'), which are the whole torsion subgroup", () => {
    const canonical = SMALL_ORDER_ENCODINGS.slice(0, 8)
    const points = canonical.map((e) => ed.Point.fromBytes(hex(e)))
    for (const p of points) expect(p.isSmallOrder()).toBe(true)
    expect(new Set(points.map((p) => p.toHex())).size).toBe(8) // 8 distinct points: all of them
    for (const e of canonical) expect(reasonOf(() => checkPublicKey(hex(e)))).toBe('small-order')
  })

  it('knows every spelling of a small-order point, canonical or not', () => {
    const list = new Set(SMALL_ORDER_ENCODINGS)
    // Non-canonical spellings are y ≥ p (38 encodings with both signs) or a flipped sign bit.
    const candidates = [...Array(19).keys()].flatMap((i) => [le32(P + BigInt(i)), le32(P + BigInt(i) + 2n ** 255n)])
    for (const e of SMALL_ORDER_ENCODINGS.slice(0, 8))
      candidates.push(Uint8Array.of(...hex(e).subarray(0, 31), hex(e)[31]! ^ 0x80))
    for (const c of candidates) {
      let small = false
      try {
        small = ed.Point.fromBytes(c, true).isSmallOrder() // zip215: the lenient decoder
      } catch {
        /* not a point at all */
      }
      expect(list.has(toHex(c)), toHex(c)).toBe(small)
      if (small) expect(['non-canonical', 'small-order']).toContain(reasonOf(() => checkPublicKey(c)))
    }
    expect(list.size).toBe(14)
  })

  it("refuses y ≥ p ('non-canonical'), a second spelling a lenient decoder reads as the same point", () => {
    for (const y of SMALL_Y) {
      const spelling = le32(y + P)
      expect(ed.Point.fromBytes(spelling, true).equals(ed.Point.fromBytes(le32(y)))).toBe(true)
      expect(reasonOf(() => checkPublicKey(spelling))).toBe('non-canonical')
    }
    // node:crypto (OpenSSL) makes a key of these bytes: the check must be ours.
    expect(() =>
      createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, le32(P + 3n)]), format: 'der', type: 'spki' }),
    ).not.toThrow()
  })

  it("refuses a y with no point ('not-on-curve') and a point with a small-order part ('mixed-order')", () => {
    expect(reasonOf(() => checkPublicKey(le32(2n)))).toBe('not-on-curve')
    expect(reasonOf(() => checkPublicKey(le32(3n)))).toBe('mixed-order')
    const torsion = ed.Point.fromBytes(hex(SMALL_ORDER_ENCODINGS[4]!))
    const mixed = ed.Point.fromBytes(key.publicKey).add(torsion).toBytes()
    expect(reasonOf(() => checkPublicKey(mixed))).toBe('mixed-order')
  })
})

describe('verifyStrict', () => {
  it('accepts a valid signature on both backends, calling each once', () => {
    for (const b of BACKENDS) {
      const spy = counting(b)
      expect(verifyStrict(spy.backend, key.publicKey, message, signature)).toBe(true)
      expect(spy.calls()).toBe(1)
    }
  })

  it('judges the bytes of a key, not the array: a cached key changed in place is checked again', () => {
    const other = signingKeyFromSeed(new Uint8Array(32).fill(9))
    const otherSignature = NODE_ED25519.sign(other, message)
    const pk = key.publicKey.slice()
    expect(verifyStrict(NODE_ED25519, pk, message, signature)).toBe(true)
    // The same array now holds another key: the node backend must not reuse the first KeyObject.
    pk.set(other.publicKey)
    expect(verifyStrict(NODE_ED25519, pk, message, signature)).toBe(false)
    expect(verifyStrict(NODE_ED25519, pk, message, otherSignature)).toBe(true)
    // ... and now a small-order point: the accepted-key cache must not vouch for it.
    pk.set(hex(SMALL_ORDER_ENCODINGS[0] ?? ''))
    refusedBeforeBackend(pk, message, signature)
  })

  it('refuses a signature that is not 64 bytes', () => {
    for (const n of [0, 32, 63, 65, 128]) refusedBeforeBackend(key.publicKey, message, new Uint8Array(n))
  })

  it('refuses S ≥ L: S + L satisfies the same equation and passes a ref10-style check, but is a second signature', () => {
    const s = bytesToBigIntLE(signature.subarray(32))
    const malleated = Uint8Array.of(...signature.subarray(0, 32), ...le32(s + L))
    expect(malleated[63]! & 0xe0).toBe(0) // the old "top three bits clear" test lets it through
    expect(bytesToBigIntLE(malleated.subarray(32)) % L).toBe(s) // [S + L]B = [S]B: lenient reduction verifies
    refusedBeforeBackend(key.publicKey, message, malleated)
    for (const b of BACKENDS) expect(b.verify(key.publicKey, message, malleated), b.name).toBe(false)
    for (const big of [L, 2n ** 256n - 1n])
      refusedBeforeBackend(key.publicKey, message, Uint8Array.of(...signature.subarray(0, 32), ...le32(big)))
  })

  it('refuses a non-canonical R (y ≥ p)', () => {
    for (const y of SMALL_Y) {
      for (const sign of [0n, 2n ** 255n]) {
        refusedBeforeBackend(key.publicKey, message, Uint8Array.of(...le32(y + P + sign), ...signature.subarray(32)))
      }
    }
  })

  it('refuses every small-order R', () => {
    for (const r of SMALL_ORDER_ENCODINGS)
      refusedBeforeBackend(key.publicKey, message, Uint8Array.of(...hex(r), ...signature.subarray(32)))
  })

  it('refuses public keys checkPublicKey refuses, such as the identity that lenient verifiers accept for any message', () => {
    const identity = le32(1n)
    const forgery = Uint8Array.of(...identity, ...new Uint8Array(32)) // R = identity, S = 0
    expect(ed.verify(forgery, message, identity)).toBe(true) // noble's ZIP-215 default: "valid" for every message
    refusedBeforeBackend(identity, message, forgery)
    for (const bad of [le32(P + 3n), le32(2n), le32(3n), ...SMALL_ORDER_ENCODINGS.map(hex), new Uint8Array(31)]) {
      refusedBeforeBackend(bad, message, signature)
    }
  })

  it('refuses an R with a small-order component that a cofactored verifier accepts (both backends are cofactorless)', () => {
    // Only the key holder can make this: R = [r]B + T, S = r + k·a with k = H(R ‖ A ‖ M).
    const { scalar } = ed.utils.getExtendedPublicKey(key.exportSeed())
    const R = ed.Point.BASE.multiply(987654321n)
      .add(ed.Point.fromBytes(hex(SMALL_ORDER_ENCODINGS[4]!)))
      .toBytes()
    const k = bytesToBigIntLE(sha512(ed.etc.concatBytes(R, key.publicKey, message))) % L
    const crafted = Uint8Array.of(...R, ...le32((987654321n + k * scalar) % L))
    expect(ed.verify(crafted, message, key.publicKey, { zip215: false })).toBe(true) // [8][S]B = [8]R + [8][k]A
    for (const b of BACKENDS) {
      expect(b.verify(key.publicKey, message, crafted), b.name).toBe(false)
      expect(verifyStrict(b, key.publicKey, message, crafted), b.name).toBe(false)
    }
  })

  it('the raw backends agree on every pair of small-order A and R (OpenSSL refuses them all, so does noble.ts)', () => {
    for (const a of SMALL_ORDER_ENCODINGS) {
      for (const r of SMALL_ORDER_ENCODINGS) {
        const sig = Uint8Array.of(...hex(r), ...new Uint8Array(32))
        for (const b of BACKENDS) expect(b.verify(hex(a), message, sig), `${b.name} ${a} ${r}`).toBe(false)
      }
    }
  })

  it('never throws, whatever the bytes or types', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ minLength: 60, maxLength: 68 }),
        (publicKey, msg, sig) => {
          for (const b of BACKENDS) expect(verifyStrict(b, publicKey, msg, sig)).toBe(false)
        },
      ),
      { numRuns: 300 },
    )
    const junk = [undefined, null, 'x', 42, {}, [1, 2]] as unknown as Uint8Array[]
    for (const j of junk) {
      for (const b of BACKENDS) {
        expect(verifyStrict(b, j, message, signature)).toBe(false)
        expect(verifyStrict(b, key.publicKey, message, j)).toBe(false)
        expect(verifyStrict(b, key.publicKey, j, signature)).toBe(false)
      }
    }
  })
})
