// The API's platform side over a real loopback server: body limits and media types, the event
// stream, metrics, the OpenAPI document generated from the route table, and what the logs keep.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TRANSIT_ACTIONS } from '../../protocol/kinds/transit/index.ts'
import { messageSchema } from '../../protocol/messages/index.ts'
import { METRIC_NAMES } from './metrics.ts'
import { TOKENS, auth, record, startTestApi } from './fake-service.testkit.ts'
import type { TestApi } from './fake-service.testkit.ts'

let api: TestApi
beforeAll(async () => {
  api = await startTestApi({ sse: { heartbeatMs: 40 } })
  api.service.docs.set('D1', record('D1', { offices: ['KZB00100'] }))
})
afterAll(async () => api.close())

const post = (type: string, body: string): RequestInit => ({
  method: 'POST',
  headers: { ...auth('officer'), 'content-type': type },
  body,
})

// Responses are read loosely: each test asserts the fields it cares about.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const body = async (r: Response): Promise<any> => r.json()

async function waitFor(check: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('limits', () => {
  it('413 for a body over 4 MiB: XML_TOO_LARGE for XML, API_BODY_TOO_LARGE for JSON', async () => {
    const big = `<DeclarationLodged>${'x'.repeat(4 * 1024 * 1024 + 1)}</DeclarationLodged>`
    const r = await fetch(`${api.url}/v1/transits`, post('application/xml', big))
    expect(r.status).toBe(413)
    expect((await body(r)).code).toBe('XML_TOO_LARGE')
    const j = await fetch(
      `${api.url}/v1/transits`,
      post('application/json', JSON.stringify({ declaration: { x: big } })),
    )
    expect(j.status).toBe(413)
    expect((await body(j)).code).toBe('API_BODY_TOO_LARGE')
  })

  it('415 for anything but JSON and XML', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await fetch(`${api.url}/v1/transits`, post(type, 'a=1'))
      expect(r.status).toBe(415)
      expect((await body(r)).code).toBe('API_UNSUPPORTED_MEDIA_TYPE')
    }
  })

  it('404 with the problem shape for unknown routes', async () => {
    const r = await fetch(`${api.url}/v2/nothing?x=1`, { headers: auth('admin') })
    expect(r.status).toBe(404)
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(await body(r)).toEqual({
      type: 'urn:carec-sis:problem:API_NOT_FOUND',
      title: expect.stringContaining('no such route'),
      status: 404,
      detail: 'no such route',
      instance: '/v2/nothing',
      code: 'API_NOT_FOUND',
      details: {},
    })
  })
})

describe('events', () => {
  it('streams events to a subscriber with heartbeats, and unsubscribes when the client leaves', async () => {
    const abort = new AbortController()
    const res = await fetch(`${api.url}/v1/events`, { headers: auth('officer'), signal: abort.signal })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    await waitFor(() => api.service.listeners.size === 1)
    api.service.publish({ type: 'document-changed', documentId: 'D1', status: 'released', at: '2025-03-01T10:00:00Z' })
    const reader = res.body!.getReader()
    const decoder = new TextDecoder()
    let text = ''
    while (!(text.includes('\n\n: heartbeat') && text.includes('event: document-changed'))) {
      const { value, done } = await reader.read()
      if (done) break
      text += decoder.decode(value, { stream: true })
    }
    expect(text).toContain(
      'event: document-changed\ndata: {"type":"document-changed","documentId":"D1","status":"released","at":"2025-03-01T10:00:00Z"}\n\n',
    )
    abort.abort()
    await waitFor(() => api.service.listeners.size === 0)
  })

  it('needs a token like any other route', async () => {
    expect((await fetch(`${api.url}/v1/events`)).status).toBe(401)
  })

  it('closing the server ends open streams instead of waiting for them', async () => {
    const own = await startTestApi()
    const res = await fetch(`${own.url}/v1/events`, { headers: auth('trader') })
    await waitFor(() => own.service.listeners.size === 1)
    const started = Date.now()
    await own.close()
    expect(Date.now() - started).toBeLessThan(2000)
    expect(own.service.listeners.size).toBe(0)
    const reader = res.body!.getReader()
    while (!(await reader.read()).done) {
      /* drain to the end of the stream */
    }
  })
})

