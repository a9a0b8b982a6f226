/**
 * L12: every node holding the same entries computes the same state, whatever order they arrived
 * in, for every registered document kind. fast-check generates random documents of each kind
 * (opened by its rank-0 type, then its other logged types): random authors and entry types (so many entries are
 * unauthorised or fail their preconditions), random parents (concurrency), equivocations (an
 * author signing two entries at one seq) and forged entries (tampered bytes, refused at intake),
 * then delivers them in random orders to fresh logs and compares the state hashes.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { computeState, DocumentLog, readEntry } from './index.ts'
import { isSisError } from '../errors.ts'
import { KINDS, isDirected } from '../kinds/index.ts'
import type { AnyKind } from '../kinds/index.ts'
import { exampleMessage } from '../messages/index.ts'
import type { MessageTypeName } from '../messages/index.ts'
import { DocumentWriter, testMembership } from '../testing/federation.ts'
import type { WrittenEntry } from '../testing/federation.ts'

const membership = testMembership()
const AUTHORS = ['CN', 'KZ', 'UZ', 'KG'] as const

interface Step {
  author: (typeof AUTHORS)[number]
  type: MessageTypeName
  parents: number[]
  equivocate: boolean
  tamper: boolean
}

/** A kind's opening type (rank 0) and its other logged types, and the id its examples use. */
function shapeOf(kind: AnyKind): { opener: MessageTypeName; types: MessageTypeName[]; documentId: string } {
  const logged = (Object.keys(kind.messages) as MessageTypeName[]).filter((t) => !isDirected(t))
  const opener = logged.find((t) => kind.ranks[t] === 0)
  if (opener === undefined) throw new Error(`kind ${kind.name} has no opening type of rank 0`)
  // A kind of one type gets more of it: each later one must be judged identically too.
  const others = logged.filter((t) => t !== opener)
  return { opener, types: others.length > 0 ? others : [opener], documentId: exampleMessage(opener).Header.documentId }
}

const step = (types: readonly MessageTypeName[]) =>
  fc.record({
    author: fc.constantFrom(...AUTHORS),
    type: fc.constantFrom(...types),
    parents: fc.array(fc.nat(), { maxLength: 3 }),
    equivocate: fc.nat(5).map((n) => n === 0),
    tamper: fc.nat(9).map((n) => n === 0),
  })

function build(kind: AnyKind, steps: Step[]): Uint8Array[] {
  const { opener, documentId } = shapeOf(kind)
  const w = new DocumentWriter(documentId)
  const byAuthor = new Map<string, WrittenEntry[]>()
  const all: WrittenEntry[] = []
  const opening = exampleMessage(opener)
  const lodged = w.write(opener, opening.Header.authorCountry, opening)
  all.push(lodged)
  byAuthor.set(opening.Header.authorCountry, [lodged])
  const out: Uint8Array[] = [lodged.bytes]
  for (const s of steps) {
    const mine = byAuthor.get(s.author) ?? []
    const parents = [...new Set(s.parents.map((p) => all[p % all.length]!.id))]
    const equivocate = s.equivocate && mine.length > 0
    const seq = equivocate ? mine[mine.length - 1]!.seq : (mine.at(-1)?.seq ?? 0) + 1
    const previous = equivocate ? (mine[mine.length - 2]?.id ?? null) : (mine.at(-1)?.id ?? null)
    const entry = w.write(s.type, s.author, exampleMessage(s.type), { parents, auth: [lodged.id], seq, previous })
    let bytes = entry.bytes
    if (s.tamper) {
      bytes = Uint8Array.from(bytes)
      const at = bytes.indexOf(0x3c, 200) + 1
      bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41
    } else {
      all.push(entry)
      byAuthor.set(s.author, [...mine, entry])
    }
    out.push(bytes)
  }
  return out
}

function stateAfter(documentId: string, entries: Uint8Array[], order: number[]): string {
  const log = new DocumentLog(documentId)
  for (const i of order) {
    try {
      log.add(readEntry(entries[i]!, membership))
    } catch (e) {
      if (!isSisError(e)) throw e
    }
  }
  return computeState(
    { documentId: log.documentId, entries: log.entries(), frozen: log.frozen(), forks: log.forks() },
    membership,
  ).hash
}

function orderFrom(keys: number[], n: number): number[] {
  return [...Array(n).keys()].sort((a, b) => (keys[a] ?? 0) - (keys[b] ?? 0) || a - b)
}

describe.each(KINDS.map((k) => [k.name, k] as const))(
  'state is a pure function of the set of entries (L12): %s',
  (_name, kind) => {
    it('every delivery order of a random document gives the same state hash', () => {
      const { documentId, types } = shapeOf(kind)
      fc.assert(
        fc.property(
          fc.array(step(types), { minLength: 1, maxLength: 14 }),
          fc.array(fc.nat(), { minLength: 15, maxLength: 15 }),
          fc.array(fc.nat(), { minLength: 15, maxLength: 15 }),
          (steps, k1, k2) => {
            const entries = build(kind, steps)
            const inOrder = stateAfter(documentId, entries, [...entries.keys()])
            expect(stateAfter(documentId, entries, orderFrom(k1, entries.length))).toBe(inOrder)
            expect(stateAfter(documentId, entries, orderFrom(k2, entries.length))).toBe(inOrder)
          },
        ),
        { numRuns: 60, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
      )
    }, 120_000)
  },
)
