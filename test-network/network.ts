/**
 * A test network: N real node processes on this machine, each with its own data folder, keys and
 * ports, founded as a federation and torn down cleanly (also on Ctrl-C). Two placements:
 * - loopback: every node on 127.0.0.1 (no privileges needed);
 * - netns: every node in its own Linux network namespace, joined by veth pairs to a bridge
 *   (needs root). Only this placement can partition the network for real: a partition moves a
 *   group's veth ends to another bridge, so packets between the groups are dropped, as on a cut
 *   link, while this process still reaches every API through a host route.
 * Set-up uses the library calls behind `sis init`, `sis federation create|sign` and `sis token
 * create` in-process (eleven nodes in about a second); test-network/federation.test.ts covers the
 * same steps through the CLI.
 */
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hashToken } from '../node/api/auth.ts'
import { DATA_FILES, NodeFile } from '../node/config.ts'
import { readSigningKey } from '../node/keys.ts'
import { freePort } from '../node/testing/helpers.ts'
import { membershipHash, signMembership, SignedMembership } from '../protocol/membership/index.ts'
import { initDataFolder } from '../node/data-folder.ts'
import type { MemberCard } from '../node/data-folder.ts'

const root = join(import.meta.dirname, '..')
export const NODE_BIN = join(root, 'node_modules', '.bin', 'node')
export const SIS_BIN = join(root, 'cli', 'bin', 'sis.ts')

export type Placement = 'loopback' | 'netns'

export interface ApiAnswer<T> {
  readonly status: number
  readonly body: T
}

/** One node process: start, stop (SIGTERM), kill -9, pause (SIGSTOP), resume, and its API. */
export class TestNode {
  readonly country: string
  readonly dir: string
  readonly api: string
  readonly token: string
  readonly adminToken: string
  /** The network namespace the node runs in (netns placement). */
  readonly netns: string | undefined
  process: ChildProcess | undefined
  paused = false
  readonly #logLevel: string

  constructor(o: {
    country: string
    dir: string
    api: string
    token: string
    adminToken: string
    netns?: string
    logLevel?: string
  }) {
    this.country = o.country
    this.dir = o.dir
    this.api = o.api
    this.token = o.token
    this.adminToken = o.adminToken
    this.netns = o.netns
    this.#logLevel = o.logLevel ?? 'warn'
  }

  get running(): boolean {
    return this.process !== undefined && this.process.exitCode === null && this.process.signalCode === null
  }
  get pid(): number | undefined {
    return this.process?.pid
  }

  /** Starts the process and resolves once it printed its ready line. */
  async start(): Promise<void> {
    const args = [SIS_BIN, 'start', '--data', this.dir, '--log-level', this.#logLevel]
    const child =
      this.netns === undefined
        ? spawn(NODE_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn('ip', ['netns', 'exec', this.netns, NODE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    this.process = child
    this.paused = false
    await new Promise<void>((resolve, reject) => {
      let out = ''
      let err = ''
      const timer = setTimeout(
        () => reject(new Error(`${this.country} did not start within 60 s: ${err.slice(-2000)}`)),
        60_000,
      )
      child.stderr?.on('data', (d: Buffer) => {
        err = (err + d.toString()).slice(-8000)
      })
      child.stdout?.on('data', (d: Buffer) => {
        if (out.includes('"ready":true')) return
        out += d.toString()
        if (out.includes('"ready":true')) {
          clearTimeout(timer)
          resolve()
        }
      })
      child.once('exit', (code, signal) => {
        clearTimeout(timer)
        reject(
          new Error(
            `${this.country} exited (${code ?? signal}) while starting: ${err.slice(-2000)}${out.slice(-2000)}`,
          ),
        )
      })
    })
    // Keep draining the pipes: a full pipe would block the node's logging.
    child.stdout?.resume()
    child.stderr?.resume()
  }

  async #signal(signal: NodeJS.Signals): Promise<number | null> {
    const p = this.process
    if (p === undefined || p.exitCode !== null || p.signalCode !== null) return p?.exitCode ?? null
    const exited = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)))
    if (this.paused) p.kill('SIGCONT')
    p.kill(signal)
    this.process = undefined
    this.paused = false
    return exited
  }