describe('metrics and OpenAPI', () => {
  it('/metrics is Prometheus text with every node metric, counting routes by template', async () => {
    api.metrics.entriesIn.inc({ peer: 'UZ' })
    await fetch(`${api.url}/v1/transits/D1`, { headers: auth('officer') })
    const r = await fetch(`${api.url}/metrics`)
    expect(r.headers.get('content-type')).toContain('text/plain')
    const text = await r.text()
    for (const name of METRIC_NAMES) expect(text).toContain(`# TYPE ${name} `)
    expect(text).toContain('sis_entries_in_total{peer="UZ"} 1')
    expect(text).toMatch(/sis_http_requests_total\{route="\/v1\/transits\/:documentId",method="GET",code="200"\} [1-9]/)
    expect(text).toMatch(
      /sis_http_request_duration_seconds_count\{route="\/v1\/transits\/:documentId",method="GET",code="200"\} [1-9]/,
    )
    expect(text).toContain('# TYPE sis_process_cpu_seconds_total counter')
  })

  it('/openapi.json describes every route with its roles, and every reference resolves', async () => {
    const doc = await body(await fetch(`${api.url}/openapi.json`))
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/health/live',
      '/health/ready',
      '/metrics',
      '/openapi.json',
      '/v1/admin/tokens',
      '/v1/admin/tokens/{id}',
      '/v1/backup',
      '/v1/documents/{documentId}',
      '/v1/documents/{documentId}/bundle',
      '/v1/documents/{documentId}/log',
      '/v1/documents/{documentId}/receipts',
      '/v1/events',
      '/v1/guarantees',
      '/v1/membership',
      '/v1/outbox',
      '/v1/outbox/retry',
      '/v1/search',
      '/v1/status',
      '/v1/transits',
      '/v1/transits/{documentId}',
      '/v1/transits/{documentId}/actions/{action}',
      '/v1/transits/{documentId}/bundle',
      '/v1/transits/{documentId}/log',
      '/v1/transits/{documentId}/receipts',
    ])
    expect(doc.paths['/v1/membership'].post['x-roles']).toEqual(['admin'])
    expect(doc.paths['/v1/backup'].get['x-roles']).toEqual(['admin'])
    for (const op of [
      doc.paths['/v1/admin/tokens'].post,
      doc.paths['/v1/admin/tokens'].get,
      doc.paths['/v1/admin/tokens/{id}'].delete,
    ])
      expect(op['x-roles']).toEqual(['admin'])
    expect(doc.paths['/v1/admin/tokens'].post.responses['201'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/IssuedToken',
    })
    expect(doc.paths['/v1/status'].get['x-roles']).toEqual(['admin', 'integration'])
    expect(doc.paths['/v1/status'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/NodeStatus',
    })
    const lodge = doc.paths['/v1/transits'].post
    expect(lodge['x-roles']).toEqual(['officer', 'integration'])
    expect(Object.keys(lodge.requestBody.content)).toEqual(['application/json', 'application/xml'])
    expect(Object.keys(lodge.responses)).toEqual(['201', '400', '401', '403', '409', '413', '415', '500', '503'])
    const guarantee = doc.paths['/v1/guarantees'].post
    expect(guarantee['x-roles']).toEqual(['officer', 'integration'])
    expect(Object.keys(guarantee.requestBody.content)).toEqual(['application/json'])
    expect(Object.keys(doc.paths['/v1/transits/{documentId}/actions/{action}'].post.responses)).toEqual([
      '201',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '415',
      '500',
      '503',
    ])
    for (const base of ['/v1/documents', '/v1/transits']) {
      for (const sub of ['', '/log', '/bundle', '/receipts'])
        expect(doc.paths[`${base}/{documentId}${sub}`].get['x-roles'], base + sub).toEqual([
          'admin',
          'integration',
          'officer',
          'trader',
        ])
    }
    // The document routes are mounted twice: each mount has its own operationIds.
    const operationIds = Object.values(doc.paths).flatMap((path) =>
      Object.values(path as Record<string, { operationId: string }>).map((op) => op.operationId),
    )
    expect(new Set(operationIds).size).toBe(operationIds.length)
    expect(
      doc.paths['/v1/documents/{documentId}/receipts'].get.responses['200'].content['application/json'].schema,
    ).toEqual({ $ref: '#/components/schemas/ReceiptsView' })
    expect(doc.paths['/health/ready'].get.security).toEqual([])
    const search = doc.paths['/v1/search'].get.parameters.map((p: { name: string }) => p.name)
    expect(search).toEqual([
      'mrn',
      'lrn',
      'office',
      'trader',
      'vehicle',
      'container',
      'grn',
      'kind',
      'status',
      'from',
      'to',
      'limit',
    ])
    expect(doc.servers).toEqual([{ url: '/', description: expect.any(String) }])
    expect(doc.info.license).toEqual({ name: 'Apache-2.0', identifier: 'Apache-2.0' })
    // Every error answer of every route is a problem, and every route with a token or input has a 4xx.
    type Op = { responses: Record<string, { content: unknown }>; security: unknown[]; parameters?: unknown[] }
    for (const [path, ops] of Object.entries(
      doc.paths as Record<string, Record<string, Op & { requestBody?: unknown }>>,
    ))
      for (const [method, op] of Object.entries(ops)) {
        const errors = Object.keys(op.responses).filter((s) => Number(s) >= 400)
        if (op.security.length > 0 || op.parameters !== undefined || op.requestBody !== undefined)
          expect(
            errors.some((s) => s.startsWith('4')),
            `${method} ${path}`,
          ).toBe(true)
        for (const s of errors)
          expect(op.responses[s]?.content, `${method} ${path} ${s}`).toEqual({
            'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
          })
      }
    expect(doc.components.schemas.Problem.required).toEqual([
      'type',
      'title',
      'status',
      'detail',
      'instance',
      'code',
      'details',
    ])
    // One body per action: its message without the Header, named for the message.
    const act =
      doc.paths['/v1/transits/{documentId}/actions/{action}'].post.requestBody.content['application/json'].schema
    const byAction = act['x-body-by-param']
    expect(byAction.param).toBe('action')
    expect(Object.keys(byAction.schemas)).toEqual(TRANSIT_ACTIONS)
    expect(byAction.schemas.release).toEqual({ $ref: '#/components/schemas/ReleasedForTransitBody' })
    expect(act.anyOf).toHaveLength(TRANSIT_ACTIONS.length)
    const release = doc.components.schemas.ReleasedForTransitBody
    expect(release.properties.Header).toBeUndefined()
    expect(Object.keys(release.properties)).toEqual(
      Object.keys(messageSchema('ReleasedForTransit').shape).filter((k) => k !== 'Header'),
    )
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? []
    expect(refs.length).toBeGreaterThan(5)
    for (const ref of refs) {
      const name = /#\/components\/schemas\/(.+)"$/.exec(ref)?.[1]
      expect(name !== undefined && name in doc.components.schemas, ref).toBe(true)
    }
  })
})

