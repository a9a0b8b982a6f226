/** The SIS XMLDSig profile: enveloped Ed25519 signatures over Exclusive C14N, SHA-256. */
export { ALGORITHMS, DSIG_NS, xmldsigProfileXsd } from './profile.ts'
export { signatureParts } from './structure.ts'
export { signXml } from './sign.ts'
export { prepareVerification, verifyXml } from './verify.ts'
export type { KeyResolver, PreparedVerification, VerifiedXml, VerifyOptions } from './verify.ts'
