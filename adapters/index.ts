/**
 * adapters/: bridges between national customs systems and the node. The contract (contract.ts)
 * is importable on its own; the rest are the shipped adapters, the NCTS and EDIFACT mappings,
 * the node clients and the conformance kit.
 */
export * from './contract.ts'
export {
  DEFAULT_RETRY,
  backoffDelay,
  withRetry,
  isRetryable,
  MemoryDeadLetterStore,
  FolderDeadLetterStore,
  Journal,
} from './isolation.ts'
/** Atomic, durable file writes (temporary file, fsync, rename, fsync of the folder): for adapters that write files for their national system. */
export { writeFileAtomic } from '../shared/files.ts'
export type { RetryPolicy, DeadLetter, DeadLetterStore } from './isolation.ts'
export { HttpNodeClient } from './client/http.ts'
export type { HttpNodeClientOptions } from './client/http.ts'
export { InMemoryNodeClient } from './client/memory.ts'
export type { MemoryCall } from './client/memory.ts'
export { SseParser } from './client/sse.ts'
export { mrnForLrn } from './mrn.ts'
export { decodeNational } from './formats.ts'
export type { Decoded, NodeOperation, NationalSource } from './formats.ts'
export { Ingestor, NodeUnavailable } from './ingest.ts'
export { render } from './render.ts'
export type { OutputFormat } from './render.ts'
export { FileDropAdapter } from './file-drop/file-drop.ts'
export type { FileDropOptions } from './file-drop/file-drop.ts'
export { WebhookAdapter } from './webhook/webhook.ts'
export type { WebhookOptions } from './webhook/webhook.ts'
export {
  signWebhook,
  verifyWebhook,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  DELIVERY_HEADER,
  DEFAULT_REPLAY_WINDOW_S,
} from './webhook/signature.ts'
export * as ncts from './ncts/index.ts'
export * as edifact from './edifact/index.ts'
export {
  runConformance,
  formatReport,
  conformanceDeclaration,
  fileDropTarget,
  webhookTarget,
} from './conformance/index.ts'
export type {
  AdapterFactory,
  ConformanceTarget,
  ConformanceReport,
  ConformanceOptions,
  StepResult,
} from './conformance/index.ts'
