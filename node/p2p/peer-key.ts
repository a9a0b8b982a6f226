/**
 * The node's libp2p transport key on disk. It is a different key from the XML signing key
 * (node/keys.ts): the transport key only proves "this connection is member X" to Noise, so it can
 * be rotated without re-signing anything. Stored as libp2p's protobuf encoding (what
 * privateKeyToProtobuf writes), with mode 0600, and read only if nobody but the owner can read it.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { writeFileAtomic } from '../../shared/files.ts'

/** An Ed25519 protobuf key is 68 bytes; anything much larger is not a key file. */
const MAX_KEY_FILE_BYTES = 4096

export async function generatePeerKey(): Promise<PrivateKey> {
  return generateKeyPair('Ed25519')
}

export function peerIdOfKey(key: PrivateKey): string {
  return peerIdFromPrivateKey(key).toString()
}

/**
 * Write a new key file (mode 0600), atomically and durably (shared/files.ts). Never replaces an
 * existing file or a symlink at the name (EEXIST): a lost key is a new identity.
 */
export function writePeerKeyFile(path: string, key: PrivateKey): void {
  if (key.type !== 'Ed25519') throw new TypeError(`the transport key must be Ed25519, got ${key.type}`)
  writeFileAtomic(path, privateKeyToProtobuf(key), { mode: 0o600, overwrite: false })
}

/** Read a key file written by writePeerKeyFile; refuses one that group or others may access. */
export function readPeerKeyFile(path: string): PrivateKey {
  const fd = openSync(path, 'r')
  try {
    const stat = fstatSync(fd)
    if (!stat.isFile() || stat.size > MAX_KEY_FILE_BYTES) throw new TypeError(`${path} is not a libp2p key file`)
    if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
      throw new TypeError(
        `${path} has mode ${(stat.mode & 0o777).toString(8)}: group or others may access it. Run: chmod 600 ${path}`,
      )
    }
    const key = privateKeyFromProtobuf(readFileSync(fd))
    if (key.type !== 'Ed25519') throw new TypeError(`${path}: the transport key must be Ed25519, got ${key.type}`)
    return key
  } finally {
    closeSync(fd)
  }
}
