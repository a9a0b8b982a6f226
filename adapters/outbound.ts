/**
 * The outbound path shared by every adapter: on a node event (or a reconnection) read the
 * transit's log, render each effective entry not yet handed over, give it to the adapter's sink
 * with retries, and journal it. An item the sink keeps refusing goes to the dead-letter store
 * with the reason. Events are not replayed by the node, so on every (re)connection we re-read
 * the documents changed since the journal's cursor: nothing is lost across restarts or gaps.
 */
import type { AdapterLogger, DeliveredItem, NodeClient, NodeEvent } from './contract.ts'
import type { JournalRecord } from './ingest.ts'
import { withRetry } from './isolation.ts'
import type { DeadLetterStore, Journal, RetryPolicy } from './isolation.ts'
import { render, RenderError } from './render.ts'
import type { OutputFormat } from './render.ts'
import { SerialQueue } from '../shared/serial.ts'

export interface OutboundOptions {
  readonly client: NodeClient
  readonly journal: Journal<JournalRecord>
  readonly format: OutputFormat
  readonly sink: (item: DeliveredItem) => Promise<void>
  readonly deadLetters: DeadLetterStore
  readonly retry: RetryPolicy
  readonly logger: AdapterLogger
  readonly sender: string
  readonly recipient: string
  readonly now: () => string
  /** Whether a sink error is worth retrying (default: every error). */
  readonly retryable?: (e: unknown) => boolean
}

export class Outbound {
  readonly #o: OutboundOptions
  readonly #delivered = new Set<string>()
  readonly #serial = new SerialQueue()

  constructor(o: OutboundOptions) {
    this.#o = o
    for (const r of o.journal.records) if (r.kind === 'delivered') this.#delivered.add(r.entryId)
  }

  /** Resolves once everything queued so far is handled. */
  idle(): Promise<void> {
    return this.#serial.idle()
  }

  /** One step at a time, in order; a failed step is logged (what it lost is in the dead letters). */
  #queue(f: () => Promise<void>): Promise<void> {
    return this.#serial.run(f).catch((e: unknown) => this.#o.logger.error({ err: String(e) }, 'outbound step failed'))
  }

  onEvent(event: NodeEvent): Promise<void> {
    if (event.type !== 'document-changed' || event.documentId === undefined) return this.#serial.idle()
    const id = event.documentId
    return this.#queue(() => this.#document(id))
  }

  /** After a (re)connection: every document changed since the cursor, oldest first. */
  resync(): Promise<void> {
    return this.#queue(async () => {
      const cursor = this.#o.journal.records.findLast(
        (r): r is Extract<JournalRecord, { kind: 'cursor' }> => r.kind === 'cursor',
      )?.at
      const from = cursor ?? this.#o.now()
      const docs = await withRetry(() => this.#o.client.changedSince(from), { policy: this.#o.retry })
      for (const d of docs) await this.#document(d.documentId)
      const latest = docs.reduce((m, d) => (d.updatedAt > m ? d.updatedAt : m), from)
      if (cursor === undefined || latest > cursor) this.#o.journal.append({ kind: 'cursor', at: latest })
    })
  }

  async #document(documentId: string): Promise<void> {
    const log = await withRetry(() => this.#o.client.log(documentId), { policy: this.#o.retry })
    if (log === undefined) return
    for (const entry of log) {
      if (!entry.effective || this.#delivered.has(entry.id)) continue
      let item: DeliveredItem | undefined
      let failure: { reason: string; attempts: number } | undefined
      try {
        item = render(this.#o.format, entry, log, {
          sender: this.#o.sender,
          recipient: this.#o.recipient,
          now: this.#o.now(),
        })
        if (item !== undefined) {
          let attempts = 0
          const it = item
          await withRetry(
            async () => {
              attempts++
              await this.#o.sink(it)
            },
            {
              policy: this.#o.retry,
              retryable: (e) => !(e instanceof RenderError) && (this.#o.retryable?.(e) ?? true),
            },
          ).catch((e: unknown) => {
            failure = { reason: String((e as Error).message ?? e), attempts }
          })
        }
      } catch (e) {
        if (!(e instanceof RenderError)) throw e
        failure = { reason: `cannot render: ${e.message}`, attempts: 1 }
      }
      if (failure !== undefined) {
        this.#o.logger.warn(
          { documentId, entryId: entry.id, attempts: failure.attempts },
          'dead-lettered an outbound item',
        )
        await this.#o.deadLetters.put({
          id: `${documentId}-${entry.id.slice(0, 16)}`,
          direction: 'outbound',
          documentId,
          reason: failure.reason,
          attempts: failure.attempts,
          at: this.#o.now(),
          payload: {
            entryId: entry.id,
            type: entry.type,
            ...(item === undefined ? {} : { name: item.name, bytes: new TextDecoder().decode(item.bytes) }),
          },
        })
      }
      this.#delivered.add(entry.id)
      this.#o.journal.append({ kind: 'delivered', entryId: entry.id, documentId })
    }
  }
}
