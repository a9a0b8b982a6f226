/**
 * Exclusive XML Canonicalization 1.0 (https://www.w3.org/TR/xml-exc-c14n/) of a parsed subtree:
 * the bytes that XMLDSig digests and signs. The walk is iterative (a caller's maxDepth may be
 * large) and builds one string, encoded to UTF-8 once at the end.
 *
 * The node-set is the subtree rooted at `element` (its apex) minus the subtrees `exclude`
 * selects (the enveloped-signature transform removes ds:Signature that way). A namespace
 * declaration is output on an element when its prefix is visibly utilized there (by the element
 * name or an attribute name) or listed in `inclusivePrefixes`, and the nearest output ancestor
 * has not already rendered the same prefix with the same URI. The URI of a utilized prefix is
 * taken from the tree's resolved names, so a canonical form can never disagree with the names
 * the rest of the code compared.
 */

import { XML_NAMESPACE } from './namespaces.ts'
import { compareCodePoints, escapeAttribute, escapeText } from './c14n-text.ts'
import type { XmlAttribute, XmlElement } from './types.ts'

export interface CanonicalizeOptions {
  /** Keep comments (the #WithComments variant). Default false: comments are removed. */
  readonly withComments?: boolean
  /** Removes an element and its whole subtree from the node-set. Never called for text. */
  readonly exclude?: (element: XmlElement) => boolean
  /**
   * Namespaces in scope from the apex's ancestors (prefix to URI, '' for the default). Only
   * `inclusivePrefixes` can make such a namespace appear without being utilized.
   */
  readonly inScope?: ReadonlyMap<string, string>
  /** The InclusiveNamespaces PrefixList: these prefixes follow inclusive c14n ('#default' or '' for the default). */
  readonly inclusivePrefixes?: readonly string[]
}

interface Frame {
  readonly element: XmlElement
  /** The element's name as written, for the end tag. */
  readonly qname: string
  next: number
  /** Prefix to URI as rendered by this element and its output ancestors ('' for the default). */
  readonly rendered: ReadonlyMap<string, string>
  /** Prefix to URI in scope on this element; tracked only when inclusive prefixes need it. */
  readonly scope: ReadonlyMap<string, string>
  /** The element's canonical start tag. */
  readonly start: string
}

const NONE: ReadonlyMap<string, string> = new Map()
const NO_PREFIXES: readonly string[] = []
const UTF8 = new TextEncoder()

/** The canonical form of the subtree rooted at `element`, as UTF-8 bytes. */
export function canonicalize(element: XmlElement, options: CanonicalizeOptions = {}): Uint8Array {
  const { text } = canonicalText(element, options)
  // A hand-built tree could hold a lone surrogate, which encoding would silently replace.
  if (!text.isWellFormed()) throw new Error('canonicalize: the tree contains a lone surrogate, which has no UTF-8 form')
  return UTF8.encode(text)
}

/** The canonical form as a string, and where the rendering of `mark` starts and ends in it. */
export interface CanonicalText {
  readonly text: string
  /** Offsets (UTF-16 units) of the rendering of `mark`, -1 when it was not rendered. */
  readonly markStart: number
  readonly markEnd: number
}

/**
 * Like canonicalize, before UTF-8 encoding (the caller may compare it with text it decoded, or
 * check it is well-formed itself). `mark` is an element of the subtree whose rendering the
 * caller wants to locate: the signature verifier cuts it out to get the enveloped-signature
 * transform's output without a second canonicalization.
 */
export function canonicalText(
  element: XmlElement,
  options: CanonicalizeOptions = {},
  mark?: XmlElement,
): CanonicalText {
  const withComments = options.withComments === true
  const exclude = options.exclude
  const inclusive =
    options.inclusivePrefixes === undefined || options.inclusivePrefixes.length === 0
      ? NO_PREFIXES
      : [...new Set(options.inclusivePrefixes.map((p) => (p === '#default' ? '' : p)))]
  let markStart = -1
  let markEnd = -1
  if (exclude?.(element) === true) return { text: '', markStart, markEnd }
  // No closures over `out`: a captured variable would live on the heap, and this loop is hot.
  if (element === mark) markStart = 0
  const first = openFrame(element, undefined, options.inScope ?? NONE, inclusive)
  let out = first.start
  const stack: Frame[] = [first]
  for (let top = stack.at(-1); top !== undefined; top = stack.at(-1)) {
    const child = top.element.children[top.next++]
    if (child === undefined) {
      out += `</${top.qname}>`
      if (top.element === mark) markEnd = out.length
      stack.pop()
    } else if (child.kind === 'text') {
      out += escapeText(child.value)
    } else if (child.kind === 'comment') {
      if (withComments) out += `<!--${child.value}-->`
    } else if (exclude?.(child) !== true) {
      if (child === mark) markStart = out.length
      const frame = openFrame(child, top, NONE, inclusive)
      out += frame.start
      stack.push(frame)
    }
  }
  return { text: out, markStart, markEnd }
}

/**
 * The canonical start tag of `e` when its nearest output ancestors rendered `inherited` (prefix
 * to URI; an `xml` entry is ignored, as c14n never renders that prefix). The reader uses it to
 * tell, tag by tag, whether its input is already in canonical form.
 */
export function canonicalStartTag(e: XmlElement, inherited: ReadonlyMap<string, string>): string {
  return startTag(e, inherited, NONE, NO_PREFIXES).text
}

