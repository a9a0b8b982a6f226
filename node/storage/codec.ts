/**
 * Values of LevelStore. Entries and receipts are a small binary record: a 4-byte big-endian
 * length, a JSON header of that length (UTF-8), then the raw bytes exactly as given. The signed
 * bytes are never parsed, re-encoded or base64'd: what comes out is byte for byte what went in,
 * and the header stays readable with any LevelDB tool. Documents and outbox items are JSON.
 */
import type { DocumentRecord, EntryHead, OutboxItem, Receipt, StoredEntry } from './types.ts'

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

function frame(header: unknown, bytes: Uint8Array): Uint8Array {
  const head = encoder.encode(JSON.stringify(header))
  const out = new Uint8Array(4 + head.length + bytes.length)
  new DataView(out.buffer).setUint32(0, head.length)
  out.set(head, 4)
  out.set(bytes, 4 + head.length)
  return out
}

function unframe(value: Uint8Array): { header: Record<string, unknown>; bytes: Uint8Array } {
  if (value.length < 4) throw new Error('storage: truncated record')
  const n = new DataView(value.buffer, value.byteOffset, value.byteLength).getUint32(0)
  if (4 + n > value.length) throw new Error('storage: truncated record header')
  const header = JSON.parse(decoder.decode(value.subarray(4, 4 + n))) as Record<string, unknown>
  // A copy into a plain Uint8Array: level returns Buffers that callers should not see or keep alive.
  return { header, bytes: new Uint8Array(value.subarray(4 + n)) }
}

export function encodeEntry(e: StoredEntry): Uint8Array {
  return frame({ documentId: e.documentId, author: e.author, seq: e.seq, type: e.type, storedAt: e.storedAt }, e.bytes)
}

/** The head of an entry record, without copying its bytes out. */
export function decodeEntryHead(id: string, value: Uint8Array): EntryHead {
  if (value.length < 4) throw new Error('storage: truncated record')
  const n = new DataView(value.buffer, value.byteOffset, value.byteLength).getUint32(0)
  if (4 + n > value.length) throw new Error('storage: truncated record header')
  const h = JSON.parse(decoder.decode(value.subarray(4, 4 + n))) as Record<string, unknown>
  return {
    id,
    documentId: h.documentId as string,
    author: h.author as string,
    seq: h.seq as number,
    type: h.type as string,
    storedAt: h.storedAt as string,
  }
}

export function decodeEntry(id: string, value: Uint8Array): StoredEntry {
  const { header: h, bytes } = unframe(value)
  return {
    id,
    documentId: h.documentId as string,
    author: h.author as string,
    seq: h.seq as number,
    type: h.type as string,
    bytes,
    storedAt: h.storedAt as string,
  }
}

export function encodeReceipt(r: Receipt): Uint8Array {
  return frame({ peer: r.peer, entryIds: r.entryIds, receivedAt: r.receivedAt }, r.bytes)
}

export function decodeReceipt(value: Uint8Array): Receipt {
  const { header: h, bytes } = unframe(value)
  return { peer: h.peer as string, entryIds: h.entryIds as string[], receivedAt: h.receivedAt as string, bytes }
}

export function encodeJson(value: DocumentRecord | OutboxItem): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}

export function decodeJson<T>(value: Uint8Array): T {
  return JSON.parse(decoder.decode(value)) as T
}

/** The index as stores of layout 1 kept it: the transit's search fields by name. */
interface LegacyIndex {
  mrn?: string
  lrn?: string
  status: string
  offices?: string[]
  traders?: string[]
  vehicles?: string[]
  containers?: string[]
}

/**
 * A stored document record. Records written before document kinds were plug-ins carry the
 * transit's fixed index fields; they are read as the same keys (the index entries on disk
 * already use these key names, so old stores are searched unchanged).
 */
export function decodeDocument(value: Uint8Array): DocumentRecord {
  const d = decodeJson<Omit<DocumentRecord, 'index'> & { index: DocumentRecord['index'] | LegacyIndex }>(value)
  if ('keys' in d.index) return d as DocumentRecord
  const ix: LegacyIndex = d.index
  const keys: Record<string, string[]> = {}
  const put = (name: string, values: readonly (string | undefined)[] | undefined) => {
    const v = (values ?? []).filter((x): x is string => x !== undefined)
    if (v.length > 0) keys[name] = [...v]
  }
  put('mrn', [ix.mrn])
  put('lrn', [ix.lrn])
  put('office', ix.offices)
  put('trader', ix.traders)
  put('vehicle', ix.vehicles)
  put('container', ix.containers)
  return { ...d, index: { status: ix.status, keys } }
}

/** A copy in a plain Uint8Array (no Buffer, no shared memory with the caller or with level). */
export function copyBytes(value: Uint8Array): Uint8Array {
  return new Uint8Array(value)
}

export function utf8(value: string): Uint8Array {
  return encoder.encode(value)
}

export function fromUtf8(value: Uint8Array): string {
  return decoder.decode(value)
}

/** A plain object keyed by peer; defineProperty so that a peer named "__proto__" is a key, not a prototype. */
export function depthRecord(counts: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [peer, n] of counts)
    Object.defineProperty(out, peer, { value: n, enumerable: true, writable: true, configurable: true })
  return out
}
