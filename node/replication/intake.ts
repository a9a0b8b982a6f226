/**
 * Intake: verifies and places the entries a peer or this node offers (push, sync answers, this
 * node's own writes) and stores them with one synced write per call, together with the outbox
 * items of whoever else must hold them. Entries of a document this node is not in the audience
 * of are refused, and so are entries written into a held document by a country outside its
 * audience; both refusals read alike (THREATS 19). An entry already stored is known by its id
 * (the SHA-256 of its bytes) and is not verified again.
 */
import { isSisError, SisError } from '../../protocol/errors.ts'
import { isJoining } from '../../protocol/kinds/index.ts'
import { entryId, readEntries } from '../../protocol/log/index.ts'
import type { LogEntry } from '../../protocol/log/index.ts'
import type { Membership } from '../../protocol/membership/index.ts'
import type { DocumentCache, LoadedDocument } from '../documents.ts'
import { recordOf } from '../documents.ts'
import type { CommitBatch, CommitSlice, EntrySlice, OutboxItem, StoredEntry } from '../storage/types.ts'
import type { ChangeFeed } from './changes.ts'
import type { IngestResult, ReplicationEvents } from './types.ts'

function outOfScope(): SisError {
  return new SisError('LOG_WRONG_DOCUMENT', 'entry refused: not a document this node may hold from this author', {})
}

export interface IntakeOptions {
  readonly country: string
  readonly store: CommitSlice & Pick<EntrySlice, 'entryHeads' | 'hasEntry'>
  readonly docs: DocumentCache
  /** The membership in force (read on every call: it changes by quorum). */
  readonly membership: () => Membership
  readonly feed: ChangeFeed
  readonly events: Pick<ReplicationEvents, 'refused' | 'received'>
  /** Outbox items just stored (the outbox schedules their peers). */
  readonly queued: (items: readonly OutboxItem[]) => void
  readonly now: () => string
}

export class Intake {
  readonly #o: IntakeOptions

  constructor(options: IntakeOptions) {
    this.#o = options
  }

