import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeMessage, exampleMessage } from '../../protocol/index.ts'
import { HttpNodeClient } from '../client/http.ts'
import { InMemoryNodeClient } from '../client/memory.ts'
import { conformanceDeclaration } from '../conformance/conformance.ts'
import type { NodeClient } from '../contract.ts'
import { startFakeNode } from '../testing/fake-node.ts'
import { FileDropAdapter } from './file-drop.ts'

const FAST = { attempts: 3, baseDelayMs: 2, maxDelayMs: 10 }
const roots: string[] = []
function root(): string {
  const r = mkdtempSync(join(tmpdir(), 'sis-filedrop-'))
  roots.push(r)
  return r
}
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true })
})

function drop(adapter: FileDropAdapter, name: string, content: string): void {
  writeFileSync(join(adapter.dirs.inbox, name), content)
}

function lodgeJson(lrn: string): string {
  return JSON.stringify({ action: 'lodge', declaration: conformanceDeclaration(lrn) })
}

const settle = async (a: FileDropAdapter) => {
  await new Promise((r) => setTimeout(r, 0))
  await a.idle()
}

describe('file drop with real files', () => {
  it('lodges, moves to processed/, writes events to outbox/ atomically', async () => {
    const client = new InMemoryNodeClient()
    const a = new FileDropAdapter({ client, root: root(), retry: FAST, pollMs: 60_000 })
    await a.start()
    drop(a, '001-declaration.json', lodgeJson('FD-1'))
    writeFileSync(join(a.dirs.inbox, '.002-partial.json'), '{"act')
    await a.scan()
    await settle(a)
    expect(readdirSync(a.dirs.processed)).toEqual(['001-declaration.json'])
    expect(readdirSync(a.dirs.inbox)).toEqual(['.002-partial.json'])
    const out = readdirSync(a.dirs.outbox)
    expect(out).toHaveLength(1)
    expect(out[0]).toMatch(/^26CN[A-Z0-9]{14}-0001-CN-DeclarationLodged\.xml$/)
    expect(readFileSync(join(a.dirs.outbox, out[0]!), 'utf8')).toContain('<LRN>FD-1</LRN>')
    await a.stop()
  })

  it('accepts our DeclarationLodged XML and refuses a bad one with <name>.error.json', async () => {
    const client = new InMemoryNodeClient()
    const a = new FileDropAdapter({ client, root: root(), retry: FAST, pollMs: 60_000 })
    const m = exampleMessage('DeclarationLodged')
    drop(a, 'a.xml', encodeMessage('DeclarationLodged', m))
    drop(a, 'b.xml', encodeMessage('DeclarationLodged', m).replace('<country>UZ</country>', '<country>XX</country>'))
    drop(a, 'c.txt', 'hello')
    await a.scan()
    expect(readdirSync(a.dirs.processed)).toEqual(['a.xml'])
    expect(readdirSync(a.dirs.failed).sort()).toEqual(['b.xml', 'b.xml.error.json', 'c.txt', 'c.txt.error.json'])
    const err = JSON.parse(readFileSync(join(a.dirs.failed, 'b.xml.error.json'), 'utf8')) as {
      format: string
      errors: { code: string; path: string }[]
    }
    expect(err.format).toBe('sis-xml')
    expect(err.errors[0]).toMatchObject({ code: 'CODE_UNKNOWN' })
    expect(
      (JSON.parse(readFileSync(join(a.dirs.failed, 'c.txt.error.json'), 'utf8')) as { errors: { code: string }[] })
        .errors[0]!.code,
    ).toBe('INPUT_UNKNOWN_FORMAT')
  })

  it('a file stays in the inbox while the node is down, and goes through once it is back', async () => {
    const client = new InMemoryNodeClient()
    const a = new FileDropAdapter({ client, root: root(), retry: FAST, pollMs: 60_000 })
    drop(a, 'd.json', lodgeJson('FD-DOWN'))
    client.failNext(3)
    await a.scan()
    expect(readdirSync(a.dirs.inbox)).toEqual(['d.json'])
    await a.scan()
    expect(readdirSync(a.dirs.processed)).toEqual(['d.json'])
    expect(client.calls.filter((c) => c.ok)).toHaveLength(1)
  })

  it("a crash between the node's answer and the move does not lodge or act twice", async () => {
    const dir = root()
    const client = new InMemoryNodeClient()
    const first = new FileDropAdapter({ client, root: dir, retry: FAST, pollMs: 60_000 })
    drop(first, '1.json', lodgeJson('FD-CRASH'))
    await first.scan()
    const mrn = client.calls[0]!.documentId
    // Simulate the crash: the files come back to the inbox as if never moved, and the journal
    // loses its "acked" lines (the worst case: only the intent was synced).
    writeFileSync(join(first.dirs.inbox, '1.json'), readFileSync(join(first.dirs.processed, '1.json')))
    rmSync(join(first.dirs.processed, '1.json'))
    const accept = JSON.stringify({
      action: 'accept',
      documentId: mrn,
      body: {
        ...(({ Header: _h, ...b }) => b)(exampleMessage('DeclarationAccepted')),
        TransitOperation: { LRN: 'FD-CRASH', MRN: mrn, declarationAcceptanceDate: '2026-11-23' },
      },
    })
    drop(first, '2.json', accept)
    await first.scan()
    writeFileSync(join(first.dirs.inbox, '2.json'), accept)
    rmSync(join(first.dirs.processed, '2.json'))
    const journal = join(dir, '.sis-adapter', 'journal.jsonl')
    writeFileSync(
      journal,
      readFileSync(journal, 'utf8')
        .split('\n')
        .filter((l) => !l.includes('"acked"'))
        .join('\n'),
    )
    const restarted = new FileDropAdapter({ client, root: dir, retry: FAST, pollMs: 60_000 })
    await restarted.scan()
    expect(readdirSync(restarted.dirs.processed).sort()).toEqual(['1.json', '2.json'])
    expect(client.calls.filter((c) => c.ok).map((c) => c.operation)).toEqual(['lodge', 'accept'])
    expect((await client.log(mrn))!.map((e) => e.type)).toEqual(['DeclarationLodged', 'DeclarationAccepted'])
  })

  it('events missed while stopped are written on the next start', async () => {
    const dir = root()
    const client = new InMemoryNodeClient()
    const a = new FileDropAdapter({ client, root: dir, retry: FAST, pollMs: 60_000 })
    await a.start()
    drop(a, '1.json', lodgeJson('FD-GAP'))
    await a.scan()
    await settle(a)
    await a.stop()
    const mrn = client.calls[0]!.documentId
    await client.act(mrn, 'accept', {
      ...(({ Header: _h, ...b }) => b)(exampleMessage('DeclarationAccepted')),
      TransitOperation: { LRN: 'FD-GAP', MRN: mrn, declarationAcceptanceDate: '2026-11-23' },
    })
    const b = new FileDropAdapter({ client, root: dir, retry: FAST, pollMs: 60_000 })
    await b.start()
    await settle(b)
    expect(readdirSync(b.dirs.outbox).map((n) => n.split('-').pop())).toEqual([
      'DeclarationLodged.xml',
      'DeclarationAccepted.xml',
    ])
    await b.stop()
  })
})

