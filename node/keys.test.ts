import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { NODE_ED25519, keyShortId, verifyStrict } from '../protocol/crypto/index.ts'
import { generateSigningKey, readSigningKey, writeSigningKey } from './keys.ts'

const root = mkdtempSync(join(tmpdir(), 'sis-keys-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let dir = root
let counter = 0
beforeEach(() => {
  dir = join(root, String(counter++))
  mkdirSync(dir)
})

const modeOf = (path: string): number => statSync(path).mode & 0o777

function errorOf(fn: () => unknown): (Error & { code?: string; details?: Record<string, unknown> }) | undefined {
  try {
    fn()
  } catch (e) {
    return e as Error & { code?: string; details?: Record<string, unknown> }
  }
  return undefined
}

describe('generateSigningKey', () => {
  it('makes distinct keys that sign and verify', () => {
    const a = generateSigningKey()
    const b = generateSigningKey()
    expect(a.kid).not.toBe(b.kid)
    expect(a.kid).toBe(keyShortId(a.publicKey))
    const message = new TextEncoder().encode('hello')
    expect(verifyStrict(NODE_ED25519, a.publicKey, message, NODE_ED25519.sign(a, message))).toBe(true)
  })
})

describe('writeSigningKey and readSigningKey', () => {
  it('write PEM PKCS#8 with mode 0600 and read back the same key, leaving no temporary file', () => {
    const key = generateSigningKey()
    const path = join(dir, 'node.key')
    writeSigningKey(path, key)
    expect(modeOf(path)).toBe(0o600)
    expect(readFileSync(path, 'utf8')).toMatch(
      /^-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=]{64}\n-----END PRIVATE KEY-----\n$/,
    )
    const read = readSigningKey(path)
    expect(read.publicKey).toEqual(key.publicKey)
    expect(read.exportSeed()).toEqual(key.exportSeed())
    expect(readdirSync(dir)).toEqual(['node.key'])
  })

  it('refuse to overwrite an existing file unless told to, and then replace it with mode 0600', () => {
    const path = join(dir, 'node.key')
    writeFileSync(path, 'precious', { mode: 0o644 })
    const key = generateSigningKey()
    const error = errorOf(() => writeSigningKey(path, key))
    expect(error?.code).toBe('EEXIST')
    expect(error?.message).toContain('overwrite')
    expect(readFileSync(path, 'utf8')).toBe('precious')
    expect(readdirSync(dir)).toEqual(['node.key'])

    writeSigningKey(path, key, { overwrite: true })
    expect(modeOf(path)).toBe(0o600)
    expect(readSigningKey(path).kid).toBe(key.kid)
    expect(readdirSync(dir)).toEqual(['node.key'])
  })

  it('do not write through a dangling symlink at the name', () => {
    const path = join(dir, 'node.key')
    symlinkSync(join(dir, 'elsewhere'), path)
    expect(errorOf(() => writeSigningKey(path, generateSigningKey()))?.code).toBe('EEXIST')
    expect(readdirSync(dir).sort()).toEqual(['node.key'])
  })

  it('fail cleanly when the folder does not exist', () => {
    expect(errorOf(() => writeSigningKey(join(dir, 'missing', 'node.key'), generateSigningKey()))?.code).toBe('ENOENT')
  })

  it("refuse a key file group or others may access (KEY_INVALID 'permissions'), naming chmod 600", () => {
    const path = join(dir, 'node.key')
    writeSigningKey(path, generateSigningKey())
    for (const mode of [0o640, 0o644, 0o604, 0o660, 0o620, 0o601]) {
      chmodSync(path, mode)
      const error = errorOf(() => readSigningKey(path))
      expect(error?.code).toBe('KEY_INVALID')
      expect(error?.details?.reason).toBe('permissions')
      expect(error?.details?.mode).toBe(`0${mode.toString(8)}`)
      expect(error?.message).toContain(`chmod 600 ${path}`)
    }
    chmodSync(path, 0o400)
    expect(readSigningKey(path).publicKey).toHaveLength(32)
  })

  it('refuse a file that is not an Ed25519 key, naming the file', () => {
    const path = join(dir, 'node.key')
    writeFileSync(path, 'not a key\n', { mode: 0o600 })
    const error = errorOf(() => readSigningKey(path))
    expect(error?.code).toBe('KEY_INVALID')
    expect(error?.details).toEqual({ reason: 'encoding', path })
    expect(error?.message).toContain(path)
    expect(errorOf(() => readSigningKey(dir))?.details?.reason).toBe('encoding') // a folder
    expect(errorOf(() => readSigningKey(join(dir, 'absent.key')))?.code).toBe('ENOENT')
  })
})
