/**
 * Verification (docs/protocol/log.md S1-S4): parse the bytes once, find the one enveloped
 * signature and check its shape, recompute the digest of the document without it, resolve the
 * pinned key, and verify the Ed25519 signature of the canonical SignedInfo strictly. The result
 * carries the tree of exactly the verified bytes: callers read the message from it and nothing else.
 */
import { SisError } from '../errors.ts'
import { canonicalize, parseXml } from '../xml/index.ts'
import type { XmlElement, XmlLimits } from '../xml/index.ts'
import type { Ed25519Backend } from '../crypto/index.ts'
import { equalBytes, NODE_ED25519, sha256, verifyStrict } from '../crypto/index.ts'
import { signatureParts } from './structure.ts'
import { DSIG_NS } from './profile.ts'

export interface VerifiedXml {
  /** The exact bytes that were verified. */
  readonly bytes: Uint8Array
  /** The document's root element, parsed from those bytes, with the ds:Signature removed. */
  readonly root: XmlElement
}

/** Picks the pinned public key for a document; throws SIG_UNKNOWN_KEY when there is none. */
export type KeyResolver = (root: XmlElement) => Uint8Array

function lastIndexOf(haystack: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).lastIndexOf(Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength))
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}


export function verifyXml(bytes: Uint8Array, resolveKey: KeyResolver, options: { backend?: Ed25519Backend; limits?: Partial<XmlLimits> } = {}): VerifiedXml {
  const root = parseXml(bytes, options.limits)
  const parts = signatureParts(root)
  // SignedInfo inherits the ds prefix from ds:Signature (and the default namespace from the root).
  const inScope = new Map([...root.namespaces, ...parts.signature.namespaces])
  // One canonicalization of the whole document serves twice: cut out the signature's own
  // rendering and it is the digest input (the enveloped-signature transform); compared with the
  // bytes it is the S5 check. Exclusive C14N renders a subtree the same inside the document and
  // alone, and the signature is the last element, so its last occurrence is the one to cut.
  const whole = canonicalize(root)
  const own = canonicalize(parts.signature, { inScope })
  const at = lastIndexOf(whole, own)
  const digestInput = at < 0 ? canonicalize(root, { exclude: (e) => e === parts.signature }) : concat(whole.subarray(0, at), whole.subarray(at + own.length))
  if (!equalBytes(sha256(digestInput), parts.digest)) throw new SisError('SIG_DIGEST_MISMATCH', 'signature: the digest of the document does not match ds:DigestValue; the message was changed after signing', {})
  const publicKey = resolveKey(root)
  const signedInfo = canonicalize(parts.signedInfo, { inScope })
  if (!verifyStrict(options.backend ?? NODE_ED25519, publicKey, signedInfo, parts.signatureValue)) {
    throw new SisError('SIG_INVALID', 'signature: the Ed25519 signature does not verify with the pinned key of the author', {})
  }
  // S5: the bytes must be the canonical form itself. Any other spelling of the same signed
  // content (a trailing newline, single quotes, an XML declaration) would verify too but have
  // another id, and could be passed off as a second entry of the author (a false equivocation).
  if (!equalBytes(whole, bytes)) throw new SisError('SIG_MALFORMED', 'signature: the entry bytes are not the canonical form of the signed document (Exclusive C14N, no XML declaration)', { reason: 'not-canonical' })
  const withoutSignature = { ...root, children: root.children.filter((c) => !(c.kind === 'element' && c.ns === DSIG_NS && c.local === 'Signature')) }
  return { bytes, root: withoutSignature }
}
