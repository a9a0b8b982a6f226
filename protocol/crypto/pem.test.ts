import { execFileSync, spawnSync } from 'node:child_process'
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ed from '@noble/ed25519'
import { afterAll, describe, expect, it } from 'vitest'
import {
  publicKeyFromBase64,
  publicKeyFromPem,
  publicKeyToBase64,
  publicKeyToPem,
  signingKeyFromPem,
  signingKeyFromSeed,
  signingKeyToPem,
} from './index.ts'
import { PKCS8_ED25519_PREFIX, PKCS8_V2_ED25519_PREFIX, PKCS8_V2_PUBLIC_KEY_TAG, SPKI_ED25519_PREFIX } from './der.ts'
import { SMALL_ORDER_ENCODINGS } from './curve.ts'

const key = signingKeyFromSeed(ed.etc.hexToBytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'))
const pem = signingKeyToPem(key)
const pubPem = publicKeyToPem(key.publicKey)

function errorOf(fn: () => unknown): { code?: string; details?: Record<string, unknown> } | undefined {
  try {
    fn()
  } catch (e) {
    return e as { code?: string; details?: Record<string, unknown> }
  }
  return undefined
}
const reasonOf = (fn: () => unknown): unknown => errorOf(fn)?.details?.reason
const armor = (label: string, der: Uint8Array): string =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64')}\n-----END ${label}-----\n`

describe('PEM and base64 round trips', () => {
  it('a private key goes to PKCS#8 PEM and back, and node:crypto reads the same key', () => {
    expect(pem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true)
    expect(signingKeyFromPem(pem).exportSeed()).toEqual(key.exportSeed())
    const jwk = createPrivateKey(pem).export({ format: 'jwk' })
    expect(Buffer.from(jwk.x ?? '', 'base64url')).toEqual(Buffer.from(key.publicKey))
    expect(pem).toBe(createPrivateKey(pem).export({ format: 'pem', type: 'pkcs8' }) as string) // the same bytes as OpenSSL
  })

  it('a key node:crypto generated reads back with the same public key', () => {
    const pair = generateKeyPairSync('ed25519')
    const ours = signingKeyFromPem(pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string)
    expect(publicKeyToPem(ours.publicKey)).toBe(pair.publicKey.export({ format: 'pem', type: 'spki' }) as string)
  })

  it('a public key goes to SPKI PEM and base64 and back', () => {
    expect(publicKeyFromPem(pubPem)).toEqual(key.publicKey)
    expect(createPublicKey(pubPem).asymmetricKeyType).toBe('ed25519')
    const b64 = publicKeyToBase64(key.publicKey)
    expect(b64).toBe(
      Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex').toString('base64'),
    )
    expect(publicKeyFromBase64(b64)).toEqual(key.publicKey)
  })

  it('accepts CRLF line ends and surrounding whitespace, and PKCS#8 v2 carrying its own public key', () => {
    expect(signingKeyFromPem(`\n${pem.replaceAll('\n', '\r\n')}  `).kid).toBe(key.kid)
    const v2 = Uint8Array.of(
      ...PKCS8_V2_ED25519_PREFIX,
      ...key.exportSeed(),
      ...PKCS8_V2_PUBLIC_KEY_TAG,
      ...key.publicKey,
    )
    expect(signingKeyFromPem(armor('PRIVATE KEY', v2)).kid).toBe(key.kid)
    const wrong = Uint8Array.of(
      ...PKCS8_V2_ED25519_PREFIX,
      ...key.exportSeed(),
      ...PKCS8_V2_PUBLIC_KEY_TAG,
      ...new Uint8Array(32).fill(9),
    )
    expect(reasonOf(() => signingKeyFromPem(armor('PRIVATE KEY', wrong)))).toBe('mismatch')
  })
})

describe('strict reading', () => {
  it("refuses base64 that is not canonical ('encoding') or not 32 bytes ('length')", () => {
    const b64 = publicKeyToBase64(key.publicKey)
    // The last character before '=' carries 2 bits beyond the 32 bytes, which must be zero.
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
    const stray = b64.slice(0, 42) + ALPHABET[ALPHABET.indexOf(b64[42] ?? '') + 1] + '='
    expect(Buffer.from(stray, 'base64')).toEqual(Buffer.from(key.publicKey)) // a lenient decoder reads the same key
    for (const bad of [
      stray,
      b64.slice(0, 43),
      ` ${b64}`,
      `${b64}\n`,
      b64.slice(0, 10) + '_' + b64.slice(11),
      'not base64!',
    ]) {
      expect(
        reasonOf(() => publicKeyFromBase64(bad)),
        bad,
      ).toBe('encoding')
    }
    expect(reasonOf(() => publicKeyFromBase64(''))).toBe('length')
    expect(reasonOf(() => publicKeyFromBase64(Buffer.alloc(31, 1).toString('base64')))).toBe('length')
    expect(reasonOf(() => publicKeyFromBase64(Buffer.alloc(33, 1).toString('base64')))).toBe('length')
  })

  it('refuses bad public keys in any encoding with the checkPublicKey reason', () => {
    const identity = ed.etc.hexToBytes(SMALL_ORDER_ENCODINGS[0]!)
    expect(reasonOf(() => publicKeyFromBase64(Buffer.from(identity).toString('base64')))).toBe('small-order')
    expect(
      reasonOf(() => publicKeyFromPem(armor('PUBLIC KEY', Uint8Array.of(...SPKI_ED25519_PREFIX, ...identity)))),
    ).toBe('small-order')
    const nonCanonical = ed.etc.hexToBytes('f0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')
    expect(
      reasonOf(() => publicKeyFromPem(armor('PUBLIC KEY', Uint8Array.of(...SPKI_ED25519_PREFIX, ...nonCanonical)))),
    ).toBe('non-canonical')
    expect(reasonOf(() => publicKeyToPem(identity))).toBe('small-order')
    expect(reasonOf(() => publicKeyToBase64(new Uint8Array(31)))).toBe('length')
  })

  it("refuses malformed PEM ('encoding')", () => {
    const body = pem.split('\n').slice(1, -2).join('\n')
    const cases = [
      '',
      'hello',
      pem + pem,
      `${pem}trailing text`,
      `intro text\n${pem}`,
      pem.replace('-----END PRIVATE KEY-----', ''),
      `-----BEGIN PRIVATE KEY-----\n${body.replace('M', '*')}\n-----END PRIVATE KEY-----`,
      `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PUBLIC KEY-----`,
      armor('PRIVATE KEY', PKCS8_ED25519_PREFIX), // no seed
      armor('PRIVATE KEY', Uint8Array.of(...PKCS8_ED25519_PREFIX, ...key.exportSeed(), 0)), // trailing byte
      armor('PUBLIC KEY', Uint8Array.of(...SPKI_ED25519_PREFIX, ...key.publicKey.subarray(1))),
    ]
    for (const c of cases) {
      const read = c.includes('PUBLIC') && !c.includes('PRIVATE') ? publicKeyFromPem : signingKeyFromPem
      const error = errorOf(() => read(c))
      expect(error?.code, c).toBe('KEY_INVALID')
      expect(error?.details?.reason, c).toBe('encoding')
    }
  })

  it("refuses RSA, EC, X25519, X448 and Ed448 keys and the wrong kind of key ('type')", () => {
    const pairs = {
      rsa: generateKeyPairSync('rsa', { modulusLength: 1024 }),
      ec: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
      x25519: generateKeyPairSync('x25519'),
      x448: generateKeyPairSync('x448'),
      ed448: generateKeyPairSync('ed448'),
    }
    for (const [name, pair] of Object.entries(pairs)) {
      const priv = pair.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string
      const pub = pair.publicKey.export({ format: 'pem', type: 'spki' }) as string
      expect(errorOf(() => signingKeyFromPem(priv))?.details).toEqual({ reason: 'type', found: name })
      expect(errorOf(() => publicKeyFromPem(pub))?.details).toEqual({ reason: 'type', found: name })
    }
    expect(
      reasonOf(() => signingKeyFromPem(pairs.rsa.privateKey.export({ format: 'pem', type: 'pkcs1' }) as string)),
    ).toBe('type')
    expect(
      reasonOf(() => signingKeyFromPem(pairs.ec.privateKey.export({ format: 'pem', type: 'sec1' }) as string)),
    ).toBe('type')
    expect(reasonOf(() => signingKeyFromPem(pubPem))).toBe('type') // a public key where the private one belongs
    expect(reasonOf(() => publicKeyFromPem(pem))).toBe('type') // and the other way round
  })

  it("refuses an encrypted private key ('encrypted')", () => {
    const encrypted = createPrivateKey(pem).export({
      format: 'pem',
      type: 'pkcs8',
      cipher: 'aes-256-cbc',
      passphrase: 'x',
    }) as string
    expect(reasonOf(() => signingKeyFromPem(encrypted))).toBe('encrypted')
  })
})

const OPENSSL = spawnSync('openssl', ['version']).status === 0
const dir = mkdtempSync(join(tmpdir(), 'sis-crypto-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('openssl reads what we write', () => {
  it.skipIf(!OPENSSL)(
    `openssl pkey accepts our PEM keys${OPENSSL ? '' : ' (SKIPPED: openssl is not installed)'}`,
    () => {
      const file = join(dir, 'key.pem')
      writeFileSync(file, pem, { mode: 0o600 })
      const text = execFileSync('openssl', ['pkey', '-in', file, '-noout', '-text'], { encoding: 'utf8' })
      expect(text).toMatch(/ED25519 Private-Key/)
      const pubHex = ed.etc.bytesToHex(key.publicKey).match(/../g)?.join(':') ?? ''
      expect(text.replace(/\s+/g, '')).toContain(`pub:${pubHex}`)
      expect(execFileSync('openssl', ['pkey', '-in', file, '-pubout'], { encoding: 'utf8' })).toBe(pubPem)
      writeFileSync(join(dir, 'pub.pem'), pubPem)
      expect(
        execFileSync('openssl', ['pkey', '-pubin', '-in', join(dir, 'pub.pem'), '-noout', '-text'], {
          encoding: 'utf8',
        }),
      ).toMatch(/ED25519 Public-Key/)
      execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', join(dir, 'gen.pem')])
      expect(signingKeyFromPem(readFileSync(join(dir, 'gen.pem'), 'utf8')).publicKey).toHaveLength(32)
    },
  )
})
