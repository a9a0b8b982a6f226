/**
 * The network table: real node processes (`sis start`, via local-federation.ts) on loopback.
 * - replication: a node holding N signed transit entries its peer lacks; the peer starts; entries
 *   per second from the peer's process being ready until it holds all N, beside the same frames
 *   over one raw libp2p stream between two processes, and beside verifying them in one thread;
 * - propagation: in the eleven-node network, one action written at a route node until every
 *   route node has it (server-sent events of every route node, stamped on arrival here);
 * - catch-up: a route node stopped while N entries are written on its route, from its restart
 *   until it holds them all;
 * - RSS and idle CPU of every node process, from /proc.
 * The N entries are signed with the writer's key from its data folder and stored through its
 * own Replicator while it is stopped (replication.ts): writing them through the HTTP API would
 * take minutes and measure the API, not replication.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { CAREC_COUNTRY_CODES, CUSTOMS_OFFICES } from '../../protocol/codes/index.ts'
import { readEntries } from '../../protocol/log/index.ts'
import { PUSH_BATCH } from '../../node/replication.ts'
import { readNodeConfig } from '../../node/data-folder.ts'
import { exampleGuaranteeBody } from '../bodies.ts'
import { createFederation, eventually } from '../local-federation.ts'
import type { LocalNode } from '../local-federation.ts'
import type { Row } from './measure.ts'
import {
  benchMrn,
  bodyFor,
  entriesIn,
  loadIntoStore,
  signTransits,
  streamCeiling,
  until,
  TRANSIT_TYPES,
} from './replication.ts'

export interface NetworkOptions {
  /** Entries moved by the replication and catch-up figures (a multiple of ten: whole transits). */
  readonly entries?: number
  /** State changes timed per route for the propagation figure. */
  readonly changes?: number
  /** The network of the propagation, catch-up and RSS figures; must include CN (the departure of every transit). */
  readonly countries?: readonly string[]
  /** Pause after each timed change before the next (ms): 20 by default, so changes come often. */
  readonly settleMs?: number
  /** Seconds of idle over which CPU is measured. */
  readonly idleSeconds?: number
  /** Progress lines (to stderr by default), so a long run shows where it is. */
  readonly progress?: (line: string) => void
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const pct = (a: number, b: number) => `${fmt((100 * a) / b)}%`

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN
}

/** VmRSS in MB and utime+stime in seconds of a process, from /proc. */
export function procStats(pid: number, ticksPerSecond: number): { rssMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const rssKb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN)
  // The command name (field 2) may hold spaces: the fields after it start past the last ')'.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  return { rssMb: rssKb / 1024, cpuSeconds: ticks / ticksPerSecond }
}

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
}

/** document-changed events of one node, stamped with performance.now() as they arrive here. */
class EventTap {
  readonly arrivals = new Map<string, number[]>()
  readonly #abort = new AbortController()
  readonly #waiters = new Set<() => void>()

  static async open(node: LocalNode): Promise<EventTap> {
    const tap = new EventTap()
    const res = await fetch(`${node.api}/v1/events`, {
      headers: { authorization: `Bearer ${node.token}` },
      signal: tap.#abort.signal,
    })
    if (!res.ok || res.body === null) throw new Error(`${node.country}: /v1/events answered ${res.status}`)
    void tap.#read(res.body.getReader())
    return tap
  }

  async #read(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder()
    let buffer = ''
    try {
      for (;;) {
        const { done, value } = await reader.read()
        const at = performance.now()
        if (done) return
        buffer += decoder.decode(value, { stream: true })
        let end: number
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          if (!frame.startsWith('event: document-changed')) continue
          const data = frame.split('\n').find((l) => l.startsWith('data: '))
          const id = data === undefined ? undefined : (JSON.parse(data.slice(6)) as { documentId?: string }).documentId
          if (id === undefined) continue
          this.arrivals.set(id, [...(this.arrivals.get(id) ?? []), at])
        }
        for (const w of [...this.#waiters]) w()
      }
    } catch {
      // Closed by close(): nothing more to read.
    }
  }

