/**
 * L8-L12: the state of a document as a pure function of its set of entries. Orders the entries,
 * runs the state machine of the document's kind, marks every entry effective or ineffective with
 * its reason, and hashes the result.
 */
import { sha256Hex } from '../crypto/index.ts'
import { CATALOGUE } from '../messages/index.ts'
import type { LogEntry } from './entry.ts'
import type { Effect, OfficeDirectory } from './effect.ts'
import { GuaranteeMachine } from './guarantee.ts'
import type { GuaranteeFacts } from './guarantee.ts'
import { CausalPast, orderEntries } from './order.ts'
import { TransitMachine, transitStatus } from './transit.ts'
import type { TransitFacts } from './transit.ts'
import { canonicalJson } from './canonical-json.ts'

const UTF8 = new TextEncoder()

export interface EntryOutcome {
  readonly id: string
  readonly type: string
  readonly author: string
  readonly seq: number
  readonly effect: Effect
}

export type DocumentState =
  | { readonly kind: 'transit'; readonly documentId: string; readonly status: string; readonly facts: TransitFacts; readonly entries: readonly EntryOutcome[]; readonly forks: readonly { author: string; seq: number; ids: readonly string[] }[]; readonly frozen: Readonly<Record<string, number>>; readonly hash: string }
  | { readonly kind: 'guarantee'; readonly documentId: string; readonly status: string; readonly facts: GuaranteeFacts; readonly entries: readonly EntryOutcome[]; readonly forks: readonly { author: string; seq: number; ids: readonly string[] }[]; readonly frozen: Readonly<Record<string, number>>; readonly hash: string }

export interface StateInput {
  readonly documentId: string
  readonly entries: Iterable<LogEntry>
  /** author → lowest seq at which it equivocated (from DocumentLog.frozen()). */
  readonly frozen?: ReadonlyMap<string, number>
  readonly forks?: readonly { author: string; seq: number; ids: readonly string[] }[]
}

export function computeState(input: StateInput, offices: OfficeDirectory): DocumentState {
  const { entries, depth } = orderEntries(input.entries)
  const past = new CausalPast(entries, depth)
  const first = entries[0]
  const kind: 'transit' | 'guarantee' = first !== undefined && CATALOGUE[first.type].documentKind === 'guarantee' ? 'guarantee' : 'transit'
  const transit = new TransitMachine(offices, past)
  const guarantee = new GuaranteeMachine(offices)
  const frozen = input.frozen ?? new Map<string, number>()
  const outcomes: EntryOutcome[] = entries.map((e) => {
    const f = frozen.get(e.author)
    const effect: Effect = f !== undefined && e.seq >= f
      ? { effective: false, code: 'frozen', reason: `${e.author} equivocated at seq ${f} on this document` }
      : CATALOGUE[e.type].documentKind !== kind
        ? { effective: false, code: 'precondition', reason: `${e.type} does not belong in a ${kind} document` }
        : kind === 'transit' ? transit.apply(e) : guarantee.apply(e)
    return { id: e.id, type: e.type, author: e.author, seq: e.seq, effect }
  })
  const forks = [...(input.forks ?? [])].map((f) => ({ author: f.author, seq: f.seq, ids: [...f.ids] })).sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b)))
  const frozenRecord = Object.fromEntries([...frozen].sort(([a], [b]) => a.localeCompare(b)))
  const base = { documentId: input.documentId, entries: outcomes, forks, frozen: frozenRecord }
  if (kind === 'guarantee') {
    const status = guarantee.facts.registered === undefined ? 'none' : 'registered'
    const body = { kind: 'guarantee' as const, status, facts: guarantee.facts, ...base }
    return { ...body, hash: sha256Hex(UTF8.encode(canonicalJson(body))) }
  }
  const status = transitStatus(transit.facts)
  const body = { kind: 'transit' as const, status, facts: transit.facts, ...base }
  return { ...body, hash: sha256Hex(UTF8.encode(canonicalJson(body))) }
}