  /**
   * Verifies and stores entries; `from` is the peer that offered them (undefined: this node).
   * Resolves after the synced write: only then may the caller acknowledge. The caller runs one
   * ingest at a time (Replicator.serial).
   */
  async ingest(bytesList: readonly Uint8Array[], from?: string): Promise<IngestResult> {
    const { store, docs, events } = this.#o
    const result: IngestResult = { accepted: [], held: [], pending: [], refused: [] }
    const refuse = (err: SisError, id?: string) => {
      result.refused.push({ ...(id === undefined ? {} : { id }), code: err.code, error: err })
      events.refused(from, err)
    }
    // The id first: what is stored here already is answered as held without verifying it again
    // (a replay costs a hash and a key lookup, not a signature check).
    const unique = new Map<string, Uint8Array>()
    for (const bytes of bytesList) {
      const id = entryId(bytes)
      if (!unique.has(id)) unique.set(id, bytes)
    }
    const ids = [...unique.keys()]
    const heads = await store.entryHeads(ids)
    const toRead: Uint8Array[] = []
    let audiences: Map<string, readonly string[]> | undefined
    for (let i = 0; i < ids.length; i++) {
      const h = heads[i]
      if (h === undefined) {
        toRead.push(unique.get(ids[i]!)!)
        continue
      }
      // The same rule as for an entry read fresh into a held document: only its audience writes.
      audiences ??= await this.#o.feed.audiences()
      if (!(audiences.get(h.documentId) ?? []).includes(h.author) && !isJoining(h.type)) refuse(outOfScope(), h.id)
      else result.held.push(h.id)
    }
    const byDoc = new Map<string, LogEntry[]>()
    for (const e of readEntries(toRead, this.#o.membership())) {
      if (isSisError(e)) {
        refuse(e)
        continue
      }
      const list = byDoc.get(e.documentId)
      if (list === undefined) byDoc.set(e.documentId, [e])
      else list.push(e)
    }
    const batches: CommitBatch[] = []
    const changed: LoadedDocument[] = []
    const accepted: string[] = []
    const now = this.#o.now()
    for (const [documentId, entries] of byDoc) {
      const doc = await docs.get(documentId)
      const held = doc.log.size > 0
      const fresh: LogEntry[] = []
      const forked = new Set<string>()
      for (const e of entries) {
        // Of a document held here, only its audience writes (a diversion brings a new country
        // in). The refusal reads exactly as for a document not held: no existence leaks.
        if (held && !doc.audience.includes(e.author) && !isJoining(e.type)) {
          refuse(outOfScope(), e.id)
          continue
        }
        const r = doc.log.add(e)
        if (r.status === 'accepted') {
          for (const f of r.forks) for (const id of f.ids) forked.add(id)
          fresh.push(e, ...r.released.map((id) => doc.log.get(id) as LogEntry))
          for (const d of r.dropped) refuse(d.error, d.id)
        }
        // A duplicate of a pending entry is not held: a receipt must name only stored entries.
        else if (r.status === 'duplicate') ((await store.hasEntry(e.id)) ? result.held : result.pending).push(e.id)
        else if (r.status === 'pending') result.pending.push(e.id)
        else refuse(r.error, e.id)
      }
      if (fresh.length === 0) {
        // Nothing of this document is held here: keep no memory of it (pending entries of unknown
        // documents would otherwise let a peer fill the memory).
        if (!held) docs.evict(documentId)
        continue
      }
      docs.refresh(doc)
      if (!doc.audience.includes(this.#o.country)) {
        // Not ours to hold (THREATS 19): forget what was just added; the store never saw it.
        docs.evict(documentId)
        const err = outOfScope()
        for (const e of fresh) result.refused.push({ id: e.id, code: err.code, error: err })
        events.refused(from, err)
        continue
      }
      const stored: StoredEntry[] = fresh.map((e) => ({
        id: e.id,
        documentId,
        author: e.author,
        seq: e.seq,
        type: e.type,
        bytes: e.bytes,
        storedAt: now,
      }))
      batches.push({
        entries: stored,
        document: recordOf(doc, now),
        outbox: this.#outboxItems(doc, fresh, forked, from, now),
      })
      changed.push(doc)
      accepted.push(...fresh.map((e) => e.id))
    }
    if (batches.length > 0) {
      try {
        // Every document of the call in one synced write (one fsync, not one per document).
        await store.commitAll(batches)
      } catch (err) {
        // Nothing was written (one batch): forget the in-memory additions too, so nothing
        // unstored is ever acknowledged or chained onto.
        for (const doc of changed) docs.evict(doc.log.documentId)
        throw err
      }
      this.#o.queued(batches.flatMap((b) => b.outbox ?? []))
      // A load from the store that began before this write must not replace what was written.
      for (const doc of changed) docs.keep(doc)
      result.accepted.push(...accepted)
      this.#o.feed.committed(changed)
    }
    events.received(from, result.accepted.length)
    return result
  }

  /**
   * Who else must get the fresh entries of a document: this node's own entries go to every other
   * audience country; so do both sides of a fork this node just found, whoever wrote them, so
   * that every route member holds the proof (THREATS 12), except the peer that sent them. Only
   * members can take delivery: an audience country outside the federation gets nothing queued.
   */
  #outboxItems(
    doc: LoadedDocument,
    fresh: readonly LogEntry[],
    forked: ReadonlySet<string>,
    from: string | undefined,
    now: string,
  ): OutboxItem[] {
    const { country } = this.#o
    const documentId = doc.log.documentId
    const membership = this.#o.membership()
    const peers = doc.audience.filter((c) => c !== country && membership.isMember(c))
    const item = (peer: string, entryId: string): OutboxItem => ({
      peer,
      documentId,
      entryId,
      enqueuedAt: now,
      attempts: 0,
      nextAttemptAt: now,
    })
    const own = fresh.filter((e) => e.author === country).map((e) => e.id)
    return [
      ...own.flatMap((id) => peers.map((peer) => item(peer, id))),
      ...[...forked]
        .filter((id) => !own.includes(id))
        .flatMap((id) => peers.filter((c) => c !== from).map((peer) => item(peer, id))),
    ]
  }
}
