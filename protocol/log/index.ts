/** The per-document log: entries, intake, order, state machines and state (docs/protocol/log.md). */
export {
  authorKey,
  readAllEntries,
  readEntries,
  readEntry,
  readSignedMessage,
  entryId,
  entryOf,
  dependenciesOf,
} from './entry.ts'
export type { LogEntry, LogEntryType, ReadOptions } from './entry.ts'
export { DocumentLog } from './document-log.ts'
export type { IntakeResult } from './document-log.ts'
export { makeForkProof, checkForkProof } from './fork.ts'
export type { ForkProof } from './fork.ts'
export { orderEntries, CausalPast } from './order.ts'
export { computeState, dryRun } from './state.ts'
export type { DocumentState, EntryOutcome, ForkRecord, StateInput } from './state.ts'
export type { Effect, OfficeDirectory } from './effect.ts'
export { EFFECTIVE, notAuthorised, precondition, checkOffice } from './effect.ts'
export { canonicalJson } from './canonical-json.ts'
export { audienceOf } from './audience.ts'
