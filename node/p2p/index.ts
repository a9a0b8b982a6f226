/**
 * node/p2p: the libp2p host of a member node (members-only overlay, request/response framing).
 * Named exports only; see README.md for the protocol ids, the framing and the gating.
 */
export { P2PHost } from './host.ts'
export type { HandleOptions, P2PHostOptions, RequestOptions } from './host.ts'
export { P2PError, P2P_ERROR_CODES, isP2PErrorCode } from './errors.ts'
export type { P2PErrorCode } from './errors.ts'
export { DEFAULT_FRAME_LIMITS } from './framing.ts'
export type { FrameLimits, Frames } from './framing.ts'
export { membershipGater, staticMemberDirectory } from './members.ts'
export type { DeniedListener, Member, MemberDirectory } from './members.ts'
export type { RequestHandler, RequestSender } from './rpc.ts'
export { silentLogger } from './support.ts'
export type { P2PLogger } from './support.ts'
export { DEFAULT_BACKOFF, backoffDelay } from './reconnect.ts'
export type { BackoffPolicy } from './reconnect.ts'
export { generatePeerKey, peerIdOfKey, readPeerKeyFile, writePeerKeyFile } from './peer-key.ts'
export {
  DEFAULT_PROTOCOL_IDS,
  DEFAULT_PROTOCOL_PREFIX,
  REQUEST_NAMES,
  REQUEST_PROTOCOL_VERSION,
  kadProtocolId,
  requestProtocolId,
} from './protocols.ts'
export { fetchMembershipChain, splitMemberAddress } from './fetch-membership.ts'
