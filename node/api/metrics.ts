/**
 * The node's Prometheus metrics. The node's replication and intake code update them; the API
 * serves them on GET /metrics and counts its own requests. Each call gets its own registry by
 * default (not prom-client's global one), so several nodes in one process (tests, the demo
 * federation) do not collide on metric names.
 */
import { Counter, Gauge, Registry } from 'prom-client'

export interface Metrics {
  readonly registry: Registry
  /** Entries accepted from a peer (label: peer country). */
  readonly entriesIn: Counter<'peer'>
  /** Entries delivered to a peer and acknowledged by its receipt. */
  readonly entriesOut: Counter<'peer'>
  /** Refused input by SisError code (from peers, the national system or the API). */
  readonly rejectsTotal: Counter<'code'>
  readonly outboxDepth: Gauge<'peer'>
  /** Age of the oldest entry still waiting for a peer. */
  readonly replicationLag: Gauge<'peer'>
  readonly peersConnected: Gauge
  /** Label `route` is the route template (bounded), never the raw URL. */
  readonly httpRequests: Counter<'route' | 'status'>
}

export function createMetrics(registry: Registry = new Registry()): Metrics {
  const registers = [registry]
  return {
    registry,
    entriesIn: new Counter({
      name: 'entries_in_total',
      help: 'Log entries accepted from peers',
      labelNames: ['peer'],
      registers,
    }),
    entriesOut: new Counter({
      name: 'entries_out_total',
      help: 'Log entries delivered to peers (receipt received)',
      labelNames: ['peer'],
      registers,
    }),
    rejectsTotal: new Counter({
      name: 'rejects_total',
      help: 'Refused input, by error code',
      labelNames: ['code'],
      registers,
    }),
    outboxDepth: new Gauge({
      name: 'outbox_depth',
      help: 'Entries waiting in the outbox, per destination peer',
      labelNames: ['peer'],
      registers,
    }),
    replicationLag: new Gauge({
      name: 'replication_lag_seconds',
      help: 'Age of the oldest undelivered entry, per destination peer',
      labelNames: ['peer'],
      registers,
    }),
    peersConnected: new Gauge({
      name: 'peers_connected',
      help: 'Federation peers currently connected',
      registers,
    }),
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP API requests, by route template and status',
      labelNames: ['route', 'status'],
      registers,
    }),
  }
}

/** The metric names, for documentation and tests. */
export const METRIC_NAMES = [
  'entries_in_total',
  'entries_out_total',
  'rejects_total',
  'outbox_depth',
  'replication_lag_seconds',
  'peers_connected',
  'http_requests_total',
] as const
