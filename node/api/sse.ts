/**
 * GET /v1/events as Server-Sent Events. The service scopes the events to the principal; this
 * file only frames them (`event: <type>\ndata: <json>\n\n`), keeps idle proxies from closing
 * the stream with comment heartbeats, and makes sure every subscription ends when the client
 * goes away, when it stops reading, or when the server closes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { NodeEvent, NodeService, Principal } from '../service.ts'

export interface SseOptions {
  /** Comment line interval; 15 s keeps common proxies (60 s idle timeouts) from cutting the stream. */
  readonly heartbeatMs: number
  /**
   * A client that does not read lets writes pile up in memory; past this many buffered bytes
   * the stream is closed and the client reconnects (and re-reads state) instead.
   */
  readonly maxBufferedBytes: number
}

export const DEFAULT_SSE: SseOptions = { heartbeatMs: 15_000, maxBufferedBytes: 1024 * 1024 }

/**
 * Open streams, each with the principal it serves: closing the server ends them instead of
 * waiting for the clients, and revoking a token ends the streams opened with it.
 */
export class EventStreams {
  readonly #closers = new Map<() => void, Principal | undefined>()

  add(close: () => void, principal?: Principal): void {
    this.#closers.set(close, principal)
  }

  delete(close: () => void): void {
    this.#closers.delete(close)
  }

  get size(): number {
    return this.#closers.size
  }

  closeAll(): void {
    for (const close of [...this.#closers.keys()]) close()
  }

  /** Ends the streams of this principal (the very object the authenticator resolved). */
  closeFor(principal: Principal): number {
    const mine = [...this.#closers].filter(([, p]) => p === principal).map(([close]) => close)
    for (const close of mine) close()
    return mine.length
  }
}

/** One SSE frame. The type is a fixed set of names; stripping keeps a newline from forging fields. */
export function frame(event: NodeEvent): string {
  return `event: ${event.type.replace(/[^A-Za-z0-9-]/g, '')}\ndata: ${JSON.stringify(event)}\n\n`
}

export function streamEvents(args: {
  request: FastifyRequest
  reply: FastifyReply
  service: NodeService
  principal: Principal
  streams: EventStreams
  options: SseOptions
}): void {
  const { request, reply, service, principal, streams, options } = args
  // Fastify steps aside: this handler owns the socket until it ends the response.
  reply.hijack()
  const res = reply.raw
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // Nginx and similar proxies would otherwise buffer the stream and deliver nothing.
    'x-accel-buffering': 'no',
  })
  // An immediate first line flushes the headers, so the client knows the stream is open.
  res.write(': connected\n\n')

  let closed = false
  let unsubscribe: () => void = () => undefined
  const write = (chunk: string): void => {
    if (closed) return
    if (res.writableLength > options.maxBufferedBytes) {
      request.log.warn({ buffered: res.writableLength }, 'event stream closed: the client is not reading')
      close()
      return
    }
    res.write(chunk)
  }
  const timer = setInterval(() => write(': heartbeat\n\n'), options.heartbeatMs)
  timer.unref()
  const close = (): void => {
    if (closed) return
    closed = true
    clearInterval(timer)
    streams.delete(close)
    try {
      unsubscribe()
    } finally {
      res.end()
    }
  }
  streams.add(close, principal)
  res.on('close', close)
  try {
    unsubscribe = service.subscribe(principal, (event) => write(frame(event)))
  } catch (err) {
    request.log.error({ err }, 'event subscription failed')
    close()
    return
  }
  // The client may already be gone by the time the subscription is in place.
  if (res.destroyed) close()
}
