/**
 * Many real nodes on this machine: each country gets a data folder, keys and ports (`sis init`),
 * the founding membership is assembled and signed by every founder (`sis federation create`,
 * `sis federation sign`), each node gets an integration token (`sis token create`), and
 * `sis start` runs each as its own process. Everything goes through the CLI, as an operator would.
 */
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { copyFileSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const nodeBin = join(root, 'node_modules', '.bin', 'node')
const sisBin = join(root, 'cli', 'bin', 'sis.ts')

export function sis(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(nodeBin, [sisBin, ...args], { encoding: 'utf8', timeout: 60_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer()
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => (typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))))
    })
  })
}

export interface LocalNode {
  readonly country: string
  readonly dir: string
  readonly api: string
  readonly token: string
  readonly adminToken: string
  process: ChildProcess | undefined
  start(): Promise<void>
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<number | null>
  /** SIGKILL. */
  kill(): Promise<void>
  get<T = unknown>(path: string): Promise<{ status: number; body: T }>
  post<T = unknown>(path: string, body: unknown, contentType?: string): Promise<{ status: number; body: T }>
  postAsAdmin<T = unknown>(path: string, body: unknown): Promise<{ status: number; body: T }>
}

function startProcess(dir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBin, [sisBin, 'start', '--data', dir, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    const timer = setTimeout(() => reject(new Error(`node in ${dir} did not start: ${err}`)), 30_000)
    child.stderr?.on('data', (d: Buffer) => { err += d.toString() })
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('"ready":true')) { clearTimeout(timer); resolve(child) }
    })
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`node in ${dir} exited with ${code}: ${err}${out}`)) })
  })
}

export async function createFederation(base: string, countries: readonly string[]): Promise<LocalNode[]> {
  const cards: string[] = []
  const setup: { country: string; dir: string; apiPort: number }[] = []
  for (const country of countries) {
    const dir = join(base, country)
    const [p2pPort, apiPort] = [await freePort(), await freePort()]
    const card = join(base, `${country}-card.json`)
    const r = sis('init', '--country', country, '--data', dir, '--listen', `/ip4/127.0.0.1/tcp/${p2pPort}`, '--api-port', String(apiPort), '--card', card)
    if (r.status !== 0) throw new Error(`sis init ${country}: ${r.stderr}`)
    cards.push(card)
    setup.push({ country, dir, apiPort })
  }
  mkdirSync(base, { recursive: true })
  const membership = join(base, 'membership.json')
  const created = sis('federation', 'create', '--card', ...cards, '--out', membership)
  if (created.status !== 0) throw new Error(`sis federation create: ${created.stderr}`)
  for (const s of setup) {
    const signed = sis('federation', 'sign', membership, '--data', s.dir)
    if (signed.status !== 0) throw new Error(`sis federation sign ${s.country}: ${signed.stderr}`)
  }
  return setup.map((s) => {
    copyFileSync(membership, join(s.dir, 'membership.json'))
    const t = sis('token', 'create', '--data', s.dir, '--role', 'integration', '--name', `${s.country} national system`, '--json')
    if (t.status !== 0) throw new Error(`sis token create: ${t.stderr}`)
    const token = (JSON.parse(t.stdout) as { token: string }).token
    const a = sis('token', 'create', '--data', s.dir, '--role', 'admin', '--name', `${s.country} operator`, '--json')
    if (a.status !== 0) throw new Error(`sis token create: ${a.stderr}`)
    const adminToken = (JSON.parse(a.stdout) as { token: string }).token
    const api = `http://127.0.0.1:${s.apiPort}`
    const call = async <T>(method: string, path: string, body?: unknown, contentType = 'application/json', bearer = token) => {
      const res = await fetch(api + path, { method, headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': contentType }) }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) })
      const text = await res.text()
      let parsed: unknown = text
      try { parsed = JSON.parse(text) } catch { /* not JSON */ }
      return { status: res.status, body: parsed as T }
    }
    const node: LocalNode = {
      country: s.country, dir: s.dir, api, token, adminToken, process: undefined,
      async start() { node.process = await startProcess(s.dir) },
      async stop() {
        const p = node.process
        if (p === undefined || p.exitCode !== null) return p?.exitCode ?? null
        const exited = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)))
        p.kill('SIGTERM')
        node.process = undefined
        return exited
      },
      async kill() {
        const p = node.process
        if (p === undefined || p.exitCode !== null) return
        const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()))
        p.kill('SIGKILL')
        node.process = undefined
        await exited
      },
      get: (path) => call('GET', path),
      post: (path, body, ct) => call('POST', path, body, ct),
      postAsAdmin: (path, body) => call('POST', path, body, 'application/json', adminToken),
    }
    return node
  })
}

/** Polls until `check` returns a value other than undefined, or fails after `ms`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const v = await check()
    if (v !== undefined) return v
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}
