import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { InMemoryNodeClient } from '../client/memory.ts'
import { conformanceDeclaration } from '../conformance/conformance.ts'
import { MemoryDeadLetterStore } from '../isolation.ts'
import { signWebhook, verifyWebhook } from './signature.ts'
import { WebhookAdapter } from './webhook.ts'

const enc = new TextEncoder()

describe('webhook signatures', () => {
  const body = enc.encode('<x/>')
  const sig = signWebhook('s3cret', 1_800_000_000, body)

  it('verifies, and refuses a changed body, a wrong secret, a stale or malformed header', () => {
    expect(sig).toMatch(/^v1=[0-9a-f]{64}$/)
    const base = { secret: 's3cret', timestamp: '1800000000', signature: sig, body, nowS: 1_800_000_100 }
    expect(verifyWebhook(base)).toEqual({ ok: true })
    expect(verifyWebhook({ ...base, body: enc.encode('<y/>') })).toEqual({ ok: false, reason: 'mismatch' })
    expect(verifyWebhook({ ...base, secret: 'other' })).toEqual({ ok: false, reason: 'mismatch' })
    expect(verifyWebhook({ ...base, nowS: 1_800_000_301 })).toEqual({ ok: false, reason: 'stale' })
    expect(verifyWebhook({ ...base, timestamp: '1800000001' })).toEqual({ ok: false, reason: 'mismatch' })
    expect(verifyWebhook({ ...base, signature: undefined })).toEqual({ ok: false, reason: 'malformed' })
  })
})

async function receiver(answer: (n: number) => number) {
  const got: { status: number; headers: Record<string, string | string[] | undefined>; body: string }[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const status = answer(got.length + 1)
      got.push({ status, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      res.writeHead(status).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    got,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

describe('webhook adapter over a real HTTP server on loopback', () => {
  it('retries a failing receiver with backoff, keeping the delivery id, then succeeds', async () => {
    const rx = await receiver((n) => (n <= 2 ? 503 : 204))
    const dir = mkdtempSync(join(tmpdir(), 'sis-wh-'))
    try {
      const client = new InMemoryNodeClient()
      const a = new WebhookAdapter({
        client,
        url: rx.url,
        secret: 'k',
        stateDir: dir,
        retry: { attempts: 5, baseDelayMs: 5, maxDelayMs: 20 },
        deadLetters: new MemoryDeadLetterStore(),
      })
      await a.start()
      await a.ingest({
        name: 'd.json',
        bytes: enc.encode(JSON.stringify({ action: 'lodge', declaration: conformanceDeclaration('WH-1') })),
      })
      await new Promise((r) => setTimeout(r, 0))
      await a.idle()
      expect(rx.got.map((g) => g.status)).toEqual([503, 503, 204])
      expect(new Set(rx.got.map((g) => g.headers['x-sis-delivery'])).size).toBe(1)
      const last = rx.got[2]!
      expect(
        verifyWebhook({
          secret: 'k',
          timestamp: last.headers['x-sis-timestamp'] as string,
          signature: last.headers['x-sis-signature'] as string,
          body: enc.encode(last.body),
          nowS: Math.floor(Date.now() / 1000),
        }),
      ).toEqual({ ok: true })
      expect(last.body).toContain('<LRN>WH-1</LRN>')
      await a.stop()
    } finally {
      await rx.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('dead-letters after the last attempt, and at once for a 4xx', async () => {
    for (const [status, attempts] of [
      [500, 3],
      [400, 1],
    ] as const) {
      const rx = await receiver(() => status)
      const dir = mkdtempSync(join(tmpdir(), 'sis-wh-'))
      try {
        const dead = new MemoryDeadLetterStore()
        const client = new InMemoryNodeClient()
        const a = new WebhookAdapter({
          client,
          url: rx.url,
          secret: 'k',
          stateDir: dir,
          retry: { attempts: 3, baseDelayMs: 2, maxDelayMs: 5 },
          deadLetters: dead,
        })
        await a.start()
        await a.ingest({
          name: 'd.json',
          bytes: enc.encode(JSON.stringify({ action: 'lodge', declaration: conformanceDeclaration(`WH-${status}`) })),
        })
        await new Promise((r) => setTimeout(r, 0))
        await a.idle()
        expect(rx.got).toHaveLength(attempts)
        const letters = await dead.list()
        expect(letters).toHaveLength(1)
        expect(letters[0]).toMatchObject({ direction: 'outbound', attempts })
        expect(letters[0]!.reason).toContain(`HTTP ${status}`)
        await a.stop()
      } finally {
        await rx.close()
        rmSync(dir, { recursive: true, force: true })
      }
    }
  })
})
