// The admin token routes over a real loopback server: a token created works on the next request,
// a revoked one is refused on the next request and its event streams end, only admins may manage
// tokens, and no answer or log line carries a secret or a hash.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashToken } from './auth.ts'
import { API_TOKENS, TOKENS, auth, startTestApi } from './fake-service.testkit.ts'
import type { TestApi } from './fake-service.testkit.ts'

let api: TestApi
beforeEach(async () => {
  api = await startTestApi()
})
afterEach(async () => api.close())

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const create = (body: unknown, who: keyof typeof TOKENS = 'admin') =>
  fetch(`${api.url}/v1/admin/tokens`, {
    method: 'POST',
    headers: { ...auth(who), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
const search = (token: string) => fetch(`${api.url}/v1/search`, { headers: bearer(token) })

interface Issued {
  id: string
  token: string
  principal: { role: string; name: string }
  created: string
}

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10))
  expect(cond()).toBe(true)
}

describe('/v1/admin/tokens', () => {
  it('a created token works on the next request; revoked, it is refused on the next request', async () => {
    const res = await create({ role: 'officer', name: 'a.nurlanov', office: 'KZB00100' })
    expect(res.status).toBe(201)
    const issued = (await res.json()) as Issued
    expect(issued).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      token: expect.stringMatching(/^sis_/),
      principal: { role: 'officer', name: 'a.nurlanov', office: 'KZB00100' },
    })
    expect(res.headers.get('location')).toBe(`/v1/admin/tokens/${issued.id}`)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect((await search(issued.token)).status).toBe(200)

    const revoke = await fetch(`${api.url}/v1/admin/tokens/${issued.id}`, { method: 'DELETE', headers: auth('admin') })
    expect(revoke.status).toBe(200)
    expect(await revoke.json()).toEqual({ id: issued.id, principal: issued.principal, created: issued.created })
    expect((await search(issued.token)).status).toBe(401)
    const again = await fetch(`${api.url}/v1/admin/tokens/${issued.id}`, { method: 'DELETE', headers: auth('admin') })
    expect(again.status).toBe(404)
    expect(((await again.json()) as { code: string }).code).toBe('API_NOT_FOUND')
    expect(
      (await fetch(`${api.url}/v1/admin/tokens/not-an-id`, { method: 'DELETE', headers: auth('admin') })).status,
    ).toBe(400)
  })

  it('lists ids, holders and times, never a secret or a hash', async () => {
    const issued = (await (await create({ role: 'trader', name: 'holder', traderId: 'KZ123' })).json()) as Issued
    const res = await fetch(`${api.url}/v1/admin/tokens`, { headers: auth('admin') })
    expect(res.status).toBe(200)
    const text = await res.text()
    const list = (JSON.parse(text) as { tokens: { id: string; principal: { name: string } }[] }).tokens
    expect(list.map((t) => t.principal.name)).toEqual([...API_TOKENS.map((t) => t.principal.name), 'holder'])
    expect(list.find((t) => t.id === issued.id)).toEqual({
      id: issued.id,
      principal: issued.principal,
      created: issued.created,
    })
    for (const secret of [
      issued.token,
      hashToken(issued.token),
      ...Object.values(TOKENS),
      ...API_TOKENS.map((t) => t.tokenSha256),
    ])
      expect(text).not.toContain(secret)
    expect(text).not.toMatch(/[0-9a-f]{64}/)
    expect(api.logs.join('')).toContain('token created')
    expect(api.logs.join('')).not.toContain(issued.token)
  })

  it('admin only: 401 without a token, 403 for every other role, before the body is read', async () => {
    expect((await fetch(`${api.url}/v1/admin/tokens`)).status).toBe(401)
    for (const who of ['integration', 'officer', 'trader'] as const) {
      expect((await create({ role: 'admin', name: 'me' }, who)).status).toBe(403)
      expect((await fetch(`${api.url}/v1/admin/tokens`, { headers: auth(who) })).status).toBe(403)
      expect(
        (await fetch(`${api.url}/v1/admin/tokens/0123456789abcdef`, { method: 'DELETE', headers: auth(who) })).status,
      ).toBe(403)
    }
  })

  it('refuses a principal without its scope, an unknown role, or a bad name', async () => {
    for (const body of [
      { role: 'officer', name: 'x' },
      { role: 'trader', name: 'x' },
      { role: 'root', name: 'x' },
      { role: 'admin', name: '' },
      { role: 'admin', name: 'a\nb' },
      { role: 'admin', name: 'x', extra: 1 },
    ]) {
      const res = await create(body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(((await res.json()) as { code: string }).code).toBe('API_BAD_REQUEST')
    }
  })

  it('revoking a token ends the event streams opened with it, and only those', async () => {
    const a = (await (await create({ role: 'integration', name: 'a' })).json()) as Issued
    const b = (await (await create({ role: 'integration', name: 'b' })).json()) as Issued
    const streamA = await fetch(`${api.url}/v1/events`, { headers: bearer(a.token) })
    const streamB = await fetch(`${api.url}/v1/events`, { headers: bearer(b.token) })
    await waitFor(() => api.service.listeners.size === 2)
    expect(
      (await fetch(`${api.url}/v1/admin/tokens/${a.id}`, { method: 'DELETE', headers: auth('admin') })).status,
    ).toBe(200)
    const reader = streamA.body!.getReader()
    while (!(await reader.read()).done) {
      /* the server ends the stream */
    }
    await waitFor(() => api.service.listeners.size === 1)
    await streamB.body!.cancel()
  })
})
