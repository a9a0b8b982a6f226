/**
 * The private half of an Ed25519 key, its fingerprint, and the interface both signature
 * backends implement. Nothing here imports node:crypto, so a browser page can use it with the
 * pure-JS backend (noble.ts).
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { SisError } from '../errors.ts'
import { publicKeyFromSeed } from './ed.ts'

/**
 * Why a key was refused (`details.reason` of a KEY_INVALID SisError). Machines read these, so
 * they are stable; README.md explains each.
 */
export type KeyInvalidReason =
  | 'length' // not 32 bytes (or a seed not 32 bytes)
  | 'non-canonical' // encoded y ≥ p: a second spelling of a point, which a lenient decoder reduces
  | 'small-order' // one of the 8 points of order 1, 2, 4 or 8 (any spelling)
  | 'not-on-curve' // no curve point has this y
  | 'mixed-order' // a point with a small-order component: no honest key generator makes one
  | 'type' // an RSA, EC, X25519 ... key, or a public key where a private one was expected
  | 'encoding' // not strict PEM / DER / canonical base64
  | 'encrypted' // an encrypted PKCS#8 file: the node reads plain PKCS#8 protected by file mode
  | 'mismatch' // a PKCS#8 file whose embedded public key is not the one of its seed
  | 'permissions' // a key file readable or writable by group or others (node/keys.ts)

/** Build the KEY_INVALID error; `details.reason` is what tests and machines read. */
export function keyInvalid(reason: KeyInvalidReason, message: string, extra: Record<string, string> = {}): SisError {
  return new SisError('KEY_INVALID', message, { reason, ...extra })
}

/** The one thing a signature backend must do: sign with a SigningKey and verify raw bytes. */
export interface Ed25519Backend {
  readonly name: string
  sign(privateKey: SigningKey, message: Uint8Array): Uint8Array
  /**
   * The backend's own verification, without our strictness rules: call `verifyStrict` instead,
   * which applies the same rules before either backend so both give the same answer.
   */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean
}

/** SHA-256 of the raw 32-byte public key, 64 lowercase hex characters. */
export function keyFingerprint(raw: Uint8Array): string {
  if (raw.length !== 32) throw keyInvalid('length', `an Ed25519 public key has 32 bytes, not ${raw.length}`)
  return bytesToHex(sha256(raw))
}

/** The first 16 hex characters of the fingerprint (64 bits): the key id in logs and file names. */
export function keyShortId(raw: Uint8Array): string {
  return keyFingerprint(raw).slice(0, 16)
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom')

/**
 * An Ed25519 private key: the 32-byte seed of RFC 8032 and its public key. The seed sits in a
 * private field so that console.log, util.inspect, JSON.stringify and string templates all show
 * `[SigningKey <kid>]` and never the secret; only `exportSeed()` (for PEM and the backends) hands
 * it out. JavaScript cannot wipe memory reliably, so this guards against leaks by logging, not
 * against someone reading the process memory.
 */
export class SigningKey {
  readonly #seed: Uint8Array
  readonly #publicKey: Uint8Array
  /** keyShortId of the public key. */
  readonly kid: string

  /** Prefer `signingKeyFromSeed`; the seed is copied, so the caller may wipe its own buffer. */
  constructor(seed: Uint8Array) {
    if (!(seed instanceof Uint8Array) || seed.length !== 32) {
      throw keyInvalid('length', 'an Ed25519 private key (seed) has 32 bytes')
    }
    this.#seed = Uint8Array.from(seed)
    this.#publicKey = publicKeyFromSeed(this.#seed)
    this.kid = keyShortId(this.#publicKey)
  }

  /** The raw 32-byte public key (a copy: callers cannot alter the key through it). */
  get publicKey(): Uint8Array {
    return this.#publicKey.slice()
  }

  /** A copy of the 32-byte seed. Named so that every use of the secret is easy to find. */
  exportSeed(): Uint8Array {
    return this.#seed.slice()
  }

  toString(): string {
    return `[SigningKey ${this.kid}]`
  }

  toJSON(): string {
    return this.toString()
  }

  [INSPECT](): string {
    return this.toString()
  }
}

export function signingKeyFromSeed(seed: Uint8Array): SigningKey {
  return new SigningKey(seed)
}
