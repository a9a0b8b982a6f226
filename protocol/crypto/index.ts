/**
 * protocol/crypto: Ed25519 signing and strict verification, and key encodings. Named exports
 * only. A browser page imports the pure parts directly (strict.ts, noble.ts, pem.ts,
 * signing-key.ts), since this index also loads the node:crypto backend.
 */
export type { Ed25519Backend, KeyInvalidReason } from './signing-key.ts'
export { SigningKey, signingKeyFromSeed, keyFingerprint, keyShortId } from './signing-key.ts'
export { checkPublicKey, verifyStrict } from './strict.ts'
export { NODE_ED25519 } from './node-backend.ts'
export { NOBLE_ED25519 } from './noble.ts'
export {
  signingKeyFromPem,
  signingKeyToPem,
  publicKeyFromPem,
  publicKeyToPem,
  publicKeyFromBase64,
  publicKeyToBase64,
} from './pem.ts'
export { sha256, sha256Hex, sha256Parts } from './hash.ts'
export { equalBytes } from './curve.ts'
