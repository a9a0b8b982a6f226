/**
 * The entries of one document and intake steps 4-8 of docs/protocol/log.md: document, duplicate,
 * chain and equivocation, dependencies, accept. Pure and in memory; the node persists what it
 * accepts. Entries whose dependencies are missing wait here and are accepted, in a deterministic
 * order, as soon as the last one arrives.
 */
import { SisError } from '../errors.ts'
import { dependenciesOf } from './entry.ts'
import type { LogEntry } from './entry.ts'
import { makeForkProof } from './fork.ts'
import type { ForkProof } from './fork.ts'

export type IntakeResult =
  | {
      readonly status: 'accepted'
      readonly id: string
      readonly released: readonly string[]
      readonly forks: readonly ForkProof[]
      readonly dropped: readonly { id: string; error: SisError }[]
    }
  | { readonly status: 'duplicate'; readonly id: string }
  | { readonly status: 'pending'; readonly id: string; readonly missing: readonly string[] }
  | { readonly status: 'refused'; readonly id: string; readonly error: SisError }

export class DocumentLog {
  readonly documentId: string
  readonly #entries = new Map<string, LogEntry>()
  readonly #pending = new Map<string, LogEntry>()
  /** author → seq → ids (more than one id is an equivocation). */
  readonly #seats = new Map<string, Map<number, string[]>>()
  readonly #forks = new Map<string, ForkProof>()
  /** author → lowest seq at which it equivocated. */
  readonly #frozen = new Map<string, number>()

  constructor(documentId: string) {
    this.documentId = documentId
  }

  get size(): number {
    return this.#entries.size
  }
  entries(): IterableIterator<LogEntry> {
    return this.#entries.values()
  }
  get(id: string): LogEntry | undefined {
    return this.#entries.get(id)
  }
  has(id: string): boolean {
    return this.#entries.has(id)
  }
  forks(): ForkProof[] {
    return [...this.#forks.values()]
  }
  frozen(): ReadonlyMap<string, number> {
    return this.#frozen
  }
  pending(): LogEntry[] {
    return [...this.#pending.values()]
  }

  /** What the log is missing to accept its pending entries (to fetch from peers). */
  missing(): string[] {
    const out = new Set<string>()
    for (const e of this.#pending.values())
      for (const d of dependenciesOf(e)) if (!this.#entries.has(d) && !this.#pending.has(d)) out.add(d)
    return [...out].sort()
  }

  /** Entries no other held entry depends on. */
  heads(): string[] {
    const referenced = new Set<string>()
    for (const e of this.#entries.values()) for (const d of dependenciesOf(e)) referenced.add(d)
    return [...this.#entries.keys()].filter((id) => !referenced.has(id)).sort()
  }

  add(entry: LogEntry): IntakeResult {
    const id = entry.id
    // 4. Document.
    if (entry.documentId !== this.documentId) {
      return {
        status: 'refused',
        id,
        error: new SisError(
          'LOG_WRONG_DOCUMENT',
          `entry ${id.slice(0, 12)} is for document ${JSON.stringify(entry.documentId)}, not ${this.documentId}`,
          { id, documentId: entry.documentId },
        ),
      }
    }
    // 5. Duplicate: a replay is a no-op with the same result.
    if (this.#entries.has(id) || this.#pending.has(id)) return { status: 'duplicate', id }
    // 6. Chain (L5), as far as it can be judged without the previous entry.
    const shape = chainShape(entry)
    if (shape !== undefined) return { status: 'refused', id, error: shape }
    // 7. Dependencies (L7).
    const missing = dependenciesOf(entry).filter((d) => !this.#entries.has(d))
    if (missing.length > 0) {
      this.#pending.set(id, entry)
      return { status: 'pending', id, missing }
    }
    const refused = this.#checkPrevious(entry)
    if (refused !== undefined) return { status: 'refused', id, error: refused }
    // 8. Accept, then release every pending entry that can now be accepted.
    const forks = this.#accept(entry)
    const released: string[] = []
    const dropped: { id: string; error: SisError }[] = []
    for (let progress = true; progress;) {
      progress = false
      for (const p of [...this.#pending.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
        if (!dependenciesOf(p).every((d) => this.#entries.has(d))) continue
        this.#pending.delete(p.id)
        const wrong = this.#checkPrevious(p)
        if (wrong !== undefined) {
          // Refused as it would have been had it arrived last (the verdict is order-free).
          dropped.push({ id: p.id, error: wrong })
          continue
        }
        forks.push(...this.#accept(p))
        released.push(p.id)
        progress = true
      }
    }
    return { status: 'accepted', id, released, forks, dropped }
  }

  #checkPrevious(entry: LogEntry): SisError | undefined {
    if (entry.previous === undefined) return undefined
    const prev = this.#entries.get(entry.previous)
    if (prev !== undefined && (prev.author !== entry.author || prev.seq !== entry.seq - 1)) {
      return new SisError(
        'LOG_SEQUENCE',
        `entry ${entry.id.slice(0, 12)} (${entry.author} seq ${entry.seq}) names as previous an entry of ${prev.author} seq ${prev.seq}`,
        { id: entry.id, author: entry.author, seq: entry.seq },
      )
    }
    return undefined
  }

  #accept(entry: LogEntry): ForkProof[] {
    this.#entries.set(entry.id, entry)
    let seats = this.#seats.get(entry.author)
    if (seats === undefined) this.#seats.set(entry.author, (seats = new Map()))
    const ids = seats.get(entry.seq) ?? []
    seats.set(entry.seq, [...ids, entry.id])
    const forks: ForkProof[] = []
    for (const other of ids) {
      // L6: equivocation. Keep both, record the proof, freeze the author from this seq on.
      const proof = makeForkProof(entry, this.#entries.get(other) as LogEntry)
      this.#forks.set(proof.ids.join(':'), proof)
      forks.push(proof)
      const f = this.#frozen.get(entry.author)
      if (f === undefined || entry.seq < f) this.#frozen.set(entry.author, entry.seq)
    }
    return forks
  }
}

function chainShape(entry: LogEntry): SisError | undefined {
  if (entry.seq === 1 && entry.previous !== undefined)
    return new SisError('LOG_SEQUENCE', `entry ${entry.id.slice(0, 12)} has seq 1 but names a previous entry`, {
      id: entry.id,
      seq: 1,
    })
  if (entry.seq > 1 && entry.previous === undefined)
    return new SisError(
      'LOG_SEQUENCE',
      `entry ${entry.id.slice(0, 12)} has seq ${entry.seq} but names no previous entry`,
      { id: entry.id, seq: entry.seq },
    )
  return undefined
}
