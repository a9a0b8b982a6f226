/**
 * Every error leaves the API as an RFC 9457 problem (`application/problem+json`, shared/problem.ts)
 * with a stable code and a status chosen from the code alone, so clients branch on codes and
 * never on message text. The codes are the node's SisError and NodeError codes, plus a few API_*
 * codes for what only HTTP can get wrong (authentication, routing, media types, malformed
 * requests). An error with several faults (an AggregateError of typed errors, or a typed error
 * carrying `errors`) becomes one problem whose `errors` lists them all.
 */
import type { FastifyBaseLogger } from 'fastify'
import { ERROR_CODES, isSisError } from '../../protocol/errors.ts'
import type { ErrorDetails } from '../../protocol/errors.ts'
import { problemType } from '../../shared/problem.ts'
import type { Problem, ProblemFault } from '../../shared/problem.ts'
import { NODE_ERROR_CODES, NODE_ERROR_STATUS, NodeError } from '../errors.ts'

export const API_ERROR_CODES = {
  API_UNAUTHENTICATED: 'no bearer token, or a token the node does not know',
  API_FORBIDDEN: "the caller's role may not use this route",
  API_NOT_FOUND: "no such route or document (a document outside the caller's scope is not found either)",
  API_BAD_REQUEST: 'the path, query or body does not have the shape the route expects',
  API_UNSUPPORTED_MEDIA_TYPE: 'the body is neither JSON nor XML, or not the one the route takes',
  API_BODY_TOO_LARGE: 'the body is larger than the limit',
  API_UNAVAILABLE: 'the node is not ready to serve this request',
  API_INTERNAL: 'a bug in the node: the request was not carried out',
} as const

export type ApiErrorCode = keyof typeof API_ERROR_CODES

/** A refusal decided by the API layer itself. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly code: ApiErrorCode
  readonly details: ErrorDetails

  constructor(code: ApiErrorCode, message: string = API_ERROR_CODES[code], details: ErrorDetails = {}) {
    super(message)
    this.code = code
    this.details = details
  }
}

const API_STATUS: Readonly<Record<ApiErrorCode, number>> = {
  API_UNAUTHENTICATED: 401,
  API_FORBIDDEN: 403,
  API_NOT_FOUND: 404,
  API_BAD_REQUEST: 400,
  API_UNSUPPORTED_MEDIA_TYPE: 415,
  API_BODY_TOO_LARGE: 413,
  API_UNAVAILABLE: 503,
  API_INTERNAL: 500,
}

/**
 * The HTTP status of an error code. SisError codes are refusals of what the caller sent, so any
 * code not named here is a 400: a new protocol code can never turn into a 500.
 */
export function statusForCode(code: string): number {
  if (code in API_STATUS) return API_STATUS[code as ApiErrorCode]
  if (code in NODE_ERROR_STATUS) return NODE_ERROR_STATUS[code as keyof typeof NODE_ERROR_STATUS]
  if (code === 'XML_TOO_LARGE') return 413
  // A duplicate, a broken chain or an equivocation conflicts with what the log already holds.
  if (code.startsWith('LOG_')) return 409
  // Without a valid membership the node cannot sign or verify: the node's state, not the input.
  if (code === 'MEMBERSHIP_INVALID') return 503
  return 400
}

const TITLES: Readonly<Record<string, string>> = { ...ERROR_CODES, ...NODE_ERROR_CODES, ...API_ERROR_CODES }

/** The fixed description of a code (the problem's `title`); the code itself for one no table names. */
export function titleForCode(code: string): string {
  return Object.hasOwn(TITLES, code) ? (TITLES[code] as string) : code
}

/** Fastify's own errors that reach the error handler, by their FST_* code. */
const FASTIFY_CODES: Readonly<Record<string, ApiErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'API_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'API_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'API_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'API_BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'API_BAD_REQUEST',
}

export interface Mapped {
  readonly status: number
  readonly body: Problem
  /** True for bugs: the caller gets a bare 500, the log gets the error with its stack. */
  readonly internal: boolean
}

/** A SisError, NodeError or ApiError: a code, a message and details. */
type Typed = Error & { readonly code: string; readonly details: ErrorDetails }

function asTyped(err: unknown): Typed | undefined {
  return isSisError(err) || err instanceof ApiError || err instanceof NodeError ? err : undefined
}

