/**
 * The operator's operations on a running node (docs/operator-guide.md): its status (GET
 * /v1/status, `sis status`), the outbox view and making every waiting item due now (`sis outbox
 * list|retry`), a backup of the store as of one instant (`sis backup`) and the health probe.
 * Each checks the principal's role again (the API checks it first).
 */
import type { Logger } from 'pino'
import type { Membership } from '../protocol/membership/index.ts'
import { inForce } from '../protocol/membership/index.ts'
import { mayOperate } from './access.ts'
import { READINESS } from './config.ts'
import type { Readiness } from './config.ts'
import { NodeError } from './errors.ts'
import type { Health, NodeStatus, OutboxView, PeerStatus, Principal } from './service.ts'
import { encodeBackup } from './storage/backup.ts'
import type { OutboxItem, OutboxSlice, Store } from './storage/types.ts'
import { SOFTWARE_VERSION } from './version.ts'

export interface OperationsDeps {
  readonly country: string
  /** The key id this node signs with now. */
  readonly keyId: string
  readonly store: Pick<OutboxSlice, 'outbox' | 'outboxDepth' | 'retryOutbox'> & Pick<Store, 'snapshot'>
  /** The membership in force. */
  membership(): Membership
  now(): string
  /** When start() ran (undefined before). */
  startedAt(): string | undefined
  /** Members connected now (none before start). */
  connectedMembers(): string[]
  logger(): Logger | undefined
  /** Delivers what is due to every connected member (after a retry). */
  flush(): void
  /** node.json `readiness`; 'peer' when absent. */
  readonly readiness: Readiness | undefined
}

export class Operations {
  readonly #deps: OperationsDeps

  constructor(deps: OperationsDeps) {
    this.#deps = deps
  }

  /** Every other member, and every peer something still waits for (a member removed meanwhile). */
  #peerCountries(depths: Record<string, number>): string[] {
    const members = this.#deps
      .membership()
      .document.members.map((m) => m.country)
      .filter((c) => c !== this.#deps.country)
    return [...new Set([...members, ...Object.keys(depths)])].sort()
  }

