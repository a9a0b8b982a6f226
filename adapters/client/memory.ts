/**
 * An in-memory NodeClient for unit tests and the conformance kit: it validates every body with
 * the protocol's own schemas and rules (as the node does), keeps each document's entries as
 * message XML, moves the status along the transit lifecycle, and emits document-changed events.
 * It is a stand-in for the node's API, not for its log: no signatures, no replication, and a
 * simplified state machine (an out-of-sequence action is stored as ineffective, as on the node).
 * `failNext` injects transient failures (503) to exercise the adapters' retries.
 */
import { allErrors, SisError } from '../../protocol/errors.ts'
import { allocateMrn, checkMessage, encodeMessage } from '../../protocol/index.ts'
import { decodeBody } from '../../protocol/messages/index.ts'
import type { Message, MessageTypeName } from '../../protocol/index.ts'
import { ACTION_MESSAGE_TYPES, NodeClientError } from '../contract.ts'
import type {
  DocumentView,
  EventHandlers,
  EventSubscription,
  LogEntryView,
  NodeClient,
  NodeEvent,
  SubmitResult,
  TransitAction,
} from '../contract.ts'

interface Doc {
  documentId: string
  lrn: string
  status: string
  updatedAt: string
  offices: string[]
  entries: LogEntryView[]
}

/** status → action → next status. Actions not listed for a status are out of sequence. */
const LIFECYCLE: Record<string, Partial<Record<TransitAction, string>>> = {
  lodged: {
    accept: 'accepted',
    reject: 'rejected',
    amend: 'lodged',
    'invalidation-request': 'lodged',
    'invalidation-decision': 'invalidated',
  },
  accepted: {
    release: 'released',
    amend: 'accepted',
    'invalidation-request': 'accepted',
    'invalidation-decision': 'invalidated',
  },
  released: { passage: 'released', incident: 'released', diversion: 'released', arrival: 'arrived' },
  arrived: { 'arrival-advice': 'arrived', control: 'controlled', incident: 'arrived' },
  controlled: { 'write-off': 'written-off' },
}

export interface MemoryCall {
  readonly operation: 'lodge' | TransitAction
  readonly documentId: string
  readonly ok: boolean
  readonly code?: string
}

export class InMemoryNodeClient implements NodeClient {
  readonly country: string
  readonly #docs = new Map<string, Doc>()
  readonly #listeners = new Set<EventHandlers>()
  readonly #now: () => string
  #failures: { remaining: number; status: number } = { remaining: 0, status: 503 }
  #seq = 0
  /** Every write attempted, in order (for assertions). */
  readonly calls: MemoryCall[] = []

  constructor(opts: { country?: string; now?: () => string } = {}) {
    this.country = opts.country ?? 'CN'
    this.#now = opts.now ?? (() => new Date().toISOString().replace(/\.\d+Z$/, 'Z'))
  }

  /** The next `n` requests fail with `status` (503 by default) before reaching the store. */
  failNext(n: number, status = 503): void {
    this.#failures = { remaining: n, status }
  }

  #maybeFail(): void {
    if (this.#failures.remaining <= 0) return
    this.#failures.remaining--
    throw new NodeClientError(
      this.#failures.status,
      this.#failures.status === 503 ? 'API_UNAVAILABLE' : `HTTP_${this.#failures.status}`,
      'injected failure',
    )
  }

