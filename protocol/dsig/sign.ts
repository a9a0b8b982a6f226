/**
 * Signing: digest the canonical form of the whole document, build SignedInfo, sign its canonical
 * form with Ed25519, and insert the ds:Signature as the last child of the root element. The
 * returned bytes are the entry: they are stored and forwarded as they are, never re-serialized.
 */
import { SisError } from '../errors.ts'
import { canonicalize, parseXml } from '../xml/index.ts'
import type { Ed25519Backend, SigningKey } from '../crypto/index.ts'
import { NODE_ED25519, sha256 } from '../crypto/index.ts'
import { DSIG_NS, encodeBase64, signatureXml, signedInfoXml } from './profile.ts'

/** Signs an unsigned XML document (UTF-8 text) and returns the signed entry: its canonical bytes. */
export function signXml(unsignedXml: string, key: SigningKey, backend: Ed25519Backend = NODE_ED25519): Uint8Array {
  const root = parseXml(unsignedXml)
  const hasSignatureOrComment = (el: typeof root): boolean =>
    el.children.some(
      (c) =>
        c.kind === 'comment' ||
        (c.kind === 'element' && ((c.ns === DSIG_NS && c.local === 'Signature') || hasSignatureOrComment(c))),
    )
  if (hasSignatureOrComment(root))
    throw new SisError('SIG_MALFORMED', 'signing: the document already carries a signature or a comment', {
      reason: 'unsigned-input',
    })
  const digest = encodeBase64(sha256(canonicalize(root)))
  const signedInfo = signedInfoXml(digest)
  // Sign the canonical form as the verifier will compute it from the parsed element.
  const canonicalSignedInfo = canonicalize(parseXml(signedInfo))
  const signatureValue = encodeBase64(backend.sign(key, canonicalSignedInfo))
  const signature = signatureXml(digest, signatureValue)
  // The signature goes right before the root's end tag, so the text around it is unchanged and
  // the enveloped-signature transform gives back exactly the digested document.
  const end = unsignedXml.lastIndexOf('</')
  if (end < 0)
    throw new SisError('SIG_MALFORMED', 'signing: the root element must have an end tag', { reason: 'unsigned-input' })
  // The entry is the canonical form of the signed document (S5): one byte sequence per signed
  // content, so that its id (the SHA-256 of its bytes) cannot be varied by anyone but the signer.
  return canonicalize(parseXml(unsignedXml.slice(0, end) + signature + unsignedXml.slice(end)))
}
