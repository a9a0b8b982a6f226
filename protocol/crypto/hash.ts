/**
 * SHA-256 for the hot path (digests of entries and of canonical documents): node:crypto, about
 * four times faster than pure JavaScript here (3.5 µs against 13 µs for 2 KB). Pages that run in
 * a browser use @noble/hashes directly; both give the same bytes.
 */
import { createHash, hash } from 'node:crypto'

// The one-shot hash() skips building a Hash object: a microsecond less per call.
export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(hash('sha256', bytes, 'buffer'))
}

export function sha256Hex(bytes: Uint8Array): string {
  return hash('sha256', bytes, 'hex')
}

/** SHA-256 of the concatenation of `parts`, without copying them into one buffer. */
export function sha256Parts(parts: readonly Uint8Array[]): Uint8Array {
  const h = createHash('sha256')
  for (const p of parts) h.update(p)
  return new Uint8Array(h.digest())
}
