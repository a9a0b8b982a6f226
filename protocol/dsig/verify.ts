/**
 * Verification (docs/protocol/log.md S1-S5), in two paths with one verdict. As written: when
 * ds:Signature is spelled exactly as our signers write it, before the root's end tag, parse only
 * the document without it (which is also the digest input). General: parse the bytes once, find
 * the one enveloped signature and check its shape, recompute the digest of the document without
 * it (from the bytes themselves when the reader saw they are canonical, else by canonicalizing).
 * Both then resolve the pinned key and verify the Ed25519 signature of the canonical SignedInfo
 * strictly. The result carries the tree of exactly the verified bytes: callers read the message
 * from it and nothing else.
 */
import { SisError } from '../errors.ts'
import { canonicalize, canonicalText, parseXmlText, resolveLimits } from '../xml/index.ts'
import type { XmlElement, XmlLimits } from '../xml/index.ts'
import type { Ed25519Backend } from '../crypto/index.ts'
import { equalBytes, NODE_ED25519, sha256, sha256Parts, verifyStrict } from '../crypto/index.ts'
import { signatureParts } from './structure.ts'
import { decodeBase64Strict, DSIG_NS, encodeBase64, signatureXml, signedInfoXml } from './profile.ts'

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

export interface VerifyOptions {
  readonly backend?: Ed25519Backend
  readonly limits?: Partial<XmlLimits>
}

/**
 * Verifies a signed entry (S1-S5) against the key `resolveKey` picks, and returns the tree of
 * the verified bytes without the signature. Refuses with SIG_* (and XML_* for what cannot be
 * read).
 */
export function verifyXml(bytes: Uint8Array, resolveKey: KeyResolver, options: VerifyOptions = {}): VerifiedXml {
  const prepared = prepareVerification(bytes, resolveKey, options)
  prepared.complete()
  return { bytes: prepared.bytes, root: prepared.root }
}

/**
 * verifyXml in two steps: prepareVerification does everything up to the Ed25519 verification
 * (parse, S1, digest, pinned key), `complete` the rest (S3, then S5 on the general path), with
 * the refusals in verifyXml's order. Until `complete` has returned, `root` is not verified and
 * must not be read as a message. readEntries prepares many entries before completing any: the
 * verifications then run back to back, which keeps OpenSSL's tables in the CPU's caches.
 */
export interface PreparedVerification extends VerifiedXml {
  readonly complete: () => void
}

export function prepareVerification(
  bytes: Uint8Array,
  resolveKey: KeyResolver,
  options: VerifyOptions = {},
): PreparedVerification {
  return prepareAsWritten(bytes, resolveKey, options) ?? prepareParsed(bytes, resolveKey, options)
}

/**
 * What both paths end with, in this order: the digest of the document against ds:DigestValue
 * and the pinned key (S2), now; the strict Ed25519 signature of the canonical SignedInfo (S3)
 * and then `after`, in `complete`.
 */
function prepared(
  bytes: Uint8Array,
  root: XmlElement,
  digest: Uint8Array,
  claimed: Uint8Array,
  resolveKey: KeyResolver,
  signedInfo: () => Uint8Array,
  signatureValue: Uint8Array,
  options: VerifyOptions,
  after?: () => void,
): PreparedVerification {
  if (!equalBytes(digest, claimed))
    throw new SisError(
      'SIG_DIGEST_MISMATCH',
      'signature: the digest of the document does not match ds:DigestValue; the message was changed after signing',
      {},
    )
  const publicKey = resolveKey(root)
  const complete = (): void => {
    if (!verifyStrict(options.backend ?? NODE_ED25519, publicKey, signedInfo(), signatureValue)) {
      throw new SisError(
        'SIG_INVALID',
        'signature: the Ed25519 signature does not verify with the pinned key of the author',
        {},
      )
    }
    after?.()
  }
  return { bytes, root, complete }
}

