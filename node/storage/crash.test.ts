/**
 * kill -9 proves the durability guarantee: a real child process (testing/crash-writer.ts) commits to a
 * LevelStore and prints each id only once its commit resolved; it is killed with SIGKILL at a
 * random moment, three times on the same folder. Then every acknowledged entry must be there
 * with exactly its bytes, every batch must be all there or not at all (entries, document record,
 * index keys, outbox items), and the store must open cleanly.
 */
import { spawn } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Level } from 'level'
import { afterAll, expect, it } from 'vitest'
import { CRASH_DOCUMENTS, CRASH_PEERS, parseCrashEntry } from './testing/crash-writer.ts'
import type { CrashState } from './testing/crash-writer.ts'
import { decodeDocument } from './codec.ts'
import { K, components } from './keys.ts'
import { LevelStore } from './level-store.ts'
import { indexValues, timeKey } from './validate.ts'
import { sha256Hex } from '../../protocol/crypto/index.ts'
import type { DocumentRecord, StoredEntry } from './types.ts'

const here = fileURLToPath(new URL('.', import.meta.url))
const NODE = join(here, '../../node_modules/.bin/node')
const root = mkdtempSync(join(tmpdir(), 'sis-crash-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

interface WriterRun {
  /** The ids printed on whole lines: acknowledged commits. */
  readonly acked: string[]
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stderr: string
}

/**
 * Runs the writer; with `killAfter`, SIGKILLs it a random moment after that many ids were
 * acknowledged; with `fileSizeKb`, under `ulimit -f` (a full disk, as far as LevelDB can tell).
 */
function runWriter(folder: string, run: number, opts: { killAfter?: number; fileSizeKb?: number }): Promise<WriterRun> {
  const args = [join(here, 'testing', 'crash-writer.ts'), folder, String(run)]
  const child =
    opts.fileSizeKb === undefined
      ? spawn(NODE, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('bash', ['-c', `ulimit -f ${opts.fileSizeKb} && exec "$0" "$@"`, NODE, ...args], {
          stdio: ['ignore', 'pipe', 'pipe'],
        })
  return new Promise((resolve, reject) => {
    let out = ''
    let stderr = ''
    let killing = false
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk
      if (opts.killAfter !== undefined && !killing && out.length >= opts.killAfter * 65) {
        killing = true
        setTimeout(() => child.kill('SIGKILL'), randomInt(0, 40))
      }
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.on('error', reject)
    // A line cut by the kill is not an acknowledgement: only whole lines count.
    child.on('exit', (code, signal) => resolve({ acked: out.split('\n').slice(0, -1), code, signal, stderr }))
  })
}

const order = (s: { run: number; batch: number }): number => s.run * 1e9 + s.batch

it('loses nothing acknowledged and leaves nothing half written across three kill -9', async () => {
  const folder = join(root, 'killed')
  const acked: string[] = []
  for (let run = 0; run < 3; run++) {
    const r = await runWriter(folder, run, { killAfter: randomInt(300, 1500) })
    expect(r.signal, r.stderr).toBe('SIGKILL')
    expect(r.acked.length).toBeGreaterThanOrEqual(300)
    acked.push(...r.acked)
  }
  await checkStore(folder, acked)
}, 60_000)

it('refuses the commit that does not fit on a full disk, then carries on once there is room', async () => {
  const folder = join(root, 'full')
  // 3 MB: LevelDB's log reaches the limit before its first 4 MB memtable flush.
  const full = await runWriter(folder, 0, { fileSizeKb: 3000 })
  expect(full.code, full.stderr).toBe(2)
  expect(full.stderr).toMatch(/refused: .*File too large/)
  expect(full.acked.length).toBeGreaterThanOrEqual(300)
  await checkStore(folder, full.acked)
  const more = await runWriter(folder, 1, { killAfter: randomInt(300, 1000) })
  expect(more.signal, more.stderr).toBe('SIGKILL')
  await checkStore(folder, [...full.acked, ...more.acked])
}, 60_000)

/** Every acknowledged id with its bytes, every batch whole, the store opens cleanly. */
async function checkStore(folder: string, acked: readonly string[]): Promise<void> {
  const store = new LevelStore(folder)
  await store.open()
  try {
    // Every acknowledged id, with exactly its bytes.
    for (const id of acked) {
      const e = await store.getEntry(id)
      expect(e, id).toBeDefined()
      expect(sha256Hex(e!.bytes)).toBe(id)
    }

    // Every batch is whole: all its entries, its two outbox items each, and a document record
    // at least as new; the record's own batch is wholly present.
    const stored: StoredEntry[] = []
    const due = new Map<string, Set<string>>(CRASH_PEERS.map((p) => [p, new Set()]))
    for (const peer of CRASH_PEERS)
      for (const o of await store.outbox(peer, '9999-12-31T23:59:59Z')) due.get(peer)!.add(o.entryId)
    let documents = 0
    for (let d = 0; d < CRASH_DOCUMENTS; d++) {
      const entries = await store.entriesOf(`D${d}`)
      stored.push(...entries)
      const record = await store.getDocument(`D${d}`)
      if (entries.length === 0) {
        expect(record).toBeUndefined()
        continue
      }
      documents++
      const state = record!.state as CrashState
      const batches = new Map<string, { size: number; count: number; run: number; batch: number }>()
      for (const e of entries) {
        const p = parseCrashEntry(e.bytes)
        expect(order(p)).toBeLessThanOrEqual(order(state))
        const b = batches.get(`${p.run}/${p.batch}`) ?? { ...p, count: 0 }
        b.count++
        batches.set(`${p.run}/${p.batch}`, b)
        for (const peer of CRASH_PEERS) expect(due.get(peer)!.has(e.id)).toBe(true)
      }
      for (const b of batches.values()) expect(b.count, `batch ${b.run}/${b.batch}`).toBe(b.size)
      const held = new Set(entries.map((e) => e.id))
      for (const id of state.entryIds) expect(held.has(id)).toBe(true)
      expect((await store.search({ keys: { mrn: `MRN-D${d}` } })).map((r) => r.documentId)).toEqual([`D${d}`])
    }
    expect(stored.length).toBeGreaterThanOrEqual(acked.length)
    for (const peer of CRASH_PEERS) expect(due.get(peer)!.size).toBe(stored.length)
    expect(Object.values(await store.outboxDepth()).reduce((a, b) => a + b, 0)).toBe(2 * stored.length)
    expect((await store.search({})).length).toBe(documents)
  } finally {
    await store.close()
  }
  await checkRawKeys(folder)
}

/** Below the Store API: no index key, entry key or outbox key without its counterpart. */
async function checkRawKeys(folder: string): Promise<void> {
  const db = new Level<string, Uint8Array>(folder, { keyEncoding: 'utf8', valueEncoding: 'view' })
  try {
    const records = new Map<string, DocumentRecord>()
    for await (const v of db.values({ gte: 'd\x00', lt: 'd\x01' })) {
      const r = decodeDocument(v)
      records.set(r.documentId, r)
    }
    const expected = new Set<string>()
    for (const r of records.values()) {
      const at = timeKey(r.updatedAt, 'updatedAt')
      for (const [field, value] of indexValues(r)) expected.add(K.index(field, value, at, r.documentId))
      expected.add(K.updated(at, r.documentId))
    }
    const found = new Set<string>()
    for await (const k of db.keys({ gte: 'u\x00', lt: 'u\x01' })) found.add(k)
    for await (const k of db.keys({ gte: 'x\x00', lt: 'x\x01' })) found.add(k)
    expect([...found].sort()).toEqual([...expected].sort())

    let entries = 0
    for await (const _k of db.keys({ gte: 'e\x00', lt: 'e\x01' })) entries++
    let indexed = 0
    for await (const k of db.keys({ gte: 'n\x00', lt: 'n\x01' })) {
      indexed++
      expect(await db.has(K.entry(components(k).at(-1)!))).toBe(true)
    }
    expect(indexed).toBe(entries)
    let lookups = 0
    for await (const [k, v] of db.iterator({ gte: 'p\x00', lt: 'p\x01' })) {
      lookups++
      const [peer, entryId] = components(k)
      expect(await db.has(K.outbox(peer!, new TextDecoder().decode(v), entryId!))).toBe(true)
    }
    let scheduled = 0
    for await (const _ of db.keys({ gte: 'o\x00', lt: 'o\x01' })) scheduled++
    expect(scheduled).toBe(lookups)
  } finally {
    await db.close()
  }
}