  #header(type: MessageTypeName, documentId: string, doc: Doc | undefined): Message['Header'] {
    this.#seq++
    return {
      messageIdentification: `MEM-${this.#seq}`,
      messageType: type,
      preparationDateAndTime: this.#now(),
      documentId,
      authorCountry: documentId.slice(2, 4),
      authorKeyId: 'memory-1',
      sequenceNumber: String((doc?.entries.length ?? 0) + 1),
      ruleVersion: '1',
    } as Message['Header']
  }

  #check(type: MessageTypeName, message: unknown): Message {
    const checked = checkMessage(type, message)
    if (!checked.ok) {
      const all = allErrors(checked.errors)
      throw new NodeClientError(400, all.code, all.message, { ...all.details })
    }
    return checked.message
  }

  #emit(doc: Doc): void {
    const event: NodeEvent = {
      type: 'document-changed',
      documentId: doc.documentId,
      status: doc.status,
      at: doc.updatedAt,
    }
    for (const l of [...this.#listeners]) queueMicrotask(() => l.onEvent(event))
  }

  #record(doc: Doc, type: MessageTypeName, message: Message, effective: boolean, reason?: string): SubmitResult {
    const id = `${doc.documentId}-${String(doc.entries.length + 1).padStart(4, '0')}`
    doc.entries.push({
      id,
      type,
      author: doc.documentId.slice(2, 4),
      seq: doc.entries.length + 1,
      effective,
      ...(reason === undefined ? {} : { reason }),
      xml: encodeMessage(type, message as never),
    })
    doc.updatedAt = this.#now()
    this.#emit(doc)
    return { documentId: doc.documentId, entryId: id, status: doc.status }
  }

  async lodge(declaration: { readonly json: unknown } | { readonly xml: string }): Promise<SubmitResult> {
    try {
      this.#maybeFail()
      let body: Record<string, unknown>
      if ('xml' in declaration) {
        // As the node takes it: no Header needed, nor an MRN (allocated below).
        try {
          body = decodeBody('DeclarationLodged', declaration.xml, ['TransitOperation/MRN'])
        } catch (e) {
          if (e instanceof SisError) throw new NodeClientError(400, e.code, e.message, { ...e.details })
          throw e
        }
      } else {
        body = structuredClone(declaration.json) as Record<string, unknown>
      }
      const op = (body.TransitOperation ?? {}) as Record<string, unknown>
      if (typeof op.MRN !== 'string' || op.MRN === '') {
        op.MRN = allocateMrn({
          year: Number(this.#now().slice(0, 4)),
          country: this.country,
          serial: `MEM${String(this.#docs.size + 1).padStart(9, '0')}`,
          procedure: 'J',
        })
        body.TransitOperation = op
      }
      const mrn = op.MRN as string
      if (this.#docs.has(mrn))
        throw new NodeClientError(409, 'LOG_DUPLICATE', `a transit with MRN ${mrn} already exists`, { documentId: mrn })
      const message = this.#check('DeclarationLodged', {
        Header: this.#header('DeclarationLodged', mrn, undefined),
        ...body,
      }) as Message<'DeclarationLodged'>
      const offices = [
        message.CustomsOfficeOfDeparture.referenceNumber,
        message.CustomsOfficeOfDestinationDeclared.referenceNumber,
        ...(message.CustomsOfficeOfTransitDeclared ?? []).map((o) => o.referenceNumber),
      ]
      const doc: Doc = {
        documentId: mrn,
        lrn: message.TransitOperation.LRN,
        status: 'lodged',
        updatedAt: this.#now(),
        offices,
        entries: [],
      }
      this.#docs.set(mrn, doc)
      const result = this.#record(doc, 'DeclarationLodged', message, true)
      this.calls.push({ operation: 'lodge', documentId: mrn, ok: true })
      return result
    } catch (e) {
      this.calls.push({
        operation: 'lodge',
        documentId: '',
        ok: false,
        ...(e instanceof NodeClientError ? { code: e.code } : {}),
      })
      throw e
    }
  }

  async act(documentId: string, action: TransitAction, body: unknown): Promise<SubmitResult> {
    try {
      this.#maybeFail()
      const doc = this.#docs.get(documentId)
      if (doc === undefined)
        throw new NodeClientError(404, 'API_NOT_FOUND', `no document ${documentId}`, { documentId })
      const type = ACTION_MESSAGE_TYPES[action]
      const message = this.#check(type, {
        Header: this.#header(type, documentId, doc),
        ...(body as Record<string, unknown>),
      })
      let next = LIFECYCLE[doc.status]?.[action]
      if (
        action === 'invalidation-decision' &&
        (message as Message<'InvalidationDecided'>).Invalidation.decision === '0'
      )
        next = doc.status
      const result =
        next === undefined
          ? this.#record(doc, type, message, false, `precondition: ${type} does not apply to a ${doc.status} transit`)
          : ((doc.status = next), this.#record(doc, type, message, true))
      this.calls.push({ operation: action, documentId, ok: true })
      return result
    } catch (e) {
      this.calls.push({
        operation: action,
        documentId,
        ok: false,
        ...(e instanceof NodeClientError ? { code: e.code } : {}),
      })
      throw e
    }
  }

  #view(doc: Doc): DocumentView {
    return {
      documentId: doc.documentId,
      kind: 'transit',
      status: doc.status,
      updatedAt: doc.updatedAt,
      index: {
        status: doc.status,
        keys: {
          mrn: [doc.documentId],
          ...(doc.lrn === undefined ? {} : { lrn: [doc.lrn] }),
          ...(doc.offices.length === 0 ? {} : { office: doc.offices }),
        },
      },
      state: { status: doc.status },
    }
  }

  async document(documentId: string): Promise<DocumentView | undefined> {
    this.#maybeFail()
    const doc = this.#docs.get(documentId)
    return doc === undefined ? undefined : this.#view(doc)
  }

  async log(documentId: string): Promise<readonly LogEntryView[] | undefined> {
    this.#maybeFail()
    return this.#docs.get(documentId)?.entries.slice()
  }

  async changedSince(from: string, limit = 500): Promise<readonly DocumentView[]> {
    this.#maybeFail()
    return [...this.#docs.values()]
      .filter((d) => d.updatedAt >= from)
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
      .slice(0, limit)
      .map((d) => this.#view(d))
  }

  events(handlers: EventHandlers): EventSubscription {
    this.#listeners.add(handlers)
    queueMicrotask(() => handlers.onConnected?.())
    return {
      close: () => {
        this.#listeners.delete(handlers)
      },
    }
  }
}
