/**
 * Storage benchmark: synced commits per second through LevelStore (entry, per-document index,
 * the document record replaced with its index keys, two outbox items, one fsync'd batch), beside
 * the ceiling measured in the same run on the same disk: raw level batches of the same entry
 * bytes with { sync: true } and nothing else. On most disks both are bound by fsync, so the
 * single-entry ratio shows what our reads and index keys add to one fsync, and the batch ratio
 * what they cost when the fsync is shared by 100 entries.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Level } from 'level'
import { LevelStore } from '../level-store.ts'
import { sha256Hex } from '../../../protocol/crypto/index.ts'
import type { CommitBatch, StoredEntry } from '../types.ts'

/**
 * The shape of test-network/bench/measure.ts's Row, restated so that node/ does not import from
 * test-network/ (imports flow the other way); printTable accepts these rows as they are.
 */
export interface BenchRow {
  readonly what: string
  readonly figure: string
  readonly ceiling: string
  readonly ratio: string
  readonly note?: string
}

/** About the size of a signed border passage; hex so that snappy compresses it about as much as XML. */
const ENTRY_BYTES = 1500

let counter = 0
function freshEntry(documentId: string): StoredEntry {
  const bytes = new TextEncoder().encode(
    `<Entry n="${counter++}">${randomBytes(ENTRY_BYTES / 2 - 16).toString('hex')}</Entry>`,
  )
  return {
    id: sha256Hex(bytes),
    documentId,
    author: 'KZ',
    seq: counter,
    type: 'BorderPassageRecorded',
    bytes,
    storedAt: new Date().toISOString(),
  }
}

function commitOf(entries: StoredEntry[], documentId: string): CommitBatch {
  const at = new Date().toISOString()
  return {
    entries,
    document: {
      documentId,
      kind: 'transit',
      audience: ['KZ', 'UZ', 'CN'],
      status: 'released',
      stateHash: '00'.repeat(32),
      updatedAt: at,
      state: { entries: entries.length },
      index: {
        status: 'released',
        keys: {
          mrn: [documentId],
          lrn: ['LRN-1'],
          office: ['KZ000101', 'UZ000101'],
          trader: ['KZ123456789012'],
          vehicle: ['123ABC02'],
          container: ['MSKU1234565'],
        },
      },
    },
    outbox: entries.flatMap((e) =>
      ['UZ', 'CN'].map((peer) => ({ peer, documentId, entryId: e.id, enqueuedAt: at, attempts: 0, nextAttemptAt: at })),
    ),
  }
}

/**
 * Operations per second of each function (one call = `perCall` operations), measured in turns of
 * a tenth of the budget each, round-robin: the fsync latency of a shared or virtual disk drifts
 * by several times within seconds, and turns expose figure and ceiling to the same drift.
 */
async function measureInTurns(
  seconds: number,
  perCall: number,
  fns: ReadonlyArray<() => Promise<void>>,
): Promise<number[]> {
  const calls = fns.map(() => 0)
  const elapsed = fns.map(() => 0)
  for (const fn of fns) for (let i = 0; i < 3; i++) await fn()
  for (let turn = 0; turn < 10; turn++) {
    for (const [i, fn] of fns.entries()) {
      const start = performance.now()
      do {
        await fn()
        calls[i]!++
      } while (performance.now() - start < seconds * 100)
      elapsed[i]! += performance.now() - start
    }
  }
  return fns.map((_, i) => (calls[i]! * perCall * 1000) / elapsed[i]!)
}

const rate = (n: number): string => `${Math.round(n).toLocaleString('en-US')}/s`
const pct = (n: number, of: number): string => `${Math.round((100 * n) / of)}%`

export async function benchStore(seconds = 2): Promise<BenchRow[]> {
  const root = mkdtempSync(join(tmpdir(), 'sis-bench-store-'))
  try {
    const raw = new Level<string, Uint8Array>(join(root, 'raw'), { keyEncoding: 'utf8', valueEncoding: 'view' })
    const store = new LevelStore(join(root, 'store'))
    await raw.open()
    await store.open()
    // Documents rotate over a few ids so that most commits replace a record and move its index keys.
    let doc = 0
    const nextDocument = (): string => `25KZ${String(doc++ % 50).padStart(14, '0')}`
    const [one, rawOne] = (await measureInTurns(seconds, 1, [
      async () => {
        const documentId = nextDocument()
        await store.commit(commitOf([freshEntry(documentId)], documentId))
      },
      async () => {
        const e = freshEntry('D')
        await raw.batch([{ type: 'put', key: e.id, value: e.bytes }], { sync: true })
      },
    ])) as [number, number]
    const [hundred, rawHundred] = (await measureInTurns(seconds, 100, [
      async () => {
        const documentId = nextDocument()
        await store.commit(
          commitOf(
            Array.from({ length: 100 }, () => freshEntry(documentId)),
            documentId,
          ),
        )
      },
      async () => {
        const es = Array.from({ length: 100 }, () => freshEntry('D'))
        await raw.batch(
          es.map((e) => ({ type: 'put' as const, key: e.id, value: e.bytes })),
          { sync: true },
        )
      },
    ])) as [number, number]
    await store.close()
    await raw.close()

    return [
      {
        what: `synced single-entry commits (${ENTRY_BYTES} B entry)`,
        figure: rate(one),
        ceiling: rate(rawOne),
        ratio: pct(one, rawOne),
        note: 'entry + document record replaced with its 9 index keys + 2 outbox items, one fsync; ceiling: raw level batch of the entry bytes, sync',
      },
      {
        what: 'synced batches of 100 entries (entries/s)',
        figure: rate(hundred),
        ceiling: rate(rawHundred),
        ratio: pct(hundred, rawHundred),
        note: '100 entries + their per-document keys + record + 200 outbox items, one fsync; ceiling: raw level batch of the 100 entries, sync',
      },
    ]
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
}
