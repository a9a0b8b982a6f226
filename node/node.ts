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
import { allocateGrn, allocateMrn } from '../protocol/codes/index.ts'
import { signXml } from '../protocol/dsig/index.ts'
import { DocumentLog, readAllEntries } from '../protocol/log/index.ts'
import { sha256Hex } from '../protocol/crypto/index.ts'
import { encodeMessage, validateMessage } from '../protocol/messages/index.ts'
import type { Message, MessageTypeName } from '../protocol/messages/index.ts'
import type { Membership } from '../protocol/membership/index.ts'
import { inForce, verifySignedMembership, withHistory } from '../protocol/membership/index.ts'
import { ACTION_TYPES, authorityFor, headerFor } from './authoring.ts'
import type { NodeConfig } from './config.ts'
import { DATA_FILES } from './config.ts'
import { DocumentCache, stateOf } from './documents.ts'
import { guaranteeWrites } from './guarantees.ts'
import type { GuaranteeView } from './guarantees.ts'
import { Replicator } from './replication.ts'
import type { Frames, Transport } from './replication.ts'
import type { LogView, NodeEvent, NodeService, NodeStatus, OutboxView, PeerStatus, Principal, SubmitResult, TransitAction } from './service.ts'
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
    await t.handle('presentation', (frames, from) => this.#answerPresentation(frames, from.country))
    t.onMemberConnected((country) => { void this.#syncWith(country); this.#emit({ type: 'peer-connected', at: this.#now(), detail: country }) })
    await t.start()
    if (parts.api !== undefined) this.#apiUrl = await parts.api.listen()
    // A tick delivers what fell due (retries); peers with nothing due are skipped without a look
    // at the store, except every 16th tick (about 5 s), which looks at every peer's outbox.
    this.#timer = setInterval(() => void this.#flushAll(++this.#flushTicks % 16 === 0), 300)
    // New entries leave as soon as they are durable, not at the next tick.
    this.#events.on('event', (e: NodeEvent) => { if (e.type === 'document-changed') setImmediate(() => void this.#flushAll(false)) })
    this.#events.on('event', (e: NodeEvent) => { if (e.type === 'document-changed' && e.documentId !== undefined) this.#guaranteeDuties(e.documentId) })
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
    if (principal.role !== 'admin') throw new SisError('MEMBERSHIP_INVALID', 'only an admin changes the membership', {})
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

  #sign<T extends MessageTypeName>(type: T, body: Omit<Message<T>, 'Header'>, documentId: string, log: Parameters<typeof headerFor>[1]['log'], authority: string[]): Uint8Array {
    const header = headerFor(type, { country: this.country, keyId: this.#config.file.keyId, documentId, log, authority, now: this.#now() })
    const message = { ...body, Header: header } as Message<T>
    return signXml(encodeMessage(type, message), this.#config.signingKey)
  }

  /** Writes one entry as this node and stores it; resolves after the synced write. */
  async write<T extends MessageTypeName>(type: T, documentId: string, body: Omit<Message<T>, 'Header'>): Promise<SubmitResult> {
    // Header (seq, previous, parents), signature and storage in one serialized step: two
    // concurrent writes must never both take the same seq (the node would equivocate).
    const r = await this.#replicator.serial(async () => {
      const doc = await this.#docs.get(documentId)
      const bytes = this.#sign(type, body, documentId, doc.log, authorityFor(type, doc.state))
      return this.#replicator.ingestUnlocked([bytes])
    })
    if (r.refused[0] !== undefined) throw r.refused[0].error
    if (r.accepted.length === 0) throw new SisError('LOG_MISSING_DEPENDENCIES', `the entry was not stored (${r.refused.map((x) => x.code).join(', ') || 'pending'})`, { documentId })
    const after = await this.#docs.get(documentId)
    return { documentId, entryId: r.accepted[0]!, status: after.state.status }
  }

  // NodeService --------------------------------------------------------------------------------

  #mayWrite(p: Principal): void {
    if (p.role === 'trader') throw new SisError('LOG_NOT_A_LOG_ENTRY', 'traders read their documents; officers and the national system write', { role: p.role })
  }

  /** Data scope (THREATS 28): a trader its own documents, an officer its office's, the rest all. */
  #sees(p: Principal, r: DocumentRecord): boolean {
    if (p.role === 'trader') return r.index.traders.includes(p.traderId)
    if (p.role === 'officer') return r.index.offices.includes(p.office)
    return true
  }

  /** An officer writes only in the name of its own office. */
  #actsAsOwnOffice(p: Principal, body: unknown): void {
    if (p.role !== 'officer') return
    const named = officesNamed(body)
    if (named.length > 0 && !named.includes(p.office)) throw new SisError('LOG_WRONG_DOCUMENT', `an officer of ${p.office} cannot write in the name of ${named.join(', ')}`, { office: p.office })
  }

  /** Year, country and a serial unique on this node, for the MRNs and GRNs it allocates. */
  #allocation(): { year: number; country: string; serial: string } {
    this.#serialCounter = (this.#serialCounter + 1) % 1296
    const now = this.#now()
    return { year: Number(now.slice(0, 4)), country: this.country, serial: (Date.parse(now).toString(36) + this.#serialCounter.toString(36).padStart(2, '0')).toUpperCase().slice(-12) }
  }

  async lodge(principal: Principal, declaration: { xml: string } | { json: unknown }): Promise<SubmitResult> {
    this.#mayWrite(principal)
    let body: Record<string, unknown>
    if ('xml' in declaration) {
      const v = validateMessage(declaration.xml)
      if (!v.ok) throw v.errors[0]!
      if (v.message.type !== 'DeclarationLodged') throw new SisError('MSG_UNKNOWN_TYPE', `expected DeclarationLodged, got ${v.message.type}`, {})
      body = { ...v.message.message } as Record<string, unknown>
      delete body.Header
    } else {
      body = structuredClone(declaration.json) as Record<string, unknown>
    }
    const op = (body.TransitOperation ?? {}) as Record<string, unknown>
    if (typeof op.MRN !== 'string' || op.MRN === '' || principal.role === 'officer') {
      // The node allocates MRNs for its officers (never trust a typed one); unique per node.
      op.MRN = allocateMrn({ ...this.#allocation(), procedure: 'J' })
      body.TransitOperation = op
    }
    this.#actsAsOwnOffice(principal, body)
    if ((await this.#store.getDocument(op.MRN as string)) !== undefined || (await this.#docs.get(op.MRN as string)).log.size > 0) {
      throw new SisError('LOG_DUPLICATE', `a transit with MRN ${op.MRN as string} already exists`, { documentId: op.MRN as string })
    }
    return this.write('DeclarationLodged', op.MRN as string, body as Omit<Message<'DeclarationLodged'>, 'Header'>)
  }

  async act(principal: Principal, documentId: string, action: TransitAction, body: unknown): Promise<SubmitResult> {
    this.#mayWrite(principal)
    const record = await this.#store.getDocument(documentId)
    if (record === undefined && action === 'diversion') {
      this.#actsAsOwnOffice(principal, body)
      return this.#divertHere(documentId, body as Omit<Message<'DiversionRequested'>, 'Header'>)
    }
    if (record === undefined || !this.#sees(principal, record)) throw new SisError('LOG_WRONG_DOCUMENT', `no transit ${documentId} here`, { documentId })
    this.#actsAsOwnOffice(principal, body)
    return this.write(ACTION_TYPES[action], documentId, body as Omit<Message<'WrittenOff'>, 'Header'>)
  }

  // Diversion to a country off the route --------------------------------------------------------

  /**
   * Goods under a transit this node does not hold are presented at one of its offices (the
   * driver hands over the MRN): the node asks the office of departure's country for the log
   * (the presentation protocol, like NCTS's request for the anticipated arrival record), writes
   * its DiversionRequested on top of it, and stores the whole log, which the diversion now puts
   * in its audience. The entries are verified like any others; nothing is stored if the
   * departure country refuses or the diversion is not effective.
   */
  async #divertHere(documentId: string, body: Omit<Message<'DiversionRequested'>, 'Header'>): Promise<SubmitResult> {
    const t = this.#parts?.transport
    const departure = documentId.slice(2, 4)
    const office = (body as { CustomsOfficeActual?: { referenceNumber?: string } }).CustomsOfficeActual?.referenceNumber
    if (t === undefined || departure === this.country || office === undefined) throw new SisError('LOG_WRONG_DOCUMENT', `no transit ${documentId} here`, { documentId })
    let frames: Frames
    try {
      frames = await t.request(departure, 'presentation', [new TextEncoder().encode(JSON.stringify({ documentId, office }))], { timeoutMs: 15_000 })
    } catch {
      throw new SisError('LOG_WRONG_DOCUMENT', `no transit ${documentId} could be obtained from ${departure} for a diversion to ${office}`, { documentId })
    }
    const r = await this.#replicator.serial(async () => {
      const log = new DocumentLog(documentId)
      for (const e of readAllEntries(frames, this.#membership)) log.add(e)
      const state = stateOf(log, this.#membership)
      const bytes = this.#sign('DiversionRequested', body, documentId, log, authorityFor('DiversionRequested', state))
      return this.#replicator.ingestUnlocked([...frames, bytes], departure)
    })
    const own = r.accepted.at(-1)
    if (own === undefined || r.refused.length > 0) throw r.refused[0]?.error ?? new SisError('LOG_WRONG_DOCUMENT', `the diversion of ${documentId} to ${office} was not taken: it does not bring ${this.country} into the transit`, { documentId })
    const after = await this.#docs.get(documentId)
    return { documentId, entryId: own, status: after.state.status }
  }

  /**
   * The presentation protocol, at the departure country's node: the log of a released transit,
   * for a member at one of whose offices the goods are presented. Any other case gets the same
   * refusal, whether or not the document exists.
   */
  async #answerPresentation(frames: Frames, from: string): Promise<Frames> {
    const refuse = () => new SisError('LOG_WRONG_DOCUMENT', 'no transit to present', {})
    let asked: { documentId?: unknown; office?: unknown }
    try { asked = JSON.parse(new TextDecoder().decode(frames[0] ?? new Uint8Array())) as typeof asked } catch { throw refuse() }
    if (typeof asked.documentId !== 'string' || typeof asked.office !== 'string' || asked.documentId.slice(2, 4) !== this.country) throw refuse()
    if (this.#membership.office(asked.office)?.country !== from) throw refuse()
    const doc = await this.#docs.get(asked.documentId)
    const s = doc.state
    if (doc.log.size === 0 || s.kind !== 'transit' || s.facts.released === undefined || s.facts.arrival !== undefined || s.facts.writtenOff !== undefined) throw refuse()
    this.#parts?.logger.info({ peer: from, documentId: asked.documentId, office: asked.office }, 'transit presented for a diversion')
    return (await this.#store.entriesOf(asked.documentId)).map((e) => e.bytes)
  }

  /**
   * Registers a guarantee issued by this country (GuaranteeRegistered on its own document); the
   * node allocates the GRN unless the national system gives one.
   */
  async registerGuarantee(principal: Principal, json: unknown): Promise<SubmitResult> {
    this.#mayWrite(principal)
    const body = structuredClone(json) as Record<string, unknown>
    const g = (body.Guarantee ?? {}) as Record<string, unknown>
    if (typeof g.GRN !== 'string' || g.GRN === '' || principal.role === 'officer') {
      g.GRN = allocateGrn(this.#allocation())
      body.Guarantee = g
    }
    const grn = g.GRN as string
    if (grn.slice(2, 4) !== this.country) throw new SisError('LOG_WRONG_DOCUMENT', `guarantee ${grn} is issued by ${grn.slice(2, 4)}: only the issuing country registers it`, { documentId: grn })
    this.#actsAsOwnOffice(principal, { CustomsOfficeOfDeparture: body.GuaranteeOffice })
    if ((await this.#store.getDocument(grn)) !== undefined) throw new SisError('LOG_DUPLICATE', `guarantee ${grn} is already registered`, { documentId: grn })
    return this.write('GuaranteeRegistered', grn, body as Omit<Message<'GuaranteeRegistered'>, 'Header'>)
  }

  /** Guarantee duties run one at a time, each on the state as it is then (no double reservation). */
  #duties: Promise<void> = Promise.resolve()

  /** As the issuing country, reserves or releases on its guarantees what a changed transit calls for (L11). */
  #guaranteeDuties(documentId: string): void {
    this.#duties = this.#duties.then(async () => {
      const doc = await this.#docs.get(documentId)
      if (doc.state.kind !== 'transit') return
      const f = doc.state.facts
      if (f.declaration === undefined || !f.declaration.guarantees.some((grn) => grn.slice(2, 4) === this.country)) return
      const views = new Map<string, GuaranteeView>()
      for (const grn of f.declaration.guarantees) {
        if (grn.slice(2, 4) !== this.country) continue
        const g = await this.#docs.get(grn)
        if (g.log.size > 0) views.set(grn, { state: g.state, entries: [...g.log.entries()] })
      }
      for (const w of guaranteeWrites(this.country, doc.state, doc.log.get(f.declaration.entry), (grn) => views.get(grn), this.#now())) {
        const r = await this.write(w.type, w.grn, w.body as Omit<Message<'GuaranteeReserved'>, 'Header'>)
        this.#parts?.logger.info({ guarantee: w.grn, transit: documentId, entry: r.entryId, type: w.type }, 'guarantee duty written')
      }
    }).catch((e: unknown) => {
      this.#parts?.logger.warn({ transit: documentId, err: e instanceof Error ? e.message : String(e) }, 'guarantee duty failed; retried on the next change of the transit')
    })
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

  async search(principal: Principal, query: SearchQuery): Promise<DocumentRecord[]> {
    // The scope is part of the query (indexed), so a limit counts documents the caller may see.
    const scoped = principal.role === 'trader' ? { ...query, trader: principal.traderId } : principal.role === 'officer' ? { ...query, office: principal.office } : query
    if ((principal.role === 'trader' && query.trader !== undefined && query.trader !== principal.traderId) || (principal.role === 'officer' && query.office !== undefined && query.office !== principal.office)) return []
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
    if (!roles.includes(p.role)) throw new Error(`the role ${p.role} may not run this operation`)
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
    if (snapshot === undefined) throw new Error('this store cannot take a snapshot')
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

/** Customs offices a message body names as the writer's office. */
function officesNamed(body: unknown): string[] {
  const fields = ['CustomsOfficeOfDeparture', 'CustomsOfficeOfTransitActual', 'CustomsOfficeOfIncidentRegistration', 'CustomsOfficeActual', 'CustomsOfficeOfDestinationActual']
  const b = (body ?? {}) as Record<string, { referenceNumber?: unknown } | undefined>
  return fields.flatMap((f) => (typeof b[f]?.referenceNumber === 'string' ? [b[f].referenceNumber as string] : []))
}
