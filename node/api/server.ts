/**
 * The node's local HTTP API (the internal platform): officers, traders, the national system's
 * adapter and the operator call it. It is bound to loopback by default; everything but health,
 * metrics and the OpenAPI document needs a bearer token, and every route names its roles.
 */
import Fastify from 'fastify'
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { DEFAULT_XML_LIMITS } from '../../protocol/xml/index.ts'
import { SisError } from '../../protocol/errors.ts'
import type { NodeService } from '../service.ts'
import type { ApiToken } from './auth.ts'
import { createAuthenticator } from './auth.ts'
import { PROBLEM_CONTENT_TYPE } from '../../shared/problem.ts'
import { logRefusal, mapError, problem } from './errors.ts'
import type { Metrics } from './metrics.ts'
import { LOCAL_PEER, countRequest } from './metrics.ts'
import { buildOpenApi } from './openapi.ts'
import { apiRoutes } from './routes.ts'
import { ProblemSchema } from './schemas.ts'
import type { SseOptions } from './sse.ts'
import { DEFAULT_SSE, EventStreams } from './sse.ts'
import { XmlBody, registerRoutes } from './table.ts'
import { TokenStore } from '../tokens.ts'
import { tokenRoutes } from './token-routes.ts'
import type { UserStore } from '../users.ts'
import { registerWeb } from '../web/routes.ts'
import type { WebOptions } from '../web/routes.ts'

export interface ApiOptions {
  readonly service: NodeService
  /** A fixed list (kept in memory), or the node's token store, managed through /v1/admin/tokens. */
  readonly tokens: readonly ApiToken[] | TokenStore
  readonly logger: Logger
  readonly metrics: Metrics
  /** Bytes; defaults to the XML reader's limit, so any message the node accepts fits. */
  readonly bodyLimit?: number
  /** Event-stream tuning (tests shorten the heartbeat). */
  readonly sse?: Partial<SseOptions>
  /** People's accounts: when given, the node serves its pages (sign-in, home) beside the API (node/web). */
  readonly users?: UserStore
  /** The pages' sessions and login throttle (tests set their clocks). */
  readonly web?: Pick<WebOptions, 'sessions' | 'throttle'>
}

const XML_TYPES = ['application/xml', 'text/xml']

function isXmlRequest(request: FastifyRequest): boolean {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  return XML_TYPES.includes(type)
}

/** The request as logs see it: no headers (tokens), no query string (trader ids, plates), no body. */
function safeRequest(req: FastifyRequest): Record<string, unknown> {
  return { method: req.method, path: instanceOf(req), remoteAddress: req.ip }
}

/** The problem's `instance`: the request path, without the query string (trader ids, plates). */
function instanceOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '/'
}

/** Messages are UTF-8 only; decoding strictly keeps the reader's XML_NOT_UTF8 meaningful. */
const utf8 = new TextDecoder('utf-8', { fatal: true })

function decodeXml(request: FastifyRequest, body: Buffer): XmlBody {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1]
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw new SisError('XML_NOT_UTF8', `the body is declared as ${charset.slice(0, 40)}; messages are UTF-8`, {
      charset: charset.slice(0, 40),
    })
  }
  try {
    return new XmlBody(utf8.decode(body))
  } catch {
    throw new SisError('XML_NOT_UTF8', 'the body is not valid UTF-8')
  }
}

export function createApi(options: ApiOptions): FastifyInstance {
  const { service, metrics } = options
  const tokens = options.tokens instanceof TokenStore ? options.tokens : TokenStore.inMemory(options.tokens)
  const authenticate = createAuthenticator(tokens)
  const logger = options.logger.child(
    { component: 'api' },
    {
      // Belt and braces: no serializer here emits headers, but a future log call might.
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'authorization', 'token'],
        censor: '[redacted]',
      },
      serializers: { req: safeRequest },
    },
  )
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? DEFAULT_XML_LIMITS.maxBytes,
    // A HEAD twin of GET /v1/events would open a subscription that nothing reads.
    exposeHeadRoutes: false,
  })

  // JSON and XML only: without a parser for it, any other media type is a 415.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'))
  app.addContentTypeParser(XML_TYPES, { parseAs: 'buffer' }, (request, body, done) => {
    try {
      done(null, decodeXml(request, body as Buffer))
    } catch (err) {
      done(err as Error, undefined)
    }
  })

  app.setErrorHandler((err, request, reply) => {
    const mapped = mapError(err, { xmlRequest: isXmlRequest(request), instance: instanceOf(request) })
    if (mapped.internal) request.log.error({ err }, 'request failed: internal error')
    else {
      logRefusal(request, mapped.body)
      // Refused input only: a 503 from a readiness probe says nothing about what callers send.
      if (mapped.status < 500) metrics.rejectsTotal.inc({ code: mapped.body.code, peer: LOCAL_PEER })
    }
    if (reply.sent) return
    if (mapped.status === 401) reply.header('www-authenticate', 'Bearer')
    return reply.code(mapped.status).type(PROBLEM_CONTENT_TYPE).send(mapped.body)
  })
  app.setNotFoundHandler((request, reply) => {
    const body = problem(404, 'API_NOT_FOUND', 'no such route', {}, instanceOf(request))
    return reply.code(404).type(PROBLEM_CONTENT_TYPE).send(body)
  })

  app.addHook('onSend', async (_request, reply, payload) => {
    // Documents are customs data: no shared caches, no content sniffing.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store')
    reply.header('x-content-type-options', 'nosniff')
    return payload
  })
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched'
    countRequest(metrics, { route, method: request.method, code: reply.statusCode }, reply.elapsedTime / 1000)
  })

  const streams = new EventStreams()
  // Open event streams would hold app.close() until every client hung up.
  app.addHook('preClose', async () => streams.closeAll())

  const routes = [
    ...apiRoutes({
      service,
      metrics,
      streams,
      sse: { ...DEFAULT_SSE, ...options.sse },
      // Read at request time, after the document below exists: it is built from these routes.
      openapi: () => openapi,
    }),
    ...tokenRoutes({ tokens, streams }),
  ]
  const openapi = buildOpenApi(routes, {
    title: `SIS node ${service.country}: internal platform API`,
    version: '1',
    errorSchema: ProblemSchema,
  })
  registerRoutes(app, routes, authenticate)
  if (options.users !== undefined)
    registerWeb(app, { users: options.users, audit: logger.child({ component: 'audit' }), ...options.web })
  return app
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/

/** Listens (host defaults to loopback; port 0 picks a free one) and returns the base URL. */
export async function startApi(app: FastifyInstance, opts: { host?: string; port: number }): Promise<string> {
  const host = opts.host ?? '127.0.0.1'
  await app.listen({ host, port: opts.port })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : opts.port
  if (!LOOPBACK.test(host)) {
    app.log.warn({ host }, 'the API listens beyond loopback: /metrics, /health and /openapi.json need no token')
  }
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}
