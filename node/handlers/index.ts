/**
 * The node's peer protocol handlers, one file each (in the manner of js-libp2p kad-dht's
 * rpc/handlers): push (entries in, a signed receipt out), sync (what a member lacks),
 * receipt (a member's signed receipt for what it took by sync),
 * membership (newer signed versions), and the extra protocols the document kinds declare
 * (NodeKind.protocols). The transport checks membership before any handler runs
 * (docs/protocol/p2p/README.md, the gate).
 */
import type { KindContext } from '../kinds/kind.ts'
import { NODE_KINDS } from '../kinds/registry.ts'
import type { Transport } from '../replication.ts'
import { membershipHandler } from './membership.ts'
import type { MembershipDeps } from './membership.ts'
import { pushHandler } from './push.ts'
import type { PushDeps } from './push.ts'
import { receiptHandler } from './receipt.ts'
import type { ReceiptDeps } from './receipt.ts'
import { syncHandler } from './sync.ts'
import type { SyncDeps } from './sync.ts'

export interface HandlerDeps {
  readonly push: PushDeps
  readonly sync: SyncDeps
  readonly membership: MembershipDeps
  readonly receipt: ReceiptDeps
  /** What the kinds' protocols are lent, as of each request. */
  kindContext(): KindContext
}

/** Registers every request protocol this node serves, by name (`/carec-sis/<name>/1.0.0`). */
export async function registerHandlers(transport: Pick<Transport, 'handle'>, deps: HandlerDeps): Promise<void> {
  await transport.handle('push', pushHandler(deps.push))
  await transport.handle('sync', syncHandler(deps.sync))
  await transport.handle('membership', membershipHandler(deps.membership))
  await transport.handle('receipt', receiptHandler(deps.receipt))
  for (const k of NODE_KINDS) {
    for (const [name, handler] of Object.entries(k.protocols ?? {}))
      await transport.handle(name, (frames, from) => handler(deps.kindContext(), frames, from.country))
  }
}
