/**
 * @noble/ed25519, configured once: noble v3 ships without a hash so it has no dependency, and its
 * synchronous API needs SHA-512 set. Setting it at import is configuration of a library object,
 * not I/O. SigningKey (public key of a seed) and the noble backend (sign, verify) both take noble
 * from here, so neither imports the other.
 */
import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'

ed.hashes.sha512 = sha512

export { ed }

/** RFC 8032 5.1.5: the public key of a 32-byte seed (used by SigningKey, which may run in a browser). */
export function publicKeyFromSeed(seed: Uint8Array): Uint8Array {
  return Uint8Array.from(ed.getPublicKey(seed))
}
