/**
 * Adapters inside the node (cli/adapter-host.ts): the in-process NodeClient against a real SisNode (LevelDB, real
 * signing, no libp2p peers), supervision and isolation of configured adapters (a missing secret,
 * a national system that keeps failing), the node.json section, and one real `sis start` process
 * running a file-drop adapter from its node.json end to end.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { conformanceDeclaration } from '../adapters/conformance/index.ts'
import type { AdapterLogger } from '../adapters/contract.ts'
import { NodeClientError } from '../adapters/contract.ts'
import { decodeNational } from '../adapters/formats.ts'
import { writeFileAtomic } from '../shared/files.ts'
import { verifyWebhook } from '../adapters/webhook/signature.ts'
import { readNodeConfig } from '../node/data-folder.ts'
import { exampleMessage } from '../protocol/messages/index.ts'
import type { MessageTypeName } from '../protocol/messages/index.ts'
import { eventually, exampleGuaranteeBody, TestNetwork } from '../test-network/index.ts'
import { AdapterHost, InProcessNodeClient } from './adapter-host.ts'
import { DATA_FILES, NodeFile } from '../node/config.ts'
import { SisNode } from '../node/node.ts'
import type { NodeEvent } from '../node/events.ts'

const base = mkdtempSync(join(tmpdir(), 'sis-node-adapters-'))
afterAll(() => rmSync(base, { recursive: true, force: true }))

/** An action's example body (protocol/messages examples) for transit `mrn`, without Header. */
function body(type: MessageTypeName, mrn: string): Record<string, unknown> {
  const { Header: _h, ...rest } = structuredClone(exampleMessage(type)) as unknown as Record<string, unknown>
  ;(rest.TransitOperation as Record<string, unknown>).MRN = mrn
  return rest
}

/** Whole seconds (see beforeAll below). */
const clock = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z')
const FAST = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 }

function memoryLogger(): AdapterLogger & {
  lines: { level: string; fields: Record<string, unknown>; message: string }[]
  child(b: Record<string, unknown>): AdapterLogger
} {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = []
  const make = (bound: Record<string, unknown>): AdapterLogger => ({
    info: (fields, message) => lines.push({ level: 'info', fields: { ...bound, ...fields }, message }),
    warn: (fields, message) => lines.push({ level: 'warn', fields: { ...bound, ...fields }, message }),
    error: (fields, message) => lines.push({ level: 'error', fields: { ...bound, ...fields }, message }),
  })
  return { ...make({}), lines, child: (b) => make(b) }
}

