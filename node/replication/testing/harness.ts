/**
 * Test kit of replication's tests: a replicating node on a store in memory (the LevelDB store
 * has its own conformance and crash tests), a store and a membership that count what they are
 * asked, a peer's push and sync handlers as node.ts answers them, and more documents like a
 * template one. Names no document kind: the tests hand in their documents.
 */
import { expect } from 'vitest'
import { sha256Hex } from '../../../protocol/crypto/index.ts'
import { signXml } from '../../../protocol/dsig/index.ts'
import type { SisError } from '../../../protocol/errors.ts'
import { readEntry } from '../../../protocol/log/index.ts'
import { encodeMessage } from '../../../protocol/messages/index.ts'
import type { Message, MessageTypeName } from '../../../protocol/messages/index.ts'
import type { Membership } from '../../../protocol/membership/index.ts'
import type { CatchUpProgress } from '../types.ts'
import { DocumentWriter, keyIdOf, testKey, testMembership } from '../../../protocol/testing/federation.ts'
import type { WrittenEntry } from '../../../protocol/testing/federation.ts'
import { DocumentCache } from '../../documents.ts'
import type { CacheLimits } from '../../documents.ts'
import { Replicator } from '../../replication.ts'
import { MemoryStore } from '../../storage/index.ts'
import type { CommitBatch, OutboxItem } from '../../storage/types.ts'
import type { Frames } from '../types.ts'

export const membership = testMembership()
export const NOW = '2026-11-24T15:00:00.000Z'
/** Later than every item's due time: what an outbox holds at all. */
export const LATER = '2030-01-01T00:00:00Z'

/** The membership, counting the pinned-key lookups: one per signature verified. */
export function countingMembership(): { membership: Membership; verified: () => number } {
  let n = 0
  const proxy = new Proxy(membership, {
    get(target, prop) {
      if (prop === 'key')
        return (...args: Parameters<Membership['key']>) => {
          n++
          return target.key(...args)
        }
      const v = Reflect.get(target, prop, target) as unknown
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
  })
  return { membership: proxy, verified: () => n }
}

/** A MemoryStore that counts its synced writes of entries and its outbox reads. */
export class CountingStore extends MemoryStore {
  writes = 0
  outboxReads = 0
  override async commitAll(batches: readonly CommitBatch[]): Promise<void> {
    this.writes++
    return super.commitAll(batches)
  }

  override async outbox(peer: string, now: string, limit?: number): Promise<OutboxItem[]> {
    this.outboxReads++
    return super.outbox(peer, now, limit)
  }
}

export interface TestNode {
  readonly store: CountingStore
  readonly replicator: Replicator
  /** Every refusal reported, with the peer it is counted against. */
  readonly refused: { peer?: string; code: string }[]
  /** Every documentChanged reported, by document id. */
  readonly changed: string[]
  readonly docs: DocumentCache
  /** Every catch-up progress reported, with its peer. */
  readonly progress: ({ peer: string } & CatchUpProgress)[]
}

export async function nodeOf(
  country: string,
  opts: {
    membership?: Membership
    store?: CountingStore
    syncBatch?: number
    cache?: CacheLimits
    now?: () => string
  } = {},
): Promise<TestNode> {
  const m = opts.membership ?? membership
  const store = opts.store ?? new CountingStore()
  await store.open()
  const refused: { peer?: string; code: string }[] = []
  const changed: string[] = []
  const progress: ({ peer: string } & CatchUpProgress)[] = []
  const docs = new DocumentCache(store, m, opts.cache)
  const replicator = new Replicator({
    country,
    store,
    docs,
    membership: m,
    now: opts.now ?? (() => NOW),
    ...(opts.syncBatch === undefined ? {} : { syncBatch: opts.syncBatch }),
    events: {
      documentChanged: (doc) => changed.push(doc.log.documentId),
      refused: (peer: string | undefined, e: SisError) => refused.push({ peer, code: e.code }),
      delivered: () => undefined,
      received: () => undefined,
      catchUp: (peer, p) => progress.push({ peer, ...p }),
    },
  })
  return { store, replicator, refused, changed, docs, progress }
}

/** The DeliveryReceipt `country` signs for `ids` of `documentId`, as node.ts answers a push. */
export function receipt(country: string, to: string, ids: readonly string[], documentId: string): Uint8Array {
  const at = NOW.replace(/\.\d+Z$/, 'Z')
  const header = {
    messageIdentification: `R-${sha256Hex(new TextEncoder().encode(ids.join(','))).slice(0, 40)}`,
    messageType: 'DeliveryReceipt' as const,
    preparationDateAndTime: at,
    documentId,
    authorCountry: country,
    authorKeyId: keyIdOf(country),
    sequenceNumber: '1',
    ruleVersion: '1',
    messageRecipient: to,
  }
  return signXml(
    encodeMessage('DeliveryReceipt', { Header: header, Receipt: { receivedAt: at, EntryId: [...ids] } }),
    testKey(country),
  )
}

/** A push handler of a receiving node, as node.ts's: ingest, then a receipt for what is held. */
export function pushTo(receiver: TestNode, country: string, requests: Frames[]) {
  return async (_peer: string, name: string, frames: Frames): Promise<Frames> => {
    expect(name).toBe('push')
    requests.push(frames)
    const r = await receiver.replicator.ingest(frames, 'CN')
    const held = [...r.accepted, ...r.held].sort()
    const first = await receiver.store.getEntry(held[0]!)
    return [receipt(country, 'CN', held, first!.documentId)]
  }
}

/** A transport to one answering node's sync handler, recording the requests. */
export function syncWith(answerer: TestNode, asker: string, requests: unknown[]) {
  return async (_peer: string, name: string, frames: Frames): Promise<Frames> => {
    expect(name).toBe('sync')
    const request = answerer.replicator.parseSync(frames[0])
    requests.push(request)
    return answerer.replicator.answerSync(asker, request)
  }
}

/**
 * Another document like `template` (entries of one document, parents first): each entry signed
 * again by its author under `documentId`, with the same body and the same parents and authority
 * (now the copies' ids).
 */
export function documentLike(template: readonly WrittenEntry[], documentId: string): WrittenEntry[] {
  const from = readEntry(template[0]!.bytes, membership).documentId
  const w = new DocumentWriter(documentId)
  const ids = new Map<string, string>()
  const copy = (refs: readonly string[]) => refs.map((id) => ids.get(id) ?? id)
  return template.map((t) => {
    const e = readEntry(t.bytes, membership)
    const body = JSON.parse(JSON.stringify(e.message).replaceAll(from, documentId)) as Message<MessageTypeName>
    const written = w.write(e.type as MessageTypeName, e.author, body, {
      parents: copy(e.parents),
      auth: copy(e.authRefs),
      at: e.claimedAt,
    })
    ids.set(e.id, written.id)
    return written
  })
}

/** Documents like `template`, the n-th under the id `idOf(n)`. */
export function documentsLike(
  template: readonly WrittenEntry[],
  idOf: (n: number) => string,
): (n: number) => { documentId: string; entries: WrittenEntry[] } {
  return (n) => {
    const documentId = idOf(n)
    return { documentId, entries: documentLike(template, documentId) }
  }
}

/** The entries `writer` wrote up to and including `last`, in the order written (parents first). */
export function upTo(writer: DocumentWriter, last: WrittenEntry): WrittenEntry[] {
  return writer.written.slice(0, writer.written.indexOf(last) + 1)
}
