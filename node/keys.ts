/**
 * The node's signing key on disk: generated here (protocol/ may not use randomness), kept as PEM
 * PKCS#8 that operators can inspect with `openssl pkey -in key.pem -noout -text`, written
 * atomically with mode 0600 and read only if nobody but the owner can read it.
 */
import { generateKeyPairSync } from 'node:crypto'
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs'
import { SisError } from '../protocol/errors.ts'
import type { SigningKey } from '../protocol/crypto/index.ts'
import { signingKeyFromPem, signingKeyFromSeed, signingKeyToPem } from '../protocol/crypto/index.ts'
import { writeFileAtomic } from '../shared/files.ts'

/** A PEM Ed25519 key is about 120 bytes; anything far larger is not a key file, so stop reading early. */
const MAX_KEY_FILE_BYTES = 64 * 1024

/** A fresh Ed25519 key from the operating system's random source (OpenSSL's CSPRNG). */
export function generateSigningKey(): SigningKey {
  const { privateKey } = generateKeyPairSync('ed25519')
  const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url')
  try {
    return signingKeyFromSeed(seed)
  } finally {
    seed.fill(0)
  }
}

/**
 * Write the key as PEM PKCS#8 with mode 0600, atomically and durably (shared/files.ts: a
 * temporary file in the same folder, fsynced, moved into place, the folder fsynced), so a crash
 * leaves the old file or the new one, never half a key. Without `overwrite` an existing file is
 * never replaced: the temporary file is hard-linked to the name, which fails if the name exists
 * even when two processes race (a check-then-rename would not).
 */
export function writeSigningKey(path: string, key: SigningKey, options: { overwrite?: boolean } = {}): void {
  try {
    writeFileAtomic(path, signingKeyToPem(key), { mode: 0o600, overwrite: options.overwrite === true })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    throw Object.assign(
      new Error(`refusing to overwrite the key file ${path} (pass { overwrite: true } to replace it)`, { cause: e }),
      { code: 'EEXIST', path },
    )
  }
}

/**
 * Read a PEM PKCS#8 Ed25519 key. Refuses (KEY_INVALID, reason 'permissions') a file that group or
 * others may read or write, as ssh does: a key others could read may already be someone else's.
 * The mode is taken from the open file, so a swap between check and read cannot slip through.
 */
export function readSigningKey(path: string): SigningKey {
  const fd = openSync(path, 'r')
  try {
    const stat = fstatSync(fd)
    if (!stat.isFile()) {
      throw new SisError('KEY_INVALID', `${path} is not a regular file`, { reason: 'encoding', path })
    }
    // Windows has no POSIX modes (Node reports 0o666); there the folder's ACL protects the key.
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0')
      throw new SisError(
        'KEY_INVALID',
        `the key file ${path} has mode ${mode}: group or others may access it. Run: chmod 600 ${path}`,
        { reason: 'permissions', path, mode },
      )
    }
    if (stat.size > MAX_KEY_FILE_BYTES) {
      throw new SisError('KEY_INVALID', `${path} is ${stat.size} bytes: not a key file`, { reason: 'encoding', path })
    }
    const text = readFileSync(fd, 'utf8')
    try {
      return signingKeyFromPem(text)
    } catch (e) {
      if (!(e instanceof SisError)) throw e
      throw new SisError(e.code, `${path}: ${e.message}`, { ...e.details, path }, { cause: e })
    }
  } finally {
    closeSync(fd)
  }
}
