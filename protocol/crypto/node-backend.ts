/**
 * The node:crypto (OpenSSL) backend: what nodes sign and verify with, about 20 times faster than
 * the pure-JS one. node:crypto is computation, not I/O, so protocol/ may use it; it never
 * generates keys here (that needs randomness, which belongs to node/keys.ts).
 */
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import type { Ed25519Backend, SigningKey } from './signing-key.ts'
import { KeyCache } from './curve.ts'
import { PKCS8_ED25519_PREFIX, SPKI_ED25519_PREFIX } from './der.ts'

// Creating a KeyObject parses DER inside OpenSSL and costs about as much as a verification, so
// each is made once. Public keys: a bounded cache (the pinned keys of the membership are few;
// a peer naming many keys must not grow memory). Private keys: one per SigningKey object, held
// weakly so the KeyObject goes when the SigningKey does.
const publicKeyObjects = new KeyCache<KeyObject>(1024)
const privateKeyObjects = new WeakMap<SigningKey, KeyObject>()

function publicKeyObject(raw: Uint8Array): KeyObject {
  let key = publicKeyObjects.get(raw)
  if (key === undefined) {
    const der = new Uint8Array(SPKI_ED25519_PREFIX.length + 32)
    der.set(SPKI_ED25519_PREFIX)
    der.set(raw, SPKI_ED25519_PREFIX.length)
    key = createPublicKey({ key: Buffer.from(der.buffer), format: 'der', type: 'spki' })
    publicKeyObjects.set(raw, key)
  }
  return key
}

function privateKeyObject(signingKey: SigningKey): KeyObject {
  let key = privateKeyObjects.get(signingKey)
  if (key === undefined) {
    const seed = signingKey.exportSeed()
    const der = new Uint8Array(PKCS8_ED25519_PREFIX.length + 32)
    der.set(PKCS8_ED25519_PREFIX)
    der.set(seed, PKCS8_ED25519_PREFIX.length)
    key = createPrivateKey({ key: Buffer.from(der.buffer), format: 'der', type: 'pkcs8' })
    der.fill(0) // best effort: the copies of the seed we made do not outlive this call
    seed.fill(0)
    privateKeyObjects.set(signingKey, key)
  }
  return key
}

export const NODE_ED25519: Ed25519Backend = Object.freeze({
  name: 'node:crypto',
  sign(privateKey: SigningKey, message: Uint8Array): Uint8Array {
    // Ed25519 takes no separate digest: the algorithm argument must be null.
    return Uint8Array.from(sign(null, message, privateKeyObject(privateKey)))
  },
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    if (publicKey.length !== 32 || signature.length !== 64) return false
    try {
      // OpenSSL checks S < L and the cofactorless equation encode([S]B − [k]A) = R. It decodes a
      // non-canonical A leniently, which is why verifyStrict checks keys before calling it.
      return verify(null, message, publicKeyObject(publicKey), signature)
    } catch {
      return false // OpenSSL could not make a key of these bytes
    }
  },
})
