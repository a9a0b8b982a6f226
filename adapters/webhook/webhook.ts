/**
 * The REST/webhook adapter: the national system writes through the node's API (or `ingest`),
 * and hears about every step of its transits by Standard Webhooks (signature.ts): each effective
 * log entry, rendered in the chosen format, is POSTed to the national system's URL with retries
 * and backoff; after the last attempt it goes to the dead-letter store with the reason.
 */
import { join } from 'node:path'
import { NodeClientError, SILENT_LOGGER } from '../contract.ts'
import type {
  Adapter,
  AdapterLogger,
  DeliveredItem,
  EventSubscription,
  IngestOutcome,
  NationalRecord,
  NodeClient,
  NodeEvent,
} from '../contract.ts'
import { Ingestor } from '../ingest.ts'
import type { JournalRecord } from '../ingest.ts'
import { DEFAULT_RETRY, FolderDeadLetterStore, isRetryable, Journal } from '../isolation.ts'
import type { DeadLetterStore, RetryPolicy } from '../isolation.ts'
import { Outbound } from '../outbound.ts'
import type { OutputFormat } from '../render.ts'
import {
  DELIVERY_HEADER,
  ID_HEADER,
  SIGNATURE_HEADER,
  STANDARD_SIGNATURE_HEADER,
  STANDARD_TIMESTAMP_HEADER,
  TIMESTAMP_HEADER,
  signStandardWebhook,
  signWebhook,
  webhookKey,
} from './signature.ts'

export interface WebhookOptions {
  readonly client: NodeClient
  readonly url: string
  /** `whsec_<base64>` (Standard Webhooks), or a raw secret (its UTF-8 bytes are the key). */
  readonly secret: string
  /** Folder for the journal and dead letters. */
  readonly stateDir: string
  readonly format?: OutputFormat
  readonly retry?: RetryPolicy
  readonly timeoutMs?: number
  readonly logger?: AdapterLogger
  readonly deadLetters?: DeadLetterStore
  readonly sender?: string
  readonly recipient?: string
  readonly now?: () => string
}

const CONTENT_TYPES: Readonly<Record<OutputFormat, string>> = {
  sis: 'application/xml',
  ncts: 'application/xml',
  cusres: 'application/edifact',
}

export class WebhookAdapter implements Adapter {
  readonly name = 'webhook'
  readonly deadLetters: DeadLetterStore
  readonly #o: WebhookOptions
  readonly #ingestor: Ingestor
  readonly #outbound: Outbound
  readonly #logger: AdapterLogger
  readonly #key: Uint8Array
  #subscription: EventSubscription | undefined

  constructor(o: WebhookOptions) {
    this.#o = o
    this.#key = webhookKey(o.secret)
    this.#logger = o.logger ?? SILENT_LOGGER
    const journal = new Journal<JournalRecord>(join(o.stateDir, 'journal.jsonl'))
    this.deadLetters = o.deadLetters ?? new FolderDeadLetterStore(join(o.stateDir, 'dead-letter'))
    this.#ingestor = new Ingestor({ client: o.client, journal, ...(o.retry === undefined ? {} : { retry: o.retry }) })
    this.#outbound = new Outbound({
      client: o.client,
      journal,
      format: o.format ?? 'sis',
      deadLetters: this.deadLetters,
      retry: o.retry ?? DEFAULT_RETRY,
      logger: this.#logger,
      sender: o.sender ?? 'SIS-NODE',
      recipient: o.recipient ?? 'NATIONAL',
      now: o.now ?? (() => new Date().toISOString().replace(/\.\d+Z$/, 'Z')),
      sink: (item) => this.#post(item),
      retryable: isRetryable,
    })
  }

  async #post(item: DeliveredItem): Promise<void> {
    const ts = Math.floor(Date.now() / 1000)
    // The message id: one per log entry and format (render.ts), so the same on every retry.
    const id = item.name
    let res: Response
    try {
      res = await fetch(this.#o.url, {
        method: 'POST',
        headers: {
          'content-type': CONTENT_TYPES[this.#o.format ?? 'sis'],
          [ID_HEADER]: id,
          [STANDARD_TIMESTAMP_HEADER]: String(ts),
          [STANDARD_SIGNATURE_HEADER]: signStandardWebhook(this.#key, id, ts, item.bytes),
          [TIMESTAMP_HEADER]: String(ts),
          [SIGNATURE_HEADER]: signWebhook(this.#key, ts, item.bytes),
          [DELIVERY_HEADER]: id,
          'x-sis-document': item.documentId,
          'x-sis-kind': item.kind,
        },
        body: item.bytes,
        signal: AbortSignal.timeout(this.#o.timeoutMs ?? 10_000),
      })
    } catch (e) {
      throw new NodeClientError(
        0,
        'WEBHOOK_UNREACHABLE',
        `POST ${this.#o.url}: ${(e as Error).message}`,
        {},
        { cause: e },
      )
    }
    await res.arrayBuffer()
    if (!res.ok)
      throw new NodeClientError(
        res.status,
        `WEBHOOK_HTTP_${res.status}`,
        `the national system answered HTTP ${res.status}`,
      )
  }

  async start(): Promise<void> {
    this.#subscription = this.#o.client.events({
      onEvent: (e) => {
        void this.deliver(e)
      },
      onConnected: () => {
        void this.#outbound.resync()
      },
      onError: (err) => this.#logger.warn({ err: String(err) }, 'event stream error'),
    })
  }

  async stop(): Promise<void> {
    this.#subscription?.close()
    await this.#outbound.idle()
  }

  async idle(): Promise<void> {
    await this.#outbound.idle()
  }

  deliver(event: NodeEvent): Promise<void> {
    return this.#outbound.onEvent(event)
  }

  ingest(record: NationalRecord): Promise<IngestOutcome> {
    return this.#ingestor.ingest(record)
  }
}
