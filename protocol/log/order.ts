/**
 * L8: the deterministic order in which the state machine sees the entries. Topological over
 * previous entry, parents and authority entries; among the entries that are ready, the lowest
 * semantic rank of the type first (declared by its kind), then the lowest depth, then the lowest id. Claimed times are
 * never looked at (THREATS 17).
 */
import { rankOf } from '../kinds/registry.ts'
import type { CausalQuery } from '../kinds/kind.ts'
import { dependenciesOf } from './entry.ts'
import type { LogEntry } from './entry.ts'

export interface Ordered {
  readonly entries: readonly LogEntry[]
  readonly depth: ReadonlyMap<string, number>
}

/** A small binary heap keyed by (rank, depth, id). */
class ReadyQueue {
  readonly #items: { key: [number, number, string]; entry: LogEntry }[] = []

  get size(): number {
    return this.#items.length
  }

  push(entry: LogEntry, depth: number): void {
    const items = this.#items
    items.push({ key: [rankOf(entry.type), depth, entry.id], entry })
    let i = items.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!less(items[i]!.key, items[parent]!.key)) break
      ;[items[i], items[parent]] = [items[parent]!, items[i]!]
      i = parent
    }
  }

  pop(): LogEntry {
    const items = this.#items
    const top = items[0]!
    const last = items.pop()!
    if (items.length > 0) {
      items[0] = last
      for (let i = 0; ;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < items.length && less(items[l]!.key, items[m]!.key)) m = l
        if (r < items.length && less(items[r]!.key, items[m]!.key)) m = r
        if (m === i) break
        ;[items[i], items[m]] = [items[m]!, items[i]!]
        i = m
      }
    }
    return top.entry
  }
}

function less(a: [number, number, string], b: [number, number, string]): boolean {
  if (a[0] !== b[0]) return a[0] < b[0]
  if (a[1] !== b[1]) return a[1] < b[1]
  return a[2] < b[2]
}

/** Orders a set of entries whose dependencies are all in the set (DocumentLog guarantees it). */
export function orderEntries(all: Iterable<LogEntry>): Ordered {
  const byId = new Map<string, LogEntry>()
  for (const e of all) byId.set(e.id, e)
  const waiting = new Map<string, number>()
  const dependents = new Map<string, string[]>()
  const depth = new Map<string, number>()
  const queue = new ReadyQueue()
  for (const e of byId.values()) {
    const deps = dependenciesOf(e).filter((d) => byId.has(d))
    waiting.set(e.id, deps.length)
    for (const d of deps) {
      const list = dependents.get(d)
      if (list === undefined) dependents.set(d, [e.id])
      else list.push(e.id)
    }
  }
  for (const e of byId.values()) {
    if (waiting.get(e.id) === 0) {
      depth.set(e.id, 1)
      queue.push(e, 1)
    }
  }
  const out: LogEntry[] = []
  while (queue.size > 0) {
    const e = queue.pop()
    out.push(e)
    for (const next of dependents.get(e.id) ?? []) {
      const left = (waiting.get(next) ?? 0) - 1
      waiting.set(next, left)
      depth.set(next, Math.max(depth.get(next) ?? 0, (depth.get(e.id) ?? 0) + 1))
      if (left === 0) queue.push(byId.get(next)!, depth.get(next)!)
    }
  }
  // A cycle cannot be built from hashes (an entry names ids of bytes that exist before it), so
  // every entry is placed; entries in a cycle would simply never become ready.
  return { entries: out, depth }
}

/** Causal-past queries over an ordered set: is `ancestor` in the causal past of `entry`? */
export class CausalPast implements CausalQuery {
  readonly #byId: ReadonlyMap<string, LogEntry>
  readonly #depth: ReadonlyMap<string, number>
  readonly #memo = new Map<string, Set<string>>()

  constructor(entries: readonly LogEntry[], depth: ReadonlyMap<string, number>) {
    this.#byId = new Map(entries.map((e) => [e.id, e]))
    this.#depth = depth
  }

  has(entry: string, ancestor: string): boolean {
    if (entry === ancestor) return false
    const target = this.#depth.get(ancestor) ?? Infinity
    if ((this.#depth.get(entry) ?? 0) <= target) return false
    return this.#ancestors(entry).has(ancestor)
  }

  #ancestors(id: string): Set<string> {
    const known = this.#memo.get(id)
    if (known !== undefined) return known
    const seen = new Set<string>()
    const stack = [id]
    while (stack.length > 0) {
      const e = this.#byId.get(stack.pop()!)
      if (e === undefined) continue
      for (const d of dependenciesOf(e)) {
        if (seen.has(d)) continue
        seen.add(d)
        const memo = this.#memo.get(d)
        if (memo !== undefined) {
          for (const m of memo) seen.add(m)
        } else stack.push(d)
      }
    }
    this.#memo.set(id, seen)
    return seen
  }
}
