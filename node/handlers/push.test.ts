/**
 * The push handler on a real replicator over the in-memory store: frames of signed entries in,
 * one signed DeliveryReceipt out for the entries held, byte-identical for a duplicate; one
 * refusal whatever the reason nothing was taken.
 */
import { describe, expect, it } from 'vitest'
import { SisError } from '../../protocol/errors.ts'
import { readSignedMessage } from '../../protocol/log/index.ts'
import { EXAMPLE_CONTEXT } from '../../protocol/messages/index.ts'
import { keyIdOf, testKey, testMembership } from '../../protocol/testing/federation.ts'
import { transitLifecycle } from '../../protocol/testing/scenario.ts'
import { DocumentCache } from '../documents.ts'
import { Replicator } from '../replication.ts'
import type { Frames } from '../replication.ts'
import { MemoryStore } from '../storage/index.ts'
import { pushHandler } from './push.ts'

const membership = testMembership()
const NOW = '2026-11-24T15:00:00.123Z'
const { e } = transitLifecycle()

async function receiver(country: string) {
  const store = new MemoryStore()
  await store.open()
  const docs = new DocumentCache(store, membership)
  const refused: string[] = []
  const replicator = new Replicator({
    country,
    store,
    docs,
    membership,
    now: () => NOW,
    events: {
      documentChanged: () => undefined,
      refused: (_peer, err) => refused.push(err.code),
      delivered: () => undefined,
      received: () => undefined,
    },
  })
  const handle = pushHandler({
    country,
    keyId: keyIdOf(country),
    signingKey: testKey(country),
    store,
    ingest: (frames, from) => replicator.ingest(frames, from),
  })
  return { store, refused, push: (frames: Frames, from = 'CN') => handle(frames, { country: from }) }
}

function receiptOf(frames: Frames) {
  expect(frames).toHaveLength(1)
  const m = readSignedMessage(frames[0]!, membership)
  expect(m.type).toBe('DeliveryReceipt')
  return m.message as unknown as { Header: Record<string, unknown>; Receipt: { receivedAt: string; EntryId: string[] } }
}

describe('push handler', () => {
  const chain = [e.lodged!, e.accepted!, e.covered!, e.released!]

  it('answers a push with one DeliveryReceipt signed by this node for the entries it holds', async () => {
    const kz = await receiver('KZ')
    const m = receiptOf(await kz.push(chain.map((w) => w.bytes)))
    expect(m.Header).toMatchObject({
      authorCountry: 'KZ',
      authorKeyId: keyIdOf('KZ'),
      messageRecipient: 'CN',
      documentId: EXAMPLE_CONTEXT.mrn,
      sequenceNumber: '1',
    })
    expect(m.Receipt.EntryId).toEqual(chain.map((w) => w.id).sort())
    // The time the last of them was stored, in whole seconds.
    expect(m.Receipt.receivedAt).toBe('2026-11-24T15:00:00Z')
    expect(m.Header.messageIdentification).toMatch(/^R-[0-9a-f]{40}$/)
    expect((await kz.store.entriesOf(EXAMPLE_CONTEXT.mrn)).map((s) => s.id).sort()).toEqual(
      chain.map((w) => w.id).sort(),
    )
  })

  it('answers a duplicate delivery with the original receipt, byte for byte', async () => {
    const kz = await receiver('KZ')
    const first = await kz.push(chain.map((w) => w.bytes))
    const again = await kz.push(chain.map((w) => w.bytes))
    expect(Buffer.from(again[0]!).equals(Buffer.from(first[0]!))).toBe(true)
  })

  it('names in the receipt only what was taken, not an entry refused beside it', async () => {
    const kz = await receiver('KZ')
    const m = receiptOf(await kz.push([e.lodged!.bytes, new TextEncoder().encode('<not-an-entry/>')]))
    expect(m.Receipt.EntryId).toEqual([e.lodged!.id])
    expect(kz.refused).toHaveLength(1)
  })

  it('refuses with one answer whatever the reason nothing was taken', async () => {
    const reasons: Record<string, () => Promise<Frames>> = {
      'not an entry': async () => (await receiver('KZ')).push([new TextEncoder().encode('<not-an-entry/>')]),
      'waiting for what it rests on': async () => (await receiver('KZ')).push([e.released!.bytes]),
      "a document off this node's route": async () => (await receiver('KG')).push(chain.map((w) => w.bytes)),
    }
    for (const [reason, push] of Object.entries(reasons)) {
      const err = await push().then(
        () => undefined,
        (x: unknown) => x,
      )
      expect(err, reason).toBeInstanceOf(SisError)
      expect((err as SisError).code, reason).toBe('LOG_MISSING_DEPENDENCIES')
      expect((err as SisError).message, reason).toBe('nothing of the push was taken')
    }
  })
})
