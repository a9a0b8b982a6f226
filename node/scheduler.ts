/**
 * When the node replicates (docs/protocol/replication.md): deliveries to every connected member
 * on a timer (retries as they fall due) and as soon as a document changed, the outbox metrics
 * every 5 s, and catch-up sync (membership first, then entries) with a member on connecting and
 * every 15 s. What is delivered and synced is the replicator's business; this module only says
 * when, and keeps one sync per peer at a time.
 */
import type { Logger } from 'pino'
import type { Membership } from '../protocol/membership/index.ts'
import type { Replicator, Transport } from './replication.ts'
import type { OutboxSlice } from './storage/types.ts'

/** What the scheduler reports to the metrics (node/api/metrics.ts through NodeParts). */
export interface SchedulerMetrics {
  outbox(depths: Record<string, number>): void
  peers(n: number): void
  lag?(peer: string, seconds: number): void
}

export interface SchedulerDeps {
  readonly country: string
  readonly replicator: Pick<Replicator, 'deliver' | 'sync'>
  readonly store: Pick<OutboxSlice, 'outbox' | 'outboxDepth'>
  /** The membership in force. */
  membership(): Membership
  now(): string
  /** Fetches and adopts newer membership versions from a peer (before syncing entries). */
  syncMembership(country: string): Promise<void>
  /** The transport, the logger and the metrics once the node is starting (undefined before). */
  transport(): Pick<Transport, 'request' | 'connectedMembers'> | undefined
  logger(): Logger | undefined
  metrics(): SchedulerMetrics | undefined
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e))

export class Scheduler {
  readonly #deps: SchedulerDeps
  #timer: NodeJS.Timeout | undefined
  #syncTimer: NodeJS.Timeout | undefined
  #flushTicks = 0
  #outboxMetricsAt = 0
  /** Peers a sync runs with now; true when a full one was asked for meanwhile (it runs after). */
  readonly #syncing = new Map<string, boolean>()
  #syncRound = 0

  constructor(deps: SchedulerDeps) {
    this.#deps = deps
  }

  /** Starts the timers (once the transport is started). */
  start(): void {
    // A tick delivers what fell due (retries); peers with nothing due are skipped without a look
    // at the store, except every 16th tick (about 5 s), which looks at every peer's outbox.
    this.#timer = setInterval(() => void this.flushAll(++this.#flushTicks % 16 === 0), 300)
    // Periodic sync asks only for what changed since the last one with each peer; every 20th
    // round (5 min) compares every shared document, as on connecting.
    this.#syncTimer = setInterval(() => {
      const full = ++this.#syncRound % 20 === 0
      for (const c of this.#deps.transport()?.connectedMembers() ?? []) void this.syncWith(c, full)
    }, 15_000)
  }

  stop(): void {
    clearInterval(this.#timer)
    clearInterval(this.#syncTimer)
  }

  /** New entries leave as soon as they are durable, not at the next tick. */
  documentChanged(): void {
    setImmediate(() => void this.flushAll(false))
  }

  /** Delivers to every connected member; `force` looks at each outbox even if nothing is known due. */
  async flushAll(force = true): Promise<void> {
    const t = this.#deps.transport()
    if (t === undefined) return
    const { country, store, logger, metrics } = this.#deps
    try {
      // One peer that stalls must not hold up the others: deliveries run side by side.
      // A flush asked for while one runs to a peer is not dropped: that one goes round again.
      await Promise.allSettled(
        t.connectedMembers().map(async (peer) => {
          try {
            await this.#deps.replicator.deliver(peer, (c, n, f, o) => t.request(c, n, f, o), { force })
          } catch (e) {
            // The failed items back off; the timer tries again when they are due.
            logger()?.debug({ peer, err: message(e) }, 'delivery failed, will retry')
          }
        }),
      )
      // Outbox depth and lag scan the outbox: every 5 s, not on every delivery.
      if (Date.now() - this.#outboxMetricsAt < 5000) return
      this.#outboxMetricsAt = Date.now()
      const depths = await store.outboxDepth()
      const members = this.#deps.membership().document.members
      // Every member, zeros included: a drained outbox must read 0, not its last depth.
      metrics()?.outbox(
        Object.fromEntries(
          members.filter((m) => m.country !== country).map((m) => [m.country, depths[m.country] ?? 0]),
        ),
      )
      metrics()?.peers(t.connectedMembers().length)
      // Replication lag per peer: how long the oldest entry still waiting for it has waited.
      for (const member of this.#deps.membership().document.members) {
        if (member.country === country) continue
        const oldest =
          (depths[member.country] ?? 0) === 0
            ? undefined
            : (await store.outbox(member.country, '9999-12-31T23:59:59Z', 1000)).reduce<string | undefined>(
                (a, o) => (a === undefined || o.enqueuedAt < a ? o.enqueuedAt : a),
                undefined,
              )
        metrics()?.lag?.(
          member.country,
          oldest === undefined ? 0 : Math.max(0, (Date.parse(this.#deps.now()) - Date.parse(oldest)) / 1000),
        )
      }
    } catch (e) {
      // The store closes under a flush in flight at stop(): nothing to do but log.
      logger()?.debug({ err: message(e) }, 'flush interrupted')
    }
  }

  /** Catches up with one member: membership first, then entries, in rounds until nothing is left. */
  async syncWith(country: string, full = true): Promise<void> {
    const t = this.#deps.transport()
    if (t === undefined) return
    if (this.#syncing.has(country)) {
      if (full) this.#syncing.set(country, true)
      return
    }
    this.#syncing.set(country, false)
    try {
      try {
        await this.#deps.syncMembership(country)
      } catch (e) {
        this.#deps.logger()?.debug({ peer: country, err: message(e) }, 'membership sync failed')
      }
      for (let again = true; again; full = true) {
        this.#syncing.set(country, false)
        try {
          // Rounds until nothing is left (a node that was away for long catches up in rounds).
          await this.#deps.replicator.sync(country, (c, n, f, o) => t.request(c, n, f, o), { full })
        } catch (e) {
          this.#deps.logger()?.debug({ peer: country, err: message(e) }, 'sync failed')
        }
        again = this.#syncing.get(country) === true
      }
    } finally {
      this.#syncing.delete(country)
    }
  }
}
