import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { InMemoryNodeClient } from '../client/memory.ts'
import { conformanceDeclaration } from '../conformance/conformance.ts'
import { MemoryDeadLetterStore } from '../isolation.ts'
import {
  signStandardWebhook,
  signWebhook,
  verifyStandardWebhook,
  verifyWebhook,
  webhookKey,
  WebhookSecretError,
} from './signature.ts'
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

// A Standard Webhooks secret: whsec_ and the base64 of 32 random-looking bytes.
const WHSEC = `whsec_${Buffer.from('0123456789abcdef0123456789ABCDEF').toString('base64')}`

describe('Standard Webhooks signatures', () => {
  it('takes a whsec_ secret as its base64 bytes and a raw one as its UTF-8 bytes; refuses an unusable one', () => {
    expect(Buffer.from(webhookKey(WHSEC)).toString()).toBe('0123456789abcdef0123456789ABCDEF')
    expect(Buffer.from(webhookKey('s3cret')).toString()).toBe('s3cret')
    for (const bad of ['', 'whsec_', 'whsec_not*base64', 'whsec_abc']) {
      let refused: unknown
      try {
        webhookKey(bad)
      } catch (e) {
        refused = e
      }
      expect(refused, bad).toBeInstanceOf(WebhookSecretError)
      if (bad.length > 'whsec_'.length) expect((refused as Error).message).not.toContain(bad.slice(6))
    }
  })

  it('signs as the standardwebhooks library does, and verifies one of several signatures', () => {
    const body = enc.encode('<x>é</x>')
    const sig = signStandardWebhook(webhookKey(WHSEC), 'msg_1', 1_800_000_000, body)
    expect(sig).toBe(new Webhook(WHSEC).sign('msg_1', new Date(1_800_000_000_000), '<x>é</x>'))
    const base = {
      key: webhookKey(WHSEC),
      id: 'msg_1',
      timestamp: '1800000000',
      signature: `v1,b3RoZXI= ${sig}`,
      body,
      nowS: 1_800_000_100,
    }
    expect(verifyStandardWebhook(base)).toEqual({ ok: true })
    expect(verifyStandardWebhook({ ...base, id: 'msg_2' })).toEqual({ ok: false, reason: 'mismatch' })
    expect(verifyStandardWebhook({ ...base, body: enc.encode('<y/>') })).toEqual({ ok: false, reason: 'mismatch' })
    expect(verifyStandardWebhook({ ...base, nowS: 1_800_000_301 })).toEqual({ ok: false, reason: 'stale' })
    expect(verifyStandardWebhook({ ...base, timestamp: 'soon' })).toEqual({ ok: false, reason: 'malformed' })
  })
})

function headersOf(h: Record<string, string | string[] | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]))
}

describe("the standardwebhooks library verifies the adapter's real deliveries", () => {
  afterEach(() => vi.restoreAllMocks())

  async function deliveries(secret: string, answer: (n: number) => number, lrns: readonly string[]) {
    const rx = await receiver(answer)
    const dir = mkdtempSync(join(tmpdir(), 'sis-wh-'))
    try {
      const a = new WebhookAdapter({
        client: new InMemoryNodeClient(),
        url: rx.url,
        secret,
        stateDir: dir,
        retry: { attempts: 5, baseDelayMs: 5, maxDelayMs: 20 },
        deadLetters: new MemoryDeadLetterStore(),
      })
      await a.start()
      for (const lrn of lrns) {
        await a.ingest({
          name: `${lrn}.json`,
          bytes: enc.encode(JSON.stringify({ action: 'lodge', declaration: conformanceDeclaration(lrn) })),
        })
        await new Promise((r) => setTimeout(r, 0))
        await a.idle()
      }
      await a.stop()
      return rx.got.map((g) => ({ ...g, headers: headersOf(g.headers) }))
    } finally {
      await rx.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }

  it('a whsec_ secret: every attempt verifies, one webhook-id across retries, another for the next message', async () => {
    const got = await deliveries(WHSEC, (n) => (n <= 2 ? 503 : 204), ['SW-1', 'SW-2'])
    expect(got.map((g) => g.status)).toEqual([503, 503, 204, 204])
    const wh = new Webhook(WHSEC)
    for (const g of got) {
      expect(wh.verify(g.body, g.headers, { jsonParse: false })).toBeUndefined()
      expect(g.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/)
      expect(Math.abs(Number(g.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60)
    }
    const ids = got.map((g) => g.headers['webhook-id'])
    expect(new Set(ids.slice(0, 3)).size).toBe(1)
    expect(ids[3]).not.toBe(ids[0])
    expect(got[3]!.body).toContain('<LRN>SW-2</LRN>')

    const last = got[3]!
    expect(() => wh.verify(last.body.replace('SW-2', 'SW-3'), last.headers)).toThrow(WebhookVerificationError)
    expect(() =>
      new Webhook(`whsec_${Buffer.from('another key').toString('base64')}`).verify(last.body, last.headers),
    ).toThrow('No matching signature found')
    // The same delivery six minutes on: too old to be taken (a replay).
    const sent = Number(last.headers['webhook-timestamp']) * 1000
    vi.spyOn(Date, 'now').mockReturnValue(sent + 6 * 60 * 1000)
    expect(() => wh.verify(last.body, last.headers)).toThrow('Message timestamp too old')
  })

  it("a raw secret (earlier versions' secret files) is the key as it is; the X-SIS headers still verify", async () => {
    const got = await deliveries('hook-secret-raw', () => 204, ['SW-RAW'])
    expect(got).toHaveLength(1)
    const g = got[0]!
    expect(
      new Webhook('hook-secret-raw', { format: 'raw' }).verify(g.body, g.headers, { jsonParse: false }),
    ).toBeUndefined()
    expect(g.headers['x-sis-delivery']).toBe(g.headers['webhook-id'])
    expect(
      verifyWebhook({
        secret: 'hook-secret-raw',
        timestamp: g.headers['x-sis-timestamp'],
        signature: g.headers['x-sis-signature'],
        body: enc.encode(g.body),
        nowS: Math.floor(Date.now() / 1000),
      }),
    ).toEqual({ ok: true })
  })
})
