/**
 * What the node stores, and the store interface it consumes (implemented on LevelDB in
 * level-store.ts and in memory for unit tests in memory-store.ts). Every write that the node
 * acknowledges goes through `commit`, which is atomic (one batch) and durable (synced) before it
 * resolves: kill -9 at any moment loses nothing acknowledged and leaves nothing half written.
 */

export interface StoredEntry {
  /** SHA-256 of `bytes`, lowercase hex. */
  readonly id: string
  readonly documentId: string
  readonly author: string
  readonly seq: number
  readonly type: string
  /** The exact signed bytes, never re-serialized. */
  readonly bytes: Uint8Array
  /** When this node stored it (its own clock; informational). */
  readonly storedAt: string
}

/** What the store keeps of an entry besides its bytes (read without copying them out). */
export type EntryHead = Omit<StoredEntry, 'bytes'>

/**
 * Search keys of a document, kept as secondary indexes: its status, and the keys its kind
 * declares (node/kinds/), each a name with exact string values. Two key names also decide who
 * sees a document: `office` (an officer's scope) and `trader` (a trader's).
 */
export interface DocumentIndex {
  readonly status: string
  readonly keys: Readonly<Record<string, readonly string[]>>
}

export interface DocumentRecord {
  readonly documentId: string
  /** The document's kind (protocol/kinds/registry.ts). */
  readonly kind: string
  /** Countries that must hold this document (its kind's audience rule). */
  readonly audience: readonly string[]
  readonly status: string
  readonly stateHash: string
  readonly updatedAt: string
  readonly index: DocumentIndex
  /** The computed DocumentState, as JSON. */
  readonly state: unknown
}

export interface OutboxItem {
  /** The country the entry must reach. */
  readonly peer: string
  readonly documentId: string
  readonly entryId: string
  readonly enqueuedAt: string
  readonly attempts: number
  readonly nextAttemptAt: string
}

export interface Receipt {
  readonly peer: string
  readonly entryIds: readonly string[]
  /** The signed receipt as received (proof of delivery). */
  readonly bytes: Uint8Array
  readonly receivedAt: string
}

export interface SearchQuery {
  readonly kind?: string
  readonly status?: string
  /** Key name → the exact value a document must have among that key's values. */
  readonly keys?: Readonly<Record<string, string>>
  /** ISO times, inclusive, on updatedAt. */
  readonly updatedFrom?: string
  readonly updatedTo?: string
  readonly limit?: number
}

export interface CommitBatch {
  readonly entries?: readonly StoredEntry[]
  readonly document?: DocumentRecord
  readonly outbox?: readonly OutboxItem[]
}

/**
 * The store in slices, as its consumers declare what they use (atproto's RepoStorage style):
 * a module takes the narrowest slice it needs, so another backend (PostgreSQL) implements the
 * same interfaces and a reader of the code sees at once what a module may touch.
 */

/** Atomic, synced writes across entries, their document and the outbox. */
export interface CommitSlice {
  /**
   * Atomic and synced: entries (ignored if already held), the document record with its indexes
   * (replacing the previous record and its index keys), outbox items (each replacing a held item
   * of the same peer and entryId). Invalid input (StoreError) rejects before anything is written.
   */
  commit(batch: CommitBatch): Promise<void>
  /**
   * Several batches (of several documents) in ONE atomic, synced write: the result is that of
   * committing them in order, but after a crash either all of them are there or none. Invalid
   * input in any batch rejects the whole call before anything is written. One fsync for many
   * documents is what makes ingesting a peer's batch fast.
   */
  commitAll(batches: readonly CommitBatch[]): Promise<void>
}

/** The signed entries, by id and by document. */
export interface EntrySlice {
  hasEntry(id: string): Promise<boolean>
  getEntry(id: string): Promise<StoredEntry | undefined>
  /** Several entries by id in one read, undefined where not held (same order as `ids`). */
  getEntries(ids: readonly string[]): Promise<(StoredEntry | undefined)[]>
  /** The heads (no bytes) of several entries by id, undefined where not held. */
  entryHeads(ids: readonly string[]): Promise<(EntryHead | undefined)[]>
  /** Every entry of a document, in (author, seq, id) order. */
  entriesOf(documentId: string): Promise<StoredEntry[]>
  /** The ids of every entry of a document, in the same order, from the index alone (no values read). */
  entryIdsOf(documentId: string): Promise<string[]>
}

/** Document records and their search keys. */
export interface DocumentSlice {
  getDocument(documentId: string): Promise<DocumentRecord | undefined>
  /** Every document record, in documentId order (UTF-8 byte order). */
  documents(): AsyncIterable<DocumentRecord>
  /**
   * Documents matching every given key (each exact, matching any of the document's values of
   * that key; status is `index.status`, kind the record's kind), newest first: updatedAt
   * descending, then documentId descending. No key at all lists every document in that order.
   */
  search(query: SearchQuery): Promise<DocumentRecord[]>
}

/** What waits for delivery to each peer, and the receipts of what was delivered. */
export interface OutboxSlice {
  /** Items due for a peer (nextAttemptAt <= now), oldest first. */
  outbox(peer: string, now: string, limit?: number): Promise<OutboxItem[]>
  outboxDepth(): Promise<Record<string, number>>
  /**
   * Reschedules items after a failed attempt: each item replaces the held item of the same
   * (peer, entryId) with its new attempts and nextAttemptAt. Items no longer held (acknowledged
   * meanwhile) are skipped, never resurrected.
   */
  retryOutbox(items: readonly OutboxItem[]): Promise<void>
  /**
   * Atomic and synced: removes the delivered items (ids not held are ignored) and stores the
   * receipt, which must come from the same peer.
   */
  ackOutbox(peer: string, entryIds: readonly string[], receipt: Receipt): Promise<void>
  /** Receipts by peer, then receivedAt ascending (then the SHA-256 of their bytes). */
  receipts(peer?: string): Promise<Receipt[]>
}

/** The federation membership documents by version (history kept). */
export interface MembershipSlice {
  /** Synced. A version is immutable: the same bytes again are a no-op, different bytes are refused (STORE_CONFLICT). */
  putMembership(version: number, bytes: Uint8Array): Promise<void>
  latestMembership(): Promise<{ version: number; bytes: Uint8Array } | undefined>
  /** One version of the history (entries signed under an older membership are checked against it). */
  getMembership(version: number): Promise<Uint8Array | undefined>
}

/** The whole store: every slice, opened and closed as one, with an optional snapshot for backups. */
export interface Store extends CommitSlice, EntrySlice, DocumentSlice, OutboxSlice, MembershipSlice {
  open(): Promise<void>
  close(): Promise<void>
  /**
   * Every key and value as of one instant (a consistent snapshot, in key order), in batches:
   * what a backup holds. Stores that cannot take one (the in-memory one) leave it out.
   */
  snapshot?(batch?: number): AsyncIterable<readonly (readonly [key: string, value: Uint8Array])[]>
}
