/** The federation membership as the protocol reads it: pinned keys and office ownership. */
export { loadMembership, MembershipDocument, Member, MemberKey, OfficeAssignment } from './membership.ts'
export type { Membership, OfficeInfo } from './membership.ts'
export {
  SignedMembership,
  membershipHash,
  membershipSigningBytes,
  signMembership,
  verifySignedMembership,
  inForce,
  membershipSigners,
  MEMBERSHIP_PURPOSE,
} from './signed.ts'
export { withHistory } from './history.ts'
export { judgeChain, parseSignedMembership } from './judge.ts'
export type { ChainVerdict, VersionVerdict } from './judge.ts'
