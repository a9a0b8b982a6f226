/**
 * The push protocol's handler (`/carec-sis/push/1.0.0`, docs/protocol/p2p/push.md): a member
 * delivers its new entries; this node verifies and stores them (Replicator.ingest) and answers
 * with a signed DeliveryReceipt for those it holds. One answer whatever the reason nothing was
 * taken (refused, waiting, out of scope): it must not tell a peer whether this node holds a
 * document.
 */
import { sha256Hex } from '../../protocol/crypto/index.ts'
import type { SigningKey } from '../../protocol/crypto/index.ts'
import { signXml } from '../../protocol/dsig/index.ts'
import { SisError } from '../../protocol/errors.ts'
import { encodeMessage } from '../../protocol/messages/index.ts'
import type { Frames, IngestResult } from '../replication.ts'
import type { EntrySlice } from '../storage/types.ts'

export interface PushDeps {
  readonly country: string
  /** The key id and key this node signs its receipts with. */
  readonly keyId: string
  readonly signingKey: SigningKey
  readonly store: Pick<EntrySlice, 'getEntry'>
  /** Verifies and stores a peer's entries; resolves after the synced write (Replicator.ingest). */
  ingest(frames: Frames, from: string): Promise<IngestResult>
}

/** The handler of a member's push: its entries in, a signed receipt for those held out. */
export function pushHandler(deps: PushDeps): (frames: Frames, from: { readonly country: string }) => Promise<Frames> {
  return async (frames, from) => {
    const result = await deps.ingest(frames, from.country)
    const held = [...new Set([...result.accepted, ...result.held])].sort()
    if (held.length === 0) throw new SisError('LOG_MISSING_DEPENDENCIES', 'nothing of the push was taken', {})
    return [await receipt(deps, from.country, held)]
  }
}

/**
 * The signed DeliveryReceipt for entries held. Deterministic (its time is when the last of them
 * was stored, its id derives from theirs, Ed25519 is deterministic), so a duplicate delivery is
 * answered with the original receipt, byte for byte.
 */
export async function receipt(
  deps: Pick<PushDeps, 'country' | 'keyId' | 'signingKey' | 'store'>,
  peer: string,
  held: readonly string[],
): Promise<Uint8Array> {
  const stored = (await Promise.all(held.map((id) => deps.store.getEntry(id)))).filter((e) => e !== undefined)
  const receivedAt = stored
    .map((e) => e.storedAt)
    .sort()
    .at(-1)!
    .replace(/\.\d+Z$/, 'Z')
  const header = {
    messageIdentification: `R-${sha256Hex(new TextEncoder().encode(held.join(','))).slice(0, 40)}`,
    messageType: 'DeliveryReceipt' as const,
    preparationDateAndTime: receivedAt,
    documentId: stored[0]!.documentId,
    authorCountry: deps.country,
    authorKeyId: deps.keyId,
    sequenceNumber: '1',
    ruleVersion: '1',
    messageRecipient: peer,
  }
  return signXml(
    encodeMessage('DeliveryReceipt', { Header: header, Receipt: { receivedAt, EntryId: [...held].slice(0, 10_000) } }),
    deps.signingKey,
  )
}
