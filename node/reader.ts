/**
 * What local users read of a held document beyond its record (GET /v1/documents/{id}/log,
 * /receipts, /bundle): its verified log with each entry's effect, the delivery receipts peers
 * signed for its entries (each checked again), and a tar of its signed entries for an auditor.
 * A document the principal may not see reads as not held (access.ts).
 */
import { isSisError } from '../protocol/errors.ts'
import { readSignedMessage } from '../protocol/log/index.ts'
import type { Membership } from '../protocol/membership/index.ts'
import type { Access } from './access.ts'
import type { DocumentCache } from './documents.ts'
import type { LogView, Principal, ReceiptsView } from './service.ts'
import type { EntrySlice, OutboxSlice } from './storage/types.ts'
import { writeTar } from './tar.ts'

export interface ReaderDeps {
  readonly access: Pick<Access, 'document'>
  readonly docs: Pick<DocumentCache, 'get'>
  readonly store: Pick<EntrySlice, 'entriesOf' | 'entryIdsOf'> & Pick<OutboxSlice, 'receipts'>
  /** The membership in force (receipts are checked against it). */
  membership(): Membership
}

export class Reader {
  readonly #deps: ReaderDeps

  constructor(deps: ReaderDeps) {
    this.#deps = deps
  }

  async #visible(principal: Principal, documentId: string): Promise<boolean> {
    return (await this.#deps.access.document(principal, documentId)) !== undefined
  }

  async log(principal: Principal, documentId: string): Promise<LogView | undefined> {
    if (!(await this.#visible(principal, documentId))) return undefined
    const doc = await this.#deps.docs.get(documentId)
    const decoder = new TextDecoder()
    return {
      documentId,
      entries: doc.state.entries.map((o) => ({
        id: o.id,
        type: o.type,
        author: o.author,
        seq: o.seq,
        verified: true,
        effective: o.effect.effective,
        ...(o.effect.effective ? {} : { reason: `${o.effect.code}: ${o.effect.reason}` }),
        xml: decoder.decode(doc.log.get(o.id)?.bytes),
      })),
    }
  }

  async receipts(principal: Principal, documentId: string): Promise<ReceiptsView | undefined> {
    if (!(await this.#visible(principal, documentId))) return undefined
    const { store } = this.#deps
    const ids = new Set(await store.entryIdsOf(documentId))
    const decoder = new TextDecoder()
    const out: ReceiptsView['receipts'][number][] = []
    for (const r of await store.receipts()) {
      const entryIds = r.entryIds.filter((id) => ids.has(id))
      if (entryIds.length === 0) continue
      let reason: string | undefined
      try {
        const m = readSignedMessage(r.bytes, this.#deps.membership())
        if (m.type !== 'DeliveryReceipt' || m.message.Header.authorCountry !== r.peer)
          reason = `not a DeliveryReceipt signed by ${r.peer}`
      } catch (e) {
        reason = isSisError(e) ? `${e.code}: ${e.message}` : String(e)
      }
      out.push({
        peer: r.peer,
        receivedAt: r.receivedAt,
        entryIds,
        verified: reason === undefined,
        ...(reason === undefined ? {} : { reason }),
        // One receipt covers a whole push (entries of many documents): its signed XML names
        // them all, so only the operator and the national system get it, never a scoped user.
        ...(principal.role === 'admin' || principal.role === 'integration' ? { xml: decoder.decode(r.bytes) } : {}),
      })
    }
    return { documentId, receipts: out }
  }

  async exportBundle(principal: Principal, documentId: string): Promise<Uint8Array | undefined> {
    if (!(await this.#visible(principal, documentId))) return undefined
    const entries = await this.#deps.store.entriesOf(documentId)
    return writeTar(
      entries.map((e) => ({
        name: `${documentId}/${e.author}-${String(e.seq).padStart(6, '0')}-${e.id.slice(0, 16)}.xml`,
        bytes: e.bytes,
      })),
    )
  }
}