describe('file drop: a partner NCTS transit, each message completed from the node where it needs to be', () => {
  it('lodges CC015C, completes it with CC170C, accepts with CC028C, releases with CC029C (whose limit date is the log’s)', async () => {
    const samples = join(import.meta.dirname, '..', 'ncts', 'samples')
    const client = new InMemoryNodeClient()
    const a = new FileDropAdapter({ client, root: root(), retry: FAST, pollMs: 60_000, format: 'ncts' })
    drop(a, '1-cc015c.xml', readFileSync(join(samples, 'cc015c.xml'), 'utf8'))
    await a.scan()
    expect(readdirSync(a.dirs.failed)).toEqual([])
    const lodged = await client.changedSince('2000-01-01T00:00:00Z')
    const mrn = lodged[0]!.documentId
    // The samples name the story's MRN; the adapter lodged the declaration under its own.
    const story = (f: string) => readFileSync(join(samples, f), 'utf8').replaceAll('26CN652100000042J8', mrn)
    drop(a, '2-cc170c.xml', story('cc170c.xml'))
    drop(a, '3-cc028c.xml', story('cc028c.xml'))
    drop(a, '4-cc029c.xml', story('cc029c.xml'))
    await a.scan()
    expect(readdirSync(a.dirs.failed)).toEqual([])
    expect(readdirSync(a.dirs.processed).sort()).toEqual([
      '1-cc015c.xml',
      '2-cc170c.xml',
      '3-cc028c.xml',
      '4-cc029c.xml',
    ])
    const log = (await client.log(mrn))!
    expect(log.map((e) => [e.type, e.effective])).toEqual([
      ['DeclarationLodged', true],
      ['DeclarationAmended', true],
      ['DeclarationAccepted', true],
      ['ReleasedForTransit', true],
    ])
    // The release's limit date is the one the presentation notification gave the declaration.
    expect(log[3]!.xml).toContain('<limitDate>2026-12-07</limitDate>')
    await a.stop()
  })
})

describe('file drop against a node over HTTP (loopback test double of the node API)', () => {
  it('lodges over HTTP and writes the events it reads from the SSE stream', async () => {
    const node = await startFakeNode({ token: 'integration-token' })
    try {
      const client: NodeClient = new HttpNodeClient({
        baseUrl: node.url,
        token: 'integration-token',
        reconnect: { attempts: Infinity, baseDelayMs: 10, maxDelayMs: 50 },
      })
      const a = new FileDropAdapter({ client, root: root(), retry: FAST, pollMs: 60_000, format: 'ncts' })
      await a.start()
      drop(a, '1.json', lodgeJson('FD-HTTP'))
      await a.scan()
      expect(readdirSync(a.dirs.processed)).toEqual(['1.json'])
      const mrn = node.memory.calls[0]!.documentId
      node.dropStreams()
      await node.memory.act(mrn, 'reject', {
        ...(({ Header: _h, ...b }) => b)(exampleMessage('DeclarationRejected')),
        TransitOperation: { ...exampleMessage('DeclarationRejected').TransitOperation, LRN: 'FD-HTTP', MRN: mrn },
      })
      // Delivered through the stream or, if it was down, by the resync on reconnection.
      for (let i = 0; i < 200 && readdirSync(a.dirs.outbox).length < 2; i++) await new Promise((r) => setTimeout(r, 10))
      expect(
        readdirSync(a.dirs.outbox)
          .map((n) => n.split('-').pop())
          .sort(),
      ).toEqual(['CC015C.xml', 'CC056C.xml'])
      await a.stop()
      const refused = await new HttpNodeClient({ baseUrl: node.url, token: 'wrong' })
        .document(mrn)
        .catch((e: unknown) => e)
      expect(refused).toMatchObject({ status: 401, code: 'API_UNAUTHENTICATED', retryable: false })
      expect(existsSync(join(a.dirs.inbox, '1.json'))).toBe(false)
    } finally {
      await node.close()
    }
  })
})
