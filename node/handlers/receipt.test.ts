/**
 * The receipt protocol: entries a member took by sync are acknowledged with a DeliveryReceipt
 * signed by that member; the sender keeps it and clears the entries from its outbox. A receipt
 * signed by anyone else, addressed to another node, or malformed is refused and changes nothing.
 */
import { describe, expect, it } from 'vitest'
import { keyIdOf, testKey, testMembership } from '../../protocol/testing/federation.ts'
import { transitLifecycle } from '../../protocol/testing/scenario.ts'
import { DocumentCache } from '../documents.ts'
import { Replicator } from '../replication.ts'
import { MemoryStore } from '../storage/index.ts'
import { receipt } from './push.ts'
import { receiptHandler, sendReceipt } from './receipt.ts'

const membership = testMembership()
const NOW = '2026-11-24T15:00:00.123Z'
const { e } = transitLifecycle()
const chain = [e.lodged!, e.accepted!, e.covered!, e.released!]

async function node(country: string) {
  const store = new MemoryStore()
  await store.open()
  const replicator = new Replicator({
    country,
    store,
    docs: new DocumentCache(store, membership),
    membership,
    now: () => NOW,
    events: {
      documentChanged: () => undefined,
      refused: () => undefined,
      delivered: () => undefined,
      received: () => undefined,
    },
  })
  await replicator.ingest(chain.map((w) => w.bytes))
  const signer = { country, keyId: keyIdOf(country), signingKey: testKey(country), store }
  return { store, signer, handle: receiptHandler({ country, membership: () => membership, now: () => NOW, store }) }
}

describe('receipt handler', () => {
  it("keeps a member's signed receipt for synced entries and clears them from the outbox for it", async () => {
    const cn = await node('CN')
    const kz = await node('KZ')
    expect((await cn.store.outboxDepth()).KZ).toBe(chain.length)
    // The asker sends it over the transport as sendReceipt does.
    const sent: Uint8Array[][] = []
    await sendReceipt(
      kz.signer,
      {
        request: async (_peer, name, frames) => {
          expect(name).toBe('receipt')
          sent.push(frames)
          return []
        },
      },
      'CN',
      chain.map((w) => w.id),
    )
    expect(await cn.handle(sent[0]!, { country: 'KZ' })).toEqual([])
    expect((await cn.store.outboxDepth()).KZ ?? 0).toBe(0)
    expect((await cn.store.outboxDepth()).UZ).toBe(chain.length)
    const kept = await cn.store.receipts('KZ')
    expect(kept).toHaveLength(1)
    expect([...kept[0]!.entryIds].sort()).toEqual(chain.map((w) => w.id).sort())
    // The same receipt again, or one for entries never waiting for KZ, stores nothing more.
    expect(await cn.handle(sent[0]!, { country: 'KZ' })).toEqual([])
    expect(await cn.handle([await receipt(kz.signer, 'CN', [chain[0]!.id])], { country: 'KZ' })).toEqual([])
    expect(await cn.store.receipts('KZ')).toHaveLength(1)
  })

  it('refuses a receipt sent by another member than its signer, one for another node, and a malformed one', async () => {
    const cn = await node('CN')
    const kz = await node('KZ')
    const forCn = await receipt(
      kz.signer,
      'CN',
      chain.map((w) => w.id),
    )
    await expect(cn.handle([forCn], { country: 'UZ' })).rejects.toMatchObject({ code: 'MSG_HEADER_MISMATCH' })
    const forUz = await receipt(
      kz.signer,
      'UZ',
      chain.map((w) => w.id),
    )
    await expect(cn.handle([forUz], { country: 'KZ' })).rejects.toMatchObject({ code: 'MSG_HEADER_MISMATCH' })
    await expect(cn.handle([forCn, forCn], { country: 'KZ' })).rejects.toMatchObject({ code: 'MSG_INVALID_VALUE' })
    await expect(cn.handle([new TextEncoder().encode('<DeliveryReceipt>')], { country: 'KZ' })).rejects.toMatchObject({
      code: expect.stringMatching(/^XML_|^SIG_/),
    })
    await expect(cn.handle([chain[0]!.bytes], { country: 'CN' })).rejects.toMatchObject({ code: 'MSG_UNKNOWN_TYPE' })
    expect((await cn.store.outboxDepth()).KZ).toBe(chain.length)
    expect(await cn.store.receipts('KZ')).toEqual([])
  })
})
