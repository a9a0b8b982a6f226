/**
 * From fast-xml-parser's preserveOrder output to our XmlElement tree, for the oracle pipeline
 * (oracle.ts) that tests compare parseXml with. The walk uses an explicit
 * stack, not recursion, so a caller who raises maxDepth cannot make it overflow the call stack.
 * The prescan has vetted every name, value and reference; the shape checks here guard against
 * fast-xml-parser changing its output format, and refuse rather than guess.
 */

import { SisError } from '../../errors.ts'
import { ATTRIBUTE_PREFIX, ATTRIBUTES_KEY, CDATA_KEY, COMMENT_KEY, TEXT_KEY } from './fxp.ts'
import type { FxpNode } from './fxp.ts'
import { resolveElement, ROOT_SCOPE } from '../namespaces.ts'
import type { NamespaceScope } from '../namespaces.ts'
import { decodeReferences } from '../references.ts'
import type { DocumentCounts } from '../structure.ts'
import type { RawAttribute, XmlElement, XmlNode } from '../types.ts'

interface Frame {
  readonly source: readonly FxpNode[]
  index: number
  readonly children: XmlNode[]
  readonly scope: NamespaceScope
  /** Text and CDATA pieces waiting to be merged into one text node. */
  text: string
}

export interface ConvertedDocument {
  readonly root: XmlElement
  /** Counted while converting, to be compared with the prescan's counts. */
  readonly counts: DocumentCounts
}

/** Converts the top-level nodes of a document to its root element. */
export function convertDocument(nodes: readonly FxpNode[]): ConvertedDocument {
  // Top-level text is white space and top-level comments are not part of the root: skip both.
  if (!nodes.every(isNode)) malformed('a top-level node is not an object')
  const roots = nodes.filter((node) => elementTag(node) !== undefined)
  const [rootNode] = roots
  if (roots.length !== 1 || rootNode === undefined) malformed(`expected one root element, found ${roots.length}`)
  const { element, frame } = openElement(rootNode, ROOT_SCOPE)
  let elements = 1
  let attributes = countAttributes(element)
  const stack: Frame[] = [frame]
  for (let top = stack.at(-1); top !== undefined; top = stack.at(-1)) {
    const node: unknown = top.source[top.index++]
    if (node === undefined) {
      flushText(top)
      stack.pop()
    } else if (!isNode(node)) {
      malformed('a child node is not an object')
    } else if (Object.hasOwn(node, TEXT_KEY)) {
      top.text += decodeReferences(stringValue(node[TEXT_KEY]))
    } else if (Object.hasOwn(node, CDATA_KEY)) {
      top.text += wrappedText(node[CDATA_KEY]) // CDATA content is literal: no references
    } else if (Object.hasOwn(node, COMMENT_KEY)) {
      flushText(top)
      top.children.push({ kind: 'comment', value: wrappedText(node[COMMENT_KEY]) })
    } else {
      flushText(top)
      const child = openElement(node, top.scope)
      elements++
      attributes += countAttributes(child.element)
      top.children.push(child.element)
      stack.push(child.frame)
    }
  }
  return { root: element, counts: { elements, attributes } }
}

function isNode(value: unknown): value is FxpNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Attributes as the prescan counts them: namespace declarations included. */
function countAttributes(element: XmlElement): number {
  return element.attributes.length + element.namespaces.size
}

function openElement(node: FxpNode, parentScope: NamespaceScope): { element: XmlElement; frame: Frame } {
  const tag = elementTag(node)
  if (tag === undefined) malformed('a node is neither text, comment, CDATA nor element')
  const source = node[tag]
  if (!Array.isArray(source)) malformed(`the content of element <${tag}> is not a node list`)
  const resolved = resolveElement(tag, attributesOf(node, tag), parentScope)
  const children: XmlNode[] = []
  const element: XmlElement = {
    kind: 'element',
    ...resolved.name,
    attributes: resolved.attributes,
    namespaces: resolved.declarations,
    children,
  }
  return {
    element,
    frame: { source: source as readonly FxpNode[], index: 0, children, scope: resolved.scope, text: '' },
  }
}

/** The element name of a node, or undefined for text, comment and CDATA nodes. */
function elementTag(node: FxpNode): string | undefined {
  const keys = Object.keys(node).filter((key) => key !== ATTRIBUTES_KEY)
  const [key] = keys
  if (keys.length !== 1 || key === undefined) malformed('a node has an unexpected shape')
  return key === TEXT_KEY || key === COMMENT_KEY || key === CDATA_KEY ? undefined : key
}

function attributesOf(node: FxpNode, tag: string): RawAttribute[] {
  const map = node[ATTRIBUTES_KEY]
  if (map === undefined) return []
  if (typeof map !== 'object' || map === null) malformed(`the attributes of element <${tag}> are not a map`)
  const attributes: RawAttribute[] = []
  // Keys start with '@', so none is an array index and Object.entries keeps document order.
  for (const [key, value] of Object.entries(map)) {
    if (!key.startsWith(ATTRIBUTE_PREFIX)) malformed(`element <${tag}> has an unexpected attribute key`)
    attributes.push({ name: key.slice(ATTRIBUTE_PREFIX.length), value: normalizeAttribute(stringValue(value)) })
  }
  return attributes
}

/**
 * Attribute-value normalization (XML 1.0 section 3.3.3), which fast-xml-parser skips: each
 * literal tab, LF or CR becomes a space before references are decoded, so a value's
 * line breaks survive only when written as &#10; or &#13;. Line ends were already CR LF → LF.
 */
function normalizeAttribute(value: string): string {
  return decodeReferences(value.replace(/[\t\n\r]/g, ' '))
}

/** Adjacent text and CDATA become one text node; an empty result is no node at all. */
function flushText(frame: Frame): void {
  if (frame.text.length > 0) frame.children.push({ kind: 'text', value: frame.text })
  frame.text = ''
}

/** Comments and CDATA come wrapped: [{ '#text': value }], or [] when empty. */
function wrappedText(value: unknown): string {
  if (!Array.isArray(value)) malformed('a comment or CDATA node has an unexpected shape')
  let text = ''
  for (const piece of value as unknown[]) {
    if (typeof piece !== 'object' || piece === null || !Object.hasOwn(piece, TEXT_KEY))
      malformed('a comment or CDATA node has an unexpected shape')
    text += stringValue((piece as FxpNode)[TEXT_KEY])
  }
  return text
}

function stringValue(value: unknown): string {
  // With parseTagValue and parseAttributeValue off, anything but a string is a format change.
  if (typeof value !== 'string') malformed(`a value has type ${typeof value} instead of string`)
  return value
}

function malformed(problem: string): never {
  throw new SisError('XML_MALFORMED', `the input is not well-formed XML (unexpected parser output: ${problem})`, {})
}
