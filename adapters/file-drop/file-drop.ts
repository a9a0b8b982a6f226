/**
 * The file-drop adapter: the national system drops records into inbox/ (write to a dotfile or
 * *.tmp, then rename: such names are ignored), the adapter lodges or acts on the node and moves
 * each file to processed/ once the node acknowledged it, or to failed/ with `<name>.error.json`
 * beside it. Node events are written to outbox/ atomically (temporary file, fsync, rename, fsync
 * of the folder: shared/files.ts).
 * State lives in `.sis-adapter/` (journal, dead letters). A file the node could not take
 * because it was unreachable stays in inbox/ and is tried again on the next scan.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { SILENT_LOGGER } from '../contract.ts'
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
import { cusresForErrors } from '../edifact/index.ts'
import type { Decoded } from '../formats.ts'
import { Ingestor, NodeUnavailable } from '../ingest.ts'
import type { JournalRecord } from '../ingest.ts'
import { DEFAULT_RETRY, FolderDeadLetterStore, Journal } from '../isolation.ts'
import { writeFileAtomic } from '../../shared/files.ts'
import { SerialQueue } from '../../shared/serial.ts'
import type { DeadLetterStore, RetryPolicy } from '../isolation.ts'
import type { ImportOptions } from '../ncts/index.ts'
import { Outbound } from '../outbound.ts'
import type { OutputFormat } from '../render.ts'

export interface FileDropOptions {
  readonly client: NodeClient
  /** The folder holding inbox/, processed/, failed/, outbox/ and .sis-adapter/. */
  readonly root: string
  readonly format?: OutputFormat
  readonly pollMs?: number
  readonly retry?: RetryPolicy
  readonly logger?: AdapterLogger
  /** Names in the envelopes of NCTS and EDIFACT output. */
  readonly sender?: string
  readonly recipient?: string
  readonly import?: ImportOptions
  readonly now?: () => string
  readonly deadLetters?: DeadLetterStore
}

const utcNow = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z')

export class FileDropAdapter implements Adapter {
  readonly name = 'file-drop'
  readonly dirs: { inbox: string; processed: string; failed: string; outbox: string; state: string }
  readonly deadLetters: DeadLetterStore
  readonly #o: FileDropOptions
  readonly #ingestor: Ingestor
  readonly #outbound: Outbound
  readonly #logger: AdapterLogger
  #timer: NodeJS.Timeout | undefined
  #subscription: EventSubscription | undefined
  readonly #scans = new SerialQueue()

  constructor(o: FileDropOptions) {
    this.#o = o
    const d = (n: string) => join(o.root, n)
    this.dirs = {
      inbox: d('inbox'),
      processed: d('processed'),
      failed: d('failed'),
      outbox: d('outbox'),
      state: d('.sis-adapter'),
    }
    for (const dir of Object.values(this.dirs)) mkdirSync(dir, { recursive: true })
    this.#logger = o.logger ?? SILENT_LOGGER
    const journal = new Journal<JournalRecord>(join(this.dirs.state, 'journal.jsonl'))
    this.deadLetters = o.deadLetters ?? new FolderDeadLetterStore(join(this.dirs.state, 'dead-letter'))
    this.#ingestor = new Ingestor({
      client: o.client,
      journal,
      ...(o.retry === undefined ? {} : { retry: o.retry }),
      ...(o.import === undefined ? {} : { import: o.import }),
    })
    this.#outbound = new Outbound({
      client: o.client,
      journal,
      format: o.format ?? 'sis',
      deadLetters: this.deadLetters,
      retry: o.retry ?? DEFAULT_RETRY,
      logger: this.#logger,
      sender: o.sender ?? 'SIS-NODE',
      recipient: o.recipient ?? 'NATIONAL',
      now: o.now ?? utcNow,
      sink: async (item) => this.#write(item),
    })
  }

  #write(item: DeliveredItem): void {
    writeFileAtomic(join(this.dirs.outbox, item.name), item.bytes, { mode: 0o640 })
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
    await this.scan()
    this.#timer = setInterval(() => {
      void this.scan()
    }, this.#o.pollMs ?? 1000)
  }

  async stop(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer)
    this.#subscription?.close()
    await this.#scans.idle()
    await this.#outbound.idle()
  }

  /** Waits for queued outbound work (tests and the conformance kit). */
  async idle(): Promise<void> {
    await this.#scans.idle()
    await this.#outbound.idle()
  }

  deliver(event: NodeEvent): Promise<void> {
    return this.#outbound.onEvent(event)
  }

  async ingest(record: NationalRecord): Promise<IngestOutcome> {
    return this.#ingestor.ingest(record)
  }

  /** One pass over inbox/, oldest name first; concurrent calls run one after the other. */
  scan(): Promise<void> {
    return this.#scans
      .run(() => this.#scan())
      .catch((e: unknown) => this.#logger.error({ err: String(e) }, 'inbox scan failed'))
  }

  async #scan(): Promise<void> {
    const names = readdirSync(this.dirs.inbox)
      .filter((n) => !n.startsWith('.') && !n.endsWith('.tmp'))
      .sort()
    for (const name of names) {
      const path = join(this.dirs.inbox, name)
      if (!existsSync(path) || !statSync(path).isFile()) continue
      const bytes = new Uint8Array(readFileSync(path))
      const record = { name, bytes }
      let decoded: Decoded
      let outcome: IngestOutcome
      try {
        decoded = await this.#ingestor.decode(record)
        outcome = await this.#ingestor.ingest(record, decoded)
      } catch (e) {
        if (e instanceof NodeUnavailable) {
          this.#logger.warn({ file: name }, 'node unavailable: the file stays in the inbox')
          return
        }
        throw e
      }
      if (outcome.ok) {
        renameSync(path, join(this.dirs.processed, name))
        this.#logger.info(
          { file: name, documentId: outcome.documentId, operation: outcome.operation, duplicate: outcome.duplicate },
          'national record handed over',
        )
        continue
      }
      // The reason is written first, so a crash leaves the file in the inbox rather than failed/ without a reason.
      writeFileAtomic(
        join(this.dirs.failed, `${name}.error.json`),
        `${JSON.stringify({ file: name, at: (this.#o.now ?? utcNow)(), ...(decoded.source === undefined ? {} : { format: decoded.source }), errors: outcome.errors }, null, 2)}\n`,
        { mode: 0o640 },
      )
      if (decoded.source === 'cusdec' || (!decoded.ok && decoded.edifact !== undefined)) {
        const ed = decoded.ok ? undefined : decoded.edifact
        this.#write({
          documentId: '',
          kind: 'CUSRES',
          name: `${name}.cusres.edi`,
          bytes: new TextEncoder().encode(
            cusresForErrors({
              sender: this.#o.sender ?? 'SIS-NODE',
              recipient: this.#o.recipient ?? 'NATIONAL',
              preparedAt: (this.#o.now ?? utcNow)(),
              controlReference: ed?.controlReference ?? 'UNKNOWN',
              ...(ed?.lrn === undefined ? {} : { lrn: ed.lrn }),
              errors: outcome.errors,
            }),
          ),
        })
      }
      renameSync(path, join(this.dirs.failed, name))
      this.#logger.warn(
        { file: name, errors: outcome.errors.length, code: outcome.errors[0]?.code },
        'national record refused',
      )
    }
  }
}
