/**
 * A country's node: its store, its view of the membership, the libp2p host that talks only to
 * members, replication, and the service its local users reach through the HTTP API. start()
 * brings it up; stop() (or `await using`) brings it down cleanly. SisNode only assembles the
 * parts, each in its own module: membership keeping (membership.ts), the peer protocol handlers
 * (handlers/), when to deliver and sync (scheduler.ts), writing as this node and the kinds'
 * context (writer.ts), who sees what (access.ts), reading documents (reader.ts) and the
 * operator's operations (operations.ts).
 */
import { EventEmitter } from 'node:events'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { isSisError } from '../protocol/errors.ts'
import type { Membership } from '../protocol/membership/index.ts'
import { Access } from './access.ts'
import type { NodeConfig } from './config.ts'
import { DATA_FILES } from './config.ts'
import { DocumentCache } from './documents.ts'
import { registerHandlers } from './handlers/index.ts'
import { sendReceipt } from './handlers/receipt.ts'
import { MembershipKeeper } from './membership.ts'
import { CatchUpLog } from './catch-up-log.ts'
import { peerIdOfKey } from './p2p/peer-key.ts'
import { publicKeyToBase64 } from '../protocol/crypto/index.ts'
import { Operations } from './operations.ts'
import { Reader } from './reader.ts'
import { Replicator } from './replication.ts'
import type { Transport } from './replication.ts'
import { Scheduler } from './scheduler.ts'
import type { SchedulerMetrics } from './scheduler.ts'
import type {
  Health,
  LogView,
  NodeEvent,
  NodeService,
  NodeStatus,
  OutboxView,
  Principal,
  ReceiptsView,
  SubmitResult,
} from './service.ts'
import { LevelStore } from './storage/index.ts'
import type { DocumentRecord, SearchQuery, Store } from './storage/types.ts'
import { Writer } from './writer.ts'

export interface NodeParts {
  readonly transport: Transport & {
    start(): Promise<void>
    stop(): Promise<void>
    onMemberConnected(cb: (country: string) => void): void
    membersChanged?(): Promise<void>
  }
  readonly api?: { app: FastifyInstance; listen(): Promise<string> }
  readonly logger: Logger
  readonly metrics?: SchedulerMetrics & {
    refused(code: string, peer?: string): void
    received(peer: string, n: number): void
    delivered(peer: string, n: number): void
  }
}

export class SisNode implements NodeService {
  readonly country: string
  readonly #store: Store
  readonly #replicator: Replicator
  readonly #events = new EventEmitter()
  readonly #keeper: MembershipKeeper
  readonly #access: Access
  readonly #reader: Reader
  readonly #writer: Writer
  readonly #scheduler: Scheduler
  readonly #operations: Operations
  readonly #keyId: string
  readonly #signingKey: NodeConfig['signingKey']
  readonly #now: () => string
  #parts: NodeParts | undefined
  #apiUrl: string | undefined
  #startedAt: string | undefined