describe('adapters inside a real node (in process)', () => {
  let node: SisNode
  let dataDir: string

  beforeAll(async () => {
    const net = await TestNetwork.create({ base: join(base, 'inproc'), countries: ['CN', 'KZ', 'UZ'] })
    dataDir = net.node('CN').dir
    // A clock in whole seconds: the membership starts at this very second, and node.ts compares
    // its validFrom (no fraction) with the clock as text, so a clock with milliseconds would read
    // as before it for the rest of the second.
    node = new SisNode(readNodeConfig(dataDir, clock))
    // No peers: entries wait in the outbox, which is all these tests need of replication.
    const transport = {
      handle: () => undefined,
      request: () => Promise.reject(new Error('no peers')),
      connectedMembers: () => [],
      start: async () => undefined,
      stop: async () => undefined,
      onMemberConnected: () => undefined,
    }
    await node.start({ transport, logger: pino({ level: 'silent' }) })
    // The guarantee the declarations name, registered by its issuer (this node) first (L11).
    await node.command({ role: 'integration', name: 'test' }, 'guarantee', 'register', exampleGuaranteeBody())
  })
  afterAll(async () => {
    await node.stop()
  })

  it('lodges, acts, reads and hears events as the integration principal named after the adapter', async () => {
    const client = new InProcessNodeClient(node, 'asycuda')
    expect(client.principal).toEqual({ role: 'integration', name: 'adapter asycuda' })
    const events: NodeEvent[] = []
    let connected = 0
    const sub = client.events({ onEvent: (e) => events.push(e), onConnected: () => connected++ })
    const started = clock()
    const decl = conformanceDeclaration(`INPROC-${Date.now().toString(36)}`)
    const mrn = decl.TransitOperation.MRN
    const lodged = await client.lodge({ json: decl })
    expect(lodged).toMatchObject({ documentId: mrn, status: 'lodged' })
    const changed = await eventually(
      'the document-changed event',
      async () => events.find((e) => e.documentId === mrn) ?? undefined,
      5000,
      10,
    )
    // The event names the document's kind.
    expect(changed).toMatchObject({ type: 'document-changed', kind: 'transit', status: 'lodged' })
    expect(connected).toBe(1)

    // Refusals carry the status and code the HTTP API would have answered with.
    const dup = await client.lodge({ json: decl }).catch((e: unknown) => e)
    expect(dup).toBeInstanceOf(NodeClientError)
    expect(dup).toMatchObject({ status: 409, code: 'LOG_DUPLICATE', retryable: false })
    await expect(client.act('26CN0000000000000X', 'accept', body('DeclarationAccepted', mrn))).rejects.toMatchObject({
      status: 404,
      code: 'API_NOT_FOUND',
      retryable: false,
    })
    const bad = body('BorderPassageRecorded', mrn)
    ;(bad.CustomsOfficeOfTransitActual as Record<string, unknown>).referenceNumber = 'ZZ000000'
    await expect(client.act(mrn, 'passage', bad)).rejects.toMatchObject({ status: 400, retryable: false })
    await expect(client.act(mrn, 'accept', [])).rejects.toMatchObject({ status: 400, code: 'API_BAD_REQUEST' })

    expect(await client.act(mrn, 'accept', body('DeclarationAccepted', mrn))).toMatchObject({
      documentId: mrn,
      status: 'accepted',
    })
    expect(await client.document(mrn)).toMatchObject({
      documentId: mrn,
      status: 'accepted',
      index: { keys: { lrn: [decl.TransitOperation.LRN] } },
    })
    expect((await client.log(mrn))?.map((e) => [e.type, e.effective])).toEqual([
      ['DeclarationLodged', true],
      ['DeclarationAccepted', true],
    ])
    expect(await client.document('26CN0000000000000X')).toBeUndefined()
    expect((await client.changedSince(started)).map((d) => d.documentId)).toContain(mrn)
    expect(await client.changedSince('2999-01-01T00:00:00Z')).toEqual([])
    await expect(client.changedSince('not a time')).rejects.toMatchObject({ status: 400 })

    sub.close()
    const seen = events.length
    // Once this node, the guarantee's issuer, has recorded the coverage (just after acceptance).
    await eventually('the release', () => client.act(mrn, 'release', body('ReleasedForTransit', mrn)), 15_000)
    await new Promise((r) => setTimeout(r, 50))
    expect(events.length).toBe(seen)
  })

  it('isolates each adapter: a missing secret is retried with backoff, a failing national system dead-letters, the rest runs on', async () => {
    const secret = 'hook-secret-for-tests'
    const received: { documentId: string; kind: string }[] = []
    let answer = 204
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const v = verifyWebhook({
          secret,
          timestamp: req.headers['x-sis-timestamp'] as string | undefined,
          signature: req.headers['x-sis-signature'] as string | undefined,
          body: new Uint8Array(Buffer.concat(chunks)),
          nowS: Math.floor(Date.now() / 1000),
        })
        if (!v.ok) {
          res.writeHead(401).end()
          return
        }
        if (answer < 300)
          received.push({ documentId: String(req.headers['x-sis-document']), kind: String(req.headers['x-sis-kind']) })
        res.writeHead(answer).end()
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`
    const logger = memoryLogger()
    const configs =
      NodeFile.parse({
        country: 'CN',
        keyId: 'k',
        adapters: [
          { kind: 'webhook', name: 'national', url, secretFile: 'national.secret' },
          { kind: 'file-drop', name: 'asycuda', folder: 'drop', pollMs: 100 },
        ],
      }).adapters ?? []
    const host = new AdapterHost(node, configs, logger, {
      dataDir,
      retry: FAST,
      restart: { attempts: Number.POSITIVE_INFINITY, baseDelayMs: 20, maxDelayMs: 40 },
    })
    try {
      host.start()
      // The secret file does not exist yet: the webhook adapter waits and tries again; the file drop runs.
      await eventually(
        'two failed starts',
        async () => ((host.status()[0]?.attempts ?? 0) >= 2 ? true : undefined),
        5000,
        10,
      )
      expect(host.status()[0]).toMatchObject({
        name: 'national',
        state: expect.stringMatching(/waiting|starting/),
        lastError: expect.stringContaining('national.secret'),
      })
      await eventually(
        'the file drop running',
        async () => (host.status()[1]?.state === 'running' ? true : undefined),
        5000,
        10,
      )
      expect(existsSync(join(dataDir, 'drop', 'inbox'))).toBe(true)
      expect(
        logger.lines.some(
          (l) => l.level === 'error' && l.fields.adapter === 'national' && l.message.includes('tries again'),
        ),
      ).toBe(true)

      writeFileSync(join(dataDir, 'national.secret'), `${secret}\n`, { mode: 0o600 })
      await eventually(
        'the webhook adapter running',
        async () => (host.status()[0]?.state === 'running' ? true : undefined),
        5000,
        10,
      )
      const client = new InProcessNodeClient(node, 'test')
      const decl = conformanceDeclaration(`ISO-${Date.now().toString(36)}`)
      const mrn = decl.TransitOperation.MRN
      await client.lodge({ json: decl })
      await eventually(
        'the signed webhook',
        async () => received.find((r) => r.documentId === mrn && r.kind === 'DeclarationLodged'),
        5000,
        10,
      )

      // The national system now answers 500: after the retries the item is a dead letter, and the
      // file drop beside it still writes every step.
      answer = 500
      await client.act(mrn, 'accept', body('DeclarationAccepted', mrn))
      const deadDir = join(dataDir, 'adapters', 'national', 'dead-letter')
      const letter = await eventually(
        'the dead letter',
        async () => (existsSync(deadDir) ? readdirSync(deadDir).find((n) => n.startsWith(mrn)) : undefined),
        5000,
        20,
      )
      expect(JSON.parse(readFileSync(join(deadDir, letter), 'utf8'))).toMatchObject({
        direction: 'outbound',
        documentId: mrn,
        attempts: FAST.attempts,
        reason: expect.stringContaining('500'),
      })
      await eventually(
        'both steps in the outbox',
        async () => {
          const out = readdirSync(join(dataDir, 'drop', 'outbox')).filter((n) => n.startsWith(mrn))
          return out.some((n) => n.includes('DeclarationAccepted')) && out.some((n) => n.includes('DeclarationLodged'))
            ? out
            : undefined
        },
        5000,
        20,
      )
    } finally {
      await host.stop()
      await new Promise<void>((r) => server.close(() => r()))
    }
    expect(host.status().map((s) => s.state)).toEqual(['stopped', 'stopped'])
  })
})

describe('the adapters section of node.json', () => {
  const minimal = { country: 'CN', keyId: 'cn-2026-1' }

  it('is optional, strict, with defaults', () => {
    expect(NodeFile.parse(minimal)).not.toHaveProperty('adapters')
    const parsed = NodeFile.parse({
      ...minimal,
      adapters: [
        { kind: 'file-drop', name: 'asycuda', folder: '/var/lib/sis/drop' },
        {
          kind: 'webhook',
          name: 'national',
          url: 'https://customs.example/sis',
          secretFile: 'webhook.secret',
          format: 'ncts',
        },
      ],
    })
    expect(parsed.adapters).toEqual([
      { kind: 'file-drop', name: 'asycuda', folder: '/var/lib/sis/drop', format: 'sis', pollMs: 1000 },
      {
        kind: 'webhook',
        name: 'national',
        url: 'https://customs.example/sis',
        secretFile: 'webhook.secret',
        format: 'ncts',
        timeoutMs: 10_000,
      },
    ])
    const refused = (adapters: unknown[]) => NodeFile.safeParse({ ...minimal, adapters }).success
    expect(refused([{ kind: 'file-drop', name: 'a', folder: 'x', colour: 'red' }])).toBe(false)
    expect(refused([{ kind: 'ftp', name: 'a' }])).toBe(false)
    expect(refused([{ kind: 'webhook', name: 'a', url: 'ftp://x.example/', secretFile: 's' }])).toBe(false)
    expect(
      refused([{ kind: 'webhook', name: 'a', url: 'https://x.example/', secretFile: 's', format: 'cusres' }]),
    ).toBe(false)
    expect(refused([{ kind: 'file-drop', name: 'Bad Name', folder: 'x' }])).toBe(false)
    expect(
      refused([
        { kind: 'file-drop', name: 'a', folder: 'x' },
        { kind: 'file-drop', name: 'a', folder: 'y' },
      ]),
    ).toBe(false)
    expect(refused([{ kind: 'file-drop', name: 'a', folder: 'x', format: 'cusres' }])).toBe(true)
  })
})

describe('a real node process with a file-drop adapter in its node.json', () => {
  it('lodges a dropped national declaration, writes each step to the outbox, sets a malformed file aside', async () => {
    const net = await TestNetwork.create({ base: join(base, 'process'), countries: ['CN', 'KZ', 'UZ'] })
    try {
      const cn = net.node('CN')
      const configPath = join(cn.dir, DATA_FILES.config)
      const file = NodeFile.parse(JSON.parse(readFileSync(configPath, 'utf8')))
      // A relative folder: it lives in the data folder.
      writeFileSync(
        configPath,
        JSON.stringify(
          { ...file, adapters: [{ kind: 'file-drop', name: 'asycuda', folder: 'drop', format: 'ncts', pollMs: 100 }] },
          null,
          2,
        ),
      )
      // One process is enough: the other members are in the membership, and CN's entries for them wait in its outbox.
      await cn.start()
      // The guarantee the national declaration names (the examples' one), registered by CN first.
      const g = await cn.post<{ documentId: string }>('/v1/guarantees', { guarantee: exampleGuaranteeBody() })
      expect(g.status).toBe(201)
      const drop = join(cn.dir, 'drop')
      const lrn = `XJ-${Date.now().toString(36).toUpperCase()}`
      const edi = readFileSync(
        join(import.meta.dirname, '..', 'adapters', 'edifact', 'samples', 'cusdec-declaration.edi'),
        'utf8',
      ).replaceAll('XJ-2026-000042', lrn)
      const decoded = await decodeNational({ name: 'x.edi', bytes: new TextEncoder().encode(edi) })
      if (!decoded.ok || decoded.operation.kind !== 'lodge') throw new Error(JSON.stringify(decoded))
      const mrn = decoded.operation.declaration.TransitOperation.MRN
      // What a national system does: write under a *.tmp name, then rename into the inbox.
      await eventually('the inbox', async () => (existsSync(join(drop, 'inbox')) ? true : undefined))
      writeFileAtomic(join(drop, 'inbox', `${lrn}.edi`), edi)
      await eventually('the file in processed/', async () =>
        existsSync(join(drop, 'processed', `${lrn}.edi`)) ? true : undefined,
      )
      const doc = await cn.get<{ status: string; index: { keys: { lrn: string[] } } }>(`/v1/transits/${mrn}`)
      expect(doc.status).toBe(200)
      expect(doc.body).toMatchObject({ status: 'lodged', index: { keys: { lrn: [lrn] } } })

      expect((await cn.post(`/v1/transits/${mrn}/actions/accept`, body('DeclarationAccepted', mrn))).status).toBe(201)
      const release = await eventually(
        'the release once the coverage is on record',
        async () => {
          const r = await cn.post(`/v1/transits/${mrn}/actions/release`, body('ReleasedForTransit', mrn))
          return r.status === 409 ? undefined : r
        },
        15_000,
      )
      expect(release.status).toBe(201)
      const out = await eventually('the steps up to the release in the outbox', async () => {
        const names = readdirSync(join(drop, 'outbox'))
          .filter((n) => n.startsWith(mrn))
          .sort()
        return names.some((n) => n.endsWith('CC029C.xml')) ? names : undefined
      })
      const kinds = out.map((n) =>
        n
          .replace(/\.(xml|edi)$/, '')
          .split('-')
          .pop(),
      )
      expect(kinds).toEqual(expect.arrayContaining(['CC015C', 'CC028C', 'CC029C']))
      const cc029 = readFileSync(
        join(
          drop,
          'outbox',
          out.find((n) => n.endsWith('CC029C.xml'))!,
        ),
        'utf8',
      )
      expect(cc029).toContain(mrn)

      writeFileAtomic(join(drop, 'inbox', 'broken.xml'), '<DeclarationLodged><unclosed>')
      await eventually('the malformed file in failed/', async () =>
        existsSync(join(drop, 'failed', 'broken.xml.error.json')) ? true : undefined,
      )
      expect(existsSync(join(drop, 'failed', 'broken.xml'))).toBe(true)
      const reason = JSON.parse(readFileSync(join(drop, 'failed', 'broken.xml.error.json'), 'utf8')) as {
        errors: { code: string }[]
      }
      expect(reason.errors[0]?.code).toMatch(/^XML_/)
      expect(readdirSync(join(drop, 'inbox'))).toEqual([])
      // SIGTERM stops the adapter, then the node, cleanly.
      expect(await cn.stop()).toBe(0)
    } finally {
      await net.teardown()
    }
  }, 60_000)
})
