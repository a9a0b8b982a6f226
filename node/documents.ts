/**
 * The node's view of its documents: for each, the DocumentLog of verified entries (rebuilt from
 * the store on first use, every entry verified again), its computed state, audience and the
 * record kept in the store with its search indexes.
 */
import type { Message } from '../protocol/messages/index.ts'
import { audienceOf, computeState, DocumentLog, readEntry } from '../protocol/log/index.ts'
import type { DocumentState } from '../protocol/log/index.ts'
import type { Membership } from '../protocol/membership/index.ts'
import type { DocumentIndex, DocumentRecord, Store } from './storage/types.ts'

export interface LoadedDocument {
  readonly log: DocumentLog
  state: DocumentState
  audience: string[]
}

export function stateOf(log: DocumentLog, membership: Membership): DocumentState {
  return computeState({ documentId: log.documentId, entries: log.entries(), frozen: log.frozen(), forks: log.forks() }, membership)
}

function indexOf(doc: LoadedDocument): DocumentIndex {
  const { state, log } = doc
  const entryMessage = (id: string | undefined): Message | undefined => (id === undefined ? undefined : log.get(id)?.message)
  if (state.kind === 'guarantee') {
    const reg = entryMessage(state.facts.registered?.entry) as Message<'GuaranteeRegistered'> | undefined
    return {
      status: state.status,
      offices: reg === undefined ? [] : [reg.GuaranteeOffice.referenceNumber],
      traders: reg?.Principal.identificationNumber === undefined ? [] : [reg.Principal.identificationNumber],
      vehicles: [],
      containers: [],
    }
  }
  const f = state.facts
  // The current declaration data: the latest effective amendment, else the lodged declaration.
  const declarations = state.entries.filter((e) => e.effect.effective && (e.type === 'DeclarationLodged' || e.type === 'DeclarationAmended'))
  const decl = entryMessage(declarations.at(-1)?.id) as Message<'DeclarationLodged'> | undefined
  const offices = new Set<string>([...(f.declaration ? [f.declaration.departure, f.declaration.destination, ...f.declaration.transitOffices] : []), ...f.passages.map((p) => p.office), ...f.diversions.map((d) => d.office), ...(f.arrival ? [f.arrival.office] : [])])
  const parties = decl === undefined ? [] : [decl.HolderOfTheTransitProcedure, decl.Consignment.Consignor, decl.Consignment.Consignee]
  return {
    mrn: state.documentId,
    lrn: decl?.TransitOperation.LRN,
    status: state.status,
    offices: [...offices].sort(),
    traders: [...new Set(parties.flatMap((p) => (p.identificationNumber === undefined ? [] : [p.identificationNumber])))].sort(),
    vehicles: [...new Set((decl?.Consignment.DepartureTransportMeans ?? []).map((m) => m.identificationNumber))].sort(),
    containers: [...new Set((decl?.Consignment.TransportEquipment ?? []).flatMap((t) => (t.containerIdentificationNumber === undefined ? [] : [t.containerIdentificationNumber])))].sort(),
  }
}

export function recordOf(doc: LoadedDocument, now: string): DocumentRecord {
  return {
    documentId: doc.state.documentId,
    kind: doc.state.kind,
    audience: doc.audience,
    status: doc.state.status,
    stateHash: doc.state.hash,
    updatedAt: now,
    index: indexOf(doc),
    state: JSON.parse(JSON.stringify(doc.state)) as unknown,
  }
}

/**
 * Loaded documents by id. A document is read from the store (and re-verified) once; concurrent
 * callers share the same load, so a slow load can never overwrite a newer state. At most
 * `capacity` documents stay in memory (least recently used leave first).
 */
export class DocumentCache {
  readonly #docs = new Map<string, Promise<LoadedDocument>>()
  readonly #store: Store
  readonly #capacity: number
  #membership: Membership

  constructor(store: Store, membership: Membership, capacity = 2000) {
    this.#store = store
    this.#membership = membership
    this.#capacity = capacity
  }

  /** A new membership changes keys and office roles: every state is recomputed on next use. */
  set membership(m: Membership) {
    this.#membership = m
    this.#docs.clear()
  }

  get(documentId: string): Promise<LoadedDocument> {
    const known = this.#docs.get(documentId)
    if (known !== undefined) {
      this.#docs.delete(documentId)
      this.#docs.set(documentId, known)
      return known
    }
    const loading = this.#load(documentId)
    this.#docs.set(documentId, loading)
    loading.catch(() => this.#docs.delete(documentId))
    while (this.#docs.size > this.#capacity) this.#docs.delete(this.#docs.keys().next().value as string)
    return loading
  }

  async #load(documentId: string): Promise<LoadedDocument> {
    const log = new DocumentLog(documentId)
    for (const stored of await this.#store.entriesOf(documentId)) {
      // Entries were verified before they were stored; verifying again on load means a
      // corrupted or tampered data folder is noticed instead of trusted.
      log.add(readEntry(stored.bytes, this.#membership))
    }
    const state = stateOf(log, this.#membership)
    return { log, state, audience: audienceOf(state, this.#membership) }
  }

  refresh(doc: LoadedDocument): void {
    doc.state = stateOf(doc.log, this.#membership)
    doc.audience = audienceOf(doc.state, this.#membership)
  }

  /** Forgets a document, so the next get() rebuilds it from the store. */
  evict(documentId: string): void {
    this.#docs.delete(documentId)
  }
}