/** The frame of an element being output, with its start tag. */
function openFrame(
  e: XmlElement,
  parent: Frame | undefined,
  inScope: ReadonlyMap<string, string>,
  inclusive: readonly string[],
): Frame {
  const inherited = parent?.rendered ?? NONE
  const scope = inclusive.length === 0 ? NONE : withDeclarations(parent?.scope ?? inScope, e)
  if (isUsual(e, inherited, inclusive)) {
    const qname = qualified(e.prefix, e.local)
    return { element: e, qname, next: 0, rendered: inherited, scope, start: `<${qname}>` }
  }
  const { text, rendered, qname } = startTag(e, inherited, scope, inclusive)
  return { element: e, qname, next: 0, rendered, scope, start: text }
}

/** The usual element: no attributes, its namespace already rendered above, no prefix list. */
function isUsual(e: XmlElement, inherited: ReadonlyMap<string, string>, inclusive: readonly string[]): boolean {
  return (
    e.attributes.length === 0 &&
    inclusive.length === 0 &&
    e.prefix !== 'xml' &&
    (e.prefix === '' || e.ns !== '') &&
    (inherited.get(e.prefix) ?? '') === e.ns
  )
}

/** The start tag of `e` and the rendered namespaces its descendants inherit. */
function startTag(
  e: XmlElement,
  inherited: ReadonlyMap<string, string>,
  scope: ReadonlyMap<string, string>,
  inclusive: readonly string[],
): { text: string; rendered: ReadonlyMap<string, string>; qname: string } {
  const qname = qualified(e.prefix, e.local)
  if (isUsual(e, inherited, inclusive)) return { text: `<${qname}>`, rendered: inherited, qname }
  // Prefixes this element needs rendered, with their URIs: first the visibly utilized ones.
  const needed = new Map<string, string>()
  need(needed, e.prefix, e.ns, qname)
  for (const a of e.attributes) {
    if (a.prefix === '' && a.ns !== '') throw inconsistent(qname, `attribute ${a.local} has a namespace but no prefix`)
    if (a.prefix !== '') need(needed, a.prefix, a.ns, qname)
  }
  for (const prefix of inclusive) {
    const uri = scope.get(prefix) ?? ''
    if (prefix !== '' && uri === '') continue // not in scope: no namespace node to render
    if (!needed.has(prefix)) needed.set(prefix, uri)
  }
  let rendered = inherited
  const declarations: [string, string][] = []
  for (const [prefix, uri] of needed) {
    if (prefix === 'xml' || (inherited.get(prefix) ?? '') === uri) continue
    declarations.push([prefix, uri])
  }
  if (declarations.length > 0) {
    rendered = new Map([...inherited, ...declarations])
    declarations.sort(([a], [b]) => compareCodePoints(a, b))
  }
  let text = `<${qname}`
  for (const [prefix, uri] of declarations)
    text += `${prefix === '' ? ' xmlns' : ` xmlns:${prefix}`}="${escapeAttribute(uri)}"`
  for (const a of sortedAttributes(e.attributes))
    text += ` ${qualified(a.prefix, a.local)}="${escapeAttribute(a.value)}"`
  return { text: `${text}>`, rendered, qname }
}

/** Records that `prefix` must mean `uri` on this element; one prefix cannot mean two URIs. */
function need(needed: Map<string, string>, prefix: string, uri: string, qname: string): void {
  if (prefix === 'xml') {
    if (uri !== XML_NAMESPACE) throw inconsistent(qname, `the prefix xml is bound to ${uri}`)
    return
  }
  if (prefix !== '' && uri === '') throw inconsistent(qname, `the prefix ${prefix} has no namespace`)
  const known = needed.get(prefix)
  if (known !== undefined && known !== uri)
    throw inconsistent(qname, `the prefix ${prefix} means both ${known} and ${uri}`)
  needed.set(prefix, uri)
}

/** Attributes by namespace URI, then local name; unqualified ones ('' URI) come first. */
function sortedAttributes(attributes: readonly XmlAttribute[]): readonly XmlAttribute[] {
  if (attributes.length < 2) return attributes
  return [...attributes].sort((a, b) => compareCodePoints(a.ns, b.ns) || compareCodePoints(a.local, b.local))
}

function withDeclarations(scope: ReadonlyMap<string, string>, e: XmlElement): ReadonlyMap<string, string> {
  return e.namespaces.size === 0 ? scope : new Map([...scope, ...e.namespaces])
}

function qualified(prefix: string, local: string): string {
  return prefix === '' ? local : `${prefix}:${local}`
}

/** A tree our parser cannot produce: a bug in the code that built it, not bad input. */
function inconsistent(qname: string, problem: string): Error {
  return new Error(`canonicalize: element <${qname}> is inconsistent: ${problem}`)
}

/** An element found by findElements, with the namespaces its ancestors put in scope. */
export interface FoundElement {
  readonly element: XmlElement
  /** Prefix to URI ('' for the default) declared on the ancestors, nearest first; for canonicalize's inScope. */
  readonly inScope: ReadonlyMap<string, string>
}

/**
 * Every element of the tree under `root` (root included) that satisfies `predicate`, in
 * document order, each with its inherited namespaces. Iterative, like the parser.
 */
export function findElements(
  root: XmlElement,
  predicate: (element: XmlElement) => boolean,
  inScope: ReadonlyMap<string, string> = NONE,
): FoundElement[] {
  const found: FoundElement[] = []
  const stack: FoundElement[] = [{ element: root, inScope }]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { element } = item
    if (predicate(element)) found.push(item)
    const childScope = withDeclarations(item.inScope, element)
    for (let i = element.children.length - 1; i >= 0; i--) {
      const child = element.children[i]
      if (child?.kind === 'element') stack.push({ element: child, inScope: childScope })
    }
  }
  return found
}
