/**
 * The membership protocol's handler (`/carec-sis/membership/1.0.0`,
 * docs/protocol/p2p/membership.md): a member names the newest version it holds and gets the
 * stored signed versions after it, up to the one in force here, at most 16 per answer (it asks
 * again). A request that names no usable version is answered from the first.
 *
 * A request naming a version newer than the one in force here tells this node it is behind: it
 * asks that member for the newer versions at once (`ahead`), so a version adopted anywhere
 * reaches every connected member within a few round trips instead of at the next sync.
 */
import type { RequestSender } from '../p2p/index.ts'
import type { Frames } from '../replication.ts'
import type { MembershipSlice } from '../storage/types.ts'

/** Signed versions per answer. */
export const MEMBERSHIP_BATCH = 16

export interface MembershipDeps {
  readonly store: Pick<MembershipSlice, 'getMembership'>
  /** The version in force here: newer stored ones are not handed out before they are adopted. */
  version(): number
  /** A member named a newer version than the one in force here: fetch it (not awaited). */
  ahead?(country: string): void
}

/** The handler of a member's membership request: the stored versions newer than the asker's. */
export function membershipHandler(deps: MembershipDeps): (frames: Frames, sender?: RequestSender) => Promise<Frames> {
  return async (frames, sender) => {
    const asked = (JSON.parse(new TextDecoder().decode(frames[0] ?? new Uint8Array())) as { version?: unknown }).version
    const from = typeof asked === 'number' && Number.isSafeInteger(asked) ? asked : 0
    if (from > deps.version() && sender !== undefined) deps.ahead?.(sender.country)
    const out: Uint8Array[] = []
    for (let v = from + 1; v <= deps.version() && out.length < MEMBERSHIP_BATCH; v++) {
      const m = await deps.store.getMembership(v)
      if (m !== undefined) out.push(m)
    }
    return out
  }
}