// The signature as the signer writes it, and SignedInfo as signed (its canonical form, ds
// declared on it), in the pieces around their base64 values: 44 characters for a 32-byte digest,
// 88 for a 64-byte signature.
const DIGEST_CHARS = 44
const VALUE_CHARS = 88
const DIGEST_SLOT = 'D'.repeat(DIGEST_CHARS)
const VALUE_SLOT = 'S'.repeat(VALUE_CHARS)
const TEMPLATE = signatureXml(DIGEST_SLOT, VALUE_SLOT)
const SIGNATURE_LENGTH = TEMPLATE.length
const [OPENING, MIDDLE, CLOSING] = pieces(TEMPLATE, DIGEST_SLOT, VALUE_SLOT) as [Buffer, Buffer, Buffer]
const [SIGNED_INFO_OPENING, SIGNED_INFO_CLOSING] = pieces(signedInfoXml(DIGEST_SLOT), DIGEST_SLOT) as [Buffer, Buffer]
// What the signature adds to a document, for the limits of the document without it: ten
// elements, six levels below the root, one attribute each, an 88-character value.
const SIGNATURE_ELEMENTS = 10
const SIGNATURE_DEPTH = 6

/** The bytes of an ASCII template around each slot in turn (each slot is there exactly once). */
function pieces(template: string, ...slots: string[]): Buffer[] {
  const out: Buffer[] = []
  let rest = template
  for (const slot of slots) {
    const at = rest.indexOf(slot)
    out.push(Buffer.from(rest.slice(0, at), 'latin1'))
    rest = rest.slice(at + slot.length)
  }
  out.push(Buffer.from(rest, 'latin1'))
  return out
}

/** The bytes of signedInfoXml(digest) for the ASCII bytes of a digest's base64. */
function signedInfoBytes(digestBase64: Uint8Array): Uint8Array {
  return Buffer.concat([SIGNED_INFO_OPENING, digestBase64, SIGNED_INFO_CLOSING])
}

/** bytes[at, at + piece.length) equals piece. */
function matches(bytes: Buffer, at: number, piece: Buffer): boolean {
  return bytes.compare(piece, 0, piece.length, at, at + piece.length) === 0
}

/** Has the tree an element ds:Signature anywhere, or text that is not white space directly in the root? */
function signatureOrRootText(root: XmlElement): boolean {
  for (const c of root.children) if (c.kind === 'text' && c.value.trim() !== '') return true
  const stack: XmlElement[] = [root]
  for (let el = stack.pop(); el !== undefined; el = stack.pop()) {
    if (el.ns === DSIG_NS && el.local === 'Signature') return true
    for (const c of el.children) if (c.kind === 'element') stack.push(c)
  }
  return false
}

/**
 * The path for an entry as our signers write it: ds:Signature spelled exactly as signatureXml
 * writes it, right before the root's end tag. Then the document without it (the bytes before and
 * after, which is the enveloped-signature transform's output) is all there is to parse, and when
 * the reader finds that canonical, so is the whole entry: the signature is the canonical
 * rendering of itself (the root renders no ds prefix), and has the profile's shape by
 * construction (S1). Digest, key and signature are then checked as prepareParsed checks them, in
 * the same order, with the same refusals. For anything else (another spelling, a document this
 * reading cannot vouch for, any parse failure) it returns undefined and prepareParsed decides, so
 * the verdicts are prepareParsed's: verify.test.ts holds the two paths to that on mutated entries.
 */
