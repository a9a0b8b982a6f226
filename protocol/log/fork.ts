/**
 * Fork proofs (L6): two different entries signed by the same author for the same document and
 * sequence number. Anyone holding the membership can check one: both entries verify, and they
 * agree on document, author and seq but differ in id. Never pick one: keep both, freeze the author.
 */
import { SisError } from '../errors.ts'
import type { Membership } from '../membership/index.ts'
import { readEntry } from './entry.ts'
import type { LogEntry, ReadOptions } from './entry.ts'

export interface ForkProof {
  readonly documentId: string
  readonly author: string
  readonly seq: number
  /** The two entries' exact bytes, in id order. */
  readonly entries: readonly [Uint8Array, Uint8Array]
  readonly ids: readonly [string, string]
}

export function makeForkProof(a: LogEntry, b: LogEntry): ForkProof {
  const [x, y] = a.id < b.id ? [a, b] : [b, a]
  return { documentId: a.documentId, author: a.author, seq: a.seq, entries: [x.bytes, y.bytes], ids: [x.id, y.id] }
}

/** Checks a proof from scratch; returns the two entries or throws LOG_EQUIVOCATION's opposite. */
export function checkForkProof(
  proof: Pick<ForkProof, 'entries'>,
  membership: Membership,
  options: ReadOptions = {},
): [LogEntry, LogEntry] {
  const [a, b] = [readEntry(proof.entries[0], membership, options), readEntry(proof.entries[1], membership, options)]
  const not = (why: string) => new SisError('LOG_SEQUENCE', `not a fork proof: ${why}`, { reason: 'not-a-fork' })
  if (a.id === b.id) throw not('the two entries are the same')
  if (a.documentId !== b.documentId) throw not('the entries are of different documents')
  if (a.author !== b.author) throw not('the entries have different authors')
  if (a.seq !== b.seq) throw not('the entries have different sequence numbers')
  return [a, b]
}
