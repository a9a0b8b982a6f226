/**
 * The node's view of its documents: for each, the DocumentLog of verified entries (rebuilt from
 * the store on first use, every entry verified again), its computed state, audience and the
 * record kept in the store with its search indexes.
 */
import type { Message } from '../protocol/messages/index.ts'
import { audienceOf, computeState, DocumentLog, readEntry } from '../protocol/log/index.ts'
import type { DocumentState, LogEntry } from '../protocol/log/index.ts'
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

/** Loaded documents by id; a document is read from the store (and re-verified) once. */
export class DocumentCache {
  readonly #docs = new Map<string, LoadedDocument>()
  readonly #store: Store
  #membership: Membership

  constructor(store: Store, membership: Membership) {
    this.#store = store
    this.#membership = membership
  }

  set membership(m: Membership) { this.#membership = m }

  async get(documentId: string): Promise<LoadedDocument> {
    const known = this.#docs.get(documentId)
    if (known !== undefined) return known
    const log = new DocumentLog(documentId)
    for (const stored of await this.#store.entriesOf(documentId)) {
      // Entries were verified before they were stored; verifying again on load means a
      // corrupted or tampered data folder is noticed instead of trusted.
      log.add(readEntry(stored.bytes, this.#membership))
    }
    const state = stateOf(log, this.#membership)
    const doc: LoadedDocument = { log, state, audience: audienceOf(state, this.#membership) }
    this.#docs.set(documentId, doc)
    return doc
  }

  refresh(doc: LoadedDocument): void {
    doc.state = stateOf(doc.log, this.#membership)
    doc.audience = audienceOf(doc.state, this.#membership)
  }

  /** Forgets a document, so the next get() rebuilds it from the store. */
  evict(documentId: string): void {
    this.#docs.delete(documentId)
  }

  entry(documentId: string, id: string): LogEntry | undefined {
    return this.#docs.get(documentId)?.log.get(id)
  }
}
