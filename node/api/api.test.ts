// The HTTP API over a real loopback server and real fetch: authentication, roles, scope, the
// routes' bodies and queries, and the mapping of SisError codes to statuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ERROR_CODES, SisError } from '../../protocol/errors.ts'
import { NodeError } from '../errors.ts'
import { allocateGrn, allocateMrn } from '../../protocol/codes/index.ts'
import { createAuthenticator, hashToken } from './auth.ts'
import { API_ERROR_CODES, statusForCode } from './errors.ts'
import { PRINCIPALS, auth, record, startTestApi } from './fake-service.testkit.ts'
import type { TestApi } from './fake-service.testkit.ts'

let api: TestApi
const MINE = allocateMrn({ year: 2025, country: 'KZ', serial: '000000000001', procedure: 'A' })
const OTHER = allocateMrn({ year: 2025, country: 'KZ', serial: '000000000002', procedure: 'A' })

beforeAll(async () => {
  api = await startTestApi()
  api.service.docs.set(MINE, record(MINE, { offices: ['KZB00100'], traders: ['T1'] }))
  api.service.docs.set(OTHER, record(OTHER, { offices: ['KZB00200'], traders: ['T2'] }))
})
afterAll(async () => api.close())

// Responses are read loosely: each test asserts the fields it cares about.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(path: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(api.url + path, init)
  const text = await res.text()
  const json = (res.headers.get('content-type') ?? '').includes('json')
  return { status: res.status, body: json ? JSON.parse(text) : text, headers: res.headers }
}

