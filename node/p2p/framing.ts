/**
 * The wire format of every request protocol (`${prefix}/${name}/1.0.0`). Each frame on the wire
 * is an unsigned-varint length followed by that many bytes (lpStream's default framing, the same
 * as every libp2p protocol). A message is one header frame and then the body frames it announces:
 *
 *   request:  [0x01][count: u32 big-endian]       then `count` frames
 *   response: [0x02][count: u32 big-endian]       then `count` frames
 *   error:    [0x03][UTF-8 JSON {code, message}]  and nothing after it
 *
 * Announcing the count first lets the reader refuse an over-long message before reading it, and
 * makes the end of a message explicit, so truncation (a crash mid-answer) is never mistaken for a
 * shorter answer. Limits are checked before bytes are buffered: a length prefix over the frame
 * limit is refused without reading the frame.
 */
import type { LengthPrefixedStream } from '@libp2p/utils'
import { P2PError, isP2PErrorCode } from './errors.ts'
import type { P2PErrorCode } from './errors.ts'

/** A request or a response: opaque byte strings, delivered byte for byte and in order. */
export type Frames = Uint8Array[]

export interface FrameLimits {
  /** Largest single body frame, in bytes. */
  readonly maxFrameBytes: number
  /** Most body frames in one message. */
  readonly maxFrames: number
  /** Most body bytes in one message (all frames together). */
  readonly maxTotalBytes: number
}

export const DEFAULT_FRAME_LIMITS: FrameLimits = {
  maxFrameBytes: 16 * 1024 * 1024,
  maxFrames: 1024,
  maxTotalBytes: 64 * 1024 * 1024,
}

export const FRAME_KIND = { request: 0x01, response: 0x02, error: 0x03 } as const

/** Header frames are tiny; the bound only stops a peer from passing a huge "header". */
const MAX_HEADER_BYTES = 4096
/** Error messages are for operators' logs, not a side channel: keep them short. */
const MAX_ERROR_MESSAGE_CHARS = 512
/** Small frames are batched into one write so a many-frame message is not a write per frame. */
const WRITE_BATCH_BYTES = 64 * 1024

export function resolveLimits(partial: Partial<FrameLimits> = {}): FrameLimits {
  const limits = { ...DEFAULT_FRAME_LIMITS, ...partial }
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1)
      throw new TypeError(`${key} must be a positive integer, got ${value}`)
  }
  return limits
}

/**
 * lpStream options for a stream carrying messages under these limits. The read buffer must hold
 * a whole frame plus what arrives while it is handed over, or byteStream resets the stream.
 */
export function lpOptions(limits: FrameLimits): { maxDataLength: number; maxBufferSize: number } {
  const maxDataLength = Math.max(limits.maxFrameBytes, MAX_HEADER_BYTES)
  return { maxDataLength, maxBufferSize: 2 * maxDataLength + 1024 * 1024 }
}

/** Refuse (TOO_LARGE) a message that breaks the limits, before anything is sent or after it is read. */
export function checkFrames(frames: Frames, limits: FrameLimits, what: string): void {
  if (frames.length > limits.maxFrames) {
    throw new P2PError('TOO_LARGE', `${what} has ${frames.length} frames, more than ${limits.maxFrames}`)
  }
  let total = 0
  for (const frame of frames) {
    if (frame.byteLength > limits.maxFrameBytes) {
      throw new P2PError(
        'TOO_LARGE',
        `${what} has a frame of ${frame.byteLength} bytes, more than ${limits.maxFrameBytes}`,
      )
    }
    total += frame.byteLength
  }
  if (total > limits.maxTotalBytes) {
    throw new P2PError('TOO_LARGE', `${what} has ${total} bytes, more than ${limits.maxTotalBytes}`)
  }
}

function countHeader(kind: number, count: number): Uint8Array {
  const header = new Uint8Array(5)
  header[0] = kind
  new DataView(header.buffer).setUint32(1, count)
  return header
}

export async function writeMessage(
  lp: LengthPrefixedStream,
  kind: 'request' | 'response',
  frames: Frames,
  signal: AbortSignal,
): Promise<void> {
  let batch: Uint8Array[] = [countHeader(FRAME_KIND[kind], frames.length)]
  let batchBytes = 5
  for (const frame of frames) {
    if (batchBytes + frame.byteLength > WRITE_BATCH_BYTES) {
      await lp.writeV(batch, { signal })
      batch = []
      batchBytes = 0
    }
    batch.push(frame)
    batchBytes += frame.byteLength
  }
  if (batch.length > 0) await lp.writeV(batch, { signal })
}

export function encodeError(code: P2PErrorCode, message: string): Uint8Array {
  const json = JSON.stringify({ code, message: message.slice(0, MAX_ERROR_MESSAGE_CHARS) })
  const body = new TextEncoder().encode(json)
  const frame = new Uint8Array(1 + body.byteLength)
  frame[0] = FRAME_KIND.error
  frame.set(body, 1)
  return frame
}

function decodeError(header: Uint8Array): P2PError {
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(header.subarray(1)))
  } catch {
    return new P2PError('PROTOCOL', 'the remote sent an unreadable error frame')
  }
  const { code, message } = (parsed ?? {}) as { code?: unknown; message?: unknown }
  const text = typeof message === 'string' ? message.slice(0, MAX_ERROR_MESSAGE_CHARS) : ''
  if (!isP2PErrorCode(code)) return new P2PError('PROTOCOL', `the remote sent an unknown error code: ${text}`)
  return new P2PError(code, `remote: ${text}`, { remote: true })
}

/**
 * A frame as a plain Uint8Array view of the bytes received, never copied. Chunks straight from
 * the socket are Buffers and the rest Uint8Arrays; callers (and deep equality) get one type.
 */
function plain(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/**
 * Read one message of the expected kind. An error frame in a response becomes the remote's
 * P2PError (thrown); anything else out of place is PROTOCOL, anything over a limit TOO_LARGE.
 */
export async function readMessage(
  lp: LengthPrefixedStream,
  kind: 'request' | 'response',
  limits: FrameLimits,
  signal: AbortSignal,
): Promise<Frames> {
  const header = (await lp.read({ signal })).subarray()
  if (header.byteLength > MAX_HEADER_BYTES) throw new P2PError('PROTOCOL', `header frame of ${header.byteLength} bytes`)
  if (kind === 'response' && header[0] === FRAME_KIND.error) throw decodeError(header)
  if (header.byteLength !== 5 || header[0] !== FRAME_KIND[kind]) {
    throw new P2PError(
      'PROTOCOL',
      `expected a ${kind} header, got ${header.byteLength} bytes starting ${header[0] ?? 'nothing'}`,
    )
  }
  const count = new DataView(header.buffer, header.byteOffset, 5).getUint32(1)
  if (count > limits.maxFrames)
    throw new P2PError('TOO_LARGE', `${kind} announces ${count} frames, more than ${limits.maxFrames}`)
  const frames: Frames = []
  let total = 0
  for (let i = 0; i < count; i++) {
    const frame = plain((await lp.read({ signal })).subarray())
    if (frame.byteLength > limits.maxFrameBytes) {
      throw new P2PError('TOO_LARGE', `${kind} frame of ${frame.byteLength} bytes, more than ${limits.maxFrameBytes}`)
    }
    total += frame.byteLength
    if (total > limits.maxTotalBytes) throw new P2PError('TOO_LARGE', `${kind} is over ${limits.maxTotalBytes} bytes`)
    frames.push(frame)
  }
  return frames
}
