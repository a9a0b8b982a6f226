/**
 * The node's durable store: one LevelDB under a folder. The key layout is in keys.ts (buckets e,
 * n, d, x, u, o, p, r, m, v), the values in codec.ts. Every write is one LevelDB batch with
 * { sync: true }: LevelDB appends the batch to its log as one checksummed record and fsyncs it
 * before the promise resolves, so after kill -9 or a power cut a batch is either wholly there or
 * wholly absent, and an I/O error (disk full) rejects the write before anything is acknowledged.
 *
 * Writes that depend on what is held (skip held entries, delete a replaced document's index
 * keys, find an outbox item's schedule key) read and then write under an in-process mutex, so
 * two commits never interleave their read and their write. One process owns the folder
 * (LevelDB's LOCK file refuses a second one).
 */
import { existsSync } from 'node:fs'
import { Level } from 'level'
import { K, components, timeRange } from './keys.ts'
import {
  copyBytes,
  decodeDocument,
  decodeEntry,
  decodeEntryHead,
  depthRecord,
  decodeJson,
  decodeReceipt,
  encodeEntry,
  encodeJson,
  encodeReceipt,
  fromUtf8,
  utf8,
} from './codec.ts'
import { planQuery, matches } from './search.ts'
import {
  StoreError,
  checkBatch,
  checkBytes,
  checkLimit,
  checkOutboxItem,
  checkReceipt,
  checkString,
  checkVersion,
  indexValues,
  sha256Hex,
  timeKey,
  uniqueEntries,
} from './validate.ts'
import type {
  CommitBatch,
  DocumentRecord,
  EntryHead,
  OutboxItem,
  Receipt,
  SearchQuery,
  Store,
  StoredEntry,
} from './types.ts'

type Op = { type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string }

const EMPTY = new Uint8Array(0)
const LAYOUT = '1'
/** Keys read per step while scanning an index (then their documents in one getMany). */
const CHUNK = 128

