/**
 * A country's node: its store, its view of the membership, the libp2p host that talks only to
 * members, replication, and the service its local users reach through the HTTP API. start()
 * brings it up; stop() (or `await using`) brings it down cleanly.
 */
import { EventEmitter } from 'node:events'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { SisError, isSisError } from '../protocol/errors.ts'
import { signXml } from '../protocol/dsig/index.ts'
import { kindOfType } from '../protocol/kinds/index.ts'
import { DocumentLog, dryRun, entryOf, readAllEntries, readSignedMessage } from '../protocol/log/index.ts'
import { sha256Hex } from '../protocol/crypto/index.ts'
import { encodeMessage } from '../protocol/messages/index.ts'
import type { Message, MessageTypeName, TypedMessage } from '../protocol/messages/index.ts'
import type { Membership } from '../protocol/membership/index.ts'
import { inForce, verifySignedMembership, withHistory } from '../protocol/membership/index.ts'
import { headerFor } from './authoring.ts'
import type { NodeConfig } from './config.ts'
import { DATA_FILES } from './config.ts'
import { DocumentCache, stateOf } from './documents.ts'
import { NodeError } from './errors.ts'
import type { KindContext } from './kinds/kind.ts'
import { NODE_KINDS, nodeKind } from './kinds/registry.ts'
import { mayWrite } from './kinds/scope.ts'
import { Replicator } from './replication.ts'
import type { Frames, IngestResult, Transport } from './replication.ts'
import type { LogView, NodeEvent, NodeService, NodeStatus, OutboxView, PeerStatus, Principal, ReceiptsView, SubmitResult } from './service.ts'
import { encodeBackup } from './storage/backup.ts'
import { LevelStore } from './storage/index.ts'
import type { DocumentRecord, OutboxItem, SearchQuery, Store } from './storage/types.ts'
import { writeTar } from './tar.ts'

export interface NodeParts {
  readonly transport: Transport & { start(): Promise<void>; stop(): Promise<void>; onMemberConnected(cb: (country: string) => void): void; membersChanged?(): Promise<void> }
  readonly api?: { app: FastifyInstance; listen(): Promise<string> }
  readonly logger: Logger
  readonly metrics?: { refused(code: string, peer?: string): void; received(peer: string, n: number): void; delivered(peer: string, n: number): void; outbox(depths: Record<string, number>): void; peers(n: number): void; lag?(peer: string, seconds: number): void }
}

export class SisNode implements NodeService {
  readonly country: string
  readonly #config: NodeConfig
  readonly #store: Store
  readonly #docs: DocumentCache
  readonly #replicator: Replicator
  readonly #events = new EventEmitter()
  #membership: Membership
  /** Every version adopted, oldest first: entries are judged under the version of their time. */
  #versions: Membership[] = []
  #parts: NodeParts | undefined
  #timer: NodeJS.Timeout | undefined
  #syncTimer: NodeJS.Timeout | undefined
  #apiUrl: string | undefined
  #serialCounter = 0
  #startedAt: string | undefined

  constructor(config: NodeConfig, store?: Store) {
    this.#config = config
    this.country = config.file.country
    this.#membership = config.membership
    this.#store = store ?? new LevelStore(join(config.dataDir, DATA_FILES.store))
    this.#docs = new DocumentCache(this.#store, this.#membership)
    this.#replicator = new Replicator({
      country: this.country, store: this.#store, docs: this.#docs, membership: this.#membership, now: () => this.#now(),
      events: {
        documentChanged: (doc) => this.#emit({ type: 'document-changed', documentId: doc.state.documentId, status: doc.state.status, at: this.#now() }),
        refused: (peer, err) => { this.#parts?.logger.warn({ peer, code: err.code }, 'entry refused'); this.#parts?.metrics?.refused(err.code, peer); this.#emit({ type: 'entry-refused', at: this.#now(), detail: `${peer ?? 'local'}: ${err.code}` }) },
        delivered: (peer, n) => this.#parts?.metrics?.delivered(peer, n),
        received: (peer, n) => { if (peer !== undefined) this.#parts?.metrics?.received(peer, n) },
      },
    })
  }