describe('logs', () => {
  it('a refused request is logged at info with its code and the field at fault, never the value', async () => {
    const before = api.logs.length
    const r = await fetch(`${api.url}/v1/search?limit=VALUE-MARKER`, { headers: auth('officer') })
    expect(r.status).toBe(400)
    const lines = api.logs.slice(before).map((l) => JSON.parse(l) as Record<string, unknown>)
    const refused = lines.find((l) => l.msg === 'request refused: API_BAD_REQUEST at query.limit')
    expect(refused).toMatchObject({ level: 30, code: 'API_BAD_REQUEST', field: 'query.limit', status: 400 })
    expect(api.logs.slice(before).join('')).not.toContain('VALUE-MARKER')
  })

  it('never contain a token, a request body or a query string', async () => {
    const marker = 'BODY-MARKER-7f3a'
    await fetch(
      `${api.url}/v1/transits`,
      post(
        'application/xml',
        `<DeclarationLodged><Header><documentId>L1</documentId></Header><x>${marker}</x></DeclarationLodged>`,
      ),
    )
    await fetch(
      `${api.url}/v1/transits`,
      post('application/json', JSON.stringify({ declaration: { documentId: 'L2', note: marker } })),
    )
    await fetch(`${api.url}/v1/transits/D1`, { headers: { authorization: 'Bearer wrong-token-never-logged' } })
    await fetch(`${api.url}/v1/search?trader=TRADER-MARKER`, { headers: auth('trader') })
    api.service.failNext(new Error('boom'))
    await fetch(`${api.url}/v1/transits`, post('application/json', JSON.stringify({ declaration: { note: marker } })))
    const logs = api.logs.join('')
    expect(logs).toContain('declaration lodged')
    expect(logs).toContain('"principal":{"role":"officer"')
    for (const secret of [...Object.values(TOKENS), 'wrong-token-never-logged', marker, 'TRADER-MARKER']) {
      expect(logs).not.toContain(secret)
    }
  })
})
