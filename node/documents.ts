/**
 * The node's view of its documents: for each, the DocumentLog of verified entries (rebuilt from
 * the store on first use, every entry verified again), its computed state, audience and the
 * record kept in the store with its search indexes (the keys its kind declares).
 */
import { audienceOf, computeState, DocumentLog, readAllEntries } from '../protocol/log/index.ts'
import type { DocumentState } from '../protocol/log/index.ts'
import type { Membership } from '../protocol/membership/index.ts'
import { nodeKind } from './kinds/registry.ts'
import type { DocumentIndex, DocumentRecord, EntrySlice } from './storage/types.ts'

export interface LoadedDocument {
  readonly log: DocumentLog
  state: DocumentState
  audience: string[]
}

export function stateOf(log: DocumentLog, membership: Membership): DocumentState {
  return computeState(
    { documentId: log.documentId, entries: log.entries(), frozen: log.frozen(), forks: log.forks() },
    membership,
  )
}

/** The search keys of a document, as its kind declares them (node/kinds/). */
function indexOf(doc: LoadedDocument): DocumentIndex {
  const keys = nodeKind(doc.state.kind)?.keys(doc) ?? {}
  return { status: doc.state.status, keys: Object.fromEntries(Object.entries(keys).filter(([, v]) => v.length > 0)) }
}

export function recordOf(doc: LoadedDocument, now: string): DocumentRecord {
  return {
    documentId: doc.state.documentId,
    kind: doc.state.kind,
    audience: doc.audience,
    status: doc.state.status,
    stateHash: doc.state.hash,
    updatedAt: now,
    index: indexOf(doc),
    state: JSON.parse(JSON.stringify(doc.state)) as unknown,
  }
}

/** How much the cache keeps: documents, and the signed bytes of their entries (the parsed
 * messages and states they carry weigh several times their bytes). */
export interface CacheLimits {
  readonly documents?: number
  readonly bytes?: number
}

interface Slot {
  readonly doc: Promise<LoadedDocument>
  /** The signed bytes of the document's entries, once loaded (0 while loading). */
  bytes: number
}

const sizeOf = (doc: LoadedDocument): number => {
  let n = 0
  for (const e of doc.log.entries()) n += e.bytes.byteLength
  for (const e of doc.log.pending()) n += e.bytes.byteLength
  return n
}

/**
 * Loaded documents by id. A document is read from the store (and re-verified) once; concurrent
 * callers share the same load, so a slow load can never overwrite a newer state. At most
 * `limits.documents` documents and about `limits.bytes` bytes of entries stay in memory (least
 * recently used leave first; a document evicted is rebuilt from the store on next use).
 */
export class DocumentCache {
  readonly #docs = new Map<string, Slot>()
  readonly #store: EntrySlice
  readonly #maxDocuments: number
  readonly #maxBytes: number
  #bytes = 0
  #membership: Membership

  constructor(store: EntrySlice, membership: Membership, limits: CacheLimits = {}) {
    this.#store = store
    this.#membership = membership
    this.#maxDocuments = limits.documents ?? 2000
    this.#maxBytes = limits.bytes ?? 8 * 1024 * 1024
  }

  /** A new membership changes keys and office roles: every state is recomputed on next use. */
  set membership(m: Membership) {
    this.#membership = m
    this.#docs.clear()
    this.#bytes = 0
  }

  /** Documents and entry bytes held now (for tests and metrics). */
  get held(): { documents: number; bytes: number } {
    return { documents: this.#docs.size, bytes: this.#bytes }
  }

  get(documentId: string): Promise<LoadedDocument> {
    const known = this.#docs.get(documentId)
    if (known !== undefined) {
      this.#docs.delete(documentId)
      this.#docs.set(documentId, known)
      return known.doc
    }
    const loading = this.#load(documentId)
    const slot: Slot = { doc: loading, bytes: 0 }
    this.#docs.set(documentId, slot)
    loading.then(
      (doc) => {
        if (this.#docs.get(documentId) === slot) this.#resize(slot, sizeOf(doc))
      },
      () => this.#drop(documentId, slot),
    )
    this.#trim()
    return loading
  }

  async #load(documentId: string): Promise<LoadedDocument> {
    const log = new DocumentLog(documentId)
    // Entries were verified before they were stored; verifying again on load means a
    // corrupted or tampered data folder is noticed instead of trusted.
    for (const e of readAllEntries(
      (await this.#store.entriesOf(documentId)).map((stored) => stored.bytes),
      this.#membership,
    ))
      log.add(e)
    const state = stateOf(log, this.#membership)
    return { log, state, audience: audienceOf(state, this.#membership) }
  }

  /**
   * Recomputes a changed document's state and audience, and makes this object the cached one
   * (most recently used): a load that started from the store before this change was written must
   * not stand in for it afterwards.
   */
  refresh(doc: LoadedDocument): void {
    doc.state = stateOf(doc.log, this.#membership)
    doc.audience = audienceOf(doc.state, this.#membership)
    this.keep(doc)
  }

  /** Makes this object the cached one for its document, most recently used. */
  keep(doc: LoadedDocument): void {
    const id = doc.log.documentId
    const was = this.#docs.get(id)
    if (was !== undefined) this.#drop(id, was)
    const slot: Slot = { doc: Promise.resolve(doc), bytes: 0 }
    this.#docs.set(id, slot)
    this.#resize(slot, sizeOf(doc))
    this.#trim()
  }

  /** Forgets a document, so the next get() rebuilds it from the store. */
  evict(documentId: string): void {
    const slot = this.#docs.get(documentId)
    if (slot !== undefined) this.#drop(documentId, slot)
  }

  #drop(documentId: string, slot: Slot): void {
    if (this.#docs.get(documentId) !== slot) return
    this.#docs.delete(documentId)
    this.#bytes -= slot.bytes
  }

  #resize(slot: Slot, bytes: number): void {
    this.#bytes += bytes - slot.bytes
    slot.bytes = bytes
    this.#trim()
  }

  /** Least recently used first; the newest document stays even if it alone is over the bound. */
  #trim(): void {
    while (this.#docs.size > 1 && (this.#docs.size > this.#maxDocuments || this.#bytes > this.#maxBytes)) {
      const [id, slot] = this.#docs.entries().next().value as [string, Slot]
      this.#drop(id, slot)
    }
  }
}
