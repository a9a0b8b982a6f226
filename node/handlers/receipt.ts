/**
 * The receipt protocol (`/carec-sis/receipt/1.0.0`, docs/protocol/p2p/receipt.md): entries that
 * reach a node by sync get the same signed DeliveryReceipt as pushed ones. The asker, after it
 * stored what a member's sync answer brought, sends that member its receipt; the member checks
 * it (a DeliveryReceipt signed by the sender with its pinned key, addressed to this node) and
 * keeps it as proof of delivery of the entries it had waiting for that member, clearing them
 * from its outbox; a receipt naming none of them is not stored.
 */
import { SisError } from '../../protocol/errors.ts'
import { readSignedMessage } from '../../protocol/log/index.ts'
import type { Message } from '../../protocol/messages/index.ts'
import type { Membership } from '../../protocol/membership/index.ts'
import type { Frames, Transport } from '../replication.ts'
import type { OutboxSlice } from '../storage/types.ts'
import { receipt } from './push.ts'
import type { PushDeps } from './push.ts'

export interface ReceiptDeps {
  readonly country: string
  membership(): Membership
  now(): string
  readonly store: Pick<OutboxSlice, 'ackOutbox' | 'outbox'>
}

/** The handler of a member's receipt for entries it took from this node by sync. */
export function receiptHandler(
  deps: ReceiptDeps,
): (frames: Frames, from: { readonly country: string }) => Promise<Frames> {
  return async (frames, from) => {
    const bytes = frames[0]
    if (bytes === undefined || frames.length !== 1)
      throw new SisError('MSG_INVALID_VALUE', 'receipt: one signed DeliveryReceipt expected', {})
    const m = readSignedMessage(bytes, deps.membership())
    if (m.type !== 'DeliveryReceipt')
      throw new SisError('MSG_UNKNOWN_TYPE', `receipt: expected DeliveryReceipt, got ${m.type}`, { type: m.type })
    const r = m.message as Message<'DeliveryReceipt'>
    if (r.Header.authorCountry !== from.country || r.Header.messageRecipient !== deps.country) {
      throw new SisError(
        'MSG_HEADER_MISMATCH',
        `receipt: signed by ${r.Header.authorCountry} for ${r.Header.messageRecipient ?? 'nobody'}, sent by ${from.country} to ${deps.country}`,
        {},
      )
    }
    // Kept only as the proof of what this node had waiting for the sender: a receipt naming
    // nothing it waits for (a replay, entries it never sent) is not stored, so no member can
    // fill the store with receipts or claim to hold what it was never sent.
    const named = new Set(r.Receipt.EntryId)
    const waiting = (await deps.store.outbox(from.country, '9999-12-31T23:59:59.999Z')).map((o) => o.entryId)
    const delivered = [...new Set(waiting.filter((id) => named.has(id)))]
    if (delivered.length === 0) return []
    await deps.store.ackOutbox(from.country, delivered, {
      peer: from.country,
      entryIds: delivered,
      bytes,
      receivedAt: deps.now(),
    })
    return []
  }
}

/** After a sync brought `entryIds` from `peer`: signs the receipt and sends it there. */
export async function sendReceipt(
  deps: Pick<PushDeps, 'country' | 'keyId' | 'signingKey' | 'store'>,
  transport: Pick<Transport, 'request'>,
  peer: string,
  entryIds: readonly string[],
): Promise<void> {
  if (entryIds.length === 0) return
  await transport.request(peer, 'receipt', [await receipt(deps, peer, [...new Set(entryIds)].sort())], {
    timeoutMs: 15_000,
  })
}
