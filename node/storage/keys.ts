/**
 * The key layout of LevelStore (one LevelDB, UTF-8 keys, byte order). A key is a bucket letter
 * and components joined by \x00. Components come from peers (index values, documentIds, peers),
 * so each is escaped: \x00 -> \x01\x01 and \x01 -> \x01\x02. The escaped form never contains
 * \x00, so `prefix + \x00` .. `prefix + \x01` is exactly the keys whose component equals the
 * value (no value can bleed into a neighbour's range), and the escape keeps byte order, so
 * ranges over escaped values sort like the values themselves.
 *
 *   e ␀ id                                        -> entry record (codec.ts)
 *   n ␀ documentId ␀ author ␀ seq(16) ␀ id        -> empty: entriesOf is one range scan
 *   d ␀ documentId                                -> document record, JSON
 *   x ␀ field ␀ value ␀ updatedAt ␀ documentId    -> empty: search by status and by each key the kinds declare,
 *                                                    (office, trader, ...; newest last)
 *   u ␀ updatedAt ␀ documentId                     -> empty: search by time alone, documents()
 *   o ␀ peer ␀ nextAttemptAt ␀ entryId            -> outbox item, JSON: due items are a prefix
 *   p ␀ peer ␀ entryId                            -> nextAttemptAt: finds the o key to delete
 *   r ␀ peer ␀ receivedAt ␀ sha256(bytes)         -> receipt record (codec.ts)
 *   m ␀ version(16)                               -> membership bytes
 *   v ␀ layout                                    -> the layout version, "1"
 *
 * Times are timeKey() (UTC, milliseconds, fixed width), numbers are zero-padded to 16 digits
 * (Number.MAX_SAFE_INTEGER has 16), so both sort as they should.
 */

const SEP = '\x00'
/** The first character after SEP: `prefix + SEP` <= key < `prefix + END` selects one component value. */
const END = '\x01'

export function escapeComponent(value: string): string {
  // eslint-disable-next-line no-control-regex -- the control characters are the separator and the escape
  return value.replace(/[\x00\x01]/g, (c) => (c === '\x00' ? '\x01\x01' : '\x01\x02'))
}

export function unescapeComponent(value: string): string {
  // eslint-disable-next-line no-control-regex -- see escapeComponent
  return value.replace(/\x01([\x01\x02])/g, (_, c: string) => (c === '\x01' ? '\x00' : '\x01'))
}

export function pad16(n: number): string {
  return String(n).padStart(16, '0')
}

/** A full key: bucket, then every component escaped. */
export function key(bucket: string, ...parts: readonly string[]): string {
  return [bucket, ...parts.map(escapeComponent)].join(SEP)
}

/** Bounds of every key whose leading components are `parts`. */
export function range(bucket: string, ...parts: readonly string[]): { gte: string; lt: string } {
  const base = key(bucket, ...parts)
  return { gte: base + SEP, lt: base + END }
}

/** Splits a key into its unescaped components (without the bucket). */
export function components(k: string): string[] {
  return k.split(SEP).slice(1).map(unescapeComponent)
}

export const K = {
  entry: (id: string) => key('e', id),
  docEntry: (documentId: string, author: string, seq: number, id: string) =>
    key('n', documentId, author, pad16(seq), id),
  docEntries: (documentId: string) => range('n', documentId),
  document: (documentId: string) => key('d', documentId),
  index: (field: string, value: string, updatedAt: string, documentId: string) =>
    key('x', field, value, updatedAt, documentId),
  indexValue: (field: string, value: string) => range('x', field, value),
  updated: (updatedAt: string, documentId: string) => key('u', updatedAt, documentId),
  updatedAll: () => ({ gte: 'u' + SEP, lt: 'u' + END }),
  outbox: (peer: string, nextAttemptAt: string, entryId: string) => key('o', peer, nextAttemptAt, entryId),
  outboxOf: (peer: string) => range('o', peer),
  outboxLookup: (peer: string, entryId: string) => key('p', peer, entryId),
  outboxLookupAll: () => ({ gte: 'p' + SEP, lt: 'p' + END }),
  receipt: (peer: string, receivedAt: string, digest: string) => key('r', peer, receivedAt, digest),
  receiptsOf: (peer: string) => range('r', peer),
  receiptsAll: () => ({ gte: 'r' + SEP, lt: 'r' + END }),
  membership: (version: number) => key('m', pad16(version)),
  membershipAll: () => ({ gte: 'm' + SEP, lt: 'm' + END }),
  layout: () => key('v', 'layout'),
} as const

/**
 * The key range of one index value restricted to updatedAt in [from, to] (inclusive; either may
 * be absent). `prefix` is a range() whose keys continue with updatedAt ␀ documentId.
 */
export function timeRange(
  prefix: { gte: string; lt: string },
  from?: string,
  to?: string,
): { gte: string; lt: string } {
  // prefix.gte ends with SEP; times contain neither SEP nor END, so no escaping is needed.
  return {
    gte: from === undefined ? prefix.gte : prefix.gte + from,
    lt: to === undefined ? prefix.lt : prefix.gte + to + END,
  }
}
