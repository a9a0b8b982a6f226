/**
 * The node's Prometheus metrics, every name prefixed `sis_`. The node's replication and intake
 * code update them; the API serves them on GET /metrics and counts and times its own requests.
 * Each call gets its own registry by default (not prom-client's global one), so several nodes in
 * one process (tests, the demo federation) do not collide on metric names.
 *
 * What the node knows at any moment (the other members, who is connected, the membership in
 * force) is read at scrape time through `MetricSources`: every per-peer series exists from the
 * start with 0 for every other member, also for members a later membership version adds, so
 * alerts on absent series and on `sis_peer_up == 0` work before the first delivery.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { SOFTWARE_VERSION } from '../version.ts'

export const METRIC_PREFIX = 'sis_'

/** The `peer` label of refusals that did not come from a peer: API requests and local writes. */
export const LOCAL_PEER = 'local'

/** What the metrics read from the node when scraped; each part is optional (tests leave them out). */
export interface MetricSources {
  /** Every other member of the membership in force (country codes). */
  peers?(): readonly string[]
  /** The members connected now. */
  connected?(): readonly string[]
  /** The membership in force: its version and its validUntil (ISO 8601). */
  membership?(): { readonly version: number; readonly validUntil: string }
}

export interface MetricsOptions {
  readonly registry?: Registry
  /** prom-client's process and Node.js metrics (sis_process_*, sis_nodejs_*); default true. */
  readonly defaultMetrics?: boolean
}

export interface Metrics {
  readonly registry: Registry
  /** Entries accepted from a peer (label: peer country). */
  readonly entriesIn: Counter<'peer'>
  /** Entries delivered to a peer and acknowledged by its receipt. */
  readonly entriesOut: Counter<'peer'>
  /** Refused input by SisError code and by the peer it came from (`LOCAL_PEER` for the API and local writes). */
  readonly rejectsTotal: Counter<'code' | 'peer'>
  readonly outboxDepth: Gauge<'peer'>
  /** Age of the oldest entry still waiting for a peer. */
  readonly replicationLag: Gauge<'peer'>
  readonly peersConnected: Gauge
  /** Label `route` is the route template (bounded), never the raw URL. */
  readonly httpRequests: Counter<'route' | 'method' | 'code'>
  readonly httpDuration: Histogram<'route' | 'method' | 'code'>
}

/** The node's own metric names (the default process and Node.js metrics come on top), for documentation and tests. */
export const METRIC_NAMES = [
  'sis_build_info',
  'sis_entries_in_total',
  'sis_entries_out_total',
  'sis_rejects_total',
  'sis_outbox_depth',
  'sis_replication_lag_seconds',
  'sis_peers_connected',
  'sis_peer_up',
  'sis_membership_version',
  'sis_membership_valid_until_seconds',
  'sis_http_requests_total',
  'sis_http_request_duration_seconds',
] as const

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

export function createMetrics(sources: MetricSources = {}, options: MetricsOptions = {}): Metrics {
  const registry = options.registry ?? new Registry()
  const registers = [registry]
  const peers = () => sources.peers?.() ?? []
  // Adding 0 creates a missing series at 0 and leaves an existing one as it is.
  function zeroForEveryPeer(this: Counter<'peer'> | Gauge<'peer'>): void {
    for (const peer of peers()) this.inc({ peer }, 0)
  }
  const perPeer = { labelNames: ['peer'] as const, registers, collect: zeroForEveryPeer }

  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX })
  new Gauge({
    name: 'sis_build_info',
    help: 'Always 1; labels: the software version (package.json) and the Node.js version',
    labelNames: ['version', 'node'],
    registers,
  }).set({ version: SOFTWARE_VERSION, node: process.version }, 1)
  new Gauge({
    name: 'sis_peer_up',
    help: 'Per other member of the membership in force: 1 connected now, 0 not',
    labelNames: ['peer'],
    registers,
    collect() {
      const connected = new Set(sources.connected?.() ?? [])
      // Rebuilt on every scrape: a member removed from the membership drops out.
      this.reset()
      for (const peer of peers()) this.set({ peer }, connected.has(peer) ? 1 : 0)
    },
  })
  new Gauge({
    name: 'sis_membership_version',
    help: 'Version of the membership in force',
    registers,
    collect() {
      const m = sources.membership?.()
      if (m !== undefined) this.set(m.version)
    },
  })
  new Gauge({
    name: 'sis_membership_valid_until_seconds',
    help: 'End of validity of the membership in force (unix seconds); a newer version must be adopted before',
    registers,
    collect() {
      const m = sources.membership?.()
      if (m !== undefined) this.set(Date.parse(m.validUntil) / 1000)
    },
  })
  return {
    registry,
    entriesIn: new Counter({ name: 'sis_entries_in_total', help: 'Log entries accepted from peers', ...perPeer }),
    entriesOut: new Counter({
      name: 'sis_entries_out_total',
      help: 'Log entries delivered to peers (receipt received)',
      ...perPeer,
    }),
    rejectsTotal: new Counter({
      name: 'sis_rejects_total',
      help: `Refused input, by error code and by the peer it came from ("${LOCAL_PEER}": the API and local writes)`,
      labelNames: ['code', 'peer'],
      registers,
    }),
    outboxDepth: new Gauge({
      name: 'sis_outbox_depth',
      help: 'Entries waiting in the outbox, per destination peer',
      ...perPeer,
    }),
    replicationLag: new Gauge({
      name: 'sis_replication_lag_seconds',
      help: 'Age of the oldest undelivered entry, per destination peer',
      ...perPeer,
    }),
    peersConnected: new Gauge({
      name: 'sis_peers_connected',
      help: 'Federation peers currently connected',
      registers,
      collect() {
        if (sources.connected !== undefined) this.set(sources.connected().length)
      },
    }),
    httpRequests: new Counter({
      name: 'sis_http_requests_total',
      help: 'HTTP API requests, by route template, method and status code',
      labelNames: ['route', 'method', 'code'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'sis_http_request_duration_seconds',
      help: 'HTTP API request duration until the response is sent, by route template, method and status code',
      labelNames: ['route', 'method', 'code'],
      buckets: HTTP_BUCKETS,
      registers,
    }),
  }
}

/**
 * Counts one API request and, given its duration, times it. The event stream counts itself when
 * it opens, untimed: its response lasts as long as the subscription.
 */
export function countRequest(
  metrics: Metrics,
  request: { route: string; method: string; code: number },
  seconds?: number,
): void {
  const labels = { route: request.route, method: request.method, code: String(request.code) }
  metrics.httpRequests.inc(labels)
  if (seconds !== undefined) metrics.httpDuration.observe(labels, seconds)
}
