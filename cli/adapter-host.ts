/**
 * Adapters configured in node.json, run inside the node's process (`sis start`). This is cli/'s
 * because it puts the two together: node/ does not import adapters/, and adapters/ take only
 * types from node/. Each adapter talks to the node
 * through `InProcessNodeClient`, the adapters' NodeClient contract implemented directly over the
 * NodeService with an `integration` principal named after the adapter (no token, no HTTP hop).
 * `startAdapters` supervises them: an adapter that cannot start (a folder it cannot create, a
 * missing secret file) is logged and started again with backoff, and never stops the node. What
 * keeps messages from being lost is the adapters' own machinery (adapters/): the journal, the
 * retries, files left in the inbox while the node cannot take them, and the dead-letter folder.
 */
import { isNodeError } from '../node/errors.ts'
import { readFileSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { NodeClientError } from '../adapters/contract.ts'
import type {
  Adapter,
  AdapterLogger,
  DocumentView,
  EventHandlers,
  EventSubscription,
  LogEntryView,
  NodeClient,
  SubmitResult,
  TransitAction,
} from '../adapters/contract.ts'
import { FileDropAdapter } from '../adapters/file-drop/file-drop.ts'
import { backoffDelay } from '../shared/backoff.ts'
import type { RetryPolicy } from '../adapters/isolation.ts'
import { WebhookAdapter } from '../adapters/webhook/webhook.ts'
import { isSisError } from '../protocol/errors.ts'
import { statusForCode } from '../node/api/errors.ts'
import type { AdapterConfig } from '../node/config.ts'
import type { NodeService, Principal } from '../node/service.ts'

/** The error the HTTP API would have answered with, so adapters retry exactly what they would over HTTP. */
function clientError(e: unknown): NodeClientError {
  if (e instanceof NodeClientError) return e
  if (isSisError(e) || isNodeError(e))
    return new NodeClientError(statusForCode(e.code), e.code, e.message, e.details, { cause: e })
  // Not a refusal of the input: a store closing under the call, a bug. Retryable, like a 500.
  return new NodeClientError(500, 'API_INTERNAL', e instanceof Error ? e.message : String(e), {}, { cause: e })
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

/** The NodeClient of an adapter that runs inside the node: calls go straight to the NodeService. */
export class InProcessNodeClient implements NodeClient {
  readonly principal: Principal
  readonly #service: NodeService

  constructor(service: NodeService, adapterName: string) {
    this.#service = service
    this.principal = { role: 'integration', name: `adapter ${adapterName}` }
  }

  async #call<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f()
    } catch (e) {
      throw clientError(e)
    }
  }

  lodge(declaration: { readonly json: unknown } | { readonly xml: string }): Promise<SubmitResult> {
    return this.#call(async () => {
      // The same shape check as the API's LodgeJson, before the service sees the body.
      if ('json' in declaration && !isPlainObject(declaration.json))
        throw new NodeClientError(400, 'API_BAD_REQUEST', 'the declaration is a JSON object')
      return await this.#service.command(
        this.principal,
        'transit',
        'lodge',
        'xml' in declaration ? { xml: declaration.xml } : { json: declaration.json },
      )
    })
  }

  act(documentId: string, action: TransitAction, body: unknown): Promise<SubmitResult> {
    return this.#call(async () => {
      if (!isPlainObject(body)) throw new NodeClientError(400, 'API_BAD_REQUEST', 'the action body is a JSON object')
      // As the API does: an unknown document is a 404 whatever the service would have raised.
      if ((await this.#service.document(this.principal, documentId)) === undefined)
        throw new NodeClientError(404, 'API_NOT_FOUND', `no document ${documentId}`, { documentId })
      return await this.#service.command(this.principal, 'transit', 'act', { documentId, action, body })
    })
  }

  document(documentId: string): Promise<DocumentView | undefined> {
    return this.#call(() => this.#service.document(this.principal, documentId))
  }

  log(documentId: string): Promise<readonly LogEntryView[] | undefined> {
    return this.#call(async () => (await this.#service.log(this.principal, documentId))?.entries)
  }

  changedSince(from: string, limit = 500): Promise<readonly DocumentView[]> {
    return this.#call(async () => {
      const t = Date.parse(from)
      if (Number.isNaN(t)) throw new NodeClientError(400, 'API_BAD_REQUEST', `not a time: ${from}`)
      // Stored times are UTC ISO strings compared as text (as GET /v1/search normalises them).
      const found = await this.#service.search(this.principal, { updatedFrom: new Date(t).toISOString(), limit })
      return [...found].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
    })
  }

  events(handlers: EventHandlers): EventSubscription {
    let open = true
    const guarded = (f: () => void) => {
      // Deferred: the node emits inside its write path, and an adapter's work or throw must not run there.
      setImmediate(() => {
        if (!open) return
        try {
          f()
        } catch (e) {
          handlers.onError?.(e)
        }
      })
    }
    const off = this.#service.subscribe(this.principal, (event) => guarded(() => handlers.onEvent(event)))
    // In process the stream never drops, so the one "connection" is now: the adapter catches up once.
    guarded(() => handlers.onConnected?.())
    return {
      close: () => {
        open = false
        off()
      },
    }
  }
}