export function prepareAsWritten(
  input: Uint8Array,
  resolveKey: KeyResolver,
  options: VerifyOptions = {},
): PreparedVerification | undefined {
  const limits = resolveLimits(options.limits)
  if (
    input.length > limits.maxBytes ||
    limits.maxDepth < SIGNATURE_DEPTH ||
    limits.maxElements <= SIGNATURE_ELEMENTS ||
    limits.maxValueLength < VALUE_CHARS
  )
    return undefined
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  const close = bytes.lastIndexOf(0x3c) // '<' of the root's end tag
  const start = close - SIGNATURE_LENGTH
  if (start < 0 || bytes[close + 1] !== 0x2f || bytes[bytes.length - 1] !== 0x3e) return undefined
  const digestAt = start + OPENING.length
  const valueAt = digestAt + DIGEST_CHARS + MIDDLE.length
  if (
    !matches(bytes, start, OPENING) ||
    !matches(bytes, digestAt + DIGEST_CHARS, MIDDLE) ||
    !matches(bytes, valueAt + VALUE_CHARS, CLOSING)
  )
    return undefined
  const digestBase64 = bytes.subarray(digestAt, digestAt + DIGEST_CHARS)
  const digest = decodeBase64Strict(digestBase64.toString('latin1'), 32)
  const signatureValue = decodeBase64Strict(bytes.toString('latin1', valueAt, valueAt + VALUE_CHARS), 64)
  if (digest === undefined || signatureValue === undefined) return undefined
  const unsigned = Buffer.concat([bytes.subarray(0, start), bytes.subarray(close)])
  let parsed: ReturnType<typeof parseXmlText>
  try {
    parsed = parseXmlText(unsigned, { ...limits, maxElements: limits.maxElements - SIGNATURE_ELEMENTS })
  } catch {
    return undefined
  }
  const { root, form } = parsed
  if (!form.canonical || root.namespaces.has('ds') || signatureOrRootText(root)) return undefined
  return prepared(
    input,
    root,
    sha256(unsigned),
    digest,
    resolveKey,
    () => signedInfoBytes(digestBase64),
    signatureValue,
    options,
  )
}

/**
 * The general path: parse the whole entry, check the signature's shape (S1), digest, key,
 * signature and canonical form (S5). verifyXml takes it for anything prepareAsWritten declines;
 * exported so tests can hold the two paths to the same verdicts.
 */
export function prepareParsed(
  bytes: Uint8Array,
  resolveKey: KeyResolver,
  options: VerifyOptions = {},
): PreparedVerification {
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
    if (whole.markStart < 0 || whole.markEnd < whole.markStart)
      throw new Error('verifyXml: the signature was not rendered')
    // S5 on text: the strict UTF-8 decoding the parser did is one-to-one, so the bytes are the
    // canonical form exactly when no BOM was dropped and the decoded text equals it.
    canonical = whole.text === text && !(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    digest = canonical
      ? sha256Parts(cutOut(bytes, whole.text, whole.markStart, whole.markEnd))
      : sha256Parts([UTF8.encode(whole.text.slice(0, whole.markStart) + whole.text.slice(whole.markEnd))])
  }
  const signedInfo = (): Uint8Array =>
    profileSpelling(parts.signedInfo)
      ? signedInfoBytes(Buffer.from(encodeBase64(parts.digest), 'latin1'))
      : canonicalize(parts.signedInfo, { inScope: new Map([...root.namespaces, ...parts.signature.namespaces]) })
  const withoutSignature = { ...root, children: root.children.filter((c) => c !== parts.signature) }
  // S5, after the signature: the bytes must be the canonical form itself. Any other spelling of
  // the same signed content (a trailing newline, single quotes, an XML declaration) would verify
  // too but have another id, and could be passed off as a second entry of the author (a false
  // equivocation).
  const canonicalBytes = (): void => {
    if (!canonical)
      throw new SisError(
        'SIG_MALFORMED',
        'signature: the entry bytes are not the canonical form of the signed document (Exclusive C14N, no XML declaration)',
        { reason: 'not-canonical' },
      )
  }
  return prepared(
    bytes,
    withoutSignature,
    digest,
    parts.digest,
    resolveKey,
    signedInfo,
    parts.signatureValue,
    options,
    canonicalBytes,
  )
}
