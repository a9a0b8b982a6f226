/**
 * The adapter contract: everything an adapter author needs, in one file that imports only the
 * protocol's vocabulary and the node's public event type (node/events.ts). An adapter talks to its node through `NodeClient` (the node's HTTP API with an
 * integration token, the node's own service when the node runs the adapter from node.json, or
 * the in-memory client in tests) and to its national system in that system's own format. The
 * shapes below mirror the node's API (node/api/schemas.ts); they are restated here so that an
 * adapter can be built and tested without the node's code. Where the contract's shape is exactly
 * the node's (NodeEvent), it is re-exported from node/, so there is one definition and node/
 * never imports adapters/.
 */

import { ACTION_MESSAGE_TYPES, TRANSIT_ACTIONS } from '../protocol/kinds/transit/index.ts'
import type { TransitAction } from '../protocol/kinds/transit/index.ts'
import type { NodeEvent } from '../node/events.ts'

/** Transit actions of POST /v1/transits/:id/actions/:action and the message type each writes (protocol/kinds/transit/actions.ts). */
export { TRANSIT_ACTIONS, ACTION_MESSAGE_TYPES }
export type { TransitAction }

/** The action that writes a message type, if any (the inverse of ACTION_MESSAGE_TYPES). */
export function actionForMessageType(type: string): TransitAction | undefined {
  return TRANSIT_ACTIONS.find((a) => ACTION_MESSAGE_TYPES[a] === type)
}

/** The node's answer to a write (201 SubmitResult). */
export interface SubmitResult {
  readonly documentId: string
  readonly entryId: string
  readonly status: string
}

/** GET /v1/transits/:id (DocumentRecord); `state` is the computed state, opaque here. */
export interface DocumentView {
  readonly documentId: string
  /** The document kind (transit, guarantee, ...). */
  readonly kind: string
  readonly status: string
  readonly updatedAt: string
  /** Its status and the search keys its kind declares (mrn, lrn, office, ...), with their values. */
  readonly index: { readonly status: string; readonly keys: Readonly<Record<string, readonly string[]>> }
  readonly state: unknown
}

/** One entry of GET /v1/transits/:id/log: the signed XML as stored, with its verdict. */
export interface LogEntryView {
  readonly id: string
  readonly type: string
  readonly author: string
  readonly seq: number
  readonly effective: boolean
  readonly reason?: string
  readonly xml: string
}

/** A server-sent event of GET /v1/events (node/events.ts: the node defines it, the contract takes it from there). */
export type { NodeEvent } from '../node/events.ts'

/** A subscription to node events; `connected` fires on every (re)connection. */
export interface EventSubscription {
  close(): void
}

export interface EventHandlers {
  readonly onEvent: (event: NodeEvent) => void
  /**
   * Called on each (re)connection. Events are not replayed after a gap, so an adapter re-reads
   * what changed since it last saw the node (NodeClient.changedSince) here: that is what makes
   * the outbound direction lossless across restarts and dropped streams.
   */
  readonly onConnected?: () => void
  readonly onError?: (error: unknown) => void
}

/** What an adapter needs from its node. */
export interface NodeClient {
  /** POST /v1/transits: a DeclarationLodged body (JSON, without Header) or its unsigned XML. */
  lodge(declaration: { readonly json: unknown } | { readonly xml: string }): Promise<SubmitResult>
  /** POST /v1/transits/:id/actions/:action with the action's message body (without Header). */
  act(documentId: string, action: TransitAction, body: unknown): Promise<SubmitResult>
  /** GET /v1/transits/:id; undefined when unknown (404). */
  document(documentId: string): Promise<DocumentView | undefined>
  /** GET /v1/transits/:id/log; undefined when unknown (404). */
  log(documentId: string): Promise<readonly LogEntryView[] | undefined>
  /** GET /v1/search?from=...: documents updated at or after `from` (ISO time), oldest first. */
  changedSince(from: string, limit?: number): Promise<readonly DocumentView[]>
  /** GET /v1/events (SSE), reconnecting with backoff until closed. */
  events(handlers: EventHandlers): EventSubscription
}