  /** SIGTERM, and waits for the clean exit. */
  stop(): Promise<number | null> {
    return this.#signal('SIGTERM')
  }
  /** SIGKILL: no chance to flush or close anything. */
  async kill(): Promise<void> {
    await this.#signal('SIGKILL')
  }
  /** SIGSTOP: the process is frozen with its connections open, as a hung node would be. */
  pause(): void {
    if (this.running && !this.paused) {
      this.process?.kill('SIGSTOP')
      this.paused = true
    }
  }
  resume(): void {
    if (this.running && this.paused) {
      this.process?.kill('SIGCONT')
      this.paused = false
    }
  }

  async call<T>(
    method: string,
    path: string,
    body?: unknown,
    opts: { contentType?: string; admin?: boolean; timeoutMs?: number } = {},
  ): Promise<ApiAnswer<T>> {
    const res = await fetch(this.api + path, {
      method,
      headers: {
        authorization: `Bearer ${opts.admin === true ? this.adminToken : this.token}`,
        ...(body === undefined ? {} : { 'content-type': opts.contentType ?? 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
    })
    const text = await res.text()
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T }
  }

  get<T = unknown>(path: string): Promise<ApiAnswer<T>> {
    return this.call<T>('GET', path)
  }
  post<T = unknown>(path: string, body: unknown, contentType?: string): Promise<ApiAnswer<T>> {
    return this.call<T>('POST', path, body, contentType === undefined ? {} : { contentType })
  }
  postAsAdmin<T = unknown>(path: string, body: unknown): Promise<ApiAnswer<T>> {
    return this.call<T>('POST', path, body, { admin: true })
  }
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr.trim()}`)
}

/** Whether this machine lets us build network namespaces (root, iproute2). */
export function netnsAvailable(): boolean {
  if (process.getuid?.() !== 0) return false
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).status === 0
}

/** Bridges and namespaces of one network, named after a short random tag. */
class Namespaces {
  readonly tag = randomBytes(3).toString('hex')
  readonly bridges: string[] = []
  readonly spaces: string[] = []
  readonly #routes = new Set<string>()
  /** 10.N.M.0/24 with random N, M: two networks on one machine do not share addresses. */
  readonly prefix = `10.${100 + (randomBytes(1)[0]! % 100)}.${randomBytes(1)[0]! % 250}`
  ns(i: number): string {
    return `sis-${this.tag}-${i}`
  }
  hostEnd(i: number): string {
    return `sv${this.tag}h${i}`
  }
  bridge(g: number): string {
    return `sb${this.tag}g${g}`
  }
  ip(i: number): string {
    return `${this.prefix}.${i + 2}`
  }

  #ensureBridge(g: number): string {
    const name = this.bridge(g)
    if (this.bridges.includes(name)) return name
    run('ip', ['link', 'add', name, 'type', 'bridge'])
    this.bridges.push(name)
    if (g === 0) run('ip', ['addr', 'add', `${this.prefix}.1/24`, 'dev', name])
    run('ip', ['link', 'set', name, 'up'])
    return name
  }

  add(i: number): void {
    const ns = this.ns(i)
    run('ip', ['netns', 'add', ns])
    this.spaces.push(ns)
    run('ip', ['link', 'add', this.hostEnd(i), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns])
    run('ip', ['link', 'set', this.hostEnd(i), 'master', this.#ensureBridge(0), 'up'])
    run('ip', ['-n', ns, 'addr', 'add', `${this.ip(i)}/24`, 'dev', 'eth0'])
    run('ip', ['-n', ns, 'link', 'set', 'eth0', 'up'])
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up'])
  }

  /** Node i to bridge g (0 is the main bridge). Off the main bridge, a host route keeps the API reachable. */
  place(i: number, g: number): void {
    run('ip', ['link', 'set', this.hostEnd(i), 'master', this.#ensureBridge(g)])
    const route = `${this.ip(i)}/32`
    if (g === 0) {
      if (this.#routes.delete(route)) run('ip', ['route', 'del', route])
    } else {
      run('ip', ['route', 'replace', route, 'dev', this.bridge(g), 'src', `${this.prefix}.1`])
      this.#routes.add(route)
    }
  }

  teardown(): void {
    for (const r of this.#routes) spawnSync('ip', ['route', 'del', r])
    for (const ns of this.spaces) spawnSync('ip', ['netns', 'del', ns])
    for (const b of this.bridges) spawnSync('ip', ['link', 'del', b])
    this.#routes.clear()
    this.spaces.length = 0
    this.bridges.length = 0
  }
}

/**
 * What `sis token create` does for a test node, an integration and an admin token: each handed
 * out once, node.json keeps its hash (and the API address, when given).
 */
export function issueTestTokens(
  dir: string,
  country: string,
  api?: { readonly host: string; readonly port: number },
): { token: string; adminToken: string } {
  const token = `sis_${randomBytes(24).toString('base64url')}`
  const adminToken = `sis_${randomBytes(24).toString('base64url')}`
  const configPath = join(dir, DATA_FILES.config)
  const file = NodeFile.parse(JSON.parse(readFileSync(configPath, 'utf8')))
  const updated = NodeFile.parse({
    ...file,
    ...(api === undefined ? {} : { api: { host: api.host, port: api.port } }),
    tokens: [
      { tokenSha256: hashToken(token), principal: { role: 'integration', name: `${country} national system` } },
      { tokenSha256: hashToken(adminToken), principal: { role: 'admin', name: `${country} operator` } },
    ],
  })
  writeFileSync(configPath, JSON.stringify(updated, null, 2) + '\n')
  return { token, adminToken }
}

export interface NetworkOptions {
  /** An empty folder for the nodes' data folders and the membership file. */
  readonly base: string
  readonly countries: readonly string[]
  readonly placement?: Placement
  readonly logLevel?: string
}

export class TestNetwork {
  readonly base: string
  readonly placement: Placement
  readonly nodes: TestNode[]
  readonly membershipFile: string
  readonly #spaces: Namespaces | undefined
  #partitioned = false
  #closed = false

  private constructor(
    base: string,
    placement: Placement,
    nodes: TestNode[],
    membershipFile: string,
    spaces: Namespaces | undefined,
  ) {
    this.base = base
    this.placement = placement
    this.nodes = nodes
    this.membershipFile = membershipFile
    this.#spaces = spaces
  }

  /** Creates the data folders, the signed founding membership and API tokens; starts nothing. */
  static async create(opts: NetworkOptions): Promise<TestNetwork> {
    const placement = opts.placement ?? 'loopback'
    if (placement === 'netns' && !netnsAvailable())
      throw new Error('the netns placement needs root and iproute2 (ip netns)')
    const spaces = placement === 'netns' ? new Namespaces() : undefined
    try {
      const now = new Date().toISOString()
      const setup: { country: string; dir: string; host: string; apiPort: number; card: MemberCard; netns?: string }[] =
        []
      for (const [i, country] of opts.countries.entries()) {
        const dir = join(opts.base, country)
        let host = '127.0.0.1'
        let p2pPort: number
        let apiPort: number
        if (spaces !== undefined) {
          spaces.add(i)
          host = spaces.ip(i)
          // Every namespace has its own ports: fixed ones are free.
          p2pPort = 4001
          apiPort = 8080
        } else {
          p2pPort = await freePort()
          apiPort = await freePort()
        }
        const card = await initDataFolder(dir, { country, listen: [`/ip4/${host}/tcp/${p2pPort}`], apiPort, now })
        setup.push({ country, dir, host, apiPort, card, ...(spaces === undefined ? {} : { netns: spaces.ns(i) }) })
      }
      // What `sis federation create` assembles, then `sis federation sign` by every founder.
      const from = now.replace(/\.\d+Z$/, 'Z')
      const document = {
        federation: 'CAREC Single Information Space (test network)',
        version: 1,
        validFrom: setup.flatMap((s) => s.card.keys.map((k) => k.validFrom)).sort()[0] ?? from,
        validUntil: new Date(Date.parse(from) + 30 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z'),
        quorum: Math.floor(setup.length / 2) + 1,
        members: setup.map((s) => ({
          country: s.card.country,
          name: s.card.name,
          peerId: s.card.peerId,
          addresses: s.card.addresses,
          keys: s.card.keys,
        })),
      }
      let signed = SignedMembership.parse({ document, signatures: [] })
      for (const s of setup) {
        const file = NodeFile.parse(JSON.parse(readFileSync(join(s.dir, DATA_FILES.config), 'utf8')))
        signed = signMembership(signed, s.country, file.keyId, readSigningKey(join(s.dir, DATA_FILES.signingKey)))
      }
      const membershipFile = join(opts.base, 'membership.json')
      const text = JSON.stringify(signed, null, 2) + '\n'
      writeFileSync(membershipFile, text)
      const nodes = setup.map((s) => {
        writeFileSync(join(s.dir, DATA_FILES.membership), text)
        const { token, adminToken } = issueTestTokens(s.dir, s.country, { host: s.host, port: s.apiPort })
        return new TestNode({
          country: s.country,
          dir: s.dir,
          api: `http://${s.host}:${s.apiPort}`,
          token,
          adminToken,
          ...(s.netns === undefined ? {} : { netns: s.netns }),
          ...(opts.logLevel === undefined ? {} : { logLevel: opts.logLevel }),
        })
      })
      return new TestNetwork(opts.base, placement, nodes, membershipFile, spaces)
    } catch (e) {
      spaces?.teardown()
      throw e
    }
  }

  /** The signed membership in force at founding. */
  membership(): SignedMembership {
    return SignedMembership.parse(JSON.parse(readFileSync(this.membershipFile, 'utf8')))
  }
  membershipHash(): string {
    return membershipHash(this.membership().document)
  }

  node(country: string): TestNode {
    const n = this.nodes.find((x) => x.country === country)
    if (n === undefined)
      throw new Error(`no node ${country} in this network (${this.nodes.map((x) => x.country).join(', ')})`)
    return n
  }

  /** Starts every node (two at a time: each start costs a core for a second or two). */
  async startAll(onStarted?: (n: TestNode) => void): Promise<void> {
    const queue = [...this.nodes]
    await Promise.all(
      [0, 1, 2].map(async () => {
        for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
          await n.start()
          onStarted?.(n)
        }
      }),
    )
  }

  /**
   * Cuts the network into groups: nodes in different groups cannot reach each other; nodes not
   * named stay with the first group. Needs the netns placement.
   */
  partition(groups: readonly (readonly string[])[]): void {
    const spaces = this.#spaces
    if (spaces === undefined) throw new Error('a partition needs the netns placement (root): run with --netns as root')
    for (const [i, n] of this.nodes.entries()) {
      const g = groups.findIndex((members) => members.includes(n.country))
      spaces.place(i, Math.max(0, g))
    }
    this.#partitioned = true
  }

  heal(): void {
    if (this.#spaces === undefined || !this.#partitioned) return
    for (const i of this.nodes.keys()) this.#spaces.place(i, 0)
    this.#partitioned = false
  }

  /** Kills every process (resuming paused ones first) and removes namespaces and bridges. */
  async teardown(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await Promise.all(this.nodes.map((n) => n.stop().catch(() => undefined)))
    this.#spaces?.teardown()
  }

  /** Synchronous last resort for process exit: SIGKILL everything, remove namespaces. */
  killNow(): void {
    for (const n of this.nodes) {
      try {
        n.process?.kill('SIGKILL')
      } catch {
        /* gone */
      }
    }
    this.#spaces?.teardown()
  }
}
