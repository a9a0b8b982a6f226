/**
 * Key encodings operators can inspect with openssl: private keys as PEM PKCS#8
 * (`openssl pkey -in key.pem -noout -text`), public keys as PEM SPKI (`openssl pkey -pubin`) and
 * as raw base64 (membership documents). Reading is strict: one PEM block with the expected label,
 * canonical base64, the exact RFC 8410 DER; anything else is KEY_INVALID with a reason that says
 * what is wrong ('encoding', 'type', 'encrypted', 'mismatch', 'length' or a checkPublicKey
 * reason). Pure: no node:crypto, usable in a browser page.
 */
import type { SisError } from '../errors.ts'
import { SigningKey, keyInvalid } from './signing-key.ts'
import { checkPublicKey } from './strict.ts'
import { equalBytes } from './curve.ts'
import {
  PKCS8_ED25519_PREFIX,
  PKCS8_V2_ED25519_PREFIX,
  PKCS8_V2_PUBLIC_KEY_TAG,
  SPKI_ED25519_PREFIX,
  algorithmOf,
  hasPrefix,
} from './der.ts'

type PemLabel = 'PRIVATE KEY' | 'PUBLIC KEY'

function base64Encode(bytes: Uint8Array): string {
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return btoa(binary)
}

/**
 * Strict base64 (RFC 4648 section 4, padded): only the alphabet, a length that is a multiple of
 * 4, and canonical, i.e. encoding the bytes again gives the same string (no stray bits in the
 * last character). Two strings for one key would make two membership entries look different.
 */
function base64Decode(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0))
  return base64Encode(bytes) === text ? bytes : undefined
}

function pemEncode(label: PemLabel, der: Uint8Array): string {
  const lines = base64Encode(der).match(/.{1,64}/g) ?? []
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`
}

function labelError(found: string, expected: PemLabel): SisError {
  if (expected === 'PRIVATE KEY' && found === 'ENCRYPTED PRIVATE KEY') {
    return keyInvalid(
      'encrypted',
      'the private key file is encrypted: the node reads an unencrypted PKCS#8 file ' +
        'protected by mode 0600 (decrypt it with: openssl pkey -in encrypted.pem -out key.pem)',
    )
  }
  return keyInvalid('type', `expected a PEM "${expected}" block, found "${found}"`, { found })
}

/** The DER inside exactly one PEM block labelled `expected`; whitespace around it is allowed. */
function pemDecode(text: string, expected: PemLabel): Uint8Array {
  if (typeof text !== 'string') throw keyInvalid('encoding', 'a PEM key is text')
  const lines = text.trim().split(/\r?\n/)
  const begin = /^-----BEGIN ([A-Z0-9 ]+)-----$/.exec(lines[0] ?? '')
  if (begin === null) throw keyInvalid('encoding', `not a PEM key: the first line must be -----BEGIN ${expected}-----`)
  const label = begin[1] ?? ''
  if (label !== expected) throw labelError(label, expected)
  if (lines.length < 3 || lines[lines.length - 1] !== `-----END ${label}-----`) {
    throw keyInvalid('encoding', `a PEM key is one block ending with -----END ${label}----- and nothing after it`)
  }
  const der = base64Decode(lines.slice(1, -1).join(''))
  if (der === undefined) throw keyInvalid('encoding', 'the body of the PEM block is not canonical base64')
  return der
}

/** Refuse DER that is not the exact Ed25519 form: say which algorithm it is if we can tell. */
function derError(der: Uint8Array, kind: 'spki' | 'pkcs8'): SisError {
  const algorithm = algorithmOf(der, kind)
  if (algorithm === undefined)
    return keyInvalid('encoding', `not a ${kind === 'spki' ? 'SPKI public' : 'PKCS#8 private'} key`)
  if (algorithm !== 'ed25519') {
    return keyInvalid('type', `expected an Ed25519 key, found ${algorithm}`, { found: algorithm })
  }
  return keyInvalid('encoding', 'an Ed25519 key, but not in the DER form of RFC 8410 (extra fields or attributes?)')
}

/** Read a PEM PKCS#8 Ed25519 private key (v1, as openssl genpkey writes, or v2 with its public key). */
export function signingKeyFromPem(pem: string): SigningKey {
  const der = pemDecode(pem, 'PRIVATE KEY')
  try {
    return signingKeyFromDer(der)
  } finally {
    der.fill(0) // best effort: our copy of the seed goes; SigningKey keeps its own
  }
}

function signingKeyFromDer(der: Uint8Array): SigningKey {
  const p = PKCS8_ED25519_PREFIX.length
  if (der.length === p + 32 && hasPrefix(der, PKCS8_ED25519_PREFIX)) return new SigningKey(der.subarray(p))
  const tag = p + 32
  if (
    der.length === tag + PKCS8_V2_PUBLIC_KEY_TAG.length + 32 &&
    hasPrefix(der, PKCS8_V2_ED25519_PREFIX) &&
    hasPrefix(der, PKCS8_V2_PUBLIC_KEY_TAG, tag)
  ) {
    const key = new SigningKey(der.subarray(p, p + 32))
    // A file whose public key is not its seed's would make us publish one key and sign with another.
    if (!equalBytes(key.publicKey, der.subarray(tag + PKCS8_V2_PUBLIC_KEY_TAG.length))) {
      throw keyInvalid('mismatch', 'the public key in the PKCS#8 file is not the public key of its private key')
    }
    return key
  }
  throw derError(der, 'pkcs8')
}

/** PEM PKCS#8 v1 (the form openssl and node:crypto write). The result holds the secret: mode 0600. */
export function signingKeyToPem(key: SigningKey): string {
  const seed = key.exportSeed()
  const der = new Uint8Array(PKCS8_ED25519_PREFIX.length + 32)
  der.set(PKCS8_ED25519_PREFIX)
  der.set(seed, PKCS8_ED25519_PREFIX.length)
  const pem = pemEncode('PRIVATE KEY', der)
  seed.fill(0) // best effort; the PEM string itself cannot be wiped
  der.fill(0)
  return pem
}

/** Read a PEM SPKI Ed25519 public key to its 32 raw bytes; checkPublicKey applies. */
export function publicKeyFromPem(pem: string): Uint8Array {
  const der = pemDecode(pem, 'PUBLIC KEY')
  const p = SPKI_ED25519_PREFIX.length
  if (der.length !== p + 32 || !hasPrefix(der, SPKI_ED25519_PREFIX)) throw derError(der, 'spki')
  const raw = der.slice(p)
  checkPublicKey(raw)
  return raw
}

export function publicKeyToPem(raw: Uint8Array): string {
  checkPublicKey(raw)
  const der = new Uint8Array(SPKI_ED25519_PREFIX.length + 32)
  der.set(SPKI_ED25519_PREFIX)
  der.set(raw, SPKI_ED25519_PREFIX.length)
  return pemEncode('PUBLIC KEY', der)
}

/** Read a raw public key from canonical padded base64 (44 characters); checkPublicKey applies. */
export function publicKeyFromBase64(text: string): Uint8Array {
  const raw = typeof text === 'string' ? base64Decode(text) : undefined
  if (raw === undefined) throw keyInvalid('encoding', 'the public key is not canonical base64 (RFC 4648, padded)')
  if (raw.length !== 32) throw keyInvalid('length', `an Ed25519 public key has 32 bytes, not ${raw.length}`)
  checkPublicKey(raw)
  return raw
}

export function publicKeyToBase64(raw: Uint8Array): string {
  checkPublicKey(raw)
  return base64Encode(raw)
}