/**
 * A refusal or failure of the node API. `retryable` says whether the same request may succeed
 * later (network error, 5xx, 429): an adapter retries those with backoff and sets the rest
 * aside (failed folder, dead letter) with the node's code, never retrying a 4xx forever.
 */
export class NodeClientError extends Error {
  override readonly name = 'NodeClientError'
  readonly status: number
  readonly code: string
  readonly retryable: boolean
  readonly details: Readonly<Record<string, unknown>>

  constructor(
    status: number,
    code: string,
    message: string,
    details: Readonly<Record<string, unknown>> = {},
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.status = status
    this.code = code
    this.retryable = status === 0 || status === 429 || status >= 500
    this.details = details
  }
}

/** One error in a national record, as precise as the format allows. */
export interface FieldError {
  /** Where: an XPath-like path (`/CC015C/Consignment/HouseConsignment[2]/grossMass`; [n] only among several of a name) or an EDIFACT position (`segment 12 GIS, element 1, component 2`). */
  readonly path: string
  /** A stable code (SisError codes, NCTS_*, EDI_*, NODE_*, INPUT_*). */
  readonly code: string
  readonly message: string
  readonly value?: string
  /** The line in the national file (NCTS schema faults, as libxml2 reports them). */
  readonly line?: number
}

/** What an adapter did with one national record. */
export type IngestOutcome =
  | {
      readonly ok: true
      readonly documentId: string
      readonly operation: 'lodge' | TransitAction
      readonly entryId?: string
      readonly duplicate: boolean
    }
  | { readonly ok: false; readonly errors: readonly FieldError[] }

/** One record from the national system: a file, a request body, an EDIFACT interchange. */
export interface NationalRecord {
  readonly name: string
  readonly bytes: Uint8Array
}

/** One thing an adapter wrote towards the national system. */
export interface DeliveredItem {
  readonly documentId: string
  /** The message type (SIS) or national message name (CC029C, CUSRES, ...) written. */
  readonly kind: string
  readonly name: string
  readonly bytes: Uint8Array
}

/**
 * An adapter. `start` begins watching the national side and the node's events; `stop` ends both
 * and resolves once nothing is in flight. `ingest` is the inbound path (a file poller or an HTTP
 * endpoint calls it); `deliver` writes one node event in the national format. Isolation rules:
 *
 * 1. A failing call to the node is retried with exponential backoff and jitter while the error
 *    is retryable; a refusal (4xx) is final and is reported with the node's code.
 * 2. A national record is acknowledged (moved to processed/, answered 2xx) only after the node
 *    acknowledged it; a crash in between must not lodge twice (deterministic MRN from the LRN,
 *    a journal of intents) and must not lose the record (it stays in the inbox).
 * 3. An event the national side cannot take after N attempts goes to a dead-letter store with
 *    the reason, from where an operator can replay it; it is never dropped silently.
 * 4. Events missed while disconnected are recovered on reconnection (EventHandlers.onConnected).
 * 5. An adapter's failure never stops the node: adapters are separate processes that talk to it
 *    over its API, or tasks the node supervises (node/adapters.ts: logged, restarted with backoff).
 */
export interface Adapter {
  readonly name: string
  start(): Promise<void>
  stop(): Promise<void>
  ingest(record: NationalRecord): Promise<IngestOutcome>
  deliver(event: NodeEvent): Promise<void>
}

/** Structured log lines; adapters never log payloads or tokens. */
export interface AdapterLogger {
  info(fields: Readonly<Record<string, unknown>>, message: string): void
  warn(fields: Readonly<Record<string, unknown>>, message: string): void
  error(fields: Readonly<Record<string, unknown>>, message: string): void
}

export const SILENT_LOGGER: AdapterLogger = { info: () => undefined, warn: () => undefined, error: () => undefined }
