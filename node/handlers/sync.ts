/**
 * The sync protocol's handler (`/carec-sis/sync/1.0.0`, docs/protocol/p2p/sync.md): a member
 * lists what it holds of the documents it shares with this node and gets what it lacks. The
 * request is checked (Replicator.parseSync: a malformed one fails the handler) and answered by
 * the replicator, which answers only documents whose audience includes the asker (THREATS 19).
 */
import type { Frames, Replicator } from '../replication.ts'

export type SyncDeps = Pick<Replicator, 'answerSync' | 'parseSync'>

/** The handler of a member's sync request. */
export function syncHandler(
  replicator: SyncDeps,
): (frames: Frames, from: { readonly country: string }) => Promise<Frames> {
  return (frames, from) => replicator.answerSync(from.country, replicator.parseSync(frames[0]))
}
