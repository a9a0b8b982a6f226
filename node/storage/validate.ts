/**
 * Checks shared by both stores, run before anything is written, so that a refused commit writes
 * nothing and both implementations refuse exactly the same input. Values reach the store from
 * peers (index values, peers' country codes, receipts), so every string is checked here once
 * instead of trusting every caller.
 */
import { createHash } from 'node:crypto'
import type { CommitBatch, DocumentRecord, OutboxItem, Receipt, StoredEntry } from './types.ts'

export type StoreErrorCode =
  /** A value cannot be stored faithfully (a lone surrogate, a bad time, an id that is not the hash of the bytes). */
  | 'STORE_INVALID'
  /** A write would change something the store keeps immutable (a membership version). */
  | 'STORE_CONFLICT'

/** Refusals of the store itself. I/O errors of LevelDB are not wrapped: they propagate as they are. */
export class StoreError extends Error {
  override readonly name = 'StoreError'
  readonly code: StoreErrorCode
  readonly field: string

  constructor(code: StoreErrorCode, field: string, message: string) {
    super(`${field}: ${message}`)
    this.code = code
    this.field = field
  }
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/
const HEX64 = /^[0-9a-f]{64}$/

/**
 * A string that sorts like the instant it names: UTC, milliseconds, fixed width. ISO strings in
 * other offsets or precisions do not sort lexicographically, and keys are compared as bytes.
 * A time without an explicit offset would depend on the machine's zone, so it is refused.
 */
let lastTime = ''
let lastKey = ''

export function timeKey(value: string, field: string): string {
  // A batch's outbox items share one time: parse it once.
  if (value === lastTime) return lastKey
  if (typeof value !== 'string' || !ISO_TIME.test(value))
    throw new StoreError('STORE_INVALID', field, 'not an ISO 8601 time with Z or an offset')
  const ms = Date.parse(value)
  if (!Number.isFinite(ms)) throw new StoreError('STORE_INVALID', field, 'not a valid time')
  const key = new Date(ms).toISOString()
  // Years outside 0000-9999 are written with a sign and six digits and would not sort.
  if (key.length !== 24) throw new StoreError('STORE_INVALID', field, 'year out of range')
  lastTime = value
  lastKey = key
  return key
}

/**
 * Strings become UTF-8 keys; a lone surrogate would be replaced by U+FFFD and two different
 * values would share a key, so such strings are refused (strict UTF-8 XML never yields them).
 */
export function checkString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new StoreError('STORE_INVALID', field, 'not a string')
  if (!value.isWellFormed()) throw new StoreError('STORE_INVALID', field, 'contains a lone surrogate')
  return value
}

export function checkBytes(value: unknown, field: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new StoreError('STORE_INVALID', field, 'not a Uint8Array')
  return value
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

export function checkEntry(e: StoredEntry): void {
  checkBytes(e.bytes, 'entry.bytes')
  // The id names the bytes (L1): an entry whose id is not their hash would be unfindable or lie.
  if (typeof e.id !== 'string' || !HEX64.test(e.id) || sha256Hex(e.bytes) !== e.id) {
    throw new StoreError('STORE_INVALID', 'entry.id', 'not the SHA-256 of the bytes in lowercase hex')
  }
  checkString(e.documentId, 'entry.documentId')
  checkString(e.author, 'entry.author')
  checkString(e.type, 'entry.type')
  checkString(e.storedAt, 'entry.storedAt')
  if (!Number.isSafeInteger(e.seq) || e.seq < 0)
    throw new StoreError('STORE_INVALID', 'entry.seq', 'not a non-negative safe integer')
}

function checkStrings(values: unknown, field: string): void {
  if (!Array.isArray(values)) throw new StoreError('STORE_INVALID', field, 'not an array')
  values.forEach((v, i) => checkString(v, `${field}[${i}]`))
}

export function checkDocument(d: DocumentRecord): void {
  checkString(d.documentId, 'document.documentId')
  checkString(d.status, 'document.status')
  checkString(d.stateHash, 'document.stateHash')
  timeKey(d.updatedAt, 'document.updatedAt')
  if (typeof d.kind !== 'string' || !/^[a-z][a-z0-9-]{0,31}$/.test(d.kind))
    throw new StoreError('STORE_INVALID', 'document.kind', 'not a kind name')
  checkStrings(d.audience, 'document.audience')
  const ix = d.index
  if (ix === null || typeof ix !== 'object') throw new StoreError('STORE_INVALID', 'document.index', 'not an object')
  checkString(ix.status, 'document.index.status')
  if (ix.keys === null || typeof ix.keys !== 'object')
    throw new StoreError('STORE_INVALID', 'document.index.keys', 'not an object')
  for (const [name, values] of Object.entries(ix.keys)) {
    checkString(name, 'document.index.keys')
    if (name === 'status') throw new StoreError('STORE_INVALID', 'document.index.keys.status', 'status is not a key')
    checkStrings(values, `document.index.keys.${name}`)
  }
}

export function checkOutboxItem(o: OutboxItem): void {
  checkString(o.peer, 'outbox.peer')
  checkString(o.documentId, 'outbox.documentId')
  checkString(o.entryId, 'outbox.entryId')
  checkString(o.enqueuedAt, 'outbox.enqueuedAt')
  timeKey(o.nextAttemptAt, 'outbox.nextAttemptAt')
  if (!Number.isSafeInteger(o.attempts) || o.attempts < 0)
    throw new StoreError('STORE_INVALID', 'outbox.attempts', 'not a non-negative safe integer')
}

export function checkReceipt(peer: string, entryIds: readonly string[], r: Receipt): void {
  checkString(peer, 'peer')
  checkStrings(entryIds, 'entryIds')
  checkString(r.peer, 'receipt.peer')
  if (r.peer !== peer)
    throw new StoreError(
      'STORE_INVALID',
      'receipt.peer',
      'the receipt is from another peer than the acknowledged items',
    )
  checkStrings(r.entryIds, 'receipt.entryIds')
  checkBytes(r.bytes, 'receipt.bytes')
  timeKey(r.receivedAt, 'receipt.receivedAt')
}

export function checkBatch(batch: CommitBatch): void {
  for (const e of batch.entries ?? []) checkEntry(e)
  if (batch.document !== undefined) checkDocument(batch.document)
  for (const o of batch.outbox ?? []) checkOutboxItem(o)
}

export function checkVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 0)
    throw new StoreError('STORE_INVALID', 'version', 'not a non-negative safe integer')
}

/** Byte order of the UTF-8 encodings (= code point order for well-formed strings), as LevelDB sorts. */
export function compareStrings(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/** Every value a document is found under, per search key, deduplicated. */
export function indexValues(d: DocumentRecord): Array<[field: string, value: string]> {
  const ix = d.index
  const out: Array<[string, string]> = [['status', ix.status]]
  for (const [field, values] of Object.entries(ix.keys)) for (const v of new Set(values)) out.push([field, v])
  return out
}

/** An outbox limit: absent is no limit (-1 for level). */
export function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return -1
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new StoreError('STORE_INVALID', 'limit', 'not a non-negative integer')
  return limit
}

/** The entries of a batch without repeats (the first of an id wins; same id, same bytes). */
export function uniqueEntries(entries: readonly StoredEntry[]): StoredEntry[] {
  const byId = new Map<string, StoredEntry>()
  for (const e of entries) if (!byId.has(e.id)) byId.set(e.id, e)
  return [...byId.values()]
}
