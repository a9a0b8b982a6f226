/**
 * Verification (docs/protocol/log.md S1-S5): parse the bytes once, find the one enveloped
 * signature and check its shape, recompute the digest of the document without it (from the
 * bytes themselves when the reader saw they are canonical, else by canonicalizing), resolve the
 * pinned key, and verify the Ed25519 signature of the canonical SignedInfo strictly. The result
 * carries the tree of exactly the verified bytes: callers read the message from it and nothing else.
 */
import { SisError } from '../errors.ts'
import { canonicalize, canonicalText, parseXmlText } from '../xml/index.ts'
import type { XmlElement, XmlLimits } from '../xml/index.ts'
import type { Ed25519Backend } from '../crypto/index.ts'
import { equalBytes, NODE_ED25519, sha256Parts, verifyStrict } from '../crypto/index.ts'
import { signatureParts } from './structure.ts'
import { encodeBase64, signedInfoXml } from './profile.ts'

export interface VerifiedXml {
  /** The exact bytes that were verified. */
  readonly bytes: Uint8Array
  /** The document's root element, parsed from those bytes, with the ds:Signature removed. */
  readonly root: XmlElement
}

/** Picks the pinned public key for a document; throws SIG_UNKNOWN_KEY when there is none. */
export type KeyResolver = (root: XmlElement) => Uint8Array

const UTF8 = new TextEncoder()

/**
 * Is this SignedInfo spelled exactly as the signer writes it: the ds prefix on every element and
 * no text but the digest? signatureParts has checked everything else (the elements, their order,
 * the attributes and their values, the digest's strict base64). Then its canonical form is the
 * signer's template (signedInfoXml, which is canonical: dsig.test.ts shows it), and need not be
 * computed; any other spelling is canonicalized, with the namespaces it inherits.
 */
function profileSpelling(signedInfo: XmlElement): boolean {
  const stack: XmlElement[] = [signedInfo]
  for (let el = stack.pop(); el !== undefined; el = stack.pop()) {
    if (el.prefix !== 'ds') return false
    for (const c of el.children) {
      if (c.kind === 'element') stack.push(c)
      else if (el.local !== 'DigestValue') return false
    }
  }
  return true
}

/** The bytes whose decoded text is `text`, without the UTF-8 of text[start, end): two views. */
function cutOut(bytes: Uint8Array, text: string, start: number, end: number): Uint8Array[] {
  const tail = Buffer.byteLength(text.slice(end))
  const cut = Buffer.byteLength(text.slice(start, end))
  const after = bytes.length - tail
  return [bytes.subarray(0, after - cut), bytes.subarray(after)]
}

export function verifyXml(bytes: Uint8Array, resolveKey: KeyResolver, options: { backend?: Ed25519Backend; limits?: Partial<XmlLimits> } = {}): VerifiedXml {
  const { root, text, form } = parseXmlText(bytes, options.limits)
  const parts = signatureParts(root)
  let canonical: boolean
  let digest: Uint8Array
  if (form.canonical && form.lastChild?.element === parts.signature) {
    // The reader compared every piece of the text with its canonical rendering as it read (S5),
    // and saw where the signature is written. The bytes are then the UTF-8 of the canonical
    // text, so the digest input (the enveloped-signature transform) is the bytes before and
    // after the signature's: no canonicalization, no copy.
    canonical = true
    digest = sha256Parts(cutOut(bytes, text, form.lastChild.start, form.lastChild.end))
  } else {
    // Any other spelling, or one the reader could not vouch for: canonicalize. One
    // canonicalization of the whole document serves twice. Cut out the signature's rendering
    // and it is the digest input: Exclusive C14N renders every other node the same whether or
    // not the signature is in the node-set, since the signature is no ancestor of any of them.
    // Compared with the input it is the S5 check.
    const whole = canonicalText(root, {}, parts.signature)
    if (whole.markStart < 0 || whole.markEnd < whole.markStart) throw new Error('verifyXml: the signature was not rendered')
    // S5 on text: the strict UTF-8 decoding the parser did is one-to-one, so the bytes are the
    // canonical form exactly when no BOM was dropped and the decoded text equals it.
    canonical = whole.text === text && !(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    digest = canonical
      ? sha256Parts(cutOut(bytes, whole.text, whole.markStart, whole.markEnd))
      : sha256Parts([UTF8.encode(whole.text.slice(0, whole.markStart) + whole.text.slice(whole.markEnd))])
  }
  if (!equalBytes(digest, parts.digest)) throw new SisError('SIG_DIGEST_MISMATCH', 'signature: the digest of the document does not match ds:DigestValue; the message was changed after signing', {})
  const publicKey = resolveKey(root)
  const signedInfo = profileSpelling(parts.signedInfo) ? UTF8.encode(signedInfoXml(encodeBase64(parts.digest))) : canonicalize(parts.signedInfo, { inScope: new Map([...root.namespaces, ...parts.signature.namespaces]) })
  if (!verifyStrict(options.backend ?? NODE_ED25519, publicKey, signedInfo, parts.signatureValue)) {
    throw new SisError('SIG_INVALID', 'signature: the Ed25519 signature does not verify with the pinned key of the author', {})
  }
  // S5: the bytes must be the canonical form itself. Any other spelling of the same signed
  // content (a trailing newline, single quotes, an XML declaration) would verify too but have
  // another id, and could be passed off as a second entry of the author (a false equivocation).
  if (!canonical) throw new SisError('SIG_MALFORMED', 'signature: the entry bytes are not the canonical form of the signed document (Exclusive C14N, no XML declaration)', { reason: 'not-canonical' })
  const withoutSignature = { ...root, children: root.children.filter((c) => c !== parts.signature) }
  return { bytes, root: withoutSignature }
}
