/**
 * The Replicator facade: one write at a time through serial() (a failure breaks nothing), the
 * parts wired together (an ingest's outbox items are delivered, a sync's answer is ingested), and
 * the membership setter reaching every part. Each part has its own tests in replication/.
 */
import { describe, expect, it } from 'vitest'
import { EXAMPLE_CONTEXT } from '../protocol/messages/index.ts'
import { testMembership, testMembershipDocument } from '../protocol/testing/federation.ts'
import { transitLifecycle } from '../protocol/testing/scenario.ts'
import type { Frames } from './replication.ts'
import { LATER, nodeOf, pushTo, syncWith, upTo } from './replication/testing/harness.ts'

const { writer, e } = transitLifecycle()
const released = upTo(writer, e.released!)
const bytes = released.map((w) => w.bytes)

describe('Replicator', () => {
  it('serial() runs one section at a time in queued order; a failure rejects only its own caller', async () => {
    const { replicator } = await nodeOf('CN')
    const log: string[] = []
    const section = (name: string, ms: number, fail = false) =>
      replicator.serial(async () => {
        log.push(`${name} in`)
        await new Promise((r) => setTimeout(r, ms))
        log.push(`${name} out`)
        if (fail) throw new Error(`${name} failed`)
        return name
      })
    const results = await Promise.allSettled([section('a', 20), section('b', 1, true), section('c', 5)])
    expect(log).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out'])
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'a',
      'b failed',
      'c',
    ])
  })

  it('ingest waits for the sections queued before it; ingestUnlocked inside one does not', async () => {
    const cn = await nodeOf('CN')
    const order: string[] = []
    let open: () => void = () => undefined
    const gate = new Promise<void>((resolve) => {
      open = resolve
    })
    const held = cn.replicator.serial(async () => {
      await gate
      order.push('section')
    })
    const ingested = cn.replicator.ingest(bytes).then((r) => {
      order.push('ingest')
      return r
    })
    await new Promise((r) => setTimeout(r, 10))
    expect(order).toEqual([])
    open()
    await Promise.all([held, ingested])
    expect(order).toEqual(['section', 'ingest'])
    const inside = await cn.replicator.serial(() => cn.replicator.ingestUnlocked(bytes))
    expect(inside.held).toHaveLength(released.length)
  })

  it('what an ingest queues is delivered, and what a sync brings is ingested', async () => {
    const cn = await nodeOf('CN')
    const kz = await nodeOf('KZ')
    const uz = await nodeOf('UZ')
    await cn.replicator.ingest(bytes)
    const requests: Frames[] = []
    await cn.replicator.deliver('KZ', pushTo(kz, 'KZ', requests))
    expect(requests.map((f) => f.length)).toEqual([released.length])
    expect(await cn.store.outbox('KZ', LATER)).toEqual([])
    expect(await uz.replicator.sync('KZ', syncWith(kz, 'UZ', []), { full: true })).toBe(released.length)
    expect(uz.changed).toEqual([EXAMPLE_CONTEXT.mrn])
  })

  it('the membership setter reaches intake: a country no longer a member gets nothing queued', async () => {
    const cn = await nodeOf('CN')
    const doc = testMembershipDocument()
    cn.replicator.membership = testMembership({ members: doc.members.filter((m) => m.country !== 'UZ') })
    await cn.replicator.ingest(bytes)
    expect(await cn.store.outbox('UZ', LATER)).toEqual([])
    expect(await cn.store.outbox('KZ', LATER)).toHaveLength(released.length)
  })
})
