/**
 * The route table of the internal platform. Data scope is the service's job; the API's part is
 * to hand it the principal and to answer "not found" alike for unknown documents and for those
 * outside the caller's scope, so that a response never reveals that a document exists.
 */
import { Readable } from 'node:stream'
import { z } from 'zod'
import { isSisError } from '../../protocol/errors.ts'
import { BACKUP_CONTENT_TYPE } from '../storage/backup.ts'
import type { DocumentRecord, SearchQuery } from '../storage/types.ts'
import type { NodeService, Principal } from '../service.ts'
import type { Role } from './auth.ts'
import { ROLES, describePrincipal } from './auth.ts'
import { ApiError } from './errors.ts'
import type { Metrics } from './metrics.ts'
import {
  ActionJson, ActionParams, GuaranteeJson, DocumentParams, DocumentRecordSchema, HealthSchema, LodgeJson, LogViewSchema,
  NodeEventSchema, NodeStatusSchema, OUTBOX_DEFAULT_LIMIT, OutboxParams, OutboxViewSchema, RetryJson, SEARCH_DEFAULT_LIMIT,
  SearchParams, SubmitResultSchema,
} from './schemas.ts'
import type { EventStreams, SseOptions } from './sse.ts'
import { streamEvents } from './sse.ts'
import type { Body, Route } from './table.ts'
import { defineRoute } from './table.ts'

export interface RouteDeps {
  readonly service: NodeService
  readonly metrics: Metrics
  readonly streams: EventStreams
  readonly sse: SseOptions
  /** The OpenAPI document, built from this very table once it exists. */
  readonly openapi: () => unknown
}

const WRITERS: readonly Role[] = ['officer', 'integration']
/** The operator, and the national system's monitoring. */
const OPERATORS: readonly Role[] = ['admin', 'integration']

function notFound(documentId: string): ApiError {
  // One message for "unknown" and "not yours": the difference would leak existence.
  return new ApiError('API_NOT_FOUND', `no document ${documentId}`, { documentId })
}

function found<T>(value: T | undefined, documentId: string): T {
  if (value === undefined) throw notFound(documentId)
  return value
}

function required<B>(body: Body<B> | undefined): Body<B> {
  if (body === undefined) throw new ApiError('API_BAD_REQUEST', 'this route needs a request body')
  return body
}

type Health = Awaited<ReturnType<NodeService['health']>>

/** A failing probe is an error like any other: API_UNAVAILABLE, with the health figures as details. */
function healthy(health: Health, probe: 'live' | 'ready'): Health {
  if (!health[probe]) throw new ApiError('API_UNAVAILABLE', `the node is not ${probe}`, { ...health })
  return health
}

function toSearchQuery(q: SearchParams): SearchQuery {
  // Stored times are UTC ISO strings compared as text, so bounds are normalised to UTC first.
  const from = q.from === undefined ? undefined : new Date(q.from).toISOString()
  const to = q.to === undefined ? undefined : new Date(q.to).toISOString()
  if (from !== undefined && to !== undefined && from > to) {
    throw new ApiError('API_BAD_REQUEST', 'query.from: is later than query.to', { field: 'query.from' })
  }
  return {
    ...(q.mrn === undefined ? {} : { mrn: q.mrn }),
    ...(q.lrn === undefined ? {} : { lrn: q.lrn }),
    ...(q.status === undefined ? {} : { status: q.status }),
    ...(q.office === undefined ? {} : { office: q.office }),
    ...(q.trader === undefined ? {} : { trader: q.trader }),
    ...(q.vehicle === undefined ? {} : { vehicle: q.vehicle }),
    ...(q.container === undefined ? {} : { container: q.container }),
    ...(from === undefined ? {} : { updatedFrom: from }),
    ...(to === undefined ? {} : { updatedTo: to }),
    limit: q.limit ?? SEARCH_DEFAULT_LIMIT,
  }
}