/**
 * The faults of an error with several: an AggregateError whose errors are all typed, or a typed
 * error with an `errors` array of typed errors. Undefined for an error with one fault.
 */
function faultsOf(err: unknown): Typed[] | undefined {
  const list = err instanceof AggregateError ? err.errors : (asTyped(err) as { errors?: unknown } | undefined)?.errors
  if (!Array.isArray(list) || list.length === 0) return undefined
  const typed = list.map(asTyped)
  return typed.every((t) => t !== undefined) ? typed : undefined
}

/** Maps anything thrown while serving a request to its status and body (never a stack). */
export function mapError(err: unknown, opts: { xmlRequest: boolean; instance: string }): Mapped {
  const faults = faultsOf(err)
  if (faults !== undefined) {
    const first = faults[0] as Typed
    const all: ProblemFault[] = faults.map((f) => ({ code: f.code, detail: f.message, details: f.details }))
    const extra = all.length > 1 ? { errors: all } : {}
    return made(statusForCode(first.code), first.code, first.message, first.details, opts.instance, extra)
  }
  const typed = asTyped(err)
  if (typed !== undefined) {
    // Every error of one input (protocol/errors.ts allErrors): listed in details.errors, which
    // becomes the problem's `errors` member.
    const { errors: listed, ...details } = typed.details
    if (Array.isArray(listed) && listed.length > 0) {
      const all: ProblemFault[] = listed.map((i) => ({ code: i.code, detail: i.message, details: i.details }))
      return made(statusForCode(typed.code), typed.code, typed.message, details, opts.instance, { errors: all })
    }
    return made(statusForCode(typed.code), typed.code, typed.message, typed.details, opts.instance)
  }
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown }
  const fastifyCode = typeof e.code === 'string' ? FASTIFY_CODES[e.code] : undefined
  if (fastifyCode === 'API_BODY_TOO_LARGE' && opts.xmlRequest) {
    // The body limit is the XML reader's byte limit, so an XML client sees the reader's own code.
    return made(413, 'XML_TOO_LARGE', 'the XML body is larger than the byte limit', {}, opts.instance)
  }
  if (fastifyCode !== undefined)
    return made(statusForCode(fastifyCode), fastifyCode, API_ERROR_CODES[fastifyCode], {}, opts.instance)
  // JSON syntax errors and prototype-poisoning refusals come as plain errors with a 400 status.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const message = typeof e.message === 'string' ? e.message.slice(0, 200) : API_ERROR_CODES.API_BAD_REQUEST
    return made(400, 'API_BAD_REQUEST', message, {}, opts.instance)
  }
  return { ...made(500, 'API_INTERNAL', API_ERROR_CODES.API_INTERNAL, {}, opts.instance), internal: true }
}

/**
 * The log line of a refused request, at info: a local caller's bad input is not the node's
 * trouble (misbehaving peers are warned about by replication). It names the code and the field
 * at fault, never a value or the body; for several faults, every fault's code and field.
 */
export function logRefusal(request: { log: Pick<FastifyBaseLogger, 'info'> }, body: Problem): void {
  const field = typeof body.details.field === 'string' ? body.details.field : undefined
  const faults = body.errors?.map((f) => ({
    code: f.code,
    ...(typeof f.details.field === 'string' ? { field: f.details.field } : {}),
  }))
  request.log.info(
    { code: body.code, status: body.status, ...(field === undefined ? {} : { field }), ...(faults ? { faults } : {}) },
    `request refused: ${body.code}${field === undefined ? '' : ` at ${field}`}${faults ? ` (${faults.length} faults)` : ''}`,
  )
}

/** The problem body of one refusal. */
export function problem(
  status: number,
  code: string,
  detail: string,
  details: ErrorDetails,
  instance: string,
  extra: { errors?: readonly ProblemFault[] } = {},
): Problem {
  return { type: problemType(code), title: titleForCode(code), status, detail, instance, code, details, ...extra }
}

function made(
  status: number,
  code: string,
  message: string,
  details: ErrorDetails,
  instance: string,
  extra: { errors?: readonly ProblemFault[] } = {},
): Mapped {
  return { status, body: problem(status, code, message, details, instance, extra), internal: false }
}