  constructor(config: NodeConfig, store?: Store) {
    this.country = config.file.country
    this.#keyId = config.file.keyId
    this.#signingKey = config.signingKey
    this.#now = () => config.now?.() ?? new Date().toISOString()
    const country = this.country
    const now = this.#now
    const logger = () => this.#parts?.logger
    const transport = () => this.#parts?.transport
    const membership = () => this.#keeper.current
    const catchUp = new CatchUpLog(logger)
    this.#store = store ?? new LevelStore(join(config.dataDir, DATA_FILES.store))
    const docs = new DocumentCache(this.#store, config.membership)
    this.#replicator = new Replicator({
      country,
      store: this.#store,
      docs,
      membership: config.membership,
      now,
      events: {
        documentChanged: (doc) =>
          this.#emit({
            type: 'document-changed',
            documentId: doc.state.documentId,
            kind: doc.state.kind,
            status: doc.state.status,
            at: now(),
          }),
        refused: (peer, err) => {
          this.#parts?.logger.warn({ peer, code: err.code }, 'entry refused')
          this.#parts?.metrics?.refused(err.code, peer)
          this.#emit({ type: 'entry-refused', at: now(), detail: `${peer ?? 'local'}: ${err.code}` })
        },
        delivered: (peer, n) => this.#parts?.metrics?.delivered(peer, n),
        received: (peer, n) => {
          if (peer !== undefined) this.#parts?.metrics?.received(peer, n)
        },
        synced: (peer, ids) => this.#receiptFor(peer, ids),
        catchUp: (peer, p) => catchUp.report(peer, p),
      },
    })
    this.#keeper = new MembershipKeeper({
      country,
      store: this.#store,
      initial: config.membership,
      signed: config.membershipSigned,
      self: {
        peerId: peerIdOfKey(config.p2pKey),
        keyId: config.file.keyId,
        publicKey: publicKeyToBase64(config.signingKey.publicKey),
      },
      now,
      logger,
      transport,
      adopted: (view) => {
        docs.membership = view
        this.#replicator.membership = view
      },
    })
    this.#access = new Access(this.#store)
    this.#reader = new Reader({ access: this.#access, docs, store: this.#store, membership })
    this.#writer = new Writer({
      country,
      keyId: this.#keyId,
      signingKey: config.signingKey,
      replicator: this.#replicator,
      docs,
      store: this.#store,
      membership,
      now,
      transport,
      logger,
    })
    this.#scheduler = new Scheduler({
      country,
      replicator: this.#replicator,
      store: this.#store,
      membership,
      now,
      transport,
      logger,
      syncMembership: (c) => this.#keeper.syncFrom(c),
      metrics: () => this.#parts?.metrics,
    })
    this.#operations = new Operations({
      country,
      keyId: this.#keyId,
      store: this.#store,
      membership,
      now,
      logger,
      startedAt: () => this.#startedAt,
      connectedMembers: () => this.#parts?.transport.connectedMembers() ?? [],
      flush: () => void this.#scheduler.flushAll(),
      readiness: config.file.readiness,
    })
  }

  get apiUrl(): string | undefined {
    return this.#apiUrl
  }

  /** The membership in force (the p2p member directory reads it on every decision). */
  get membership(): Membership {
    return this.#keeper.current
  }

  #emit(e: NodeEvent): void {
    this.#events.emit('event', e)
  }

  /** Entries a sync brought from `peer` get the signed receipt pushed ones get (node/handlers/receipt.ts). */
  #receiptFor(peer: string, ids: readonly string[]): void {
    const t = this.#parts?.transport
    if (t === undefined) return
    sendReceipt(
      { country: this.country, keyId: this.#keyId, signingKey: this.#signingKey, store: this.#store },
      t,
      peer,
      ids,
    ).catch((e: unknown) => {
      // The peer keeps the entries in its outbox and pushes them again: it gets its receipt then.
      this.#parts?.logger.debug(
        { peer, err: e instanceof Error ? e.message : String(e) },
        'receipt for synced entries not delivered',
      )
    })
  }

  async start(parts: NodeParts): Promise<void> {
    this.#parts = parts
    this.#startedAt = new Date().toISOString()
    await this.#store.open()
    await this.#keeper.load()
    const t = parts.transport
    await registerHandlers(t, {
      push: {
        country: this.country,
        keyId: this.#keyId,
        signingKey: this.#signingKey,
        store: this.#store,
        ingest: (frames, from) => this.#replicator.ingest(frames, from),
      },
      sync: this.#replicator,
      membership: {
        store: this.#store,
        version: () => this.#keeper.current.document.version,
        ahead: (country) => this.#keeper.behind(country),
      },
      receipt: {
        country: this.country,
        membership: () => this.#keeper.current,
        now: () => this.#now(),
        store: this.#store,
      },
      kindContext: () => this.#writer.context(),
    })
    t.onMemberConnected((country) => {
      void this.#scheduler.syncWith(country)
      this.#emit({ type: 'peer-connected', at: this.#now(), detail: country })
    })
    await t.start()
    if (parts.api !== undefined) this.#apiUrl = await parts.api.listen()
    this.#scheduler.start()
    this.#events.on('event', (e: NodeEvent) => {
      if (e.type === 'document-changed') this.#scheduler.documentChanged()
    })
    this.#events.on('event', (e: NodeEvent) => {
      if (e.type === 'document-changed' && e.documentId !== undefined) this.#writer.react(e.documentId)
    })
    parts.logger.info({ country: this.country, api: this.#apiUrl }, 'node started')
  }

  async stop(): Promise<void> {
    this.#scheduler.stop()
    await this.#parts?.api?.app.close()
    await this.#parts?.transport.stop()
    await this.#store.close()
    this.#parts?.logger.info({ country: this.country }, 'node stopped')
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }

  /** Writes one entry as this node and stores it; resolves after the synced write. */
  write(type: string, documentId: string, body: Record<string, unknown>): Promise<SubmitResult> {
    return this.#writer.write(type, documentId, body)
  }

  // NodeService --------------------------------------------------------------------------------

  command(principal: Principal, kind: string, name: string, input: unknown): Promise<SubmitResult> {
    return this.#writer.command(principal, kind, name, input)
  }
  document(principal: Principal, documentId: string): Promise<DocumentRecord | undefined> {
    return this.#access.document(principal, documentId)
  }
  log(principal: Principal, documentId: string): Promise<LogView | undefined> {
    return this.#reader.log(principal, documentId)
  }
  receipts(principal: Principal, documentId: string): Promise<ReceiptsView | undefined> {
    return this.#reader.receipts(principal, documentId)
  }
  search(principal: Principal, query: SearchQuery): Promise<DocumentRecord[]> {
    return this.#access.search(principal, query)
  }
  exportBundle(principal: Principal, documentId: string): Promise<Uint8Array | undefined> {
    return this.#reader.exportBundle(principal, documentId)
  }

  subscribe(principal: Principal, listener: (event: NodeEvent) => void): () => void {
    const l = this.#access.filter(principal, listener)
    this.#events.on('event', l)
    return () => this.#events.off('event', l)
  }

  health(): Promise<Health> {
    return this.#operations.health()
  }
  updateMembership(principal: Principal, signed: unknown): Promise<{ version: number }> {
    return this.#keeper.update(principal, signed)
  }
  status(principal: Principal): Promise<NodeStatus> {
    return this.#operations.status(principal)
  }
  outbox(principal: Principal, query: { peer?: string; limit: number }): Promise<OutboxView> {
    return this.#operations.outbox(principal, query)
  }
  retryOutbox(principal: Principal, peer?: string): Promise<{ rescheduled: number }> {
    return this.#operations.retryOutbox(principal, peer)
  }
  backup(principal: Principal): Promise<{ fileName: string; chunks: AsyncIterable<Uint8Array> }> {
    return this.#operations.backup(principal)
  }

  /** For tests and the CLI: entries held for a document (exact bytes). */
  async entriesOf(documentId: string): Promise<Uint8Array[]> {
    return (await this.#store.entriesOf(documentId)).map((e) => e.bytes)
  }
}

export function errorCode(e: unknown): string {
  return isSisError(e) ? e.code : 'ERROR'
}
