/**
 * The pure-JavaScript backend on @noble/ed25519: for browser pages (no node:crypto there) and as
 * an independent implementation to cross-check node:crypto in the tests. About 20 times slower
 * than node:crypto, so nodes verify with NODE_ED25519.
 */
import { sha512 } from '@noble/hashes/sha2.js'
import type { Ed25519Backend, SigningKey } from './signing-key.ts'
import { L, bytesToBigIntLE, equalBytes, isSmallOrderEncoding } from './curve.ts'
import { ed } from './ed.ts'

/**
 * Cofactorless verification (RFC 8032 5.1.7 without the optional factor 8): accept only if the
 * encoding of [S]B − [k]A is byte for byte the R of the signature. This is the equation
 * node:crypto (OpenSSL) checks. noble's own `ed.verify` checks the cofactored equation
 * [8][S]B = [8]R + [8][k]A instead, which also accepts an R with a small-order component (a
 * signature only the key holder can make); the two backends would then disagree, and nodes that
 * disagree about validity split the log. Same equation on both sides means same answer.
 */
function verifyCofactorless(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false
  const r = signature.subarray(0, 32)
  const s = bytesToBigIntLE(signature.subarray(32))
  if (s >= L) return false
  // OpenSSL refuses every small-order A and R (the tests try all pairs); without this, A = R =
  // identity with S = 0 would "verify" any message here. verifyStrict checks it first anyway.
  if (isSmallOrderEncoding(publicKey) || isSmallOrderEncoding(r)) return false
  try {
    const A = ed.Point.fromBytes(publicKey, false) // strict decoding: y < p, no x = "−0"
    const hash = sha512(ed.etc.concatBytes(r, publicKey, message))
    const k = bytesToBigIntLE(hash) % L
    // multiply(n, false): variable time, fine because every input here is public.
    const check = ed.Point.BASE.multiply(s, false).subtract(A.multiply(k, false))
    return equalBytes(check.toBytes(), r)
  } catch {
    return false // a public key that is not a point
  }
}

export const NOBLE_ED25519: Ed25519Backend = Object.freeze({
  name: '@noble/ed25519',
  sign(privateKey: SigningKey, message: Uint8Array): Uint8Array {
    return Uint8Array.from(ed.sign(message, privateKey.exportSeed()))
  },
  verify: verifyCofactorless,
})
