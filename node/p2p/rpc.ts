/**
 * One request and one response per stream, both sides of it. The server side re-checks
 * membership (the gater judged the connection, perhaps before the membership changed), bounds
 * concurrent requests per peer, reads the request under limits and a deadline, and always
 * answers: frames, or an error frame with a stable code. The client side writes the request
 * while already reading, so an early refusal (too large, not a member, busy) stops the upload
 * instead of waiting for it to finish.
 */
import type { Connection, Stream, StreamHandler } from '@libp2p/interface'
import { lpStream } from '@libp2p/utils'
import { P2PError, toP2PError } from './errors.ts'
import type { P2PErrorCode } from './errors.ts'
import { checkFrames, encodeError, lpOptions, readMessage, writeMessage } from './framing.ts'
import type { FrameLimits, Frames } from './framing.ts'
import type { P2PLogger } from './support.ts'

export interface RequestSender {
  readonly peerId: string
  readonly country: string
}

/** Serves one request. `signal` aborts when the exchange's deadline passes; the answer is then dropped. */
export type RequestHandler = (request: Frames, from: RequestSender, context: { signal: AbortSignal }) => Promise<Frames>

export interface ServeOptions {
  readonly protocol: string
  readonly handler: RequestHandler
  readonly limits: FrameLimits
  readonly timeoutMs: number
  /** Requests of one peer on this protocol handled at once, over all its connections. */
  readonly maxInboundPerPeer: number
  readonly countryOf: (peerId: string) => string | undefined
  readonly logger: P2PLogger
}

/** After refusing, how long to let the caller notice and hang up before the stream is reset. */
const REFUSAL_GRACE_MS = 5_000

export function serveRequests(options: ServeOptions): StreamHandler {
  const active = new Map<string, number>()
  const { protocol, logger } = options
  return async (stream: Stream, connection: Connection): Promise<void> => {
    const peerId = connection.remotePeer.toString()
    const country = options.countryOf(peerId)
    if (country === undefined) {
      logger.warn({ protocol, peerId }, 'p2p: refused a request from a non-member')
      return refuse(stream, 'NOT_MEMBER', 'not a federation member', options.limits)
    }
    const running = active.get(peerId) ?? 0
    if (running >= options.maxInboundPerPeer) {
      logger.warn({ protocol, country, running }, 'p2p: refused a request over the per-peer limit')
      return refuse(stream, 'BUSY', `at most ${options.maxInboundPerPeer} concurrent requests per peer`, options.limits)
    }
    active.set(peerId, running + 1)
    const deadline = AbortSignal.timeout(options.timeoutMs)
    const lp = lpStream(stream, lpOptions(options.limits))
    try {
      let response: Frames
      try {
        const request = await readMessage(lp, 'request', options.limits, deadline)
        response = await runHandler(options, request, { peerId, country }, deadline)
      } catch (error) {
        const p2p = toP2PError(error, `${protocol} from ${country}`, deadline.aborted)
        if (p2p.code !== 'UNREACHABLE') logger.info({ protocol, country, code: p2p.code }, p2p.message)
        return refuse(lp.unwrap(), p2p.code, p2p.message, options.limits)
      }
      await writeMessage(lp, 'response', response, deadline)
      await stream.close({ signal: deadline })
    } catch (error) {
      // Writing the answer failed: the caller hung up or timed out; nobody is left to tell.
      logger.debug({ protocol, country, error: String(error) }, 'p2p: response not delivered')
      stream.abort(error instanceof Error ? error : new Error(String(error)))
    } finally {
      const left = (active.get(peerId) ?? 1) - 1
      if (left === 0) active.delete(peerId)
      else active.set(peerId, left)
    }
  }
}

async function runHandler(
  options: ServeOptions,
  request: Frames,
  from: RequestSender,
  deadline: AbortSignal,
): Promise<Frames> {
  let response: Frames
  try {
    response = await Promise.race([
      options.handler(request, from, { signal: deadline }),
      new Promise<never>((_, reject) => {
        deadline.addEventListener(
          'abort',
          () => reject(new P2PError('TIMEOUT', 'the handler did not answer in time')),
          { once: true },
        )
      }),
    ])
  } catch (error) {
    if (error instanceof P2PError) throw error
    // The handler's own message may name internals (paths, queries): log it here, send a generic one.
    options.logger.warn(
      { protocol: options.protocol, country: from.country, error: String(error) },
      'p2p: handler failed',
    )
    throw new P2PError('REMOTE_ERROR', 'the handler failed')
  }
  checkFrames(response, options.limits, 'the response')
  return response
}

/** Unsigned varint, as lpStream writes lengths; the error frame is sent on the raw stream. */
function varint(value: number): Uint8Array {
  const bytes: number[] = []
  while (value >= 0x80) {
    bytes.push((value % 0x80) | 0x80)
    value = Math.floor(value / 0x80)
  }
  bytes.push(value)
  return Uint8Array.from(bytes)
}

/**
 * Send an error frame, close our side, then discard whatever the caller is still sending until it
 * hangs up. Resetting at once could destroy the error frame in flight, and reading nothing would
 * let the caller's upload stall on flow control until its own timeout.
 */
async function refuse(stream: Stream, code: P2PErrorCode, message: string, limits: FrameLimits): Promise<void> {
  let discarded = 0
  const closed = new Promise<void>((resolve) => stream.addEventListener('close', () => resolve(), { once: true }))
  const discard = (event: { data: { byteLength: number } }): void => {
    discarded += event.data.byteLength
    if (discarded > limits.maxTotalBytes) stream.abort(new P2PError(code, 'the refused caller kept sending'))
  }
  stream.addEventListener('message', discard)
  try {
    if (stream.status !== 'open') return
    const frame = encodeError(code, message)
    stream.send(varint(frame.byteLength))
    stream.send(frame)
    const grace = AbortSignal.timeout(REFUSAL_GRACE_MS)
    await stream.close({ signal: grace })
    await Promise.race([closed, new Promise((resolve) => grace.addEventListener('abort', resolve, { once: true }))])
  } catch {
    // The caller is gone already; the finally below makes sure the stream is released.
  } finally {
    stream.removeEventListener('message', discard)
    if (stream.status === 'open' || stream.status === 'closing') stream.abort(new P2PError(code, message))
  }
}

/**
 * The client side of one exchange on an open stream. Throws a P2PError: the remote's code when it
 * answered with an error frame, TOO_LARGE or PROTOCOL when its answer breaks our limits or framing.
 */
export async function exchange(
  stream: Stream,
  request: Frames,
  limits: FrameLimits,
  signal: AbortSignal,
): Promise<Frames> {
  const lp = lpStream(stream, lpOptions(limits))
  let uploading = true
  const upload = writeMessage(lp, 'request', request, signal)
    .then(() => stream.close({ signal }))
    .finally(() => {
      uploading = false
    })
  // A failed upload also breaks the read below (the stream is reset), which reports it.
  upload.catch(() => undefined)
  try {
    const response = await readMessage(lp, 'response', limits, signal)
    if (uploading) stream.abort(new P2PError('PROTOCOL', 'answered before the request was complete'))
    return response
  } catch (error) {
    if (uploading || stream.status === 'open') stream.abort(error instanceof Error ? error : new Error(String(error)))
    throw error
  }
}
