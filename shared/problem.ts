/**
 * The error body of the node's HTTP API: an RFC 9457 problem (`application/problem+json`). The
 * node writes it (node/api/errors.ts); the CLI, the adapters' HTTP client and the network tests
 * read it with readProblem. In shared/ because node/ may not import adapters/ nor adapters/ node/.
 *
 * `type` is `urn:carec-sis:problem:<CODE>`: a stable identifier per code that resolves nowhere
 * (no web page is promised); `title` is the code's fixed description, `detail` this occurrence's
 * message, `instance` the request path. Extension members: `code` (the stable code, what clients
 * branch on), `details` (structured facts, e.g. `field`), and `errors` when the request had
 * several faults (the first of them is the problem's own code, status and detail).
 */

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

export const PROBLEM_TYPE_PREFIX = 'urn:carec-sis:problem:'

export type ProblemDetails = Readonly<Record<string, unknown>>

/** One fault of a request that had several. */
export interface ProblemFault {
  readonly code: string
  readonly detail: string
  readonly details: ProblemDetails
}

export interface Problem {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail: string
  readonly instance: string
  readonly code: string
  readonly details: ProblemDetails
  readonly errors?: readonly ProblemFault[]
}

/** The `type` URI of a code. */
export function problemType(code: string): string {
  return PROBLEM_TYPE_PREFIX + code
}

/** What a client needs from an error answer. */
export interface ReadProblem {
  readonly code: string
  /** The problem's detail (else its title); undefined for a body that is not a problem. */
  readonly detail: string | undefined
  /** The problem's details, plus `errors` (every fault) when the request had several. */
  readonly details: ProblemDetails
  /** Every fault when there were several, else empty. */
  readonly errors: readonly ProblemFault[]
}

function record(value: unknown): ProblemDetails {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as ProblemDetails) : {}
}

function fault(value: unknown): ProblemFault | undefined {
  const f = record(value)
  if (typeof f.code !== 'string') return undefined
  return { code: f.code, detail: typeof f.detail === 'string' ? f.detail : '', details: record(f.details) }
}

/**
 * Reads an error answer of the node: the problem's code (or, without one, the code its `type`
 * names; else `HTTP_<status>`), detail, details and faults. Anything else (a proxy's HTML page,
 * say) keeps the status as its code.
 */
export function readProblem(status: number, body: unknown): ReadProblem {
  const p = record(body)
  const fromType =
    typeof p.type === 'string' && p.type.startsWith(PROBLEM_TYPE_PREFIX)
      ? p.type.slice(PROBLEM_TYPE_PREFIX.length)
      : undefined
  const code = typeof p.code === 'string' ? p.code : (fromType ?? `HTTP_${status}`)
  const detail = typeof p.detail === 'string' ? p.detail : typeof p.title === 'string' ? p.title : undefined
  const errors = Array.isArray(p.errors) ? p.errors.flatMap((e) => fault(e) ?? []) : []
  const details = errors.length > 1 ? { ...record(p.details), errors } : record(p.details)
  return { code, detail, details, errors: errors.length > 1 ? errors : [] }
}
