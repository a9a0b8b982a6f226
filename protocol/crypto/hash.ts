/**
 * SHA-256 for the hot path (digests of entries and of canonical documents): node:crypto, about
 * four times faster than pure JavaScript here (3.5 µs against 13 µs for 2 KB). Pages that run in
 * a browser use @noble/hashes directly; both give the same bytes.
 */
import { createHash } from 'node:crypto'

export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest())
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}
