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
  MEMBERSHIP_PURPOSE,
} from './signed.ts'
export { withHistory } from './history.ts'
