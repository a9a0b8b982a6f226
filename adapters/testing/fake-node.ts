/**
 * Test double of the node's HTTP API (node:http on loopback) for adapter tests: the routes the
 * adapters use (POST /v1/transits, POST /v1/transits/:id/actions/:action, GET /v1/transits/:id,
 * GET /v1/transits/:id/log, GET /v1/search?from, GET /v1/events), with bearer-token checks and the
 * node's error body (an RFC 9457 problem), backed by the in-memory client. It is not the node: the node's own API tests
 * cover the real routes; this one lets adapters be tested over real HTTP without libp2p.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PROBLEM_CONTENT_TYPE, problemType } from '../../shared/problem.ts'
import type { Problem } from '../../shared/problem.ts'
import { InMemoryNodeClient } from '../client/memory.ts'
import { NodeClientError, TRANSIT_ACTIONS } from '../contract.ts'
import type { EventSubscription, TransitAction } from '../contract.ts'

export interface FakeNode {
  readonly url: string
  readonly memory: InMemoryNodeClient
  /** Ends every open event stream (as a restarting node would). */
  dropStreams(): void
  close(): Promise<void>
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export async function startFakeNode(opts: { token: string; memory?: InMemoryNodeClient }): Promise<FakeNode> {
  const memory = opts.memory ?? new InMemoryNodeClient()
  const streams = new Set<{ res: ServerResponse; sub: EventSubscription }>()
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }
  /** The node's error body: an RFC 9457 problem (its title is the code: the fake has no catalogue). */
  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, code: string, detail: string) => {
    const instance = (req.url ?? '/').split('?')[0] ?? '/'
    const body: Problem = { type: problemType(code), title: code, status, detail, instance, code, details: {} }
    res.writeHead(status, { 'content-type': PROBLEM_CONTENT_TYPE }).end(JSON.stringify(body))
  }
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.headers.authorization !== `Bearer ${opts.token}`)
      return refuse(req, res, 401, 'API_UNAUTHENTICATED', 'no valid token')
    const url = new URL(req.url ?? '/', 'http://x')
    const parts = url.pathname
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent)
    if (req.method === 'POST' && url.pathname === '/v1/transits') {
      const text = await readBody(req)
      const r =
        req.headers['content-type']?.startsWith('application/xml') === true
          ? await memory.lodge({ xml: text })
          : await memory.lodge({ json: (JSON.parse(text) as { declaration: unknown }).declaration })
      return send(res, 201, r)
    }
    if (
      req.method === 'POST' &&
      parts[0] === 'v1' &&
      parts[1] === 'transits' &&
      parts[3] === 'actions' &&
      parts.length === 5
    ) {
      if (!(TRANSIT_ACTIONS as readonly string[]).includes(parts[4]!))
        return refuse(req, res, 400, 'API_BAD_REQUEST', 'unknown action')
      return send(res, 201, await memory.act(parts[2]!, parts[4] as TransitAction, JSON.parse(await readBody(req))))
    }
    if (req.method === 'GET' && parts[1] === 'transits' && parts.length === 3) {
      const d = await memory.document(parts[2]!)
      return d === undefined ? refuse(req, res, 404, 'API_NOT_FOUND', 'no document') : send(res, 200, d)
    }
    if (req.method === 'GET' && parts[1] === 'transits' && parts[3] === 'log') {
      const l = await memory.log(parts[2]!)
      return l === undefined
        ? refuse(req, res, 404, 'API_NOT_FOUND', 'no document')
        : send(res, 200, { documentId: parts[2], entries: l })
    }
    if (req.method === 'GET' && url.pathname === '/v1/search')
      return send(
        res,
        200,
        await memory.changedSince(url.searchParams.get('from') ?? '', Number(url.searchParams.get('limit') ?? '100')),
      )
    if (req.method === 'GET' && url.pathname === '/v1/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' })
      res.write(': connected\n\n')
      const entry = {
        res,
        sub: memory.events({ onEvent: (e) => res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`) }),
      }
      streams.add(entry)
      res.on('close', () => {
        entry.sub.close()
        streams.delete(entry)
      })
      return
    }
    refuse(req, res, 404, 'API_NOT_FOUND', 'no route')
  }
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof NodeClientError) refuse(req, res, e.status === 0 ? 503 : e.status, e.code, e.message)
      else refuse(req, res, 500, 'API_INTERNAL', 'internal')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const dropStreams = () => {
    for (const s of [...streams]) s.res.destroy()
  }
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    memory,
    dropStreams,
    close: () =>
      new Promise<void>((r) => {
        dropStreams()
        server.close(() => r())
      }),
  }
}
