/**
 * The route table's shape and the one place where a route is registered. Each route declares its
 * roles, its request schemas, its response and its errors; registration enforces exactly that
 * (authentication and roles before the body is read, then path, query and body validation), and
 * openapi.ts documents exactly that. One table, so what is documented is what runs.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { ERROR_CODES, SisError } from '../../protocol/errors.ts'
import type { ErrorCode } from '../../protocol/errors.ts'
import type { Principal } from '../service.ts'
import type { Authenticator, Role } from './auth.ts'
import { authorize } from './auth.ts'
import { ApiError } from './errors.ts'

/** An XML body, decoded as strict UTF-8 by the content-type parser (a JSON body is never one). */
export class XmlBody {
  readonly xml: string
  constructor(xml: string) {
    this.xml = xml
  }
}

export type Body<B> = { readonly kind: 'json'; readonly value: B } | { readonly kind: 'xml'; readonly xml: string }

export interface Ctx<P, Q, B> {
  readonly params: P
  readonly query: Q
  readonly body: Body<B> | undefined
  /** The caller; reading it on a public route is a bug (there is none). */
  readonly principal: Principal
  readonly request: FastifyRequest
  readonly reply: FastifyReply
}

export interface RouteSpec<P, Q, B> {
  readonly method: 'GET' | 'POST' | 'DELETE'
  /** Fastify syntax (`:documentId`); openapi.ts turns it into `{documentId}`. */
  readonly path: string
  readonly operationId: string
  readonly summary: string
  /** Who may call it: deny by default, so every route must say. */
  readonly access: readonly Role[] | 'public'
  readonly params?: z.ZodType<P>
  readonly query?: z.ZodType<Q>
  /** Accepted bodies: a JSON schema, and/or XML (with a description of the expected message). */
  readonly body?: {
    readonly json?: z.ZodType<B>
    readonly xml?: string
    /** Documentation only: the JSON body each value of a path parameter takes (the service validates it). */
    readonly jsonByParam?: { readonly param: string; readonly schemas: Readonly<Record<string, z.ZodType>> }
  }
  readonly response: {
    readonly status: number
    readonly description: string
    readonly contentType: string
    readonly schema?: z.ZodType
  }
  /** Error statuses beyond those implied by access, params, query and body (see openapi.ts). */
  readonly errors?: readonly number[]
  handle(ctx: Ctx<P, Q, B>): Promise<unknown>
}

export type Route = RouteSpec<unknown, unknown, unknown>

/** Keeps each route's types while letting routes of different types share one table. */
export function defineRoute<P = undefined, Q = undefined, B = undefined>(spec: RouteSpec<P, Q, B>): Route {
  return spec as Route
}

/** Turns the first zod issue into a typed error; protocol formats carry their own SisError code. */
function invalid(where: 'path' | 'query' | 'body', error: z.ZodError): SisError | ApiError {
  const issue = error.issues[0]
  const field = [where, ...(issue?.path ?? []).map(String)].join('.')
  const message = `${field}: ${(issue?.message ?? 'invalid').slice(0, 300)}`
  const params = issue?.code === 'custom' ? (issue.params as { sisCode?: unknown } | undefined) : undefined
  const sisCode = params?.sisCode
  if (typeof sisCode === 'string' && sisCode in ERROR_CODES) {
    return new SisError(sisCode as ErrorCode, message, { field })
  }
  return new ApiError('API_BAD_REQUEST', message, {
    field,
    issue: issue?.code ?? 'invalid',
    issues: error.issues.length,
  })
}

function parsePart<T>(schema: z.ZodType<T> | undefined, value: unknown, where: 'path' | 'query' | 'body'): T {
  if (schema === undefined) return undefined as T
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw invalid(where, parsed.error)
  return parsed.data
}

function parseBody(route: Route, raw: unknown): Body<unknown> | undefined {
  if (route.body === undefined) return undefined
  if (raw === undefined || raw === null) throw new ApiError('API_BAD_REQUEST', 'this route needs a request body')
  if (raw instanceof XmlBody) {
    if (route.body.xml === undefined)
      throw new ApiError('API_UNSUPPORTED_MEDIA_TYPE', 'this route takes application/json only')
    return { kind: 'xml', xml: raw.xml }
  }
  if (route.body.json === undefined)
    throw new ApiError('API_UNSUPPORTED_MEDIA_TYPE', 'this route takes application/xml only')
  return { kind: 'json', value: parsePart(route.body.json, raw, 'body') }
}

/** Registers every route of the table, each guarded by its own access rule. */
export function registerRoutes(app: FastifyInstance, routes: readonly Route[], authenticate: Authenticator): void {
  // The principal travels beside the request rather than as a decoration on it.
  const principals = new WeakMap<FastifyRequest, Principal>()
  for (const route of routes) {
    const access = route.access
    app.route({
      method: route.method,
      url: route.path,
      // onRequest runs before the body is read: an unauthenticated or unauthorised caller
      // cannot make the node buffer and parse up to the body limit.
      onRequest:
        access === 'public'
          ? undefined
          : async (request) => {
              const principal = authenticate(request.headers.authorization)
              authorize(principal, access)
              principals.set(request, principal)
            },
      handler: async (request, reply) => {
        const ctx: Ctx<unknown, unknown, unknown> = {
          params: parsePart(route.params, request.params, 'path'),
          query: parsePart(route.query, request.query, 'query'),
          body: parseBody(route, request.body),
          get principal(): Principal {
            const p = principals.get(request)
            if (p === undefined) throw new Error(`bug: public route ${route.path} read the principal`)
            return p
          },
          request,
          reply,
        }
        reply.code(route.response.status)
        return route.handle(ctx)
      },
    })
  }
}