  /** How many changes of a document arrived so far. */
  count(documentId: string): number {
    return this.arrivals.get(documentId)?.length ?? 0
  }

  /** The arrival time of the `n`th (1-based) change of a document, waiting for it. */
  async nth(documentId: string, n: number, timeoutMs = 10_000): Promise<number> {
    const have = () => this.arrivals.get(documentId)?.[n - 1]
    const now = have()
    if (now !== undefined) return now
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check)
        reject(new Error(`no change ${n} of ${documentId} within ${timeoutMs} ms`))
      }, timeoutMs)
      const check = () => {
        const at = have()
        if (at === undefined) return
        clearTimeout(timer)
        this.#waiters.delete(check)
        resolve(at)
      }
      this.#waiters.add(check)
    })
  }

  close(): void {
    this.#abort.abort()
  }
}

async function post<T>(node: LocalNode, path: string, body: unknown): Promise<T> {
  const r = await node.post<T>(path, body)
  if (r.status !== 201) throw new Error(`${node.country} POST ${path}: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}

/** An incident recorded at an office of `country` (each writer names its own office). */
function incidentAt(documentId: string, country: string): Record<string, unknown> {
  const office = [...CUSTOMS_OFFICES.codes()].find((c) => c.startsWith(country))
  if (office === undefined) throw new Error(`no customs office of ${country} in the code list`)
  const b = bodyFor('IncidentRecorded', documentId) as {
    CustomsOfficeOfIncidentRegistration: { referenceNumber: string }
  }
  b.CustomsOfficeOfIncidentRegistration.referenceNumber = office
  return b
}

/** Lodges, accepts and releases a transit at its departure (the issuer's coverage comes between), until every route node holds it released. */
async function released(at: (c: string) => LocalNode, route: readonly string[], documentId: string): Promise<void> {
  const departure = at(route[0]!)
  await post(departure, '/v1/transits', { declaration: bodyFor('DeclarationLodged', documentId, route) })
  await post(departure, `/v1/transits/${documentId}/actions/accept`, bodyFor('DeclarationAccepted', documentId))
  await eventually(
    `the release of ${documentId}`,
    async () => {
      const r = await departure.post(
        `/v1/transits/${documentId}/actions/release`,
        bodyFor('ReleasedForTransit', documentId),
      )
      if (r.status === 409) return undefined
      if (r.status !== 201) throw new Error(`release of ${documentId}: ${r.status} ${JSON.stringify(r.body)}`)
      return true
    },
    15_000,
  )
  for (const c of route) {
    await eventually(
      `${c} to hold ${documentId} released`,
      async () =>
        (await at(c).get<{ status: string }>(`/v1/transits/${documentId}`)).body.status === 'released'
          ? true
          : undefined,
      30_000,
    )
  }
}

/**
 * Lodges `documents` transits with this route at its first country and releases them (under the
 * examples' guarantee, registered at its issuer), then times `changes` incidents, written in
 * turn by each route country at one of its own offices, until every route node has each.
 */
async function propagation(
  nodes: readonly LocalNode[],
  route: readonly string[],
  changes: number,
  tag: string,
  settleMs: number,
): Promise<{ fromOrigin: number[]; fromRequest: number[] }> {
  const at = (c: string) => nodes.find((n) => n.country === c)!
  const taps = new Map<string, EventTap>()
  for (const c of route) taps.set(c, await EventTap.open(at(c)))
  try {
    const documents = Math.max(1, Math.ceil(changes / 10))
    const ids: string[] = []
    // The guarantee the declarations name (a second route of the same run finds it registered).
    const g = await at(route[0]!).post('/v1/guarantees', { guarantee: exampleGuaranteeBody() })
    if (g.status !== 201 && g.status !== 409) throw new Error(`the guarantee: ${g.status} ${JSON.stringify(g.body)}`)
    for (let d = 0; d < documents; d++) {
      const documentId = benchMrn(route[0]!, tag, d)
      await released(at, route, documentId)
      ids.push(documentId)
    }
    const fromOrigin: number[] = []
    const fromRequest: number[] = []
    // Two warm-up changes first (connections, caches), not counted.
    for (let i = -2; i < changes; i++) {
      const documentId = ids[(i + ids.length * 2) % ids.length]!
      const writer = route[(i + route.length * 2) % route.length]!
      // Each tap waits for its next change of the document (set-up changes arrive in batches).
      const next = route.map((c) => taps.get(c)!.count(documentId) + 1)
      const sent = performance.now()
      await post(at(writer), `/v1/transits/${documentId}/actions/incident`, incidentAt(documentId, writer))
      const arrivals = await Promise.all(route.map((c, k) => taps.get(c)!.nth(documentId, next[k]!)))
      const origin = arrivals[route.indexOf(writer)]!
      const last = Math.max(...arrivals)
      if (i >= 0) {
        fromOrigin.push(last - origin)
        fromRequest.push(last - sent)
      }
      // A pause before the next change (the writer may still be taking receipts of this one).
      await new Promise((r) => setTimeout(r, settleMs))
    }
    return { fromOrigin: fromOrigin.sort((a, b) => a - b), fromRequest: fromRequest.sort((a, b) => a - b) }
  } finally {
    for (const t of taps.values()) t.close()
  }
}

/** One thread's rate of readEntries (parse, validate, digest, strict Ed25519), as a receiver reads pushes, over the frames. */
function verifyCeiling(dir: string, frames: readonly Uint8Array[]): number {
  const { membership } = readNodeConfig(dir, () => new Date().toISOString())
  const start = performance.now()
  for (let i = 0; i < frames.length; i += PUSH_BATCH) readEntries(frames.slice(i, i + PUSH_BATCH), membership)
  return frames.length / ((performance.now() - start) / 1000)
}

export async function benchNetwork(opts: NetworkOptions = {}): Promise<Row[]> {
  const entries = opts.entries ?? 10_000
  const transits = Math.ceil(entries / TRANSIT_TYPES.length)
  const total = transits * TRANSIT_TYPES.length
  const changes = opts.changes ?? 50
  const countries = opts.countries ?? CAREC_COUNTRY_CODES
  const idleSeconds = opts.idleSeconds ?? 10
  const settleMs = opts.settleMs ?? 20
  const say = opts.progress ?? ((line: string) => process.stderr.write(`  [network] ${line}\n`))
  const base = mkdtempSync(join(tmpdir(), 'sis-bench-net-'))
  const tag = `B${Date.now().toString(36).slice(-4)}`
  const rows: Row[] = []
  // Every node started, to kill whatever is left however the run ends.
  const all: LocalNode[] = []
  let nodes: LocalNode[] = []
  try {
    // 1. Replication, one node to another, in a federation of two.
    say('replication: founding a federation of two')
    const pair = await createFederation(join(base, 'pair'), ['CN', 'KZ'])
    all.push(...pair)
    const [source, sink] = pair as [LocalNode, LocalNode]
    say(`replication: signing ${fmt(total)} entries with CN's key`)
    const signed = signTransits(source.dir, transits, `${tag}R`)
    const frames = signed.flatMap((t) => t.entries)
    const avg = Math.round(frames.reduce((n, f) => n + f.byteLength, 0) / frames.length)
    const loadSeconds = await loadIntoStore(source.dir, signed)
    say('replication: the raw libp2p stream ceiling')
    const ceiling = await streamCeiling(frames)
    const verify = verifyCeiling(source.dir, frames)
    await source.start()
    await sink.start()
    const ready = performance.now()
    const done = await until(
      `KZ to hold ${total} entries`,
      async () => (await entriesIn(sink.api)) >= total,
      600_000,
      10,
    )
    const seconds = (done - ready) / 1000
    const rate = total / seconds
    say(`replication: ${fmt(rate)}/s`)
    await Promise.all(pair.map((n) => n.kill()))
    rows.push({
      what: `replication, ${fmt(total)} entries (avg ${fmt(avg)} B), CN → KZ`,
      figure: `${fmt(rate)}/s (${fmt(seconds, 2)} s)`,
      ceiling: `${fmt(ceiling.perSecond)}/s`,
      ratio: pct(rate, ceiling.perSecond),
      note: `KZ process ready → KZ holds all (sis_entries_in_total); CN held them with KZ's outbox filled (signed with CN's key, stored through its Replicator in ${fmt(loadSeconds, 1)} s). Ceiling: the same ${fmt(total)} frames over one raw libp2p stream (TCP+Noise+yamux) to another process, best of 3. Target ≥ 5,000/s (Hypercore here): ${rate >= 5000 ? 'met' : 'MISSED'}.`,
    })
    rows.push({
      what: '  the same entries verified, one thread',
      figure: `${fmt(rate)}/s`,
      ceiling: `${fmt(verify)}/s`,
      ratio: pct(rate, verify),
      note: `ceiling: readEntries (parse, validate, SHA-256, strict Ed25519) of the same entries in pushes of ${PUSH_BATCH}, in one thread, no I/O: what a receiver that verifies every entry on one core can reach at best.`,
    })

    // 2-4. The network of eleven (or as given).
    say(`founding a network of ${countries.length}`)
    nodes = await createFederation(join(base, 'net'), countries)
    all.push(...nodes)
    // One at a time: eleven Node processes booting at once on a small machine overrun the start timeout.
    for (const n of nodes) await n.start()
    await eventually(
      'a full mesh',
      async () => {
        const peers = await Promise.all(
          nodes.map(async (n) => (await n.get<{ peers: number }>('/health/ready')).body.peers),
        )
        return peers.every((p) => p === nodes.length - 1) ? true : undefined
      },
      60_000,
    )
    // The transit of the examples (departure CN, so CN lodges), then a route through every node.
    const route = ['CN', 'KZ', 'UZ'].every((c) => countries.includes(c)) ? ['CN', 'KZ', 'UZ'] : countries.slice(0, 3)
    const everyone = [route[0]!, ...countries.filter((c) => c !== route[0])]
    for (const r of everyone.length > route.length ? [route, everyone] : [route]) {
      say(`propagation over a route of ${r.length}`)
      const p = await propagation(nodes, r, changes, `${tag}P${r.length}`, settleMs)
      const p50 = percentile(p.fromOrigin, 50)
      const p99 = percentile(p.fromOrigin, 99)
      const met = p50 <= 5 && p99 <= 25
      rows.push({
        what: `propagation to ${r.length} route nodes of ${nodes.length} (${r.join(' ')}), p50 / p99`,
        figure: `${fmt(p50, 1)} / ${fmt(p99, 1)} ms`,
        ceiling: '5 / 25 ms (target)',
        ratio: `${pct(p50, 5)} / ${pct(p99, 25)}`,
        note: `${p.fromOrigin.length} incidents, ${settleMs} ms apart, written in turn at each route node; from the writer's own document-changed event to the last route node's, both over SSE stamped on arrival here (max ${fmt(p.fromOrigin.at(-1) ?? NaN, 1)} ms). From the HTTP request: p50 ${fmt(percentile(p.fromRequest, 50), 1)}, p99 ${fmt(percentile(p.fromRequest, 99), 1)} ms. Target ${met ? 'met' : 'MISSED'}.`,
      })
    }

    // Catch-up: the third route node is away while the first writes N entries.
    const [writer, peer, away] = route.map((c) => nodes.find((n) => n.country === c)!) as [
      LocalNode,
      LocalNode,
      LocalNode,
    ]
    say(`catch-up: ${away.country} and ${writer.country} stop; ${writer.country} gets ${fmt(total)} entries`)
    await away.stop()
    await writer.stop()
    const batch = signTransits(writer.dir, transits, `${tag}C`)
    await loadIntoStore(writer.dir, batch)
    const before = await entriesIn(peer.api)
    await writer.start()
    const writerReady = performance.now()
    const peerDone = await until(
      `${peer.country} to hold the new entries`,
      async () => (await entriesIn(peer.api)) - before >= total,
      600_000,
      10,
    )
    await away.start()
    const awayReady = performance.now()
    const awayDone = await until(
      `${away.country} to catch up`,
      async () => (await entriesIn(away.api)) >= total,
      600_000,
      10,
    )
    const catchUp = (awayDone - awayReady) / 1000
    rows.push({
      what: `catch-up of ${fmt(total)} entries missed by ${away.country}`,
      figure: `${fmt(catchUp, 2)} s (${fmt(total / catchUp)}/s)`,
      ceiling: '3 s (target)',
      ratio: pct(catchUp, 3),
      note: `${away.country} process ready → it holds all (from ${writer.country} and ${peer.country}, both holding them, ${nodes.length} nodes running). Before that, ${peer.country} (running) took ${fmt((peerDone - writerReady) / 1000, 2)} s to receive them from the restarted ${writer.country}. Target ${catchUp <= 3 ? 'met' : 'MISSED'}.`,
    })

    // RSS and idle CPU of every node process.
    say(`idle: ${idleSeconds} s`)
    await new Promise((r) => setTimeout(r, 2000))
    const hz = clockTicks()
    const pids = nodes.map((n) => ({ country: n.country, pid: n.process?.pid ?? 0 }))
    const first = pids.map((p) => procStats(p.pid, hz))
    const t0 = performance.now()
    await new Promise((r) => setTimeout(r, idleSeconds * 1000))
    const span = (performance.now() - t0) / 1000
    const second = pids.map((p) => procStats(p.pid, hz))
    const stats = pids.map((p, i) => ({
      country: p.country,
      rssMb: second[i]!.rssMb,
      cpu: (100 * (second[i]!.cpuSeconds - first[i]!.cpuSeconds)) / span,
    }))
    const maxRss = stats.reduce((a, s) => (s.rssMb > a.rssMb ? s : a))
    const maxCpu = stats.reduce((a, s) => (s.cpu > a.cpu ? s : a))
    const meanRss = stats.reduce((n, s) => n + s.rssMb, 0) / stats.length
    const meanCpu = stats.reduce((n, s) => n + s.cpu, 0) / stats.length
    rows.push({
      what: `RSS per node (${nodes.length} processes), max / mean`,
      figure: `${fmt(maxRss.rssMb)} / ${fmt(meanRss)} MB`,
      ceiling: '120 MB (target)',
      ratio: pct(maxRss.rssMb, 120),
      note: `VmRSS after the runs above; max at ${maxRss.country}; ${stats.map((s) => `${s.country} ${fmt(s.rssMb)}`).join(', ')}. Target ${maxRss.rssMb <= 120 ? 'met' : 'MISSED'}.`,
    })
    rows.push({
      what: `idle CPU per node over ${fmt(span, 1)} s, max / mean`,
      figure: `${fmt(maxCpu.cpu, 2)} / ${fmt(meanCpu, 2)} % of a core`,
      ceiling: '-',
      ratio: '-',
      note: `utime+stime from /proc/PID/stat; max at ${maxCpu.country}; ${stats.map((s) => `${s.country} ${fmt(s.cpu, 2)}`).join(', ')}.`,
    })
    return rows
  } finally {
    await Promise.all(all.map((n) => n.kill()))
    rmSync(base, { recursive: true, force: true })
  }
}
