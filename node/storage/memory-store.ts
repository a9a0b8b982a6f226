/**
 * The store in memory, for unit tests of the rest of the node: the same checks (validate.ts),
 * the same search (search.ts) and the same orders as LevelStore (it sorts by the very keys
 * LevelStore would write, keys.ts), and the conformance tests run against both. Records go
 * through JSON and bytes are copied in and out, so a caller sees what LevelStore would give it
 * and cannot change held data by mutating what it passed or got. Each write computes everything
 * (including serialization, which can throw) before changing anything, so it is all or nothing.
 */
import { K } from './keys.ts'
import { copyBytes, depthRecord } from './codec.ts'
import { matches, planQuery } from './search.ts'
import {
  StoreError,
  checkBatch,
  checkBytes,
  checkLimit,
  checkOutboxItem,
  checkReceipt,
  checkString,
  checkVersion,
  compareStrings,
  timeKey,
  uniqueEntries,
} from './validate.ts'
import { sha256Hex } from '../../protocol/crypto/index.ts'
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

const byKey = <T>(a: readonly [string, T], b: readonly [string, T]): number => compareStrings(a[0], b[0])
const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T
const copyEntry = (e: StoredEntry): StoredEntry => ({ ...e, bytes: copyBytes(e.bytes) })
const copyReceipt = (r: Receipt): Receipt => ({ ...r, entryIds: [...r.entryIds], bytes: copyBytes(r.bytes) })

export class MemoryStore implements Store {
  private closed = false
  private readonly entries = new Map<string, StoredEntry>()
  /** As JSON text, as LevelStore holds it: a caller's later mutation of a record changes nothing. */
  private readonly docs = new Map<string, string>()
  /** By K.outboxLookup(peer, entryId). */
  private readonly items = new Map<string, OutboxItem>()
  /** By K.receipt(peer, receivedAt, digest): the same receipt twice is held once, as in LevelStore. */
  private readonly receiptsByKey = new Map<string, Receipt>()
  private readonly memberships = new Map<number, Uint8Array>()

  async open(): Promise<void> {
    this.closed = false
  }

  async close(): Promise<void> {
    this.closed = true
  }

  /** Like a closed LevelDB: nothing is read or written until open() again (the data stays). */
  private ready(): void {
    if (this.closed) throw new Error('storage: the store is closed')
  }

  async commit(batch: CommitBatch): Promise<void> {
    return this.commitAll([batch])
  }

  async commitAll(batches: readonly CommitBatch[]): Promise<void> {
    this.ready()
    batches.forEach(checkBatch)
    // Everything is computed (and copied) before anything changes: all or nothing.
    const entries = uniqueEntries(batches.flatMap((b) => b.entries ?? []))
      .filter((e) => !this.entries.has(e.id))
      .map(copyEntry)
    const docs = batches.flatMap((b) =>
      b.document === undefined ? [] : [[b.document.documentId, JSON.stringify(b.document)] as const],
    )
    const items = batches
      .flatMap((b) => b.outbox ?? [])
      .map((o) => [K.outboxLookup(o.peer, o.entryId), json(o)] as const)
    for (const e of entries) this.entries.set(e.id, e)
    for (const [id, text] of docs) this.docs.set(id, text)
    for (const [k, o] of items) this.items.set(k, o)
  }

  async hasEntry(id: string): Promise<boolean> {
    this.ready()
    return this.entries.has(checkString(id, 'id'))
  }

  async getEntry(id: string): Promise<StoredEntry | undefined> {
    this.ready()
    const e = this.entries.get(checkString(id, 'id'))
    return e === undefined ? undefined : copyEntry(e)
  }

  async getEntries(ids: readonly string[]): Promise<(StoredEntry | undefined)[]> {
    this.ready()
    return ids.map((id) => {
      const e = this.entries.get(checkString(id, 'id'))
      return e === undefined ? undefined : copyEntry(e)
    })
  }

  async entryHeads(ids: readonly string[]): Promise<(EntryHead | undefined)[]> {
    this.ready()
    return ids.map((id) => {
      const e = this.entries.get(checkString(id, 'id'))
      if (e === undefined) return undefined
      const { bytes: _, ...head } = e
      void _
      return head
    })
  }

  async entryIdsOf(documentId: string): Promise<string[]> {
    return (await this.entriesOf(documentId)).map((e) => e.id)
  }

