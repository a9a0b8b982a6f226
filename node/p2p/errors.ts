/**
 * The one error type of the p2p layer. Callers branch on `code` (stable, machine-readable), never
 * on message text, and `remote` says whether the other node reported the code (it refused or its
 * handler failed) or this node concluded it (timeout, dial failure, malformed answer).
 */

export const P2P_ERROR_CODES = {
  NOT_MEMBER: 'the peer or country is not a federation member (or no longer is)',
  TIMEOUT: 'the exchange did not finish within its time limit',
  UNREACHABLE: 'no connection to the member could be made or kept for the whole exchange',
  REMOTE_ERROR: 'the remote handler failed',
  TOO_LARGE: 'a frame, the frame count or the total size is over the limit',
  PROTOCOL: 'the remote does not serve this protocol, or broke the framing',
  BUSY: 'the remote already runs as many requests from this peer as it allows',
} as const

export type P2PErrorCode = keyof typeof P2P_ERROR_CODES

export function isP2PErrorCode(value: unknown): value is P2PErrorCode {
  return typeof value === 'string' && Object.hasOwn(P2P_ERROR_CODES, value)
}

export class P2PError extends Error {
  override name = 'P2PError'
  readonly code: P2PErrorCode
  /** True when the remote node sent this code in an error frame. */
  readonly remote: boolean

  constructor(code: P2PErrorCode, message: string, options: { remote?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.remote = options.remote ?? false
  }
}

/** libp2p and it-length-prefixed errors by name (their classes are not all exported), mapped to our codes. */
const BY_NAME: Record<string, P2PErrorCode> = {
  InvalidDataLengthError: 'TOO_LARGE',
  InvalidDataLengthLengthError: 'TOO_LARGE',
  StreamBufferError: 'TOO_LARGE',
  InvalidMessageLengthError: 'PROTOCOL',
  UnsupportedProtocolError: 'PROTOCOL',
  InvalidMessageError: 'PROTOCOL',
  ProtocolError: 'PROTOCOL',
  TooManyOutboundProtocolStreamsError: 'BUSY',
  TooManyInboundProtocolStreamsError: 'BUSY',
  TimeoutError: 'TIMEOUT',
}

/** libp2p sometimes rejects with a stream's 'close' Event rather than an Error: take the error it carries. */
function unwrapEvent(error: unknown): unknown {
  if (error instanceof Event) {
    const carried = (error as Event & { error?: unknown }).error
    return carried instanceof Error ? carried : new Error(`the stream emitted '${error.type}'`)
  }
  return error
}

/**
 * Turn whatever a libp2p call threw into a P2PError. `timedOut` wins: once our deadline passed,
 * the abort surfaces as an AbortError, a reset or an EOF depending on where it hit, and the
 * caller should see TIMEOUT whichever it was. Everything unrecognised is a broken or refused
 * connection (dial denied, reset, EOF, closed muxer): UNREACHABLE.
 */
export function toP2PError(thrown: unknown, context: string, timedOut = false): P2PError {
  if (thrown instanceof P2PError) return thrown
  if (timedOut) return new P2PError('TIMEOUT', `${context}: timed out`, { cause: thrown })
  const error = unwrapEvent(thrown)
  const name = error instanceof Error ? error.name : ''
  const code = BY_NAME[name] ?? 'UNREACHABLE'
  const detail = error instanceof Error ? error.message : String(error)
  return new P2PError(code, `${context}: ${detail}`, { cause: thrown })
}
