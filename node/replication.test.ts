/**
 * Replication rules on a real store in memory (the LevelDB store has its own conformance and
 * crash tests): route scope, refusals counted against the sender, sync answers, fork spreading.
 */
import { describe, expect, it } from 'vitest'
import { allocateMrn } from '../protocol/codes/index.ts'
import { sha256Hex } from '../protocol/crypto/index.ts'
import { signXml } from '../protocol/dsig/index.ts'
import type { SisError } from '../protocol/errors.ts'
import { encodeMessage, exampleMessage, EXAMPLE_CONTEXT } from '../protocol/messages/index.ts'
import type { Message, MessageTypeName } from '../protocol/messages/index.ts'
import type { Membership } from '../protocol/membership/index.ts'
import { DocumentWriter, keyIdOf, testKey, testMembership } from '../protocol/testing/federation.ts'
import type { WrittenEntry } from '../protocol/testing/federation.ts'
import { transitLifecycle } from '../protocol/testing/scenario.ts'
import { DocumentCache } from './documents.ts'
import type { CacheLimits } from './documents.ts'
import { Replicator } from './replication.ts'
import type { Frames, SyncHead } from './replication.ts'
import { MemoryStore } from './storage/index.ts'
import type { CommitBatch, OutboxItem } from './storage/types.ts'

const membership = testMembership()
const NOW = '2026-11-24T15:00:00.000Z'

/** The membership, counting the pinned-key lookups: one per signature verified. */
function countingMembership(): { membership: Membership; verified: () => number } {
  let n = 0
  const proxy = new Proxy(membership, {
    get(target, prop) {
      if (prop === 'key') return (...args: Parameters<Membership['key']>) => { n++; return target.key(...args) }
      const v = Reflect.get(target, prop, target) as unknown
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
    },
  })
  return { membership: proxy, verified: () => n }
}

