import { createHash } from 'node:crypto'
import { format, inspect } from 'node:util'
import * as ed from '@noble/ed25519'
import { describe, expect, it } from 'vitest'
import { SigningKey, keyFingerprint, keyShortId, signingKeyFromSeed } from './index.ts'

const seedHex = '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb' // RFC 8032 TEST 2
const key = signingKeyFromSeed(ed.etc.hexToBytes(seedHex))

function reasonOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return (e as { details?: { reason?: string } }).details?.reason
  }
  return 'accepted'
}

describe('SigningKey', () => {
  it('never shows its seed: inspect, console formats, JSON and strings give [SigningKey kid]', () => {
    const shown = `[SigningKey ${key.kid}]`
    expect(inspect(key)).toBe(shown)
    expect(inspect(key, { showHidden: true, depth: 10 })).toBe(shown)
    expect(format('%o %O %s %j', key, key, key, key)).toBe(`${shown} ${shown} ${shown} "${shown}"`)
    expect(JSON.stringify({ key })).toBe(`{"key":"${shown}"}`)
    expect(`${key}`).toBe(shown)
    expect(Object.keys(key)).toEqual(['kid'])
    const everything = [inspect({ nested: [key] }), JSON.stringify([key]), String(key)].join(' ')
    expect(everything).not.toContain(seedHex)
    expect(everything).not.toContain(Buffer.from(ed.etc.hexToBytes(seedHex)).toString('base64'))
  })

  it('holds copies: changing the seed passed in, or what it hands out, does not change the key', () => {
    const seed = ed.etc.hexToBytes(seedHex)
    const k = new SigningKey(seed)
    const publicKey = k.publicKey
    seed.fill(0)
    k.exportSeed().fill(0)
    k.publicKey.fill(0)
    expect(ed.etc.bytesToHex(k.exportSeed())).toBe(seedHex)
    expect(k.publicKey).toEqual(publicKey)
    expect(ed.etc.bytesToHex(publicKey)).toBe('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c')
  })

  it("refuses a seed that is not 32 bytes ('length')", () => {
    for (const n of [0, 31, 33, 64]) expect(reasonOf(() => signingKeyFromSeed(new Uint8Array(n)))).toBe('length')
    expect(reasonOf(() => signingKeyFromSeed('00'.repeat(32) as unknown as Uint8Array))).toBe('length')
  })
})

describe('keyFingerprint and keyShortId', () => {
  it('are the SHA-256 hex of the raw public key and its first 16 characters', () => {
    const expected = createHash('sha256').update(key.publicKey).digest('hex')
    expect(keyFingerprint(key.publicKey)).toBe(expected)
    expect(keyShortId(key.publicKey)).toBe(expected.slice(0, 16))
    expect(key.kid).toBe(expected.slice(0, 16))
  })

  it("refuse a key that is not 32 bytes ('length')", () => {
    expect(reasonOf(() => keyFingerprint(new Uint8Array(33)))).toBe('length')
  })
})