  async entriesOf(documentId: string): Promise<StoredEntry[]> {
    this.ready()
    checkString(documentId, 'documentId')
    return [...this.entries.values()]
      .filter((e) => e.documentId === documentId)
      .map((e) => [K.docEntry(e.documentId, e.author, e.seq, e.id), e] as const)
      .sort(byKey)
      .map(([, e]) => copyEntry(e))
  }

  async getDocument(documentId: string): Promise<DocumentRecord | undefined> {
    this.ready()
    const text = this.docs.get(checkString(documentId, 'documentId'))
    return text === undefined ? undefined : (JSON.parse(text) as DocumentRecord)
  }

  async *documents(): AsyncIterable<DocumentRecord> {
    this.ready()
    const sorted = [...this.docs.entries()].map(([id, text]) => [K.document(id), text] as const).sort(byKey)
    for (const [, text] of sorted) yield JSON.parse(text) as DocumentRecord
  }

  async search(query: SearchQuery): Promise<DocumentRecord[]> {
    this.ready()
    const plan = planQuery(query)
    const docs = [...this.docs.values()]
      .map((text) => JSON.parse(text) as DocumentRecord)
      .filter((d) => matches(plan, d))
    return docs
      .map((d) => [K.updated(timeKey(d.updatedAt, 'document.updatedAt'), d.documentId), d] as const)
      .sort((a, b) => byKey(b, a))
      .slice(0, plan.limit)
      .map(([, d]) => d)
  }

  async outbox(peer: string, now: string, limit?: number): Promise<OutboxItem[]> {
    this.ready()
    checkString(peer, 'peer')
    const due = timeKey(now, 'now')
    const n = checkLimit(limit)
    const items = [...this.items.values()]
      .filter((o) => o.peer === peer && timeKey(o.nextAttemptAt, 'outbox.nextAttemptAt') <= due)
      .map((o) => [K.outbox(o.peer, timeKey(o.nextAttemptAt, 'outbox.nextAttemptAt'), o.entryId), o] as const)
      .sort(byKey)
      .map(([, o]) => json(o))
    return n < 0 ? items : items.slice(0, n)
  }

  async outboxDepth(): Promise<Record<string, number>> {
    this.ready()
    const counts = new Map<string, number>()
    const peers = [...this.items.values()].map((o) => [o.peer, o.peer] as const).sort(byKey)
    for (const [peer] of peers) counts.set(peer, (counts.get(peer) ?? 0) + 1)
    return depthRecord(counts)
  }

  async retryOutbox(items: readonly OutboxItem[]): Promise<void> {
    this.ready()
    items.forEach(checkOutboxItem)
    const updates = items.map((o) => [K.outboxLookup(o.peer, o.entryId), json(o)] as const)
    for (const [k, o] of updates) if (this.items.has(k)) this.items.set(k, o)
  }

  async ackOutbox(peer: string, entryIds: readonly string[], receipt: Receipt): Promise<void> {
    this.ready()
    checkReceipt(peer, entryIds, receipt)
    const k = K.receipt(peer, timeKey(receipt.receivedAt, 'receipt.receivedAt'), sha256Hex(receipt.bytes))
    const held = copyReceipt(receipt)
    for (const id of entryIds) this.items.delete(K.outboxLookup(peer, id))
    this.receiptsByKey.set(k, held)
  }

  async receipts(peer?: string): Promise<Receipt[]> {
    this.ready()
    if (peer !== undefined) checkString(peer, 'peer')
    return [...this.receiptsByKey.entries()]
      .sort(byKey)
      .filter(([, r]) => peer === undefined || r.peer === peer)
      .map(([, r]) => copyReceipt(r))
  }

  async putMembership(version: number, bytes: Uint8Array): Promise<void> {
    this.ready()
    checkVersion(version)
    checkBytes(bytes, 'bytes')
    const held = this.memberships.get(version)
    if (held === undefined) this.memberships.set(version, copyBytes(bytes))
    else if (Buffer.compare(held, bytes) !== 0)
      throw new StoreError('STORE_CONFLICT', 'version', `membership version ${version} is held with other bytes`)
  }

  async latestMembership(): Promise<{ version: number; bytes: Uint8Array } | undefined> {
    this.ready()
    if (this.memberships.size === 0) return undefined
    const version = Math.max(...this.memberships.keys())
    const bytes = this.memberships.get(version)
    return bytes === undefined ? undefined : { version, bytes: copyBytes(bytes) }
  }

  async getMembership(version: number): Promise<Uint8Array | undefined> {
    this.ready()
    checkVersion(version)
    const bytes = this.memberships.get(version)
    return bytes === undefined ? undefined : copyBytes(bytes)
  }
}