/** A MemoryStore that counts its synced writes of entries. */
class CountingStore extends MemoryStore {
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

async function nodeOf(country: string, opts: { membership?: Membership; store?: CountingStore; syncBatch?: number; cache?: CacheLimits } = {}) {
  const m = opts.membership ?? membership
  const store = opts.store ?? new CountingStore()
  await store.open()
  const refused: { peer?: string; code: string }[] = []
  const docs = new DocumentCache(store, m, opts.cache)
  const replicator = new Replicator({
    country, store, docs, membership: m, now: () => NOW, ...(opts.syncBatch === undefined ? {} : { syncBatch: opts.syncBatch }),
    events: { documentChanged: () => undefined, refused: (peer: string | undefined, e: SisError) => refused.push({ peer, code: e.code }), delivered: () => undefined, received: () => undefined },
  })
  return { store, replicator, refused, docs }
}

/** A transit of its own MRN: lodged, accepted and released by CN. */
function transit(n: number): { documentId: string; entries: WrittenEntry[] } {
  const documentId = allocateMrn({ year: 2026, country: 'CN', serial: `ZZREPL${n}`, procedure: 'J' })
  const w = new DocumentWriter(documentId)
  const body = <T extends MessageTypeName>(type: T): Message<T> => {
    const m = structuredClone(exampleMessage(type))
    const op = (m as { TransitOperation?: { MRN?: string } }).TransitOperation
    if (op?.MRN !== undefined) op.MRN = documentId
    return m
  }
  const lodged = w.write('DeclarationLodged', 'CN', body('DeclarationLodged'))
  const accepted = w.write('DeclarationAccepted', 'CN', body('DeclarationAccepted'), { parents: [lodged.id], auth: [lodged.id] })
  const released = w.write('ReleasedForTransit', 'CN', body('ReleasedForTransit'), { parents: [accepted.id], auth: [lodged.id, accepted.id] })
  return { documentId, entries: [lodged, accepted, released] }
}

/** The DeliveryReceipt `country` signs for `ids`, as node.ts answers a push. */
function receipt(country: string, to: string, ids: readonly string[]): Uint8Array {
  const at = NOW.replace(/\.\d+Z$/, 'Z')
  const header = {
    messageIdentification: `R-${sha256Hex(new TextEncoder().encode(ids.join(','))).slice(0, 40)}`, messageType: 'DeliveryReceipt' as const, preparationDateAndTime: at,
    documentId: EXAMPLE_CONTEXT.mrn, authorCountry: country, authorKeyId: keyIdOf(country), sequenceNumber: '1', ruleVersion: '1', messageRecipient: to,
  }
  return signXml(encodeMessage('DeliveryReceipt', { Header: header, Receipt: { receivedAt: at, EntryId: [...ids] } }), testKey(country))
}

/** A push handler of a receiving node, as node.ts #onPush: ingest, then a receipt for what is held. */
function pushTo(receiver: Awaited<ReturnType<typeof nodeOf>>, country: string, requests: Frames[]) {
  return async (_peer: string, name: string, frames: Frames): Promise<Frames> => {
    expect(name).toBe('push')
    requests.push(frames)
    const r = await receiver.replicator.ingest(frames, 'CN')
    return [receipt(country, 'CN', [...r.accepted, ...r.held].sort())]
  }
}

/** A transport to one answering node's sync handler, counting requests. */
function syncWith(answerer: Awaited<ReturnType<typeof nodeOf>>, asker: string, requests: unknown[]) {
  return async (_peer: string, name: string, frames: Frames): Promise<Frames> => {
    expect(name).toBe('sync')
    const request = answerer.replicator.parseSync(frames[0])
    requests.push(request)
    return answerer.replicator.answerSync(asker, request)
  }
}

describe('replication', () => {
  const { writer, e } = transitLifecycle()
  const first = [e.lodged!, e.accepted!, e.released!, e.passageKZ!]

  it('stores a route document with its audience and answers sync only to route members (THREATS 19)', async () => {
    const kz = await nodeOf('KZ')
    const r = await kz.replicator.ingest(first.map((w) => w.bytes), 'CN')
    expect(r.accepted).toHaveLength(4)
    const record = await kz.store.getDocument(EXAMPLE_CONTEXT.mrn)
    expect(record?.audience).toEqual(['CN', 'KZ', 'UZ'])
    expect(await kz.replicator.answerSync('KG', { documents: [] })).toEqual([])
    expect(await kz.replicator.answerSync('UZ', { documents: [] })).toHaveLength(4)
    // UZ already holds CN's first two entries: it gets only what it lacks.
    expect(await kz.replicator.answerSync('UZ', { documents: [{ id: record!.documentId, have: [e.lodged!.id, e.accepted!.id] }] })).toHaveLength(2)
  })

  it('an off-route member refuses to store the document', async () => {
    const kg = await nodeOf('KG')
    const r = await kg.replicator.ingest(first.map((w) => w.bytes), 'CN')
    expect(r.accepted).toEqual([])
    expect(r.refused.map((x) => x.code)).toContain('LOG_WRONG_DOCUMENT')
    expect(await kg.store.getDocument(EXAMPLE_CONTEXT.mrn)).toBeUndefined()
    expect(await kg.replicator.answerSync('CN', { documents: [] })).toEqual([])
  })

  it('a forged entry is refused with its code and counted against the sender; the node keeps serving', async () => {
    const kz = await nodeOf('KZ')
    const forged = Buffer.from(Buffer.from(e.lodged!.bytes).toString('utf8').replace('Cotton', 'Cottom'))
    const r = await kz.replicator.ingest([forged], 'KG')
    expect(r.refused.map((x) => x.code)).toEqual(['SIG_DIGEST_MISMATCH'])
    expect(kz.refused).toEqual([{ peer: 'KG', code: 'SIG_DIGEST_MISMATCH' }])
    expect((await kz.replicator.ingest(first.map((w) => w.bytes), 'CN')).accepted).toHaveLength(4)
  })

  it('both sides of a fork are queued for every other route member', async () => {
    const kz = await nodeOf('KZ')
    await kz.replicator.ingest(first.map((w) => w.bytes), 'CN')
    const other = writer.write('InvalidationRequested', 'CN', exampleMessage('InvalidationRequested'), { seq: e.released!.seq, previous: e.accepted!.id, parents: [e.accepted!.id], auth: [e.lodged!.id] })
    await kz.replicator.ingest([other.bytes], 'CN')
    const toUz = (await kz.store.outbox('UZ', '2030-01-01T00:00:00Z')).map((o) => o.entryId).sort()
    // KZ's own passage, and the two entries CN signed at the same seq.
    expect(toUz).toEqual([e.passageKZ!.id, e.released!.id, other.id].sort())
    // The proof is not sent back to the author that sent it.
    expect((await kz.store.outbox('CN', '2030-01-01T00:00:00Z')).map((o) => o.entryId)).toEqual([e.passageKZ!.id])
  })
})

describe('replication under stress (review findings)', () => {
  const { writer, e } = transitLifecycle()

  it('both sides of an equivocation travel by sync, so route nodes converge (finding 5)', async () => {
    const kz = await nodeOf('KZ')
    const uz = await nodeOf('UZ')
    const other = writer.write('InvalidationRequested', 'CN', exampleMessage('InvalidationRequested'), { seq: e.accepted!.seq, previous: e.lodged!.id, parents: [e.lodged!.id], auth: [e.lodged!.id] })
    await kz.replicator.ingest([e.lodged!.bytes, e.accepted!.bytes], 'CN')
    await uz.replicator.ingest([e.lodged!.bytes, other.bytes], 'CN')
    await uz.replicator.ingest(await kz.replicator.answerSync('UZ', uz.replicator.parseSync(await uz.replicator.syncRequest('KZ'))), 'KZ')
    await kz.replicator.ingest(await uz.replicator.answerSync('KZ', kz.replicator.parseSync(await kz.replicator.syncRequest('UZ'))), 'UZ')
    const [a, b] = [await kz.store.getDocument(EXAMPLE_CONTEXT.mrn), await uz.store.getDocument(EXAMPLE_CONTEXT.mrn)]
    expect(a?.stateHash).toBe(b?.stateHash)
    expect((a?.state as { forks: unknown[] }).forks).toHaveLength(1)
  })

  it('a duplicate of a pending entry is not reported as held (finding 4)', async () => {
    const kz = await nodeOf('KZ')
    await kz.replicator.ingest([e.passageUZ!.bytes], 'UZ')
    const again = await kz.replicator.ingest([e.passageUZ!.bytes], 'UZ')
    expect(again.held).toEqual([])
  })

  it('entries of unknown documents that wait for parents leave no memory behind (finding 3)', async () => {
    const kz = await nodeOf('KZ')
    const r = await kz.replicator.ingest([e.passageUZ!.bytes], 'UZ')
    expect(r.pending).toEqual([e.passageUZ!.id])
    // The document was evicted: delivering its causal past later starts from the store, and the
    // waiting entry must be sent again (the sender's outbox does that).
    await kz.replicator.ingest([e.lodged!.bytes, e.accepted!.bytes, e.released!.bytes], 'CN')
    expect(await kz.store.hasEntry(e.passageUZ!.id)).toBe(false)
  })

  it('an off-route member cannot write into a held document, and its refusal reveals nothing (finding 6)', async () => {
    const kz = await nodeOf('KZ')
    await kz.replicator.ingest([e.lodged!.bytes, e.accepted!.bytes, e.released!.bytes], 'CN')
    const kg = new DocumentWriter(EXAMPLE_CONTEXT.mrn).write('IncidentRecorded', 'KG', exampleMessage('IncidentRecorded'), { parents: [e.released!.id], auth: [e.released!.id] })
    const held = await kz.replicator.ingest([kg.bytes], 'KG')
    const fresh = await (await nodeOf('KZ')).replicator.ingest([kg.bytes], 'KG')
    // Neither takes anything; the push handler answers both alike ("nothing of the push was taken").
    expect([...held.accepted, ...held.held, ...fresh.accepted, ...fresh.held]).toEqual([])
    expect(held.refused[0]?.code).toBe('LOG_WRONG_DOCUMENT')
    expect(await kz.store.hasEntry(kg.id)).toBe(false)
  })
})

describe('replication at speed (issue 5)', () => {
  const { e } = transitLifecycle()
  const first = [e.lodged!, e.accepted!, e.released!, e.passageKZ!]

  it('an entry already stored is answered as held without verifying its signature again', async () => {
    const counting = countingMembership()
    const kz = await nodeOf('KZ', { membership: counting.membership })
    expect((await kz.replicator.ingest(first.map((w) => w.bytes), 'CN')).accepted).toHaveLength(4)
    expect(counting.verified()).toBe(4)
    const again = await kz.replicator.ingest(first.map((w) => w.bytes), 'CN')
    expect(again.held.sort()).toEqual(first.map((w) => w.id).sort())
    expect(again.accepted).toEqual([])
    expect(counting.verified()).toBe(4)
    // A push of held and new entries verifies only the new one.
    const mixed = await kz.replicator.ingest([...first, e.incident!].map((w) => w.bytes), 'KZ')
    expect(mixed.accepted).toEqual([e.incident!.id])
    expect(counting.verified()).toBe(5)
  })

  it('one ingest of entries of many documents is one synced write', async () => {
    const kz = await nodeOf('KZ')
    const docs = [transit(1), transit(2), transit(3)]
    const r = await kz.replicator.ingest(docs.flatMap((d) => d.entries.map((w) => w.bytes)), 'CN')
    expect(r.accepted).toHaveLength(9)
    expect(kz.store.writes).toBe(1)
    for (const d of docs) expect((await kz.store.getDocument(d.documentId))?.status).toBe('released')
  })

  it('one push request carries the due entries of many documents, and the outbox drains', async () => {
    const cn = await nodeOf('CN')
    const kz = await nodeOf('KZ')
    const docs = [transit(4), transit(5), transit(6)]
    for (const d of docs) await cn.replicator.ingest(d.entries.map((w) => w.bytes))
    const requests: Frames[] = []
    expect(await cn.replicator.flush('KZ', pushTo(kz, 'KZ', requests))).toBe(9)
    expect(requests.map((f) => f.length)).toEqual([9])
    expect(await cn.store.outbox('KZ', '2030-01-01T00:00:00Z')).toEqual([])
    expect(await cn.store.receipts('KZ')).toHaveLength(1)
  })

  it('a delivery asked for while one runs is not dropped: it runs as soon as the first ends', async () => {
    const cn = await nodeOf('CN')
    const kz = await nodeOf('KZ')
    const [a, b] = [transit(7), transit(8)]
    await cn.replicator.ingest(a.entries.map((w) => w.bytes))
    const requests: Frames[] = []
    const deliver = pushTo(kz, 'KZ', requests)
    let open: () => void = () => undefined
    const gate = new Promise<void>((resolve) => { open = resolve })
    const send = async (peer: string, name: string, frames: Frames) => {
      if (requests.length === 0) await gate
      return deliver(peer, name, frames)
    }
    const running = cn.replicator.deliver('KZ', send)
    await new Promise((r) => setTimeout(r, 10))
    // B is stored while A's delivery is on the wire; its delivery is asked for then.
    await cn.replicator.ingest(b.entries.map((w) => w.bytes))
    const asked = cn.replicator.deliver('KZ', send)
    open()
    await Promise.all([running, asked])
    expect(requests.map((f) => f.length)).toEqual([3, 3])
    expect(await cn.store.outbox('KZ', '2030-01-01T00:00:00Z')).toEqual([])
  })

  it('a delivery to a peer with nothing due does not look at the store; a new entry or a due retry does', async () => {
    const cn = await nodeOf('CN')
    const kz = await nodeOf('KZ')
    const requests: Frames[] = []
    const ok = pushTo(kz, 'KZ', requests)
    await cn.replicator.ingest(transit(26).entries.map((w) => w.bytes))
    await cn.replicator.deliver('KZ', ok)
    expect(requests).toHaveLength(1)
    const reads = cn.store.outboxReads
    await cn.replicator.deliver('KZ', ok)
    expect(cn.store.outboxReads).toBe(reads)
    await cn.replicator.ingest(transit(27).entries.map((w) => w.bytes))
    await cn.replicator.deliver('KZ', ok)
    expect(requests.map((f) => f.length)).toEqual([3, 3])
    // A failed push backs off: nothing is due until then, so nothing is looked at or sent.
    await cn.replicator.ingest(transit(28).entries.map((w) => w.bytes))
    await expect(cn.replicator.deliver('KZ', () => Promise.reject(new Error('unreachable')))).rejects.toThrow('unreachable')
    const after = cn.store.outboxReads
    await cn.replicator.deliver('KZ', ok)
    expect(cn.store.outboxReads).toBe(after)
    // Forced (an operator's retry, the periodic look): the store is read, the backing-off items stay.
    await cn.replicator.deliver('KZ', ok, { force: true })
    expect(cn.store.outboxReads).toBeGreaterThan(after)
    expect(requests).toHaveLength(2)
    expect(await cn.store.outbox('KZ', '2030-01-01T00:00:00Z')).toHaveLength(3)
  })

  it('sync: a full sync pulls everything in pipelined rounds, then a delta sync asks only for what changed', async () => {
    const cn = await nodeOf('CN', { syncBatch: 4 })
    const kz = await nodeOf('KZ')
    const docs = [transit(9), transit(10), transit(11)]
    for (const d of docs) await cn.replicator.ingest(d.entries.map((w) => w.bytes))
    const requests: { documents: unknown[]; since?: string }[] = []
    expect(await kz.replicator.sync('CN', syncWith(cn, 'KZ', requests), { full: true })).toBe(9)
    // Whole documents per round where they fit: 3 rounds of 3 entries.
    expect(requests).toHaveLength(3)
    for (const d of docs) expect((await kz.store.getDocument(d.documentId))?.status).toBe('released')
    // Nothing changed: the delta round lists KZ's own changes (what it just took) and gets nothing.
    requests.length = 0
    expect(await kz.replicator.sync('CN', syncWith(cn, 'KZ', requests), { full: false })).toBe(0)
    expect(requests).toHaveLength(1)
    expect(requests[0]!.since).toBeTypeOf('string')
    // CN's new entry in one document: the next delta brings exactly it.
    const more = transit(12)
    await cn.replicator.ingest(more.entries.map((w) => w.bytes))
    const answers: number[] = []
    const counting = async (peer: string, name: string, frames: Frames) => {
      const r = await syncWith(cn, 'KZ', requests)(peer, name, frames)
      answers.push(r.length - 1)
      return r
    }
    expect(await kz.replicator.sync('CN', counting, { full: false })).toBe(3)
    expect(answers).toEqual([3])
  })

  it('sync: a document bigger than an answer goes on inside it in the next round', async () => {
    const cn = await nodeOf('CN', { syncBatch: 2 })
    const kz = await nodeOf('KZ')
    await cn.replicator.ingest(first.map((w) => w.bytes), 'CN')
    const requests: unknown[] = []
    expect(await kz.replicator.sync('CN', syncWith(cn, 'KZ', requests), { full: true })).toBe(4)
    expect(requests).toHaveLength(2)
  })

  it('sync: a cursor the answerer does not know (it restarted) falls back to a full sync', async () => {
    const store = new CountingStore()
    const cn = await nodeOf('CN', { store })
    const kz = await nodeOf('KZ')
    const a = transit(13)
    await cn.replicator.ingest(a.entries.map((w) => w.bytes))
    await kz.replicator.sync('CN', syncWith(cn, 'KZ', []), { full: true })
    const restarted = await nodeOf('CN', { store })
    const b = transit(14)
    await restarted.replicator.ingest(b.entries.map((w) => w.bytes))
    const requests: { since?: string }[] = []
    expect(await kz.replicator.sync('CN', syncWith(restarted, 'KZ', requests), { full: false })).toBe(3)
    expect(requests.map((r) => r.since === undefined)).toEqual([false, true])
  })

  it('sync (version 2) answers an off-route member alike whether the document is held or not (THREATS 19)', async () => {
    const holding = await nodeOf('KZ')
    await holding.replicator.ingest(first.map((w) => w.bytes), 'CN')
    const empty = await nodeOf('KZ')
    const ask = { v: 2 as const, documents: [{ id: EXAMPLE_CONTEXT.mrn, have: [] }] }
    const shape = (frames: Frames) => {
      const { cursor: _, ...head } = JSON.parse(new TextDecoder().decode(frames[0])) as SyncHead
      void _
      return { head, entries: frames.length - 1 }
    }
    expect(shape(await holding.replicator.answerSync('KG', ask))).toEqual({ head: { v: 2 }, entries: 0 })
    expect(shape(await empty.replicator.answerSync('KG', ask))).toEqual(shape(await holding.replicator.answerSync('KG', ask)))
    // A cursor never issued reads the same too.
    expect(shape(await holding.replicator.answerSync('KG', { ...ask, since: 'x' }))).toEqual(shape(await empty.replicator.answerSync('KG', { ...ask, since: 'x' })))
  })

  it('the document cache is bounded by the bytes of its entries', async () => {
    const kz = await nodeOf('KZ', { cache: { bytes: 20_000 } })
    for (let i = 15; i < 25; i++) await kz.replicator.ingest(transit(i).entries.map((w) => w.bytes), 'CN')
    const held = kz.docs.held
    expect(held.bytes).toBeLessThanOrEqual(20_000)
    expect(held.documents).toBeGreaterThan(0)
    expect(held.documents).toBeLessThan(10)
  })
})
