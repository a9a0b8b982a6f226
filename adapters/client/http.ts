/**
 * NodeClient over the node's HTTP API (node/api/routes.ts) with an integration token: fetch for
 * the requests, a streaming SSE reader for GET /v1/events that reconnects with backoff. Errors
 * become NodeClientError with the node's code (an RFC 9457 problem, shared/problem.ts), and
 * status 0 for the network, so that callers can tell "retry later" from "refused".
 */
import { readProblem } from '../../shared/problem.ts'
import { NodeClientError } from '../contract.ts'
import type {
  DocumentView,
  EventHandlers,
  EventSubscription,
  LogEntryView,
  NodeClient,
  NodeEvent,
  SubmitResult,
  TransitAction,
} from '../contract.ts'
import { backoffDelay } from '../isolation.ts'
import type { RetryPolicy } from '../isolation.ts'
import { SseParser } from './sse.ts'

export interface HttpNodeClientOptions {
  /** The node API base URL, e.g. http://127.0.0.1:8080 */
  readonly baseUrl: string
  readonly token: string
  /** Per-request timeout (the event stream has none). */
  readonly timeoutMs?: number
  /** Backoff between event-stream reconnections. */
  readonly reconnect?: RetryPolicy
}

const RECONNECT: RetryPolicy = { attempts: Number.POSITIVE_INFINITY, baseDelayMs: 250, maxDelayMs: 15_000 }

export class HttpNodeClient implements NodeClient {
  readonly #base: string
  readonly #token: string
  readonly #timeoutMs: number
  readonly #reconnect: RetryPolicy

  constructor(opts: HttpNodeClientOptions) {
    this.#base = opts.baseUrl.replace(/\/+$/, '')
    this.#token = opts.token
    this.#timeoutMs = opts.timeoutMs ?? 30_000
    this.#reconnect = opts.reconnect ?? RECONNECT
  }

  async #request(
    method: string,
    path: string,
    body?: { type: string; text: string },
    allow404 = false,
  ): Promise<unknown> {
    let res: Response
    try {
      res = await fetch(this.#base + path, {
        method,
        headers: {
          authorization: `Bearer ${this.#token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': body.type }),
        },
        ...(body === undefined ? {} : { body: body.text }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      })
    } catch (e) {
      throw new NodeClientError(0, 'NODE_UNREACHABLE', `${method} ${path}: ${(e as Error).message}`, {}, { cause: e })
    }
    const text = await res.text()
    if (res.ok) return text === '' ? undefined : JSON.parse(text)
    if (res.status === 404 && allow404) return undefined
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      // Not the API's problem body (a proxy page, say): the HTTP status is the code.
    }
    const p = readProblem(res.status, parsed)
    throw new NodeClientError(res.status, p.code, p.detail ?? `${method} ${path}: HTTP ${res.status}`, p.details)
  }

  async lodge(declaration: { readonly json: unknown } | { readonly xml: string }): Promise<SubmitResult> {
    const body =
      'xml' in declaration
        ? { type: 'application/xml', text: declaration.xml }
        : { type: 'application/json', text: JSON.stringify({ declaration: declaration.json }) }
    return (await this.#request('POST', '/v1/transits', body)) as SubmitResult
  }

  async act(documentId: string, action: TransitAction, body: unknown): Promise<SubmitResult> {
    return (await this.#request('POST', `/v1/transits/${encodeURIComponent(documentId)}/actions/${action}`, {
      type: 'application/json',
      text: JSON.stringify(body),
    })) as SubmitResult
  }

  async document(documentId: string): Promise<DocumentView | undefined> {
    return (await this.#request('GET', `/v1/transits/${encodeURIComponent(documentId)}`, undefined, true)) as
      DocumentView | undefined
  }

  async log(documentId: string): Promise<readonly LogEntryView[] | undefined> {
    const view = (await this.#request('GET', `/v1/transits/${encodeURIComponent(documentId)}/log`, undefined, true)) as
      { entries: LogEntryView[] } | undefined
    return view?.entries
  }

  async changedSince(from: string, limit = 500): Promise<readonly DocumentView[]> {
    const found = (await this.#request(
      'GET',
      `/v1/search?from=${encodeURIComponent(from)}&limit=${limit}`,
    )) as DocumentView[]
    return [...found].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
  }

  events(handlers: EventHandlers): EventSubscription {
    const controller = new AbortController()
    let failures = 0
    const run = async (): Promise<void> => {
      while (!controller.signal.aborted) {
        try {
          const res = await fetch(`${this.#base}/v1/events`, {
            headers: { authorization: `Bearer ${this.#token}`, accept: 'text/event-stream' },
            signal: controller.signal,
          })
          if (!res.ok || res.body === null)
            throw new NodeClientError(res.status, `HTTP_${res.status}`, `GET /v1/events: HTTP ${res.status}`)
          failures = 0
          handlers.onConnected?.()
          const parser = new SseParser()
          const decoder = new TextDecoder()
          for await (const chunk of res.body) {
            for (const m of parser.push(decoder.decode(chunk as Uint8Array, { stream: true }))) {
              let event: NodeEvent
              try {
                event = JSON.parse(m.data) as NodeEvent
              } catch (e) {
                handlers.onError?.(e)
                continue
              }
              handlers.onEvent(event)
            }
          }
        } catch (e) {
          if (controller.signal.aborted) return
          handlers.onError?.(e)
        }
        if (controller.signal.aborted) return
        failures++
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, backoffDelay(this.#reconnect, failures))
          controller.signal.addEventListener(
            'abort',
            () => {
              clearTimeout(t)
              resolve()
            },
            { once: true },
          )
        })
      }
    }
    void run()
    return { close: () => controller.abort() }
  }
}
