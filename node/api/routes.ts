/**
 * The route table of the internal platform. Data scope is the service's job; the API's part is
 * to hand it the principal and to answer "not found" alike for unknown documents and for those
 * outside the caller's scope, so that a response never reveals that a document exists.
 */
import { Readable } from 'node:stream'
import { z } from 'zod'
import { NODE_KINDS } from '../kinds/registry.ts'
import { BACKUP_CONTENT_TYPE } from '../storage/backup.ts'
import type { DocumentRecord } from '../storage/types.ts'
import type { NodeService } from '../service.ts'
import type { Role } from './auth.ts'
import { ROLES } from './auth.ts'
import { documentRoutes } from './document-routes.ts'
import { problem } from './errors.ts'
import type { Metrics } from './metrics.ts'
import { countRequest } from './metrics.ts'
import { audit, jsonOnly } from './route-kit.ts'
import {
  HealthSchema,
  DocumentRecordSchema,
  NodeEventSchema,
  NodeStatusSchema,
  OUTBOX_DEFAULT_LIMIT,
  OutboxParams,
  OutboxViewSchema,
  RetryJson,
} from './schemas.ts'
import { SearchParams, toSearchQuery } from './search-params.ts'
import type { EventStreams, SseOptions } from './sse.ts'
import { streamEvents } from './sse.ts'
import type { Route } from './table.ts'
import { defineRoute } from './table.ts'

export interface RouteDeps {
  readonly service: NodeService
  readonly metrics: Metrics
  readonly streams: EventStreams
  readonly sse: SseOptions
  /** The OpenAPI document, built from this very table once it exists. */
  readonly openapi: () => unknown
}

/** The operator, and the national system's monitoring. */
const OPERATORS: readonly Role[] = ['admin', 'integration']

/**
 * A health probe. A failing one answers 503 with the problem body of every refusal
 * (API_UNAVAILABLE, the figures as details) and the health itself beside it, so that `reasons`
 * and the figures read alike in a 200 and a 503.
 */
function probeRoute(service: NodeService, probe: 'live' | 'ready', summary: string): Route {
  return defineRoute({
    method: 'GET',
    path: `/health/${probe}`,
    operationId: probe,
    access: 'public',
    summary,
    errors: [503],
    response: {
      status: 200,
      description: `The node is ${probe}`,
      contentType: 'application/json',
      schema: HealthSchema,
    },
    async handle({ reply }) {
      const health = await service.health()
      if (health[probe]) return health
      const { reasons, ...figures } = health
      const why = reasons.length === 0 ? '' : `: ${reasons.join('; ')}`
      reply.code(503).type('application/problem+json')
      return {
        ...problem(503, 'API_UNAVAILABLE', `the node is not ${probe}${why}`, figures, `/health/${probe}`),
        ...health,
      }
    },
  })
}

