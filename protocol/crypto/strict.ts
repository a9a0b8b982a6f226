/**
 * Strict Ed25519: the rules we apply ourselves, before any backend runs, so that node:crypto and
 * noble (and any port another country writes) accept exactly the same signatures. Ed25519
 * libraries disagree at the edges (malleable S, non-canonical points, small-order keys; see
 * "Taming the many EdDSAs", Chalkias et al. 2020); in a federation where every node must reach the
 * same verdict on the same log entry, an edge one node accepts and another refuses would split it.
 */
import * as ed from '@noble/ed25519'
import type { Ed25519Backend } from './signing-key.ts'
import { keyInvalid } from './signing-key.ts'
import './noble.ts' // configures noble's SHA-512 before Point is used
import { KeyCache, isCanonicalY, isScalarBelowL, isSmallOrderEncoding } from './curve.ts'

/**
 * Refuse a public key unless it is a canonical encoding of a point of prime order L. Use at
 * enrolment (membership, key import); verifyStrict applies it too. Throws KEY_INVALID with
 * `details.reason`:
 * - 'length': not 32 bytes.
 * - 'non-canonical': encoded y ≥ p. A lenient decoder reduces y mod p, so the same key would have
 *   two spellings, and the spelling is hashed into every signature (k = H(R ‖ A ‖ M)).
 * - 'small-order': one of the 8 points of order 1, 2, 4, 8, in any spelling. Such a "key" has no
 *   secret: signatures by it can be forged by anyone, and one signature can verify for many
 *   messages.
 * - 'not-on-curve': no point has this y.
 * - 'mixed-order': a valid point with a small-order component. [a]B never has one, so no honest
 *   key does; refusing it makes cofactored and cofactorless verifiers agree on our keys.
 */
export function checkPublicKey(raw: Uint8Array): void {
  if (!(raw instanceof Uint8Array) || raw.length !== 32) {
    throw keyInvalid('length', 'an Ed25519 public key has 32 bytes')
  }
  if (!isCanonicalY(raw)) throw keyInvalid('non-canonical', 'the public key encodes y ≥ p (a non-canonical encoding)')
  if (isSmallOrderEncoding(raw)) throw keyInvalid('small-order', 'the public key is a point of small order')
  let point: ed.Point
  try {
    point = ed.Point.fromBytes(raw, false)
  } catch {
    throw keyInvalid('not-on-curve', 'the public key is not a point of the Ed25519 curve')
  }
  // Belt and braces: the encoding list above is complete (a test proves it), the arithmetic is
  // the definition.
  if (point.isSmallOrder()) throw keyInvalid('small-order', 'the public key is a point of small order')
  if (!point.isTorsionFree()) {
    throw keyInvalid('mixed-order', 'the public key has a small-order component (not in the prime-order subgroup)')
  }
}

// checkPublicKey decodes the point and multiplies it by L (about 2 ms in JavaScript), ten times
// the cost of a node:crypto verification. Keys that passed are remembered; the keys a node
// verifies with are the few pinned in the membership, so this cache almost always hits. Refused
// keys are not remembered (they may be anything a peer sends).
const acceptedKeys = new KeyCache<true>(4096)

function isAcceptedPublicKey(raw: Uint8Array): boolean {
  if (raw.length !== 32) return false
  if (acceptedKeys.get(raw) === true) return true
  try {
    checkPublicKey(raw)
  } catch {
    return false
  }
  acceptedKeys.set(raw, true)
  return true
}

/**
 * Verify an Ed25519 signature under the strict rules, then with the backend. Returns false, never
 * throws, for anything that does not verify. The rules, in order (each is cheap and runs before
 * any backend sees the input):
 * 1. The signature has exactly 64 bytes (R ‖ S).
 * 2. S < L. Otherwise (R, S + L) would be a second valid signature of the same message
 *    (malleability): with S reduced mod L, as some verifiers do, it satisfies the same equation.
 * 3. R is a canonical encoding (y < p): k = H(R ‖ A ‖ M) hashes R's bytes, so a second spelling
 *    of R is a second signature.
 * 4. R is not a small-order point (as libsodium; OpenSSL refuses these too): an honest R = [r]B
 *    never is one, and small-order R together with a small-order key is the classic signature
 *    that "verifies" any message under lenient rules.
 * 5. The public key passes checkPublicKey (cached once it has).
 * 6. The backend verifies: both backends check the cofactorless equation, encode([S]B − [k]A) = R.
 */
export function verifyStrict(
  backend: Ed25519Backend,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false // rule 1
  if (!(publicKey instanceof Uint8Array) || !(message instanceof Uint8Array)) return false
  if (!isScalarBelowL(signature.subarray(32))) return false // rule 2
  const r = signature.subarray(0, 32)
  if (!isCanonicalY(r)) return false // rule 3
  if (isSmallOrderEncoding(r)) return false // rule 4
  if (!isAcceptedPublicKey(publicKey)) return false // rule 5
  try {
    return backend.verify(publicKey, message, signature) === true // rule 6
  } catch {
    return false
  }
}