/** A logger that can name the adapter on every line (pino's child). */
export interface HostLogger extends AdapterLogger {
  child?(bindings: Record<string, unknown>): AdapterLogger
}

export interface AdapterHostOptions {
  /** Relative folders and files of the adapters' config resolve against it. */
  readonly dataDir: string
  /** Retries of each call to the node and to the national side (default: the adapters' DEFAULT_RETRY). */
  readonly retry?: RetryPolicy
  /** Backoff between attempts to start an adapter that failed (unbounded attempts). */
  readonly restart?: RetryPolicy
}

export type AdapterState = 'starting' | 'running' | 'waiting' | 'stopped'

export interface AdapterStatus {
  readonly name: string
  readonly kind: AdapterConfig['kind']
  readonly state: AdapterState
  /** Start attempts so far. */
  readonly attempts: number
  readonly lastError?: string
}

const RESTART: RetryPolicy = { attempts: Number.POSITIVE_INFINITY, baseDelayMs: 1000, maxDelayMs: 60_000 }

/** Where a configured path is: absolute as written, otherwise inside the data folder. */
export function resolveAdapterPath(dataDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dataDir, path)
}

/** The folders an adapter keeps its files in (for `sis adapter list` and the docs). */
export function adapterFolders(
  dataDir: string,
  c: AdapterConfig,
): { root: string; state: string; deadLetters: string } {
  if (c.kind === 'file-drop') {
    const root = resolveAdapterPath(dataDir, c.folder)
    return { root, state: join(root, '.sis-adapter'), deadLetters: join(root, '.sis-adapter', 'dead-letter') }
  }
  const state = resolveAdapterPath(dataDir, c.stateFolder ?? join('adapters', c.name))
  return { root: state, state, deadLetters: join(state, 'dead-letter') }
}

/** Builds the adapter a config entry describes, on its in-process client. Throws what stops it from starting. */
export function buildAdapter(
  service: NodeService,
  c: AdapterConfig,
  logger: AdapterLogger,
  opts: AdapterHostOptions,
): Adapter {
  const client = new InProcessNodeClient(service, c.name)
  const retry = opts.retry === undefined ? {} : { retry: opts.retry }
  const folders = adapterFolders(opts.dataDir, c)
  if (c.kind === 'file-drop')
    return new FileDropAdapter({ client, root: folders.root, format: c.format, pollMs: c.pollMs, logger, ...retry })
  const secretPath = resolveAdapterPath(opts.dataDir, c.secretFile)
  const secret = readFileSync(secretPath, 'utf8').trim()
  if (secret === '') throw new Error(`the secret file ${secretPath} is empty`)
  return new WebhookAdapter({
    client,
    url: c.url,
    secret,
    stateDir: folders.state,
    format: c.format,
    timeoutMs: c.timeoutMs,
    logger,
    ...retry,
  })
}

