/**
 * L8-L12: the state of a document as a pure function of its set of entries. Orders the entries,
 * runs the state machine of the document's kind (the kind of its first entry, from the
 * registry), marks every entry effective or ineffective with its reason, and hashes the result.
 */
import { sha256Hex } from '../crypto/index.ts'
import { kindOfType } from '../kinds/registry.ts'
import type { LogEntry } from './entry.ts'
import type { Effect, OfficeDirectory } from './effect.ts'
import { precondition } from './effect.ts'
import { CausalPast, orderEntries } from './order.ts'
import { canonicalJson } from './canonical-json.ts'

const UTF8 = new TextEncoder()

export interface EntryOutcome {
  readonly id: string
  readonly type: string
  readonly author: string
  readonly seq: number
  readonly effect: Effect
}

export interface ForkRecord {
  readonly author: string
  readonly seq: number
  readonly ids: readonly string[]
}

/** A document's state; `facts` are its kind's (cast through the kind's own facts type). */
export interface DocumentState<Facts = unknown> {
  /** The kind's name; 'none' for a document with no entry. */
  readonly kind: string
  readonly documentId: string
  readonly status: string
  readonly facts: Facts
  readonly entries: readonly EntryOutcome[]
  readonly forks: readonly ForkRecord[]
  readonly frozen: Readonly<Record<string, number>>
  readonly hash: string
}

export interface StateInput {
  readonly documentId: string
  readonly entries: Iterable<LogEntry>
  /** author → lowest seq at which it equivocated (from DocumentLog.frozen()). */
  readonly frozen?: ReadonlyMap<string, number>
  readonly forks?: readonly ForkRecord[]
}

export function computeState(input: StateInput, offices: OfficeDirectory): DocumentState {
  const { entries, depth } = orderEntries(input.entries)
  const first = entries[0]
  const kind = first === undefined ? undefined : kindOfType(first.type)
  const machine = kind?.machine({ offices, past: new CausalPast(entries, depth) })
  const frozen = input.frozen ?? new Map<string, number>()
  const outcomes: EntryOutcome[] = entries.map((e) => {
    const f = frozen.get(e.author)
    const effect: Effect =
      f !== undefined && e.seq >= f
        ? { effective: false, code: 'frozen', reason: `${e.author} equivocated at seq ${f} on this document` }
        : machine === undefined || kindOfType(e.type) !== kind
          ? precondition(`${e.type} does not belong in a ${kind?.name ?? 'document of no kind'} document`)
          : machine.apply(e)
    return { id: e.id, type: e.type, author: e.author, seq: e.seq, effect }
  })
  const forks = [...(input.forks ?? [])]
    .map((f) => ({ author: f.author, seq: f.seq, ids: [...f.ids] }))
    .sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b)))
  const frozenRecord = Object.fromEntries([...frozen].sort(([a], [b]) => a.localeCompare(b)))
  const facts: unknown = machine?.facts ?? {}
  const body = {
    kind: kind?.name ?? 'none',
    status: kind === undefined ? 'none' : kind.status(facts),
    facts,
    documentId: input.documentId,
    entries: outcomes,
    forks,
    frozen: frozenRecord,
  }
  return { ...body, hash: sha256Hex(UTF8.encode(canonicalJson(body))) }
}

/**
 * What an entry would do if it were added to the document now (the same judgement every node
 * makes once it holds it): a node dry-runs its own would-be entries, and signs none that its
 * rules judge ineffective.
 */
export function dryRun(input: StateInput, draft: LogEntry, offices: OfficeDirectory): Effect {
  const state = computeState({ ...input, entries: [...input.entries, draft] }, offices)
  return state.entries.find((e) => e.id === draft.id)?.effect ?? precondition('the entry does not fit the document')
}
