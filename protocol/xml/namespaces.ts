/**
 * Namespace resolution for one element (Namespaces in XML 1.0, third edition). Names are
 * compared by namespace URI and local name, so two prefixes for one URI are the same
 * namespace, and one prefix can mean different URIs in different scopes. Scopes are Maps:
 * prefixes are untrusted strings and must never become keys of a plain object.
 */

import { SisError } from '../errors.ts'
import { splitQName } from './names.ts'
import { excerpt, shorten } from './refuse.ts'
import { internName } from './tag.ts'
import type { RawAttribute, XmlAttribute, XmlName } from './types.ts'

export const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace'
export const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/'

/** Prefix ('' for the default namespace) to URI ('' for none). */
export type NamespaceScope = ReadonlyMap<string, string>

/** The scope outside the root: only `xml` is bound, as the Namespaces spec predeclares it. */
export const ROOT_SCOPE: NamespaceScope = new Map([['xml', XML_NAMESPACE]])

export interface ResolvedElement {
  readonly name: XmlName
  readonly attributes: readonly XmlAttribute[]
  /** Declarations made on this element only. */
  readonly declarations: ReadonlyMap<string, string>
  /** The scope for this element's children. */
  readonly scope: NamespaceScope
}

// Shared by every element without attributes; the tree's types make both read-only.
const NO_ATTRIBUTES: readonly XmlAttribute[] = Object.freeze([])
const NO_DECLARATIONS: ReadonlyMap<string, string> = new Map()

/** Resolves the names of one element and its attributes in the scope of its parent. */
export function resolveElement(tag: string, raw: readonly RawAttribute[], parent: NamespaceScope): ResolvedElement {
  // Most elements have no attributes at all: nothing to declare, nothing to allocate.
  if (raw.length === 0)
    return {
      name: resolveName(tag, parent, 'element'),
      attributes: NO_ATTRIBUTES,
      declarations: NO_DECLARATIONS,
      scope: parent,
    }
  const declarations = new Map<string, string>()
  for (const { name, value } of raw) {
    if (name === 'xmlns') declarations.set('', internName(checkDefault(value)))
    else if (name.startsWith('xmlns:')) declarations.set(internName(checkBinding(name, value)), internName(value))
  }
  const scope = declarations.size === 0 ? parent : new Map([...parent, ...declarations])
  const name = resolveName(tag, scope, 'element')
  const attributes: XmlAttribute[] = []
  // Duplicates by expanded name: a linear look for the usual few attributes, a Set beyond, so
  // raised limits cannot make the check quadratic. U+0000 cannot occur in a URI or a name that
  // passed the character check, so the Set key is unambiguous.
  const expanded = raw.length > 8 ? new Set<string>() : undefined
  for (const { name: written, value } of raw) {
    if (written === 'xmlns' || written.startsWith('xmlns:')) continue
    const { ns, local, prefix } = resolveName(written, scope, 'attribute')
    const key = expanded === undefined ? '' : `${ns}\u0000${local}`
    if (expanded === undefined ? attributes.some((a) => a.local === local && a.ns === ns) : expanded.has(key)) {
      throw new SisError(
        'XML_MALFORMED',
        `element <${shorten(tag)}> has two attributes named ${shorten(local)} in namespace ${excerpt(ns, 80)} (the same namespace under two prefixes)`,
        {
          element: shorten(tag),
          attribute: shorten(written),
          ns: shorten(ns, 200),
        },
      )
    }
    expanded?.add(key)
    attributes.push({ ns, local, prefix, value })
  }
  return { name, attributes, declarations, scope }
}

function resolveName(written: string, scope: NamespaceScope, kind: 'element' | 'attribute'): XmlName {
  // Unprefixed attributes are in no namespace; unprefixed elements take the default one.
  if (!written.includes(':')) return { ns: kind === 'element' ? (scope.get('') ?? '') : '', local: written, prefix: '' }
  const qname = splitQName(written)
  if (qname === undefined)
    refuseNamespace(
      `the ${kind} name ${shorten(written)} is not a valid qualified name (at most one ':' between two non-empty parts)`,
      written,
    )
  const { prefix, local } = qname
  if (prefix === 'xmlns')
    refuseNamespace(`the ${kind} name ${shorten(written)} uses the reserved prefix xmlns`, written)
  const ns = scope.get(prefix)
  if (ns === undefined || ns === '')
    refuseNamespace(
      `the prefix ${shorten(prefix)} of the ${kind} name ${shorten(written)} is not bound to a namespace`,
      written,
    )
  return { ns, local, prefix }
}

/** Checks `xmlns="uri"`; '' is allowed and means "no default namespace" from here down. */
function checkDefault(uri: string): string {
  if (uri === XML_NAMESPACE || uri === XMLNS_NAMESPACE) {
    refuseNamespace(`the default namespace cannot be ${uri}`, 'xmlns')
  }
  return uri
}

/** Checks `xmlns:p="uri"` and returns p. */
function checkBinding(attribute: string, uri: string): string {
  const prefix = attribute.slice('xmlns:'.length)
  if (prefix.length === 0 || prefix.includes(':'))
    refuseNamespace(`${shorten(attribute)} is not a valid namespace declaration`, attribute)
  if (prefix === 'xmlns') refuseNamespace('the prefix xmlns cannot be declared', attribute)
  if (prefix === 'xml' && uri !== XML_NAMESPACE)
    refuseNamespace(`the prefix xml cannot be bound to ${excerpt(uri, 80)} (only to ${XML_NAMESPACE})`, attribute)
  if (prefix !== 'xml' && uri === XML_NAMESPACE)
    refuseNamespace(`only the prefix xml may be bound to ${XML_NAMESPACE}`, attribute)
  if (uri === XMLNS_NAMESPACE) refuseNamespace(`no prefix may be bound to ${XMLNS_NAMESPACE}`, attribute)
  // XML 1.0 namespaces cannot undeclare a prefix (only Namespaces 1.1 can).
  if (uri === '')
    refuseNamespace(`${shorten(attribute)}="" tries to undeclare a prefix, which XML 1.0 does not allow`, attribute)
  return prefix
}

function refuseNamespace(problem: string, name: string): never {
  throw new SisError('XML_NAMESPACE', problem, { name: shorten(name) })
}
