/** The node's storage: the Store interface, LevelStore on disk, MemoryStore for unit tests. */
export type {
  CommitBatch,
  DocumentIndex,
  DocumentRecord,
  OutboxItem,
  Receipt,
  SearchQuery,
  Store,
  StoredEntry,
} from './types.ts'
export { LevelStore } from './level-store.ts'
export { MemoryStore } from './memory-store.ts'
export { StoreError } from './validate.ts'
export type { StoreErrorCode } from './validate.ts'
