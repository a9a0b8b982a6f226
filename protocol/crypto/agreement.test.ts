import * as ed from '@noble/ed25519'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { NOBLE_ED25519, NODE_ED25519, signingKeyFromSeed, verifyStrict } from './index.ts'

/**
 * node:crypto (OpenSSL) and noble are independent implementations: on random keys and messages
 * they must produce the same signature bytes (Ed25519 is deterministic) and give the same verdict
 * on every signature, valid or altered.
 */
const BACKENDS = [NODE_ED25519, NOBLE_ED25519]
const seed = fc.uint8Array({ minLength: 32, maxLength: 32 })
const message = fc.uint8Array({ maxLength: 300 })

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice()
  const i = Math.floor(bit / 8) % out.length
  out[i] = (out[i] ?? 0) ^ (1 << (bit % 8))
  return out
}

describe('node:crypto and noble agree', () => {
  it('sign random messages with random keys to identical bytes, and both verify them', () => {
    fc.assert(
      fc.property(seed, message, (s, m) => {
        const key = signingKeyFromSeed(s)
        const a = NODE_ED25519.sign(key, m)
        const b = NOBLE_ED25519.sign(key, m)
        expect(ed.etc.bytesToHex(a)).toBe(ed.etc.bytesToHex(b))
        expect(a).toHaveLength(64)
        for (const backend of BACKENDS) {
          expect(backend.verify(key.publicKey, m, a)).toBe(true)
          expect(verifyStrict(backend, key.publicKey, m, a)).toBe(true)
        }
      }),
      { numRuns: 100 },
    )
  })

  it('refuse a signature with one bit flipped in the message, the signature or the key, on both backends', () => {
    fc.assert(
      fc.property(seed, message, fc.constantFrom('message', 'signature', 'key'), fc.nat(511), (s, m, where, bit) => {
        const key = signingKeyFromSeed(s)
        const sig = NODE_ED25519.sign(key, m)
        let publicKey: Uint8Array = key.publicKey
        let msg: Uint8Array = m
        let signature: Uint8Array = sig
        if (where === 'message') msg = m.length === 0 ? Uint8Array.of(1 << (bit % 8)) : flipBit(m, bit)
        else if (where === 'signature') signature = flipBit(sig, bit)
        else publicKey = flipBit(publicKey, bit % 256)
        for (const backend of BACKENDS) {
          expect(verifyStrict(backend, publicKey, msg, signature), backend.name).toBe(false)
          expect(backend.verify(publicKey, msg, signature), backend.name).toBe(false)
        }
      }),
      { numRuns: 150 },
    )
  })

  it('never let a signature over one message verify another', () => {
    fc.assert(
      fc.property(seed, message, message, (s, m1, m2) => {
        fc.pre(ed.etc.bytesToHex(m1) !== ed.etc.bytesToHex(m2))
        const key = signingKeyFromSeed(s)
        const sig = NOBLE_ED25519.sign(key, m1)
        for (const backend of BACKENDS) expect(verifyStrict(backend, key.publicKey, m2, sig)).toBe(false)
      }),
      { numRuns: 100 },
    )
  })

  it('refuse random signatures under a real key alike (S < L, so the curve arithmetic runs)', () => {
    const key = signingKeyFromSeed(new Uint8Array(32).fill(1))
    const signature = fc.uint8Array({ minLength: 64, maxLength: 64 }).map((b) => ((b[63] = (b[63] ?? 0) & 0x0f), b))
    fc.assert(
      fc.property(message, signature, (m, sig) => {
        const verdicts = BACKENDS.map((backend) => verifyStrict(backend, key.publicKey, m, sig))
        expect(verdicts).toEqual([false, false])
      }),
      { numRuns: 200 },
    )
  })
})
