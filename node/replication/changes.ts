/**
 * The change feed: which documents changed in this process, in what order, and who may see
 * each. Intake reports every commit here; the sync server and client read it to decide what to
 * offer and what to ask for, and the node hears `documentChanged` (its event stream, its
 * reactions, an immediate delivery).
 */
import type { LoadedDocument } from '../documents.ts'
import type { DocumentSlice } from '../storage/types.ts'
import type { ReplicationEvents } from './types.ts'

export class ChangeFeed {
  readonly #store: DocumentSlice
  readonly #events: Pick<ReplicationEvents, 'documentChanged'>
  /**
   * The audience of every stored document as its stored record has it, read from the store once
   * and then kept in step with every commit: sync decides what a peer may see from it without
   * decoding every record again.
   */
  #audiences: Promise<Map<string, readonly string[]>> | undefined
  /** This process's change counter: which documents changed since a given sync (in memory). */
  #seq = 0
  readonly #changedAt = new Map<string, number>()

  constructor(store: DocumentSlice, events: Pick<ReplicationEvents, 'documentChanged'>) {
    this.#store = store
    this.#events = events
  }

  /** The counter as of the last commit (0: nothing changed in this process yet). */
  get seq(): number {
    return this.#seq
  }

  /** Document id → audience of every stored document. */
  audiences(): Promise<Map<string, readonly string[]>> {
    this.#audiences ??= (async () => {
      const m = new Map<string, readonly string[]>()
      for await (const r of this.#store.documents()) m.set(r.documentId, r.audience)
      return m
    })()
    // A failed read (the store closing) is tried again next time.
    this.#audiences.catch(() => {
      this.#audiences = undefined
    })
    return this.#audiences
  }

  /**
   * The documents changed after counter value `seq`, in the order they first changed in this
   * process. Lazy: a document first changed while the caller iterates (it awaits between steps)
   * is still seen.
   */
  *changedAfter(seq: number): Generator<string> {
    for (const [id, at] of this.#changedAt) if (at > seq) yield id
  }

  /**
   * These documents were just stored (one synced write): count them, note their audiences, then
   * tell the node about each (after all are counted).
   */
  committed(docs: readonly LoadedDocument[]): void {
    for (const doc of docs) {
      const id = doc.log.documentId
      this.#changedAt.set(id, ++this.#seq)
      const audience = [...doc.audience]
      if (this.#audiences !== undefined)
        void this.#audiences.then(
          (m) => m.set(id, audience),
          () => undefined,
        )
    }
    for (const doc of docs) this.#events.documentChanged(doc)
  }
}