/** Runs async sections one after another: a FIFO lock for read-modify-write. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve()

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn)
    this.tail = result.catch(() => undefined)
    return result
  }
}

const put = (key: string, value: Uint8Array): Op => ({ type: 'put', key, value })
const del = (key: string): Op => ({ type: 'del', key })

export class LevelStore implements Store {
  readonly folder: string
  private readonly db: Level<string, Uint8Array>
  private readonly lock = new Mutex()

  constructor(folder: string) {
    this.folder = folder
    this.db = new Level<string, Uint8Array>(folder, { keyEncoding: 'utf8', valueEncoding: 'view' })
  }

  /** Opens the folder (creating it if missing); a folder another process holds raises StoreLockedError. */
  async open(): Promise<void> {
    try {
      await this.db.open()
    } catch (e) {
      if (isLockedError(e)) throw new StoreLockedError(this.folder, e)
      throw e
    }
    // Refuse a folder written with another key layout rather than misread it.
    const layout = await this.get(K.layout())
    if (layout === undefined) await this.db.batch([put(K.layout(), utf8(LAYOUT))], { sync: true })
    else if (fromUtf8(layout) !== LAYOUT)
      throw new Error(`storage: ${this.folder} has key layout ${fromUtf8(layout)}, expected ${LAYOUT}`)
  }

  async close(): Promise<void> {
    // Let a commit in flight finish (or fail) before the database goes away under it.
    await this.lock.run(() => this.db.close())
  }

  /** level 10 yields undefined for a missing key; every other error propagates. */
  private async get(k: string): Promise<Uint8Array | undefined> {
    return (await this.db.get(k)) as Uint8Array | undefined
  }

  private write(ops: Op[]): Promise<void> {
    return ops.length === 0 ? Promise.resolve() : this.db.batch(ops, { sync: true })
  }

  async commit(batch: CommitBatch): Promise<void> {
    return this.commitAll([batch])
  }

  async commitAll(batches: readonly CommitBatch[]): Promise<void> {
    batches.forEach(checkBatch)
    const entries = uniqueEntries(batches.flatMap((b) => b.entries ?? []))
    // A document committed twice in one write: its last record wins, as if written one after the
    // other (the earlier record's index keys would otherwise be left behind).
    const documents = [
      ...new Map(
        batches.flatMap((b) => (b.document === undefined ? [] : [[b.document.documentId, b.document] as const])),
      ).values(),
    ]
    const outbox = batches.flatMap((b) => b.outbox ?? [])
    await this.lock.run(async () => {
      // The reads are independent: one round trip to LevelDB's threads instead of several.
      const [held, documentOps, outboxOps] = await Promise.all([
        entries.length === 0 ? [] : this.db.hasMany(entries.map((e) => K.entry(e.id))),
        Promise.all(documents.map((d) => this.documentOps(d))),
        this.outboxOps(outbox, false),
      ])
      const ops: Op[] = []
      entries.forEach((e, i) => {
        if (held[i] === true) return
        ops.push(put(K.entry(e.id), encodeEntry(e)), put(K.docEntry(e.documentId, e.author, e.seq, e.id), EMPTY))
      })
      for (const d of documentOps) ops.push(...d)
      ops.push(...outboxOps)
      await this.write(ops)
    })
  }

  /** Replaces a document record: the old record's index keys go, the new ones come, in one batch. */
  private async documentOps(d: DocumentRecord): Promise<Op[]> {
    const ops: Op[] = []
    const old = await this.get(K.document(d.documentId))
    if (old !== undefined) {
      const was = decodeDocument(old)
      const at = timeKey(was.updatedAt, 'document.updatedAt')
      for (const [field, value] of indexValues(was)) ops.push(del(K.index(field, value, at, d.documentId)))
      ops.push(del(K.updated(at, d.documentId)))
    }
    const at = timeKey(d.updatedAt, 'document.updatedAt')
    for (const [field, value] of indexValues(d)) ops.push(put(K.index(field, value, at, d.documentId), EMPTY))
    ops.push(put(K.updated(at, d.documentId), EMPTY), put(K.document(d.documentId), encodeJson(d)))
    return ops
  }

  /**
   * Writes outbox items, each replacing the held item of its (peer, entryId); with onlyHeld,
   * items not held are skipped (a retry must not resurrect an acknowledged item).
   */
  private async outboxOps(items: readonly OutboxItem[], onlyHeld: boolean): Promise<Op[]> {
    // Within one call the last item of a (peer, entryId) wins, as it would written one by one.
    const unique = [...new Map(items.map((o) => [K.outboxLookup(o.peer, o.entryId), o] as const)).entries()]
    if (unique.length === 0) return []
    const scheduled = (await this.db.getMany(unique.map(([k]) => k))) as Array<Uint8Array | undefined>
    const ops: Op[] = []
    unique.forEach(([lookup, o], i) => {
      const was = scheduled[i]
      if (was !== undefined) ops.push(del(K.outbox(o.peer, fromUtf8(was), o.entryId)))
      else if (onlyHeld) return
      const at = timeKey(o.nextAttemptAt, 'outbox.nextAttemptAt')
      ops.push(put(K.outbox(o.peer, at, o.entryId), encodeJson(o)), put(lookup, utf8(at)))
    })
    return ops
  }

  async hasEntry(id: string): Promise<boolean> {
    return this.db.has(K.entry(checkString(id, 'id')))
  }

  async getEntry(id: string): Promise<StoredEntry | undefined> {
    const value = await this.get(K.entry(checkString(id, 'id')))
    return value === undefined ? undefined : decodeEntry(id, value)
  }

  async getEntries(ids: readonly string[]): Promise<(StoredEntry | undefined)[]> {
    if (ids.length === 0) return []
    const values = (await this.db.getMany(ids.map((id) => K.entry(checkString(id, 'id'))))) as Array<
      Uint8Array | undefined
    >
    return values.map((v, i) => (v === undefined ? undefined : decodeEntry(ids[i]!, v)))
  }

  async entryHeads(ids: readonly string[]): Promise<(EntryHead | undefined)[]> {
    if (ids.length === 0) return []
    const values = (await this.db.getMany(ids.map((id) => K.entry(checkString(id, 'id'))))) as Array<
      Uint8Array | undefined
    >
    return values.map((v, i) => (v === undefined ? undefined : decodeEntryHead(ids[i]!, v)))
  }

  async entryIdsOf(documentId: string): Promise<string[]> {
    const ids: string[] = []
    for await (const k of this.db.keys(K.docEntries(checkString(documentId, 'documentId'))))
      ids.push(components(k).at(-1) ?? '')
    return ids
  }

  async entriesOf(documentId: string): Promise<StoredEntry[]> {
    const ids = await this.entryIdsOf(documentId)
    const values = (await this.db.getMany(ids.map((id) => K.entry(id)))) as Array<Uint8Array | undefined>
    return ids.map((id, i) => {
      const value = values[i]
      // Both keys are written in one batch: one without the other is damage, not absence.
      if (value === undefined)
        throw new Error(`storage: the index of ${documentId} names entry ${id}, which is missing`)
      return decodeEntry(id, value)
    })
  }

  async getDocument(documentId: string): Promise<DocumentRecord | undefined> {
    const value = await this.get(K.document(checkString(documentId, 'documentId')))
    return value === undefined ? undefined : decodeDocument(value)
  }

  async *documents(): AsyncIterable<DocumentRecord> {
    for await (const value of this.db.values({ gte: 'd\x00', lt: 'd\x01' })) yield decodeDocument(value)
  }

  async search(query: SearchQuery): Promise<DocumentRecord[]> {
    const plan = planQuery(query)
    const out: DocumentRecord[] = []
    if (plan.limit === 0) return out
    const prefix = plan.driver === undefined ? K.updatedAll() : K.indexValue(plan.driver.field, plan.driver.value)
    // Newest first: index keys end in updatedAt ␀ documentId, so a reverse scan is the order.
    const it = this.db.keys({ ...timeRange(prefix, plan.from, plan.to), reverse: true })
    try {
      for (;;) {
        const keys = await it.nextv(CHUNK)
        if (keys.length === 0) return out
        const ids = keys.map((k) => components(k).at(-1) ?? '')
        const values = (await this.db.getMany(ids.map((id) => K.document(id)))) as Array<Uint8Array | undefined>
        for (const value of values) {
          if (value === undefined) continue
          const d = decodeDocument(value)
          if (matches(plan, d)) out.push(d)
          if (out.length >= plan.limit) return out
        }
      }
    } finally {
      await it.close()
    }
  }

  async outbox(peer: string, now: string, limit?: number): Promise<OutboxItem[]> {
    const range = timeRange(K.outboxOf(checkString(peer, 'peer')), undefined, timeKey(now, 'now'))
    const out: OutboxItem[] = []
    for await (const value of this.db.values({ ...range, limit: checkLimit(limit) }))
      out.push(decodeJson<OutboxItem>(value))
    return out
  }

  async outboxDepth(): Promise<Record<string, number>> {
    const counts = new Map<string, number>()
    for await (const k of this.db.keys(K.outboxLookupAll())) {
      const peer = components(k)[0] ?? ''
      counts.set(peer, (counts.get(peer) ?? 0) + 1)
    }
    return depthRecord(counts)
  }

  async retryOutbox(items: readonly OutboxItem[]): Promise<void> {
    items.forEach(checkOutboxItem)
    await this.lock.run(async () => this.write(await this.outboxOps(items, true)))
  }

  async ackOutbox(peer: string, entryIds: readonly string[], receipt: Receipt): Promise<void> {
    checkReceipt(peer, entryIds, receipt)
    await this.lock.run(async () => {
      const lookups = [...new Set(entryIds)].map((id) => [id, K.outboxLookup(peer, id)] as const)
      const scheduled = (await this.db.getMany(lookups.map(([, k]) => k))) as Array<Uint8Array | undefined>
      const ops: Op[] = []
      lookups.forEach(([id, lookup], i) => {
        const at = scheduled[i]
        if (at !== undefined) ops.push(del(K.outbox(peer, fromUtf8(at), id)), del(lookup))
      })
      const at = timeKey(receipt.receivedAt, 'receipt.receivedAt')
      ops.push(put(K.receipt(peer, at, sha256Hex(receipt.bytes)), encodeReceipt(receipt)))
      await this.write(ops)
    })
  }

  async receipts(peer?: string): Promise<Receipt[]> {
    const range = peer === undefined ? K.receiptsAll() : K.receiptsOf(checkString(peer, 'peer'))
    const out: Receipt[] = []
    for await (const value of this.db.values(range)) out.push(decodeReceipt(value))
    return out
  }

  async putMembership(version: number, bytes: Uint8Array): Promise<void> {
    checkVersion(version)
    checkBytes(bytes, 'bytes')
    await this.lock.run(async () => {
      const held = await this.get(K.membership(version))
      if (held === undefined) return this.write([put(K.membership(version), copyBytes(bytes))])
      if (Buffer.compare(held, bytes) !== 0)
        throw new StoreError('STORE_CONFLICT', 'version', `membership version ${version} is held with other bytes`)
    })
  }

  async latestMembership(): Promise<{ version: number; bytes: Uint8Array } | undefined> {
    for await (const [k, value] of this.db.iterator({ ...K.membershipAll(), reverse: true, limit: 1 })) {
      return { version: Number(components(k)[0]), bytes: copyBytes(value) }
    }
    return undefined
  }

  async getMembership(version: number): Promise<Uint8Array | undefined> {
    checkVersion(version)
    const value = await this.get(K.membership(version))
    return value === undefined ? undefined : copyBytes(value)
  }

  snapshot(batch = 512): AsyncIterable<readonly (readonly [string, Uint8Array])[]> {
    // The iterator is made now, and a LevelDB iterator reads from an implicit snapshot taken at
    // its creation: writes committed while the backup streams are not in it, none half in it.
    const it = this.db.iterator()
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for (;;) {
            const rows = await it.nextv(batch)
            if (rows.length === 0) return
            yield rows.map(([k, v]) => [k, copyBytes(v)] as const)
          }
        } finally {
          await it.close()
        }
      },
    }
  }
}

