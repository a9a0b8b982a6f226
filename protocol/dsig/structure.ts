/**
 * Finds the one signature of a document and checks that it has exactly the profile's shape.
 * Every deviation is refused with SIG_MALFORMED or SIG_ALGORITHM and a `reason`.
 */
import { boundValue, SisError } from '../errors.ts'
import type { XmlElement, XmlNode } from '../xml/types.ts'
import { ALGORITHMS, DSIG_NS, decodeBase64Strict } from './profile.ts'

function malformed(reason: string, message: string): never {
  throw new SisError('SIG_MALFORMED', `signature: ${message}`, { reason })
}

/** Element children, refusing any non-whitespace text between them. */
function elementChildren(el: XmlElement, where: string): XmlElement[] {
  const out: XmlElement[] = []
  for (const n of el.children) {
    if (n.kind === 'element') out.push(n)
    else if (n.kind === 'text' && n.value.trim() !== '') malformed('text', `unexpected text in ${where}`)
    else if (n.kind === 'comment') malformed('comment', `comment in ${where}`)
  }
  return out
}

function expect(el: XmlElement | undefined, local: string, where: string): XmlElement {
  if (el === undefined || el.ns !== DSIG_NS || el.local !== local)
    malformed(
      'structure',
      `expected ds:${local} in ${where}, found ${el === undefined ? 'nothing' : `<${el.prefix === '' ? '' : el.prefix + ':'}${el.local}>`}`,
    )
  return el
}

function exactly(el: XmlElement, locals: readonly string[], where: string): XmlElement[] {
  const kids = elementChildren(el, where)
  if (kids.length !== locals.length)
    malformed(
      'structure',
      `${where} has ${kids.length} child elements, the profile has ${locals.length} (${locals.join(', ')})`,
    )
  return locals.map((l, i) => expect(kids[i], l, where))
}

function onlyAttributes(el: XmlElement, allowed: readonly string[]): void {
  for (const a of el.attributes) {
    if (a.ns !== '' || !allowed.includes(a.local))
      malformed('attribute', `attribute ${a.local} is not allowed on ds:${el.local}`)
  }
}

function algorithm(el: XmlElement, expected: string): void {
  onlyAttributes(el, ['Algorithm'])
  const value = el.attributes.find((a) => a.local === 'Algorithm')?.value
  if (value !== expected) {
    const shown = boundValue(value ?? '')
    throw new SisError(
      'SIG_ALGORITHM',
      `signature: ds:${el.local} Algorithm ${JSON.stringify(shown)} is not allowed, the profile uses "${expected}"`,
      { element: el.local, value: shown, expected },
    )
  }
  elementChildren(el, `ds:${el.local}`).forEach(() =>
    malformed('structure', `ds:${el.local} takes no children (no InclusiveNamespaces, no XPath)`),
  )
}

function text(el: XmlElement): string {
  return el.children
    .map((c: XmlNode) => (c.kind === 'text' ? c.value : malformed('structure', `ds:${el.local} holds only text`)))
    .join('')
}

export interface SignatureParts {
  readonly signature: XmlElement
  readonly signedInfo: XmlElement
  readonly digest: Uint8Array
  readonly signatureValue: Uint8Array
}

/** Every element of the document in DSIG ns named Signature; and refuses comments anywhere. */
function scan(root: XmlElement): XmlElement[] {
  const found: XmlElement[] = []
  const stack: XmlElement[] = [root]
  while (stack.length > 0) {
    const el = stack.pop() as XmlElement
    if (el.ns === DSIG_NS && el.local === 'Signature') found.push(el)
    for (const c of el.children) {
      if (c.kind === 'element') stack.push(c)
      else if (c.kind === 'comment')
        malformed('comment', 'a signed message carries no comments (they could change what a reader sees)')
    }
  }
  return found
}

/** Locates the enveloped signature and checks the profile (S1). */
export function signatureParts(root: XmlElement): SignatureParts {
  const all = scan(root)
  if (all.length === 0) throw new SisError('SIG_MISSING', 'the message carries no ds:Signature', {})
  if (all.length > 1)
    malformed('count', `the message carries ${all.length} ds:Signature elements, the profile allows one`)
  const signature = all[0] as XmlElement
  const last = elementChildren(root, 'the root element').at(-1)
  if (last !== signature) malformed('position', 'ds:Signature must be the last child of the root element (enveloped)')
  onlyAttributes(signature, [])
  // Text between ds:Signature's children, even white space, is covered neither by the digest
  // (the enveloped transform removes the whole signature) nor by SignedInfo: it would be another
  // spelling of the same entry, with another id (a false equivocation). The signer writes none.
  if (signature.children.some((c) => c.kind === 'text'))
    malformed('text', 'ds:Signature holds text between its children, which nothing signs; the profile writes none')
  const [signedInfo, signatureValue] = exactly(signature, ['SignedInfo', 'SignatureValue'], 'ds:Signature') as [
    XmlElement,
    XmlElement,
  ]
  onlyAttributes(signedInfo, [])
  const [c14n, method, reference] = exactly(
    signedInfo,
    ['CanonicalizationMethod', 'SignatureMethod', 'Reference'],
    'ds:SignedInfo',
  ) as [XmlElement, XmlElement, XmlElement]
  algorithm(c14n, ALGORITHMS.canonicalization)
  algorithm(method, ALGORITHMS.signature)
  onlyAttributes(reference, ['URI'])
  const uri = reference.attributes.find((a) => a.local === 'URI')?.value
  if (uri !== '')
    malformed(
      'reference',
      `ds:Reference URI must be "" (the whole document), found ${uri === undefined ? 'none' : JSON.stringify(boundValue(uri))}`,
    )
  const [transforms, digestMethod, digestValue] = exactly(
    reference,
    ['Transforms', 'DigestMethod', 'DigestValue'],
    'ds:Reference',
  ) as [XmlElement, XmlElement, XmlElement]
  onlyAttributes(transforms, [])
  const [enveloped, exc] = exactly(transforms, ['Transform', 'Transform'], 'ds:Transforms') as [XmlElement, XmlElement]
  algorithm(enveloped, ALGORITHMS.envelopedTransform)
  algorithm(exc, ALGORITHMS.canonicalization)
  algorithm(digestMethod, ALGORITHMS.digest)
  onlyAttributes(digestValue, [])
  onlyAttributes(signatureValue, [])
  const digest =
    decodeBase64Strict(text(digestValue), 32) ??
    malformed('digest-value', 'ds:DigestValue is not the strict base64 of 32 bytes')
  const value =
    decodeBase64Strict(text(signatureValue), 64) ??
    malformed('signature-value', 'ds:SignatureValue is not the strict base64 of 64 bytes')
  return { signature, signedInfo, digest, signatureValue: value }
}