export function apiRoutes(deps: RouteDeps): Route[] {
  const { service } = deps
  const audit = (request: { log: { info: (o: object, m: string) => void } }, p: Principal, what: object, msg: string): void => {
    request.log.info({ principal: describePrincipal(p), ...what }, msg)
  }
  return [
    defineRoute<undefined, undefined, z.output<typeof LodgeJson>>({
      method: 'POST', path: '/v1/transits', operationId: 'lodgeTransit', access: WRITERS,
      summary: 'Lodge a transit declaration (an officer of the office of departure, or the national system)',
      body: { json: LodgeJson, xml: 'An unsigned DeclarationLodged message (UTF-8); the node signs it' },
      response: { status: 201, description: 'The declaration was written as a signed entry', contentType: 'application/json', schema: SubmitResultSchema },
      errors: [409, 503],
      async handle({ body, principal, request, reply }) {
        const b = required(body)
        const result = await service.lodge(principal, b.kind === 'xml' ? { xml: b.xml } : { json: b.value.declaration })
        audit(request, principal, { documentId: result.documentId, entryId: result.entryId }, 'declaration lodged')
        reply.header('location', `/v1/transits/${encodeURIComponent(result.documentId)}`)
        return result
      },
    }),
    defineRoute<undefined, undefined, z.output<typeof GuaranteeJson>>({
      method: 'POST', path: '/v1/guarantees', operationId: 'registerGuarantee', access: WRITERS,
      summary: 'Register a guarantee issued by this country; its node then reserves and releases it for the transits that name it',
      body: { json: GuaranteeJson },
      response: { status: 201, description: 'The guarantee was written as a signed entry', contentType: 'application/json', schema: SubmitResultSchema },
      errors: [409, 503],
      async handle({ body, principal, request, reply }) {
        const b = required(body)
        if (b.kind !== 'json') throw new ApiError('API_UNSUPPORTED_MEDIA_TYPE', 'this route takes application/json only')
        const result = await service.registerGuarantee(principal, b.value.guarantee)
        audit(request, principal, { documentId: result.documentId, entryId: result.entryId }, 'guarantee registered')
        reply.header('location', `/v1/transits/${encodeURIComponent(result.documentId)}`)
        return result
      },
    }),
    defineRoute<z.output<typeof ActionParams>, undefined, z.output<typeof ActionJson>>({
      method: 'POST', path: '/v1/transits/:documentId/actions/:action', operationId: 'actOnTransit', access: WRITERS,
      summary: 'An officer action on a transit (accept, release, passage, arrival, write-off, ...)',
      params: ActionParams,
      body: { json: ActionJson },
      response: { status: 201, description: 'The action was written as a signed entry', contentType: 'application/json', schema: SubmitResultSchema },
      errors: [404, 409, 503],
      async handle({ params, body, principal, request }) {
        // Checked here rather than left to the service, so an out-of-scope document is a 404
        // whatever error the service would have raised for it.
        // A diversion may be written where the document is not held yet (the node obtains it
        // from the country of departure); a refusal then reads as "not found" too.
        const held = await service.document(principal, params.documentId)
        if (params.action !== 'diversion') found(held, params.documentId)
        const b = required(body)
        if (b.kind !== 'json') throw new ApiError('API_UNSUPPORTED_MEDIA_TYPE', 'this route takes application/json only')
        const result = await service.act(principal, params.documentId, params.action, b.value).catch((e: unknown) => {
          throw held === undefined && isSisError(e) && e.code === 'LOG_WRONG_DOCUMENT' ? notFound(params.documentId) : e
        })
        audit(request, principal, { documentId: params.documentId, action: params.action, entryId: result.entryId }, 'transit action')
        return result
      },
    }),
    defineRoute<z.output<typeof DocumentParams>>({
      method: 'GET', path: '/v1/transits/:documentId', operationId: 'getDocument', access: ROLES,
      summary: 'A document with its computed state', params: DocumentParams,
      response: { status: 200, description: 'The document', contentType: 'application/json', schema: DocumentRecordSchema },
      errors: [404],
      async handle({ params, principal }) {
        return found(await service.document(principal, params.documentId), params.documentId)
      },
    }),
    defineRoute<z.output<typeof DocumentParams>>({
      method: 'GET', path: '/v1/transits/:documentId/log', operationId: 'getLog', access: ROLES,
      summary: 'The signed entries of a document, each with its verdict', params: DocumentParams,
      response: { status: 200, description: 'The log', contentType: 'application/json', schema: LogViewSchema },
      errors: [404],
      async handle({ params, principal }) {
        return found(await service.log(principal, params.documentId), params.documentId)
      },
    }),
    defineRoute<z.output<typeof DocumentParams>>({
      method: 'GET', path: '/v1/transits/:documentId/bundle', operationId: 'getBundle', access: ROLES,
      summary: 'A tar archive of the document\'s signed entries, for `sis log verify`', params: DocumentParams,
      response: { status: 200, description: 'The bundle', contentType: 'application/x-tar' },
      errors: [404],
      async handle({ params, principal, reply }) {
        const tar = found(await service.exportBundle(principal, params.documentId), params.documentId)
        // The document id pattern has no quotes or separators, so it is safe as a file name.
        reply.type('application/x-tar').header('content-disposition', `attachment; filename="${params.documentId}.tar"`)
        return Buffer.from(tar.buffer, tar.byteOffset, tar.byteLength)
      },
    }),
    defineRoute<undefined, SearchParams>({
      method: 'GET', path: '/v1/search', operationId: 'search', access: ROLES,
      summary: 'Documents in the caller\'s scope matching every given key', query: SearchParams,
      response: { status: 200, description: 'Matching documents, at most `limit`', contentType: 'application/json', schema: z.array(DocumentRecordSchema) },
      async handle({ query, principal }): Promise<DocumentRecord[]> {
        return service.search(principal, toSearchQuery(query))
      },
    }),
    defineRoute({
      method: 'GET', path: '/v1/events', operationId: 'events', access: ROLES,
      summary: 'Server-Sent Events: `event: <type>` and `data: <NodeEvent JSON>`, a comment heartbeat every 15 s',
      response: { status: 200, description: 'An event stream, scoped to the caller', contentType: 'text/event-stream', schema: NodeEventSchema },
      async handle({ request, reply, principal }) {
        deps.metrics.httpRequests.inc({ route: '/v1/events', status: '200' })
        streamEvents({ request, reply, service, principal, streams: deps.streams, options: deps.sse })
        return reply
      },
    }),
    defineRoute<undefined, undefined, unknown>({
      method: 'POST', path: '/v1/membership', operationId: 'updateMembership', access: ['admin'],
      summary: 'Adopt a newer signed federation membership (it must follow the one in force, signed by its quorum); peers receive it on their next sync',
      body: { json: z.unknown() },
      response: { status: 201, description: 'The membership version now in force', contentType: 'application/json', schema: z.object({ version: z.number() }) },
      errors: [409, 503],
      async handle({ body, principal, request }) {
        const b = required(body)
        if (b.kind !== 'json') throw new ApiError('API_UNSUPPORTED_MEDIA_TYPE', 'this route takes application/json only')
        const result = await service.updateMembership(principal, b.value)
        audit(request, principal, { version: result.version }, 'membership updated')
        return result
      },
    }),
    defineRoute({
      method: 'GET', path: '/v1/status', operationId: 'status', access: OPERATORS,
      summary: 'The node at a glance: version, membership in force, every other member (connected, outbox depth, replication lag), uptime',
      response: { status: 200, description: 'The status', contentType: 'application/json', schema: NodeStatusSchema },
      async handle({ principal }) {
        return service.status(principal)
      },
    }),
    defineRoute<undefined, z.output<typeof OutboxParams>>({
      method: 'GET', path: '/v1/outbox', operationId: 'outbox', access: OPERATORS,
      summary: 'Entries waiting for delivery to other members (due or backing off), earliest next attempt first',
      query: OutboxParams,
      response: { status: 200, description: 'The waiting items, at most `limit`, and how many wait in all', contentType: 'application/json', schema: OutboxViewSchema },
      async handle({ query, principal }) {
        return service.outbox(principal, { ...(query.peer === undefined ? {} : { peer: query.peer }), limit: query.limit ?? OUTBOX_DEFAULT_LIMIT })
      },
    }),
    defineRoute<undefined, undefined, z.output<typeof RetryJson>>({
      method: 'POST', path: '/v1/outbox/retry', operationId: 'retryOutbox', access: ['admin'],
      summary: 'Make every waiting item (of one peer, or all) due now, and start a delivery round',
      body: { json: RetryJson },
      response: { status: 200, description: 'How many items were rescheduled', contentType: 'application/json', schema: z.object({ rescheduled: z.number() }) },
      async handle({ body, principal, request }) {
        const b = required(body)
        if (b.kind !== 'json') throw new ApiError('API_UNSUPPORTED_MEDIA_TYPE', 'this route takes application/json only')
        const result = await service.retryOutbox(principal, b.value.peer)
        audit(request, principal, { peer: b.value.peer ?? 'all', rescheduled: result.rescheduled }, 'outbox retry')
        return result
      },
    }),
    defineRoute({
      method: 'GET', path: '/v1/backup', operationId: 'backup', access: ['admin'],
      summary: 'A consistent snapshot of the whole store, streamed as a backup file for `sis restore` (SHA-256 in its trailer)',
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
    defineRoute({
      method: 'GET', path: '/health/live', operationId: 'live', access: 'public',
      summary: 'Liveness: the process answers', errors: [503],
      response: { status: 200, description: 'Live', contentType: 'application/json', schema: HealthSchema },
      async handle() {
        return healthy(await service.health(), 'live')
      },
    }),
    defineRoute({
      method: 'GET', path: '/health/ready', operationId: 'ready', access: 'public',
      summary: 'Readiness: storage open, membership valid, ready to serve', errors: [503],
      response: { status: 200, description: 'Ready', contentType: 'application/json', schema: HealthSchema },
      async handle() {
        return healthy(await service.health(), 'ready')
      },
    }),
    defineRoute({
      method: 'GET', path: '/metrics', operationId: 'metrics', access: 'public',
      summary: 'Prometheus metrics (text exposition format)',
      response: { status: 200, description: 'Metrics', contentType: 'text/plain' },
      async handle({ reply }) {
        reply.type(deps.metrics.registry.contentType)
        return deps.metrics.registry.metrics()
      },
    }),
    defineRoute({
      method: 'GET', path: '/openapi.json', operationId: 'openapi', access: 'public',
      summary: 'This API as an OpenAPI 3.1 document',
      response: { status: 200, description: 'The OpenAPI document', contentType: 'application/json' },
      async handle() {
        return deps.openapi()
      },
    }),
  ]
}