/** The store folder is held by another process: LevelDB's LOCK file (which records no pid). */
export class StoreLockedError extends Error {
  override readonly name = 'StoreLockedError'
  readonly folder: string
  constructor(folder: string, cause?: unknown) {
    super(`storage: ${folder} is locked by another process`, { cause })
    this.folder = folder
  }
}

/** LevelDB's LOCK file refused the open: another process (a running node) owns the folder. */
function isLockedError(e: unknown): boolean {
  const cause = (e as { cause?: { code?: string } }).cause
  return (
    (e as { code?: string }).code === 'LEVEL_LOCKED' ||
    cause?.code === 'LEVEL_LOCKED' ||
    /lock/i.test(String((e as { cause?: unknown }).cause ?? e))
  )
}

/** What a store folder holds, without taking it over: for `sis restore` before it writes. */
export async function inspectStoreFolder(folder: string): Promise<'missing' | 'locked' | 'empty' | 'holds-data'> {
  if (!existsSync(folder)) return 'missing'
  const db = new Level<string, Uint8Array>(folder, {
    keyEncoding: 'utf8',
    valueEncoding: 'view',
    createIfMissing: false,
  })
  try {
    await db.open()
  } catch (e) {
    if (isLockedError(e)) return 'locked'
    throw e
  }
  try {
    for await (const k of db.keys({ limit: 2 })) if (k !== K.layout()) return 'holds-data'
    return 'empty'
  } finally {
    await db.close()
  }
}

/**
 * Writes records into a new store folder (which must not exist), in synced batches, and checks
 * the layout they carry. For `sis restore`, which writes into a fresh folder and renames it.
 */
export async function writeStoreFolder(
  folder: string,
  batches: AsyncIterable<readonly (readonly [string, Uint8Array])[]>,
): Promise<number> {
  const db = new Level<string, Uint8Array>(folder, { keyEncoding: 'utf8', valueEncoding: 'view', errorIfExists: true })
  await db.open()
  let n = 0
  try {
    for await (const batch of batches) {
      await db.batch(
        batch.map(([key, value]) => ({ type: 'put' as const, key, value })),
        { sync: true },
      )
      n += batch.length
    }
    const layout = (await db.get(K.layout())) as Uint8Array | undefined
    if (layout === undefined || fromUtf8(layout) !== LAYOUT)
      throw new Error(
        `storage: the restored records carry key layout ${layout === undefined ? 'none' : fromUtf8(layout)}, expected ${LAYOUT}`,
      )
  } finally {
    await db.close()
  }
  return n
}