const json = (who: Parameters<typeof auth>[0], body: unknown): RequestInit => ({
  method: 'POST',
  headers: { ...auth(who), 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

const xml = (who: Parameters<typeof auth>[0], body: string | Uint8Array, type = 'application/xml'): RequestInit => ({
  method: 'POST',
  headers: { ...auth(who), 'content-type': type },
  body,
})

const DECLARATION = (id: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><DeclarationLodged><Header><documentId>${id}</documentId></Header></DeclarationLodged>`

describe('authentication and roles', () => {
  it('401 without a token, with a wrong one, or with another scheme', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer not-a-known-token' },
      { authorization: 'Basic b2ZmaWNlcg==' },
      { authorization: 'Bearer ' },
    ]) {
      const r = await call(`/v1/transits/${MINE}`, { headers })
      expect(r.status).toBe(401)
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/)
      expect(r.body).toEqual({
        type: 'urn:carec-sis:problem:API_UNAUTHENTICATED',
        title: API_ERROR_CODES.API_UNAUTHENTICATED,
        status: 401,
        detail: expect.any(String),
        instance: `/v1/transits/${MINE}`,
        code: 'API_UNAUTHENTICATED',
        details: {},
      })
      expect(r.headers.get('www-authenticate')).toBe('Bearer')
    }
  })

  it('403 for a trader on officer routes, decided before the body is read', async () => {
    expect((await call('/v1/transits', json('trader', { declaration: {} }))).body.code).toBe('API_FORBIDDEN')
    expect((await call(`/v1/transits/${MINE}/actions/accept`, json('trader', {}))).status).toBe(403)
    // An unsupported media type would be a 415 for an allowed caller; a forbidden one never gets that far.
    const r = await call('/v1/transits', {
      method: 'POST',
      headers: { ...auth('trader'), 'content-type': 'text/plain' },
      body: 'x',
    })
    expect(r.status).toBe(403)
    expect((await call('/v1/transits', json('admin', { declaration: {} }))).status).toBe(403)
  })

  it('refuses malformed or duplicate token hashes at start-up', () => {
    expect(() => createAuthenticator([{ tokenSha256: 'abc', principal: PRINCIPALS.admin }])).toThrow(/64 hex digits/)
    const twice = [PRINCIPALS.admin, PRINCIPALS.trader].map((principal) => ({
      tokenSha256: hashToken('same'),
      principal,
    }))
    expect(() => createAuthenticator(twice)).toThrow(/appears twice/)
    expect(createAuthenticator([twice[0]!])('Bearer same')).toEqual(PRINCIPALS.admin)
    // A protocol code added later is still a refusal of input, never a 500.
    expect(statusForCode('SOME_FUTURE_CODE')).toBe(400)
  })

  it('health probes need no token; a node that is not ready answers 503', async () => {
    expect((await call('/health/live')).body).toMatchObject({ live: true })
    expect((await call('/health/ready')).status).toBe(200)
    api.service.ready = false
    const r = await call('/health/ready')
    api.service.ready = true
    expect(r.status).toBe(503)
    expect(r.body).toMatchObject({ code: 'API_UNAVAILABLE', details: { ready: false, peers: 2 } })
    expect(r.body.detail).toBe('the node is not ready: membership version 1 expired at 2026-01-01T00:00:00Z')
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    // The figures and reasons read alike in a 503 and a 200.
    expect(r.body).toMatchObject({
      ready: false,
      peers: 2,
      reasons: ['membership version 1 expired at 2026-01-01T00:00:00Z'],
    })
    expect((await call('/health/ready')).body).toMatchObject({ ready: true, reasons: [] })
  })
})

describe('scope', () => {
  it('a trader sees its own documents, and nothing says whether others exist', async () => {
    const mine = await call(`/v1/transits/${MINE}`, { headers: auth('trader') })
    expect(mine.status).toBe(200)
    expect(mine.body.documentId).toBe(MINE)
    const other = await call(`/v1/transits/${OTHER}`, { headers: auth('trader') })
    const unknown = await call('/v1/transits/25KZ0000000000099Z', { headers: auth('trader') })
    expect(other.status).toBe(404)
    expect(unknown.status).toBe(404)
    expect(other.body.detail.replace(OTHER, 'ID')).toBe(unknown.body.detail.replace('25KZ0000000000099Z', 'ID'))
    for (const base of ['/v1/transits', '/v1/documents']) {
      expect((await call(`${base}/${OTHER}`, { headers: auth('trader') })).status).toBe(404)
      for (const sub of ['log', 'bundle', 'receipts'])
        expect((await call(`${base}/${OTHER}/${sub}`, { headers: auth('trader') })).status).toBe(404)
    }
    expect((await call(`/v1/documents/${MINE}`, { headers: auth('trader') })).body.documentId).toBe(MINE)
    const found = await call('/v1/search', { headers: auth('trader') })
    expect(found.body.map((d: { documentId: string }) => d.documentId)).toEqual([MINE])
    expect(api.service.calls.at(-1)?.principal).toEqual(PRINCIPALS.trader)
  })

  it('serves the log, the tar bundle and the receipts, under /v1/documents and /v1/transits alike', async () => {
    for (const base of ['/v1/transits', '/v1/documents']) {
      const log = await call(`${base}/${MINE}/log`, { headers: auth('officer') })
      expect(log.body.entries[0]).toMatchObject({ type: 'DeclarationLodged', verified: true })
      const bundle = await call(`${base}/${MINE}/bundle`, { headers: auth('officer') })
      expect(bundle.headers.get('content-type')).toBe('application/x-tar')
      expect(bundle.headers.get('content-disposition')).toBe(`attachment; filename="${MINE}.tar"`)
      expect(bundle.body).toBe(`tar of ${MINE}`)
      expect(bundle.headers.get('cache-control')).toBe('no-store')
      const receipts = await call(`${base}/${MINE}/receipts`, { headers: auth('officer') })
      expect(receipts.status).toBe(200)
      expect(receipts.body).toMatchObject({
        documentId: MINE,
        receipts: [{ peer: 'UZ', verified: true, entryIds: ['e'.repeat(64)] }],
      })
    }
  })

  it('400 for a malformed document id', async () => {
    for (const path of ['/v1/transits/bad%20id', '/v1/documents/bad%20id/receipts']) {
      const r = await call(path, { headers: auth('officer') })
      expect(r.status).toBe(400)
      expect(r.body).toMatchObject({ code: 'API_BAD_REQUEST', details: { field: 'path.documentId' } })
    }
  })
})

describe('writing', () => {
  it('lodges XML and JSON declarations', async () => {
    const id = allocateMrn({ year: 2025, country: 'KZ', serial: '000000000010', procedure: 'A' })
    const r = await call('/v1/transits', xml('officer', DECLARATION(id)))
    expect(r.status).toBe(201)
    expect(r.body).toEqual({ documentId: id, entryId: 'e'.repeat(64), status: 'lodged' })
    expect(r.headers.get('location')).toBe(`/v1/transits/${id}`)
    expect(api.service.calls.at(-1)).toMatchObject({
      method: 'command',
      principal: PRINCIPALS.officer,
      args: ['transit', 'lodge', { xml: DECLARATION(id) }],
    })
    const j = await call('/v1/transits', json('integration', { declaration: { documentId: 'J1' } }))
    expect(j.status).toBe(201)
    expect(api.service.calls.at(-1)?.args).toEqual(['transit', 'lodge', { json: { documentId: 'J1' } }])
    expect((await call('/v1/transits', xml('integration', DECLARATION('T2'), 'text/xml; charset=utf-8'))).status).toBe(
      201,
    )
  })

  it('refuses malformed bodies with typed codes', async () => {
    expect((await call('/v1/transits', json('officer', { other: 1 }))).body.code).toBe('API_BAD_REQUEST')
    expect((await call('/v1/transits', { ...json('officer', {}), body: '{"declaration":' })).body.code).toBe(
      'API_BAD_REQUEST',
    )
    expect(
      (await call('/v1/transits', { ...json('officer', {}), body: '{"declaration":{"__proto__":{"x":1}}}' })).status,
    ).toBe(400)
    const notUtf8 = await call('/v1/transits', xml('officer', new Uint8Array([0x3c, 0x61, 0xff, 0x3e])))
    expect(notUtf8.body.code).toBe('XML_NOT_UTF8')
    expect((await call('/v1/transits', xml('officer', '<a/>', 'application/xml; charset=iso-8859-1'))).body.code).toBe(
      'XML_NOT_UTF8',
    )
    const missing = await call('/v1/transits', xml('officer', '<DeclarationLodged/>'))
    expect(missing.status).toBe(400)
    expect(missing.body).toMatchObject({ code: 'MSG_MISSING_ELEMENT', details: { field: 'documentId' } })
    expect((await call('/v1/transits', { method: 'POST', headers: auth('officer') })).status).toBe(400)
  })

  it('acts on a transit in scope, and on nothing else', async () => {
    const r = await call(`/v1/transits/${MINE}/actions/accept`, json('officer', { decision: 'ok' }))
    expect(r.status).toBe(201)
    expect(r.body.status).toBe('accepted')
    expect(api.service.calls.at(-1)).toMatchObject({
      method: 'command',
      args: ['transit', 'act', { documentId: MINE, action: 'accept', body: { decision: 'ok' } }],
    })
    const before = api.service.calls.length
    expect((await call(`/v1/transits/${OTHER}/actions/accept`, json('officer', {}))).status).toBe(404)
    expect(api.service.calls.length).toBe(before)
    const unknownAction = await call(`/v1/transits/${MINE}/actions/teleport`, json('officer', {}))
    expect(unknownAction.body).toMatchObject({ code: 'API_BAD_REQUEST', details: { field: 'path.action' } })
    expect((await call(`/v1/transits/${MINE}/actions/release`, xml('officer', '<a/>'))).status).toBe(415)
  })

  it('passes a diversion of a transit not held here to the service; its "not found" reads as any other', async () => {
    const absent = allocateMrn({ year: 2025, country: 'UZ', serial: '000000000077', procedure: 'A' })
    api.service.failNext(
      new NodeError('NODE_NOT_FOUND', `no transit ${absent} at its country of departure`, { documentId: absent }),
    )
    const r = await call(`/v1/transits/${absent}/actions/diversion`, json('officer', { office: 'KZB00100' }))
    expect(api.service.calls.at(-1)).toMatchObject({
      method: 'command',
      args: ['transit', 'act', { documentId: absent, action: 'diversion', body: { office: 'KZB00100' } }],
    })
    const unknown = await call(`/v1/transits/25KZ0000000000099Z/actions/accept`, json('officer', {}))
    expect(r.status).toBe(404)
    expect(r.body).toEqual({
      ...unknown.body,
      detail: unknown.body.detail.replace('25KZ0000000000099Z', absent),
      instance: `/v1/transits/${absent}/actions/diversion`,
      details: { documentId: absent },
    })
  })

  it('registers a guarantee through its own route, JSON only, and locates it among the documents', async () => {
    const r = await call(
      '/v1/guarantees',
      json('integration', { guarantee: { Guarantee: { GRN: '25KZ650000000007Z' } } }),
    )
    expect(r.status).toBe(201)
    expect(r.body).toEqual({ documentId: '25KZ650000000007Z', entryId: 'd'.repeat(64), status: 'registered' })
    expect(r.headers.get('location')).toBe('/v1/documents/25KZ650000000007Z')
    expect(api.service.calls.at(-1)).toMatchObject({
      method: 'command',
      principal: PRINCIPALS.integration,
      args: ['guarantee', 'register', { Guarantee: { GRN: '25KZ650000000007Z' } }],
    })
    expect((await call('/v1/documents/25KZ650000000007Z', { headers: auth('admin') })).body).toMatchObject({
      kind: 'guarantee',
      index: { keys: { grn: ['25KZ650000000007Z'] } },
    })
    const before = api.service.calls.length
    expect((await call('/v1/guarantees', json('trader', { guarantee: {} }))).status).toBe(403)
    expect((await call('/v1/guarantees', xml('officer', '<GuaranteeRegistered/>'))).status).toBe(415)
    expect((await call('/v1/guarantees', json('officer', { other: {} }))).body.code).toBe('API_BAD_REQUEST')
    expect(api.service.calls.length).toBe(before)
  })

  it.each([
    ['LOG_SEQUENCE', 409],
    ['LOG_DUPLICATE', 409],
    ['LOG_EQUIVOCATION', 409],
    ['CODE_UNKNOWN', 400],
    ['MSG_RULE_VIOLATION', 400],
    ['XML_MALFORMED', 400],
    ['MRN_INVALID', 400],
    ['XML_TOO_LARGE', 413],
    ['MEMBERSHIP_INVALID', 503],
  ] as const)('maps SisError %s to %i', async (code, status) => {
    api.service.failNext(new SisError(code, `refused: ${code}`, { field: 'f' }))
    const r = await call('/v1/transits', json('officer', { declaration: {} }))
    expect(r.status).toBe(status)
    expect(r.body).toEqual({
      type: `urn:carec-sis:problem:${code}`,
      title: ERROR_CODES[code],
      status,
      detail: `refused: ${code}`,
      instance: '/v1/transits',
      code,
      details: { field: 'f' },
    })
  })

  it('answers a bug with a bare 500: no message, no stack', async () => {
    api.service.failNext(new Error('secret internals at /srv/node'))
    const r = await call('/v1/transits', json('officer', { declaration: {} }))
    expect(r.status).toBe(500)
    expect(r.body).toMatchObject({
      status: 500,
      code: 'API_INTERNAL',
      detail: API_ERROR_CODES.API_INTERNAL,
      details: {},
    })
    expect(JSON.stringify(r.body)).not.toMatch(/secret|\/srv|at .*\.ts/)
    expect(api.logs.join('')).toContain('secret internals')
  })
})

describe('several faults', () => {
  const faults = () => [
    new SisError('MSG_INVALID_VALUE', 'a: bad', { field: 'DeclarationLodged/a', value: 'x' }),
    new SisError('CODE_UNKNOWN', 'b: unknown', { field: 'DeclarationLodged/b', list: 'CL010' }),
  ]

  it('an AggregateError of typed errors is one problem listing them all, the first as its own', async () => {
    api.service.failNext(new AggregateError(faults(), 'two faults'))
    const r = await call('/v1/transits', json('officer', { declaration: {} }))
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({
      type: 'urn:carec-sis:problem:MSG_INVALID_VALUE',
      code: 'MSG_INVALID_VALUE',
      detail: 'a: bad',
      details: { field: 'DeclarationLodged/a', value: 'x' },
      errors: [
        { code: 'MSG_INVALID_VALUE', detail: 'a: bad', details: { field: 'DeclarationLodged/a', value: 'x' } },
        { code: 'CODE_UNKNOWN', detail: 'b: unknown', details: { field: 'DeclarationLodged/b', list: 'CL010' } },
      ],
    })
  })

  it('so is a typed error carrying errors; a single fault has no errors member', async () => {
    api.service.failNext(Object.assign(new SisError('MSG_RULE_VIOLATION', 'rules', {}), { errors: faults() }))
    const several = await call('/v1/transits', json('officer', { declaration: {} }))
    expect(several.body.code).toBe('MSG_INVALID_VALUE')
    expect(several.body.errors.map((e: { code: string }) => e.code)).toEqual(['MSG_INVALID_VALUE', 'CODE_UNKNOWN'])
    api.service.failNext(new AggregateError([faults()[1]], 'one'))
    const one = await call('/v1/transits', json('officer', { declaration: {} }))
    expect(one.body.code).toBe('CODE_UNKNOWN')
    expect(one.body).not.toHaveProperty('errors')
  })

  it('an AggregateError with anything untyped in it is a bug: a bare 500', async () => {
    api.service.failNext(new AggregateError([faults()[0], new Error('secret internals')], 'mixed'))
    const r = await call('/v1/transits', json('officer', { declaration: {} }))
    expect(r.status).toBe(500)
    expect(JSON.stringify(r.body)).not.toContain('secret')
  })
})

describe('search', () => {
  it('passes a normalised query: UTC bounds and a default limit', async () => {
    const r = await call(`/v1/search?mrn=${MINE}&office=KZB00100&from=2025-03-01T12:00:00%2B05:00&status=lodged`, {
      headers: auth('admin'),
    })
    expect(r.status).toBe(200)
    expect(api.service.calls.at(-1)?.args[0]).toEqual({
      keys: { mrn: MINE, office: 'KZB00100' },
      status: 'lodged',
      updatedFrom: '2025-03-01T07:00:00.000Z',
      limit: 100,
    })
    await call('/v1/search?limit=500&container=MSCU1234565', { headers: auth('admin') })
    expect(api.service.calls.at(-1)?.args[0]).toEqual({ keys: { container: 'MSCU1234565' }, limit: 500 })
    const grn = allocateGrn({ year: 2025, country: 'KZ', serial: '000000000003' })
    expect((await call(`/v1/search?kind=guarantee&grn=${grn}`, { headers: auth('admin') })).status).toBe(200)
    expect(api.service.calls.at(-1)?.args[0]).toEqual({ kind: 'guarantee', keys: { grn }, limit: 100 })
  })

  it.each([
    ['limit=501', 'API_BAD_REQUEST', 'query.limit'],
    ['limit=0', 'API_BAD_REQUEST', 'query.limit'],
    ['limit=ten', 'API_BAD_REQUEST', 'query.limit'],
    ['mrn=x&mrn=y', 'API_BAD_REQUEST', 'query.mrn'],
    ['mrm=25KZ', 'API_BAD_REQUEST', 'query'],
    ['from=yesterday', 'API_BAD_REQUEST', 'query.from'],
    ['from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z', 'API_BAD_REQUEST', 'query.from'],
    [`mrn=${MINE.slice(0, 17)}${MINE.endsWith('0') ? '1' : '0'}`, 'MRN_INVALID', 'query.mrn'],
    ['office=KZ999999', 'CODE_UNKNOWN', 'query.office'],
    ['kind=declaration', 'API_BAD_REQUEST', 'query.kind'],
  ])('%s → 400 %s', async (q, code, field) => {
    const r = await call(`/v1/search?${q}`, { headers: auth('officer') })
    expect(r.status).toBe(400)
    expect(r.body).toMatchObject({ code, details: { field } })
  })
})