export function apiRoutes(deps: RouteDeps): Route[] {
  const { service } = deps
  return [
    ...NODE_KINDS.flatMap((k) => k.routes?.({ service }) ?? []),
    ...documentRoutes(service, { path: '/v1/documents', operation: 'Document' }),
    defineRoute<undefined, SearchParams>({
      method: 'GET',
      path: '/v1/search',
      operationId: 'search',
      access: ROLES,
      summary: "Documents in the caller's scope matching every given key",
      query: SearchParams,
      response: {
        status: 200,
        description: 'Matching documents, at most `limit`',
        contentType: 'application/json',
        schema: z.array(DocumentRecordSchema),
      },
      async handle({ query, principal }): Promise<DocumentRecord[]> {
        return service.search(principal, toSearchQuery(query))
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/events',
      operationId: 'events',
      access: ROLES,
      summary: 'Server-Sent Events: `event: <type>` and `data: <NodeEvent JSON>`, a comment heartbeat every 15 s',
      response: {
        status: 200,
        description: 'An event stream, scoped to the caller',
        contentType: 'text/event-stream',
        schema: NodeEventSchema,
      },
      async handle({ request, reply, principal }) {
        countRequest(deps.metrics, { route: '/v1/events', method: 'GET', code: 200 })
        streamEvents({ request, reply, service, principal, streams: deps.streams, options: deps.sse })
        return reply
      },
    }),
    defineRoute<undefined, undefined, unknown>({
      method: 'POST',
      path: '/v1/membership',
      operationId: 'updateMembership',
      access: ['admin'],
      summary:
        'Adopt a newer signed federation membership (it must follow the one in force, signed by its quorum); peers receive it on their next sync',
      body: { json: z.unknown() },
      response: {
        status: 201,
        description: 'The membership version now in force',
        contentType: 'application/json',
        schema: z.object({ version: z.number() }),
      },
      errors: [409, 503],
      async handle({ body, principal, request }) {
        const result = await service.updateMembership(principal, jsonOnly(body))
        audit(request, principal, { version: result.version }, 'membership updated')
        return result
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/status',
      operationId: 'status',
      access: OPERATORS,
      summary:
        'The node at a glance: version, membership in force, every other member (connected, outbox depth, replication lag), uptime',
      response: { status: 200, description: 'The status', contentType: 'application/json', schema: NodeStatusSchema },
      async handle({ principal }) {
        return service.status(principal)
      },
    }),
    defineRoute<undefined, z.output<typeof OutboxParams>>({
      method: 'GET',
      path: '/v1/outbox',
      operationId: 'outbox',
      access: OPERATORS,
      summary: 'Entries waiting for delivery to other members (due or backing off), earliest next attempt first',
      query: OutboxParams,
      response: {
        status: 200,
        description: 'The waiting items, at most `limit`, and how many wait in all',
        contentType: 'application/json',
        schema: OutboxViewSchema,
      },
      async handle({ query, principal }) {
        return service.outbox(principal, {
          ...(query.peer === undefined ? {} : { peer: query.peer }),
          limit: query.limit ?? OUTBOX_DEFAULT_LIMIT,
        })
      },
    }),
    defineRoute<undefined, undefined, z.output<typeof RetryJson>>({
      method: 'POST',
      path: '/v1/outbox/retry',
      operationId: 'retryOutbox',
      access: ['admin'],
      summary: 'Make every waiting item (of one peer, or all) due now, and start a delivery round',
      body: { json: RetryJson },
      response: {
        status: 200,
        description: 'How many items were rescheduled',
        contentType: 'application/json',
        schema: z.object({ rescheduled: z.number() }),
      },
      async handle({ body, principal, request }) {
        const { peer } = jsonOnly(body)
        const result = await service.retryOutbox(principal, peer)
        audit(request, principal, { peer: peer ?? 'all', rescheduled: result.rescheduled }, 'outbox retry')
        return result
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/backup',
      operationId: 'backup',
      access: ['admin'],
      summary:
        'A consistent snapshot of the whole store, streamed as a backup file for `sis restore` (SHA-256 in its trailer)',
      response: { status: 200, description: 'The backup file', contentType: BACKUP_CONTENT_TYPE },
      async handle({ principal, request, reply }) {
        const backup = await service.backup(principal)
        audit(request, principal, { file: backup.fileName }, 'backup')
        // The file name is made by the node from its country and a time: no quotes or separators.
        reply.type(BACKUP_CONTENT_TYPE).header('content-disposition', `attachment; filename="${backup.fileName}"`)
        // A stream with backpressure: the node reads the snapshot only as fast as the client takes it.
        return Readable.from(backup.chunks, { objectMode: false })
      },
    }),
    probeRoute(service, 'live', 'Liveness: the process answers'),
    probeRoute(
      service,
      'ready',
      "Readiness: the membership in force is valid and, with node.json readiness 'peer' (the default), a member is connected; `reasons` says what is missing",
    ),
    defineRoute({
      method: 'GET',
      path: '/metrics',
      operationId: 'metrics',
      access: 'public',
      summary: 'Prometheus metrics (text exposition format)',
      response: { status: 200, description: 'Metrics', contentType: 'text/plain' },
      async handle({ reply }) {
        reply.type(deps.metrics.registry.contentType)
        return deps.metrics.registry.metrics()
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/openapi.json',
      operationId: 'openapi',
      access: 'public',
      summary: 'This API as an OpenAPI 3.1 document',
      response: { status: 200, description: 'The OpenAPI document', contentType: 'application/json' },
      async handle() {
        return deps.openapi()
      },
    }),
  ]
}
