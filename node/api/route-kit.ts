/** What every route handler needs: the generic routes and the kinds' own (node/kinds/<kind>/routes.ts). */
import type { FastifyRequest } from 'fastify'
import type { Principal } from '../service.ts'
import { describePrincipal } from './auth.ts'
import type { Role } from './auth.ts'
import { ApiError } from './errors.ts'
import type { Body } from './table.ts'

/** Who writes entries through the API: officers and the national system. */
export const WRITERS: readonly Role[] = ['officer', 'integration']

export function notFound(documentId: string): ApiError {
  // One message for "unknown" and "not yours": the difference would leak existence.
  return new ApiError('API_NOT_FOUND', `no document ${documentId}`, { documentId })
}

export function found<T>(value: T | undefined, documentId: string): T {
  if (value === undefined) throw notFound(documentId)
  return value
}

export function required<B>(body: Body<B> | undefined): Body<B> {
  if (body === undefined) throw new ApiError('API_BAD_REQUEST', 'this route needs a request body')
  return body
}

export function jsonOnly<B>(body: Body<B> | undefined): B {
  const b = required(body)
  if (b.kind !== 'json') throw new ApiError('API_UNSUPPORTED_MEDIA_TYPE', 'this route takes application/json only')
  return b.value
}

/** One audit line per write: who, what, and the request's own log context (address, id). */
export function audit(request: FastifyRequest, p: Principal, what: object, msg: string): void {
  request.log.info({ principal: describePrincipal(p), ...what }, msg)
}