  /** Every item waiting for a peer, due or backing off, in schedule order. */
  #waiting(peer: string, limit?: number): Promise<OutboxItem[]> {
    return this.#deps.store.outbox(peer, '9999-12-31T23:59:59.999Z', limit)
  }

  async status(principal: Principal): Promise<NodeStatus> {
    mayOperate(principal, ['admin', 'integration'])
    const { country } = this.#deps
    const doc = this.#deps.membership().document
    const now = this.#deps.now()
    const depths = await this.#deps.store.outboxDepth()
    const connected = new Set(this.#deps.connectedMembers())
    const peers: PeerStatus[] = []
    for (const peer of this.#peerCountries(depths)) {
      const depth = depths[peer] ?? 0
      // The oldest waiting item may sit anywhere in the schedule order (retries move items).
      const oldest =
        depth === 0
          ? undefined
          : (await this.#waiting(peer, 10_000)).reduce<string | undefined>(
              (a, o) => (a === undefined || o.enqueuedAt < a ? o.enqueuedAt : a),
              undefined,
            )
      peers.push({
        country: peer,
        connected: connected.has(peer),
        outboxDepth: depth,
        replicationLagSeconds: oldest === undefined ? 0 : Math.max(0, (Date.parse(now) - Date.parse(oldest)) / 1000),
      })
    }
    const started = this.#deps.startedAt() ?? now
    const me = doc.members.find((m) => m.country === country)
    return {
      country,
      softwareVersion: SOFTWARE_VERSION,
      keyId: this.#deps.keyId,
      keys: (me?.keys ?? []).map((k) => ({
        keyId: k.keyId,
        publicKey: k.publicKey,
        validFrom: k.validFrom,
        ...(k.revokedAt === undefined ? {} : { revokedAt: k.revokedAt }),
      })),
      membership: {
        version: doc.version,
        validFrom: doc.validFrom,
        validUntil: doc.validUntil,
        valid: inForce(doc, now),
        members: doc.members.length,
        quorum: doc.quorum,
      },
      peers,
      outboxTotal: Object.values(depths).reduce((a, n) => a + n, 0),
      startedAt: started,
      uptimeSeconds: Math.max(0, Math.round((Date.now() - Date.parse(started)) / 1000)),
    }
  }

  async outbox(principal: Principal, query: { peer?: string; limit: number }): Promise<OutboxView> {
    mayOperate(principal, ['admin', 'integration'])
    const depths = await this.#deps.store.outboxDepth()
    const peers = query.peer === undefined ? this.#peerCountries(depths) : [query.peer]
    const items = (await Promise.all(peers.map((p) => this.#waiting(p, query.limit))))
      .flat()
      .sort((a, b) =>
        a.nextAttemptAt < b.nextAttemptAt
          ? -1
          : a.nextAttemptAt > b.nextAttemptAt
            ? 1
            : a.peer < b.peer
              ? -1
              : a.peer > b.peer
                ? 1
                : 0,
      )
      .slice(0, query.limit)
    return { total: peers.reduce((a, p) => a + (depths[p] ?? 0), 0), items }
  }

  async retryOutbox(principal: Principal, peer?: string): Promise<{ rescheduled: number }> {
    mayOperate(principal, ['admin'])
    const now = this.#deps.now()
    let rescheduled = 0
    for (const p of peer === undefined ? this.#peerCountries(await this.#deps.store.outboxDepth()) : [peer]) {
      // Attempts stay as they are: they count deliveries tried, and the next failure backs off from there.
      const items = (await this.#waiting(p)).map((o) => ({ ...o, nextAttemptAt: now }))
      if (items.length === 0) continue
      await this.#deps.store.retryOutbox(items)
      rescheduled += items.length
    }
    this.#deps.logger()?.info({ peer: peer ?? 'all', rescheduled }, 'outbox: every waiting item made due now')
    setImmediate(() => this.#deps.flush())
    return { rescheduled }
  }

  async backup(principal: Principal): Promise<{ fileName: string; chunks: AsyncIterable<Uint8Array> }> {
    mayOperate(principal, ['admin'])
    const store = this.#deps.store
    const snapshot = store.snapshot
    if (snapshot === undefined) throw new NodeError('NODE_UNAVAILABLE', 'this store cannot take a snapshot', {})
    const createdAt = new Date().toISOString()
    // The snapshot is taken here, before the response starts: the file is the store as of now.
    const batches = snapshot.call(store, 256)
    this.#deps.logger()?.info({ createdAt }, 'backup started')
    return {
      fileName: `sis-${this.#deps.country}-${createdAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.sisbak`,
      chunks: encodeBackup({ country: this.#deps.country, createdAt, layout: '1' }, batches),
    }
  }

  /**
   * Ready: the membership in force is valid now and, with readiness 'peer', at least one other
   * member is connected (a federation of one needs none). `reasons` says what is missing.
   */
  async health(): Promise<Health> {
    const doc = this.#deps.membership().document
    const now = this.#deps.now()
    const readiness = this.#deps.readiness ?? READINESS[0]
    const others: string[] = doc.members.filter((m) => m.country !== this.#deps.country).map((m) => m.country)
    const connected = this.#deps.connectedMembers().filter((c) => others.includes(c)).length
    const reasons: string[] = []
    if (!inForce(doc, now))
      reasons.push(
        now < doc.validFrom
          ? `membership version ${doc.version} is not valid before ${doc.validFrom}`
          : `membership version ${doc.version} expired at ${doc.validUntil}`,
      )
    if (readiness === 'peer' && others.length > 0 && connected === 0)
      reasons.push(`no member connected (0 of ${others.length}); readiness is 'peer' in node.json`)
    return {
      live: true,
      ready: reasons.length === 0,
      reasons,
      readiness,
      peers: this.#deps.connectedMembers().length,
      members: doc.members.length,
      membershipVersion: doc.version,
      membershipValidUntil: doc.validUntil,
    }
  }
}