/** One configured adapter: started, and started again with backoff while it fails to start. */
class Supervised {
  readonly config: AdapterConfig
  readonly #build: () => Adapter
  readonly #logger: AdapterLogger
  readonly #restart: RetryPolicy
  #adapter: Adapter | undefined
  #state: AdapterState = 'starting'
  #attempts = 0
  #lastError: string | undefined
  #timer: NodeJS.Timeout | undefined
  #current: Promise<void> = Promise.resolve()
  #stopped = false

  constructor(config: AdapterConfig, build: () => Adapter, logger: AdapterLogger, restart: RetryPolicy) {
    this.config = config
    this.#build = build
    this.#logger = logger
    this.#restart = restart
  }

  get status(): AdapterStatus {
    return {
      name: this.config.name,
      kind: this.config.kind,
      state: this.#state,
      attempts: this.#attempts,
      ...(this.#lastError === undefined ? {} : { lastError: this.#lastError }),
    }
  }

  run(): void {
    this.#current = this.#attempt()
  }

  async #attempt(): Promise<void> {
    if (this.#stopped) return
    this.#attempts++
    this.#state = 'starting'
    let adapter: Adapter | undefined
    try {
      adapter = this.#build()
      this.#adapter = adapter
      await adapter.start()
      this.#state = 'running'
      this.#lastError = undefined
      this.#logger.info({ attempt: this.#attempts }, 'adapter started')
    } catch (e) {
      this.#lastError = e instanceof Error ? e.message : String(e)
      this.#adapter = undefined
      await adapter?.stop().catch(() => undefined)
      if (this.#stopped) return
      const delay = backoffDelay(this.#restart, Math.min(this.#attempts, 30))
      this.#state = 'waiting'
      this.#logger.error(
        { err: this.#lastError, attempt: this.#attempts, retryInMs: delay },
        'adapter failed to start; the node runs on and tries again',
      )
      this.#timer = setTimeout(() => this.run(), delay)
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.#current
    try {
      await this.#adapter?.stop()
    } catch (e) {
      this.#logger.error({ err: e instanceof Error ? e.message : String(e) }, 'adapter did not stop cleanly')
    }
    this.#adapter = undefined
    this.#state = 'stopped'
    this.#logger.info({}, 'adapter stopped')
  }
}

/** The node's adapters, each isolated from the node and from each other. */
export class AdapterHost {
  readonly #supervised: Supervised[]

  constructor(service: NodeService, configs: readonly AdapterConfig[], logger: HostLogger, opts: AdapterHostOptions) {
    this.#supervised = configs.map((c) => {
      const log = logger.child?.({ adapter: c.name, kind: c.kind }) ?? logger
      return new Supervised(c, () => buildAdapter(service, c, log, opts), log, opts.restart ?? RESTART)
    })
  }

  /** Starts every adapter without waiting: a slow inbox or national system never delays the node. */
  start(): void {
    for (const s of this.#supervised) s.run()
  }

  status(): AdapterStatus[] {
    return this.#supervised.map((s) => s.status)
  }

  /** Stops every adapter and resolves once nothing is in flight. */
  async stop(): Promise<void> {
    await Promise.all(this.#supervised.map((s) => s.stop()))
  }
}

/**
 * Starts the adapters of node.json on a running node; the function returned stops them (call it
 * before stopping the node, so that nothing they have in flight meets a closed store).
 */
export function startAdapters(
  service: NodeService,
  configs: readonly AdapterConfig[] | undefined,
  logger: HostLogger,
  opts: AdapterHostOptions,
): () => Promise<void> {
  const host = new AdapterHost(service, configs ?? [], logger, opts)
  if ((configs ?? []).length > 0)
    logger.info({ adapters: (configs ?? []).map((c) => `${c.kind}:${c.name}`) }, 'starting adapters')
  host.start()
  return () => host.stop()
}