  get apiUrl(): string | undefined { return this.#apiUrl }

  /** The membership in force (the p2p member directory reads it on every decision). */
  get membership(): Membership { return this.#membership }

  #now(): string { return this.#config.now?.() ?? new Date().toISOString() }
  #emit(e: NodeEvent): void { this.#events.emit('event', e) }

  async start(parts: NodeParts): Promise<void> {
    this.#parts = parts
    this.#startedAt = new Date().toISOString()
    await this.#store.open()
    await this.#loadMembershipHistory()
    const t = parts.transport
    await t.handle('push', (frames, from) => this.#onPush(frames, from.country))
    await t.handle('sync', (frames, from) => this.#replicator.answerSync(from.country, this.#replicator.parseSync(frames[0])))
    await t.handle('membership', (frames) => this.#answerMembership(frames))
    for (const k of NODE_KINDS) for (const [name, handler] of Object.entries(k.protocols ?? {})) await t.handle(name, (frames, from) => handler(this.#ctx(), frames, from.country))
    t.onMemberConnected((country) => { void this.#syncWith(country); this.#emit({ type: 'peer-connected', at: this.#now(), detail: country }) })
    await t.start()
    if (parts.api !== undefined) this.#apiUrl = await parts.api.listen()
    // A tick delivers what fell due (retries); peers with nothing due are skipped without a look
    // at the store, except every 16th tick (about 5 s), which looks at every peer's outbox.
    this.#timer = setInterval(() => void this.#flushAll(++this.#flushTicks % 16 === 0), 300)
    // New entries leave as soon as they are durable, not at the next tick.
    this.#events.on('event', (e: NodeEvent) => { if (e.type === 'document-changed') setImmediate(() => void this.#flushAll(false)) })
    this.#events.on('event', (e: NodeEvent) => { if (e.type === 'document-changed' && e.documentId !== undefined) this.#react(e.documentId) })
    // Periodic sync asks only for what changed since the last one with each peer; every 20th
    // round (5 min) compares every shared document, as on connecting.
    this.#syncTimer = setInterval(() => { const full = ++this.#syncRound % 20 === 0; for (const c of t.connectedMembers()) void this.#syncWith(c, full) }, 15_000)
    parts.logger.info({ country: this.country, api: this.#apiUrl }, 'node started')
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer)
    clearInterval(this.#syncTimer)
    await this.#parts?.api?.app.close()
    await this.#parts?.transport.stop()
    await this.#store.close()
    this.#parts?.logger.info({ country: this.country }, 'node stopped')
  }

  async [Symbol.asyncDispose](): Promise<void> { await this.stop() }

  async #onPush(frames: Frames, from: string): Promise<Frames> {
    const result = await this.#replicator.ingest(frames, from)
    const held = [...new Set([...result.accepted, ...result.held])].sort()
    // One answer whatever the reason (refused, waiting, out of scope): it must not tell a peer
    // whether this node holds a document.
    if (held.length === 0) throw new SisError('LOG_MISSING_DEPENDENCIES', 'nothing of the push was taken', {})
    return [await this.#receipt(from, held)]
  }

  /**
   * The signed DeliveryReceipt for entries held. Deterministic (its time is when the last of them
   * was stored, its id derives from theirs, Ed25519 is deterministic), so a duplicate delivery is
   * answered with the original receipt, byte for byte.
   */
  async #receipt(peer: string, held: readonly string[]): Promise<Uint8Array> {
    const stored = (await Promise.all(held.map((id) => this.#store.getEntry(id)))).filter((e) => e !== undefined)
    const receivedAt = stored.map((e) => e.storedAt).sort().at(-1)!.replace(/\.\d+Z$/, 'Z')
    const header = {
      messageIdentification: `R-${sha256Hex(new TextEncoder().encode(held.join(','))).slice(0, 40)}`,
      messageType: 'DeliveryReceipt' as const,
      preparationDateAndTime: receivedAt,
      documentId: stored[0]!.documentId,
      authorCountry: this.country,
      authorKeyId: this.#config.file.keyId,
      sequenceNumber: '1',
      ruleVersion: '1',
      messageRecipient: peer,
    }
    return signXml(encodeMessage('DeliveryReceipt', { Header: header, Receipt: { receivedAt, EntryId: [...held].slice(0, 10_000) } }), this.#config.signingKey)
  }

  // Membership ----------------------------------------------------------------------------------

  /** Stores the membership given at start, and adopts any newer stored version (in sequence). */
  async #loadMembershipHistory(): Promise<void> {
    const enc = new TextEncoder()
    if (this.#config.membershipSigned !== undefined && (await this.#store.getMembership(this.#membership.document.version)) === undefined) {
      await this.#store.putMembership(this.#membership.document.version, enc.encode(JSON.stringify(this.#config.membershipSigned)))
    }
    this.#versions = [this.#membership]
    const latest = await this.#store.latestMembership()
    for (let v = this.#membership.document.version + 1; latest !== undefined && v <= latest.version; v++) {
      const next = await this.#store.getMembership(v)
      if (next === undefined) break
      const signed = JSON.parse(new TextDecoder().decode(next)) as { document: { issuedAt?: string; validFrom: string } }
      // Each stored version was checked when adopted; replay that check as of its own drafting.
      this.#setMembership(verifySignedMembership(signed, signed.document.issuedAt ?? signed.document.validFrom, this.#membership))
    }
    const doc = this.#membership.document
    const now = this.#now()
    if (!this.#membership.isMember(this.country)) throw new SisError('MEMBERSHIP_INVALID', `membership: ${this.country} is not a member of version ${doc.version}: the node fails closed`, { version: doc.version })
    if (!inForce(doc, now)) throw new SisError('MEMBERSHIP_INVALID', `membership: version ${doc.version}, the newest held, is valid from ${doc.validFrom} to ${doc.validUntil}, not now (${now}): the node fails closed`, { version: doc.version })
  }

  #setMembership(m: Membership): void {
    if (this.#versions.at(-1) !== m) this.#versions.push(m)
    this.#membership = m
    const view = withHistory(this.#versions)
    this.#docs.membership = view
    this.#replicator.membership = view
  }

  /** Verifies a signed membership against the one in force, stores it, and adopts it. */
  async #adopt(signed: unknown): Promise<number> {
    const next = verifySignedMembership(signed, this.#now(), this.#membership)
    await this.#store.putMembership(next.document.version, new TextEncoder().encode(JSON.stringify(signed)))
    this.#setMembership(next)
    this.#parts?.logger.info({ version: next.document.version }, 'membership updated')
    await this.#parts?.transport.membersChanged?.()
    return next.document.version
  }

  /** The membership protocol: the stored versions newer than the asker's. */
  async #answerMembership(frames: Frames): Promise<Frames> {
    const asked = (JSON.parse(new TextDecoder().decode(frames[0] ?? new Uint8Array())) as { version?: unknown }).version
    const from = typeof asked === 'number' && Number.isSafeInteger(asked) ? asked : 0
    const out: Uint8Array[] = []
    for (let v = from + 1; v <= this.#membership.document.version && out.length < 16; v++) {
      const m = await this.#store.getMembership(v)
      if (m !== undefined) out.push(m)
    }
    return out
  }

  async #syncMembership(country: string): Promise<void> {
    const t = this.#parts?.transport
    if (t === undefined) return
    const newer = await t.request(country, 'membership', [new TextEncoder().encode(JSON.stringify({ version: this.#membership.document.version }))], { timeoutMs: 10_000 })
    for (const frame of newer) {
      try {
        await this.#adopt(JSON.parse(new TextDecoder().decode(frame)))
      } catch (e) {
        this.#parts?.logger.warn({ peer: country, code: errorCode(e) }, 'a newer membership from a peer was refused')
        break
      }
    }
  }

  async updateMembership(principal: Principal, signed: unknown): Promise<{ version: number }> {
    if (principal.role !== 'admin') throw new NodeError('NODE_FORBIDDEN', 'only an admin changes the membership', { role: principal.role })
    try {
      return { version: await this.#adopt(signed) }
    } catch (e) {
      // A refused document is bad input (400), not a node whose own membership failed (503).
      if (e instanceof SisError && e.code === 'MEMBERSHIP_INVALID') throw new SisError('MSG_INVALID_VALUE', e.message, e.details)
      throw e
    }
  }

  /** Peers a sync runs with now; true when a full one was asked for meanwhile (it runs after). */
  readonly #syncing = new Map<string, boolean>()
  #syncRound = 0
  async #syncWith(country: string, full = true): Promise<void> {
    const t = this.#parts?.transport
    if (t === undefined) return
    if (this.#syncing.has(country)) {
      if (full) this.#syncing.set(country, true)
      return
    }
    this.#syncing.set(country, false)
    try {
      try { await this.#syncMembership(country) } catch (e) {
        this.#parts?.logger.debug({ peer: country, err: e instanceof Error ? e.message : String(e) }, 'membership sync failed')
      }
      for (let again = true; again; full = true) {
        this.#syncing.set(country, false)
        try {
          // Rounds until nothing is left (a node that was away for long catches up in rounds).
          await this.#replicator.sync(country, (c, n, f, o) => t.request(c, n, f, o), { full })
        } catch (e) {
          this.#parts?.logger.debug({ peer: country, err: e instanceof Error ? e.message : String(e) }, 'sync failed')
        }
        again = this.#syncing.get(country) === true
      }
    } finally {
      this.#syncing.delete(country)
    }
  }

  #outboxMetricsAt = 0
  #flushTicks = 0
  /** Delivers to every connected member; `force` looks at each outbox even if nothing is known due. */
  async #flushAll(force = true): Promise<void> {
    const t = this.#parts?.transport
    if (t === undefined) return
    try {
      // One peer that stalls must not hold up the others: deliveries run side by side.
      // A flush asked for while one runs to a peer is not dropped: that one goes round again.
      await Promise.allSettled(t.connectedMembers().map(async (peer) => {
        try { await this.#replicator.deliver(peer, (c, n, f, o) => t.request(c, n, f, o), { force }) } catch (e) {
          // The failed items back off; the timer tries again when they are due.
          this.#parts?.logger.debug({ peer, err: e instanceof Error ? e.message : String(e) }, 'delivery failed, will retry')
        }
      }))
      // Outbox depth and lag scan the outbox: every 5 s, not on every delivery.
      if (Date.now() - this.#outboxMetricsAt < 5000) return
      this.#outboxMetricsAt = Date.now()
      const depths = await this.#store.outboxDepth()
      // Every member, zeros included: a drained outbox must read 0, not its last depth.
      this.#parts?.metrics?.outbox(Object.fromEntries(this.#membership.document.members.filter((m) => m.country !== this.country).map((m) => [m.country, depths[m.country] ?? 0])))
      this.#parts?.metrics?.peers(t.connectedMembers().length)
      // Replication lag per peer: how long the oldest entry still waiting for it has waited.
      for (const member of this.#membership.document.members) {
        if (member.country === this.country) continue
        const oldest = (depths[member.country] ?? 0) === 0 ? undefined : (await this.#store.outbox(member.country, '9999-12-31T23:59:59Z', 1000)).reduce<string | undefined>((a, o) => (a === undefined || o.enqueuedAt < a ? o.enqueuedAt : a), undefined)
        this.#parts?.metrics?.lag?.(member.country, oldest === undefined ? 0 : Math.max(0, (Date.parse(this.#now()) - Date.parse(oldest)) / 1000))
      }
    } catch (e) {
      // The store closes under a flush in flight at stop(): nothing to do but log.
      this.#parts?.logger.debug({ err: e instanceof Error ? e.message : String(e) }, 'flush interrupted')
    }
  }

  /**
   * The entry this node would write: header from the log, body as given, encoded (which
   * validates it) and dry-run through the kind's machine. Nothing is signed unless the entry
   * would take effect, or `evenIfIneffective` says the refusal must be on record.
   */
  #draft(type: string, body: Record<string, unknown>, documentId: string, log: DocumentLog, options: { evenIfIneffective?: boolean } = {}): Uint8Array {
    const state = stateOf(log, this.#membership)
    const kind = kindOfType(type)
    if (kind === undefined) throw new NodeError('NODE_CONFLICT', `${type} is not a log entry of any document kind`, { type })
    if (log.size > 0 && state.kind !== kind.name) throw new NodeError('NODE_CONFLICT', `${documentId} is a ${state.kind} document: ${type} does not belong in it`, { documentId, type })
    const header = headerFor(type, { country: this.country, keyId: this.#config.file.keyId, documentId, log, authority: kind.authority(type, state.facts), now: this.#now() })
    const message = { ...body, Header: header } as unknown as Message
    const xml = encodeMessage(type as MessageTypeName, message)
    if (options.evenIfIneffective !== true) {
      const draft = entryOf(new TextEncoder().encode(xml), { type, message } as TypedMessage)
      const effect = dryRun({ documentId, entries: log.entries(), frozen: log.frozen(), forks: log.forks() }, draft, this.#membership)
      if (!effect.effective) {
        const code = effect.code === 'not-authorised' ? 'NODE_FORBIDDEN' : 'NODE_CONFLICT'
        throw new NodeError(code, `${type} on ${documentId} would not take effect (${effect.code}): ${effect.reason}; nothing was signed`, { documentId, type, reason: effect.code })
      }
    }
    return signXml(xml, this.#config.signingKey)
  }

  /** Writes one entry as this node and stores it; resolves after the synced write. */
  async write(type: string, documentId: string, body: Record<string, unknown>, options: { evenIfIneffective?: boolean } = {}): Promise<SubmitResult> {
    // Header (seq, previous, parents), signature and storage in one serialized step: two
    // concurrent writes must never both take the same seq (the node would equivocate).
    const r = await this.#replicator.serial(async () => {
      const doc = await this.#docs.get(documentId)
      return this.#replicator.ingestUnlocked([this.#draft(type, body, documentId, doc.log, options)])
    })
    return this.#written(documentId, r)
  }

  async #written(documentId: string, r: IngestResult): Promise<SubmitResult> {
    if (r.refused[0] !== undefined) throw r.refused[0].error
    const own = r.accepted.at(-1)
    if (own === undefined) throw new NodeError('NODE_CONFLICT', `the entry was not stored (${r.refused.map((x) => x.code).join(', ') || 'pending'})`, { documentId })
    const after = await this.#docs.get(documentId)
    return { documentId, entryId: own, status: after.state.status }
  }

  /** A peer's log of a document, verified, with this node's entry on top: all stored, or nothing. */
  async #writeOnto(frames: Frames, from: string, type: string, documentId: string, body: Record<string, unknown>): Promise<SubmitResult> {
    const r = await this.#replicator.serial(async () => {
      const log = new DocumentLog(documentId)
      for (const e of readAllEntries(frames, this.#membership)) log.add(e)
      return this.#replicator.ingestUnlocked([...frames, this.#draft(type, body, documentId, log)], from)
    })
    return this.#written(documentId, r)
  }

  // NodeService --------------------------------------------------------------------------------

  /** Data scope (THREATS 28): a trader its own documents, an officer its office's, the rest all. */
  #sees(p: Principal, r: DocumentRecord): boolean {
    if (p.role === 'trader') return (r.index.keys.trader ?? []).includes(p.traderId)
    if (p.role === 'officer') return (r.index.keys.office ?? []).includes(p.office)
    return true
  }

  /** Year, country and a serial unique on this node, for the identifiers it allocates. */
  #allocation(): { year: number; country: string; serial: string } {
    this.#serialCounter = (this.#serialCounter + 1) % 1296
    const now = this.#now()
    return { year: Number(now.slice(0, 4)), country: this.country, serial: (Date.parse(now).toString(36) + this.#serialCounter.toString(36).padStart(2, '0')).toUpperCase().slice(-12) }
  }

  /** What the node lends its kinds (node/kinds/kind.ts). */
  #ctx(): KindContext {
    return {
      country: this.country,
      membership: () => this.#membership,
      logger: this.#parts?.logger,
      now: () => this.#now(),
      allocation: () => this.#allocation(),
      document: (id) => this.#docs.get(id),
      record: (id) => this.#store.getDocument(id),
      sees: (p, r) => this.#sees(p, r),
      write: (type, id, body, options) => this.write(type, id, body, options),
      writeOnto: (frames, from, type, id, body) => this.#writeOnto(frames, from, type, id, body),
      request: (country, protocol, frames, options) => {
        const t = this.#parts?.transport
        if (t === undefined) return Promise.reject(new NodeError('NODE_UNAVAILABLE', 'the node is not started', {}))
        return t.request(country, protocol, frames, options)
      },
      entryBytes: async (id) => (await this.#store.entriesOf(id)).map((e) => e.bytes),
    }
  }

  async command(principal: Principal, kind: string, name: string, input: unknown): Promise<SubmitResult> {
    mayWrite(principal)
    const run = nodeKind(kind)?.commands[name]
    if (run === undefined) throw new NodeError('NODE_NOT_FOUND', `no command ${name} for ${kind} documents`, { kind, command: name })
    return run(this.#ctx(), principal, input)
  }

  /** Kind reactions run one at a time, each on the state as it is then (no double reservation). */
  #reactions: Promise<void> = Promise.resolve()

  #react(documentId: string): void {
    this.#reactions = this.#reactions.then(async () => {
      const doc = await this.#docs.get(documentId)
      for (const k of NODE_KINDS) {
        if (k.react === undefined) continue
        try {
          await k.react(this.#ctx(), doc)
        } catch (e) {
          this.#parts?.logger.warn({ kind: k.kind.name, documentId, err: e instanceof Error ? e.message : String(e) }, 'a kind reaction failed; retried on the next change of the document')
        }
      }
    }).catch(() => undefined)
  }

  async document(principal: Principal, documentId: string): Promise<DocumentRecord | undefined> {
    const r = await this.#store.getDocument(documentId)
    return r !== undefined && this.#sees(principal, r) ? r : undefined
  }

  async log(principal: Principal, documentId: string): Promise<LogView | undefined> {
    if ((await this.document(principal, documentId)) === undefined) return undefined
    const doc = await this.#docs.get(documentId)
    const decoder = new TextDecoder()
    return {
      documentId,
      entries: doc.state.entries.map((o) => ({
        id: o.id, type: o.type, author: o.author, seq: o.seq, verified: true, effective: o.effect.effective,
        ...(o.effect.effective ? {} : { reason: `${o.effect.code}: ${o.effect.reason}` }),
        xml: decoder.decode(doc.log.get(o.id)?.bytes),
      })),
    }
  }

  async receipts(principal: Principal, documentId: string): Promise<ReceiptsView | undefined> {
    if ((await this.document(principal, documentId)) === undefined) return undefined
    const ids = new Set(await this.#store.entryIdsOf(documentId))
    const decoder = new TextDecoder()
    const out: ReceiptsView['receipts'][number][] = []
    for (const r of await this.#store.receipts()) {
      const entryIds = r.entryIds.filter((id) => ids.has(id))
      if (entryIds.length === 0) continue
      let reason: string | undefined
      try {
        const m = readSignedMessage(r.bytes, this.#membership)
        if (m.type !== 'DeliveryReceipt' || m.message.Header.authorCountry !== r.peer) reason = `not a DeliveryReceipt signed by ${r.peer}`
      } catch (e) {
        reason = isSisError(e) ? `${e.code}: ${e.message}` : String(e)
      }
      out.push({ peer: r.peer, receivedAt: r.receivedAt, entryIds, verified: reason === undefined, ...(reason === undefined ? {} : { reason }), xml: decoder.decode(r.bytes) })
    }
    return { documentId, receipts: out }
  }

  async search(principal: Principal, query: SearchQuery): Promise<DocumentRecord[]> {
    // The scope is part of the query (indexed), so a limit counts documents the caller may see.
    const keys = query.keys ?? {}
    const scope: Record<string, string> = principal.role === 'trader' ? { trader: principal.traderId } : principal.role === 'officer' ? { office: principal.office } : {}
    if (Object.entries(scope).some(([k, v]) => keys[k] !== undefined && keys[k] !== v)) return []
    const scoped = { ...query, keys: { ...keys, ...scope } }
    return (await this.#store.search(scoped)).filter((r) => this.#sees(principal, r))
  }

  async exportBundle(principal: Principal, documentId: string): Promise<Uint8Array | undefined> {
    if ((await this.document(principal, documentId)) === undefined) return undefined
    const entries = await this.#store.entriesOf(documentId)
    return writeTar(entries.map((e) => ({ name: `${documentId}/${e.author}-${String(e.seq).padStart(6, '0')}-${e.id.slice(0, 16)}.xml`, bytes: e.bytes })))
  }

  subscribe(principal: Principal, listener: (event: NodeEvent) => void): () => void {
    const l = (e: NodeEvent) => {
      if (principal.role === 'admin' || principal.role === 'integration') { listener(e); return }
      if (e.type !== 'document-changed' || e.documentId === undefined) return
      void this.#store.getDocument(e.documentId).then((r) => { if (r !== undefined && this.#sees(principal, r)) listener(e) }, () => undefined)
    }
    this.#events.on('event', l)
    return () => this.#events.off('event', l)
  }

  async health(): Promise<{ live: boolean; ready: boolean; peers: number; members: number; membershipVersion?: number; membershipValidUntil?: string }> {
    const doc = this.#membership.document
    return { live: true, ready: inForce(doc, this.#now()), peers: this.#parts?.transport.connectedMembers().length ?? 0, members: doc.members.length, membershipVersion: doc.version, membershipValidUntil: doc.validUntil }
  }

  // Operations (admin) ------------------------------------------------------------------------

  #operator(p: Principal, roles: readonly Principal['role'][]): void {
    // The API checks roles first; this is the second lock on the same door.
    if (!roles.includes(p.role)) throw new NodeError('NODE_FORBIDDEN', `the role ${p.role} may not run this operation`, { role: p.role })
  }

  /** Every other member, and every peer something still waits for (a member removed meanwhile). */
  #peerCountries(depths: Record<string, number>): string[] {
    const members = this.#membership.document.members.map((m) => m.country).filter((c) => c !== this.country)
    return [...new Set([...members, ...Object.keys(depths)])].sort()
  }

  /** Every item waiting for a peer, due or backing off, in schedule order. */
  #waiting(peer: string, limit?: number): Promise<OutboxItem[]> {
    return this.#store.outbox(peer, '9999-12-31T23:59:59.999Z', limit)
  }

  async status(principal: Principal): Promise<NodeStatus> {
    this.#operator(principal, ['admin', 'integration'])
    const doc = this.#membership.document
    const now = this.#now()
    const depths = await this.#store.outboxDepth()
    const connected = new Set(this.#parts?.transport.connectedMembers() ?? [])
    const peers: PeerStatus[] = []
    for (const country of this.#peerCountries(depths)) {
      const depth = depths[country] ?? 0
      // The oldest waiting item may sit anywhere in the schedule order (retries move items).
      const oldest = depth === 0 ? undefined : (await this.#waiting(country, 10_000)).reduce<string | undefined>((a, o) => (a === undefined || o.enqueuedAt < a ? o.enqueuedAt : a), undefined)
      peers.push({ country, connected: connected.has(country), outboxDepth: depth, replicationLagSeconds: oldest === undefined ? 0 : Math.max(0, (Date.parse(now) - Date.parse(oldest)) / 1000) })
    }
    const started = this.#startedAt ?? now
    const me = doc.members.find((m) => m.country === this.country)
    return {
      country: this.country,
      softwareVersion: SOFTWARE_VERSION,
      keyId: this.#config.file.keyId,
      keys: (me?.keys ?? []).map((k) => ({ keyId: k.keyId, publicKey: k.publicKey, validFrom: k.validFrom, ...(k.revokedAt === undefined ? {} : { revokedAt: k.revokedAt }) })),
      membership: { version: doc.version, validFrom: doc.validFrom, validUntil: doc.validUntil, valid: inForce(doc, now), members: doc.members.length, quorum: doc.quorum },
      peers,
      outboxTotal: Object.values(depths).reduce((a, n) => a + n, 0),
      startedAt: started,
      uptimeSeconds: Math.max(0, Math.round((Date.now() - Date.parse(started)) / 1000)),
    }
  }

  async outbox(principal: Principal, query: { peer?: string; limit: number }): Promise<OutboxView> {
    this.#operator(principal, ['admin', 'integration'])
    const depths = await this.#store.outboxDepth()
    const peers = query.peer === undefined ? this.#peerCountries(depths) : [query.peer]
    const items = (await Promise.all(peers.map((p) => this.#waiting(p, query.limit)))).flat()
      .sort((a, b) => (a.nextAttemptAt < b.nextAttemptAt ? -1 : a.nextAttemptAt > b.nextAttemptAt ? 1 : a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0))
      .slice(0, query.limit)
    return { total: peers.reduce((a, p) => a + (depths[p] ?? 0), 0), items }
  }

  async retryOutbox(principal: Principal, peer?: string): Promise<{ rescheduled: number }> {
    this.#operator(principal, ['admin'])
    const now = this.#now()
    let rescheduled = 0
    for (const p of peer === undefined ? this.#peerCountries(await this.#store.outboxDepth()) : [peer]) {
      // Attempts stay as they are: they count deliveries tried, and the next failure backs off from there.
      const items = (await this.#waiting(p)).map((o) => ({ ...o, nextAttemptAt: now }))
      if (items.length === 0) continue
      await this.#store.retryOutbox(items)
      rescheduled += items.length
    }
    this.#parts?.logger.info({ peer: peer ?? 'all', rescheduled }, 'outbox: every waiting item made due now')
    setImmediate(() => void this.#flushAll())
    return { rescheduled }
  }

  async backup(principal: Principal): Promise<{ fileName: string; chunks: AsyncIterable<Uint8Array> }> {
    this.#operator(principal, ['admin'])
    const snapshot = this.#store.snapshot
    if (snapshot === undefined) throw new NodeError('NODE_UNAVAILABLE', 'this store cannot take a snapshot', {})
    const createdAt = new Date().toISOString()
    // The snapshot is taken here, before the response starts: the file is the store as of now.
    const batches = snapshot.call(this.#store, 256)
    this.#parts?.logger.info({ createdAt }, 'backup started')
    return {
      fileName: `sis-${this.country}-${createdAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.sisbak`,
      chunks: encodeBackup({ country: this.country, createdAt, layout: '1' }, batches),
    }
  }

  /** For tests and the CLI: entries held for a document (exact bytes). */
  async entriesOf(documentId: string): Promise<Uint8Array[]> {
    return (await this.#store.entriesOf(documentId)).map((e) => e.bytes)
  }
}

/** This checkout's version (package.json), reported by GET /v1/status. */
const SOFTWARE_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown'
  } catch {
    return 'unknown'
  }
})()

export function errorCode(e: unknown): string {
  return isSisError(e) ? e.code : 'ERROR'
}
