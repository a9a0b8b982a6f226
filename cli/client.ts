/**
 * The CLI's HTTP client for a running node's API. The address comes from `--api URL`, or from
 * node.json in `--data DIR` (api host and port); the bearer token from `--token` or SIS_TOKEN.
 * Every failure becomes a CliError with the node's error code and a hint of what to do next.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DATA_FILES, NodeFile } from '../node/config.ts'
import { readProblem } from '../shared/problem.ts'
import type { Translate } from './i18n.ts'
import { CliError, EXIT } from './output.ts'

export interface ConnectionOptions {
  readonly api?: string
  readonly data?: string
  readonly token?: string
}

export interface Connection {
  readonly base: string
  readonly token: string | undefined
}

/** Where the node listens and what token to present, from flags, node.json and the environment. */
export function resolveConnection(
  opts: ConnectionOptions,
  t: Translate,
  env: NodeJS.ProcessEnv = process.env,
): Connection {
  const token = opts.token ?? (env.SIS_TOKEN === '' ? undefined : env.SIS_TOKEN)
  if (opts.api !== undefined) {
    let url: URL
    try {
      url = new URL(opts.api)
    } catch {
      throw new CliError(
        `--api ${JSON.stringify(opts.api)} is not a URL`,
        EXIT.USAGE,
        'for example --api http://127.0.0.1:8080',
      )
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new CliError(`--api ${opts.api}: http or https only`, EXIT.USAGE, 'for example --api http://127.0.0.1:8080')
    return { base: url.href.replace(/\/+$/, ''), token }
  }
  if (opts.data === undefined)
    throw new CliError('which node? neither --api nor --data was given', EXIT.USAGE, t('hint.noApi'))
  const path = join(opts.data, DATA_FILES.config)
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new CliError(
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e))}`,
      EXIT.IO,
      t('hint.noApi'),
    )
  }
  const parsed = NodeFile.safeParse(raw)
  if (!parsed.success) throw new CliError(`${path} is not a node configuration`, EXIT.INVALID, t('hint.noApi'))
  const { host, port } = parsed.data.api
  if (port === 0) throw new CliError(`${path}: api.port is 0 (any free port)`, EXIT.USAGE, t('hint.apiPortZero'))
  // A node listening on every interface is reached on loopback from its own machine.
  const reach = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host
  return { base: `http://${reach.includes(':') ? `[${reach}]` : reach}:${port}`, token }
}

/**
 * Turns a node's error answer (an RFC 9457 problem, shared/problem.ts) into a CliError with its
 * code, an exit code and a hint. A problem with several faults lists each after the first, and
 * keeps them all in `details.errors`.
 */
export function apiError(status: number, body: unknown, t: Translate): CliError {
  const p = readProblem(status, body)
  const more = p.errors.slice(1).map((f) => `\n  ${f.code}: ${f.detail}`)
  const message = (p.detail ?? `the node answered ${status}`) + more.join('')
  const [exit, hint] =
    status === 401
      ? [EXIT.AUTH, t('hint.unauthorized')]
      : status === 403
        ? [EXIT.AUTH, p.code.startsWith('NODE_') ? t('hint.nodeForbidden') : t('hint.forbidden')]
        : status === 404
          ? [EXIT.INVALID, t('hint.notFound')]
          : status === 409
            ? [EXIT.INVALID, t('hint.conflict')]
            : status === 503
              ? [EXIT.UNAVAILABLE, t('hint.unavailable')]
              : status >= 500
                ? [EXIT.UNAVAILABLE, t('hint.serverError')]
                : [EXIT.INVALID, t('hint.badInput')]
  return new CliError(message, exit, hint, { code: p.code, details: p.details })
}

export class ApiClient {
  readonly base: string
  readonly #token: string | undefined
  readonly #t: Translate
  readonly #timeoutMs: number

  constructor(connection: Connection, t: Translate, options: { timeoutMs?: number } = {}) {
    this.base = connection.base
    this.#token = connection.token
    this.#t = t
    this.#timeoutMs = options.timeoutMs ?? 30_000
  }

  /** The raw response of a successful call (2xx); anything else throws a CliError. */
  async request(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: { contentType: string; data: string | Uint8Array },
    options: { stream?: boolean } = {},
  ): Promise<Response> {
    if (this.#token === undefined) throw new CliError('no API token', EXIT.AUTH, this.#t('hint.noToken'))
    let res: Response
    try {
      res = await fetch(this.base + path, {
        method,
        headers: {
          authorization: `Bearer ${this.#token}`,
          ...(body === undefined ? {} : { 'content-type': body.contentType }),
        },
        ...(body === undefined ? {} : { body: body.data }),
        // A streamed download may take long; only the wait for its first byte is bounded.
        ...(options.stream === true ? {} : { signal: AbortSignal.timeout(this.#timeoutMs) }),
      })
    } catch (e) {
      const c = (e as { cause?: { code?: string; message?: string } }).cause
      const cause = c?.code ?? c?.message ?? (e instanceof Error ? e.message : String(e))
      throw new CliError(
        `cannot reach the node at ${this.base} (${cause})`,
        EXIT.UNAVAILABLE,
        this.#t('hint.notRunning'),
        { code: 'NODE_UNREACHABLE' },
      )
    }
    if (res.ok) return res
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {
      /* not JSON: the status says enough */
    }
    throw apiError(res.status, parsed, this.#t)
  }

  async get<T>(path: string): Promise<T> {
    return (await (await this.request('GET', path)).json()) as T
  }

  async postJson<T>(path: string, value: unknown): Promise<T> {
    return (await (
      await this.request('POST', path, { contentType: 'application/json', data: JSON.stringify(value) })
    ).json()) as T
  }

  async postXml<T>(path: string, xml: string | Uint8Array): Promise<T> {
    return (await (await this.request('POST', path, { contentType: 'application/xml', data: xml })).json()) as T
  }
}
