// The operator's routes over a real loopback server: status, the outbox, retry and the backup
// stream, with their roles and query checks, and the backup file as the CLI will read it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyBackup } from '../storage/backup.ts'
import { auth, startTestApi } from './fake-service.testkit.ts'
import type { TestApi } from './fake-service.testkit.ts'

let api: TestApi
beforeAll(async () => {
  api = await startTestApi()
  const item = (peer: string, n: number) => ({
    peer,
    documentId: 'D1',
    entryId: String(n).repeat(64).slice(0, 64),
    enqueuedAt: '2025-03-01T10:00:00.000Z',
    attempts: n,
    nextAttemptAt: '2025-03-01T10:00:05.000Z',
  })
  api.service.outboxItems.push(item('UZ', 1), item('UZ', 2), item('CN', 3))
})
afterAll(async () => api.close())

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(path: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(api.url + path, init)
  const text = await res.text()
  return {
    status: res.status,
    body: (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text,
  }
}

describe('status and outbox', () => {
  it('status for admin and integration; 403 for officers and traders', async () => {
    const r = await call('/v1/status', { headers: auth('admin') })
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      country: 'KZ',
      membership: { version: 1, valid: true },
      peers: [{ country: 'UZ', connected: true, outboxDepth: 3 }],
      outboxTotal: 3,
    })
    expect((await call('/v1/status', { headers: auth('integration') })).status).toBe(200)
    expect((await call('/v1/status', { headers: auth('officer') })).status).toBe(403)
    expect((await call('/v1/status', { headers: auth('trader') })).status).toBe(403)
    expect((await call('/v1/status')).status).toBe(401)
  })

  it('outbox lists waiting items, by peer, bounded by limit; refuses a malformed peer or limit', async () => {
    expect((await call('/v1/outbox', { headers: auth('admin') })).body.total).toBe(3)
    const uz = await call('/v1/outbox?peer=UZ&limit=1', { headers: auth('admin') })
    expect(uz.body.total).toBe(2)
    expect(uz.body.items).toHaveLength(1)
    expect(uz.body.items[0]).toMatchObject({ peer: 'UZ', documentId: 'D1', attempts: 1 })
    for (const q of ['peer=uz', 'limit=0', 'limit=10001', 'peer=UZ&peer=CN', 'other=1']) {
      const r = await call(`/v1/outbox?${q}`, { headers: auth('admin') })
      expect(r.status, q).toBe(400)
      expect(r.body.code).toBe('API_BAD_REQUEST')
    }
  })

  it('retry is admin-only and passes the peer on', async () => {
    const post = (who: 'admin' | 'integration', body: unknown) =>
      call('/v1/outbox/retry', {
        method: 'POST',
        headers: { ...auth(who), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    expect((await post('integration', {})).status).toBe(403)
    const r = await post('admin', { peer: 'UZ' })
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ rescheduled: 2 })
    expect(api.service.calls.at(-1)).toMatchObject({ method: 'retryOutbox', args: ['UZ'] })
    expect((await post('admin', {})).body).toEqual({ rescheduled: 3 })
    expect((await post('admin', { peer: 'Uzbekistan' })).status).toBe(400)
  })
})

describe('backup', () => {
  it('streams a backup file that verifies, admin only', async () => {
    const big = new Uint8Array(300_000).fill(7)
    api.service.backupRecords.push(['d\x00D1', new TextEncoder().encode('{"x":1}')], ['e\x00abc', big])
    expect((await call('/v1/backup', { headers: auth('integration') })).status).toBe(403)
    const res = await fetch(`${api.url}/v1/backup`, { headers: auth('admin') })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/vnd.carec-sis.backup')
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="sis-KZ-test.sisbak"')
    const bytes = new Uint8Array(await res.arrayBuffer())
    const { header, trailer } = await verifyBackup(
      (async function* () {
        yield bytes
      })(),
    )
    expect(header).toMatchObject({ format: 1, country: 'KZ', layout: '1' })
    expect(trailer.records).toBe(3)
  })
})
