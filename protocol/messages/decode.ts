/**
 * XML tree → plain message object, walking the message shape. This step checks structure the
 * way the XSD does (namespace, allowed elements, order, occurrences, no mixed content, only
 * xml:lang as attribute) and names the path of the first fault; values are left as exact
 * strings for the zod schema to check next (validate.ts). Given the FieldChecks compiled from
 * that schema (acceptor.ts), it also runs them as it goes and says whether all passed, so an
 * accepted message needs no second walk; zod still judges and reports anything they do not pass.
 */
import { boundValue, SisError } from '../errors.ts'
import type { XmlAttribute, XmlElement, XmlNode } from '../xml/types.ts'
import type { ChildElement, ComplexType } from './shape.ts'
import { SIS_NS, XML_NS } from './namespace.ts'

/**
 * XML's white space (S production): not JavaScript's trim(), which also strips U+00A0, U+3000...
 * A loop, not a regular expression: it runs on the indentation before every element.
 */
function isXmlWhitespace(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c !== 0x20 && c !== 0x9 && c !== 0xd && c !== 0xa) return false
  }
  return true
}

type Plain = string | { [key: string]: Plain | Plain[] | undefined }

function fail(
  code:
    | 'MSG_WRONG_NAMESPACE'
    | 'MSG_UNEXPECTED_ELEMENT'
    | 'MSG_MISSING_ELEMENT'
    | 'MSG_DUPLICATE_ELEMENT'
    | 'MSG_ELEMENT_ORDER'
    | 'MSG_MIXED_CONTENT'
    | 'MSG_UNEXPECTED_TEXT'
    | 'MSG_UNEXPECTED_ATTRIBUTE',
  path: string,
  message: string,
  details: Record<string, string | number> = {},
): never {
  throw new SisError(code, `${path}: ${message}`, { path, ...details })
}

function qname(e: { prefix: string; local: string }): string {
  return e.prefix === '' ? e.local : `${e.prefix}:${e.local}`
}

/**
 * Where an element is, as an error names it: its parent's path, its name, and for a repeated
 * element its position. Built only for an error or a complex element's children: most elements
 * are leaves that pass, and a string per element is a good part of decoding's cost.
 */
function pathOf(parent: string, spec: ChildElement, count: number): string {
  return spec.repeated ? `${parent}/${spec.name}[${count}]` : `${parent}/${spec.name}`
}

/** The text of a leaf element: text nodes only, exactly as written (no trimming). */
function leafText(el: XmlElement, parent: string, spec: ChildElement, count: number): string {
  const children = el.children
  // The usual leaf: one text node, or none for an empty value.
  if (children.length === 1 && children[0]?.kind === 'text') return children[0].value
  let text = ''
  for (const node of children) {
    if (node.kind === 'text') text += node.value
    else
      fail(
        'MSG_MIXED_CONTENT',
        pathOf(parent, spec, count),
        node.kind === 'comment'
          ? 'a comment inside a value is not allowed (it could change what is read)'
          : `child element <${qname(node)}> inside a value`,
      )
  }
  return text
}

function checkAttributes(el: XmlElement, parent: string, spec: ChildElement, count: number, allowLang: boolean): void {
  const attributes = el.attributes
  for (let i = 0; i < attributes.length; i++) {
    const a = attributes[i] as XmlAttribute
    if (allowLang && a.ns === XML_NS && a.local === 'lang') continue
    fail('MSG_UNEXPECTED_ATTRIBUTE', pathOf(parent, spec, count), `attribute ${qname(a)} is not allowed here`, {
      attribute: qname(a),
    })
  }
}

/**
 * Value checks to run while decoding, one per child element of a shape, in the shape's order:
 * the zod schema's own checks, compiled by acceptor.ts. Decoding with them answers, beside the
 * message, whether zod would accept it unchanged; they never refuse anything themselves.
 */
export interface FieldCheck {
  /** zod requires the key (it is not optional). */
  readonly required: boolean
  /** The checks of a repeated element's array (its length). */
  readonly array?: (values: unknown) => boolean
  /** The checks of a leaf's or a lang-text's decoded value. */
  readonly value?: (value: unknown) => boolean
  /** The checks of a complex element's children. */
  readonly children?: readonly FieldCheck[]
}

/** Whether every value check passed so far. */
export interface Verdict {
  accepted: boolean
}

function decodeValue(
  el: XmlElement,
  spec: ChildElement,
  parent: string,
  count: number,
  check: FieldCheck | undefined,
  verdict: Verdict | undefined,
): Plain {
  let value: Plain
  const type = spec.type
  switch (type.kind) {
    case 'leaf':
      checkAttributes(el, parent, spec, count, false)
      value = leafText(el, parent, spec, count)
      break
    case 'lang-text': {
      checkAttributes(el, parent, spec, count, true)
      const lang = el.attributes.find((a) => a.ns === XML_NS && a.local === 'lang')?.value
      const text = leafText(el, parent, spec, count)
      value = lang === undefined ? { value: text } : { lang, value: text }
      break
    }
    case 'complex':
      checkAttributes(el, parent, spec, count, false)
      return decodeChildren(el, type, pathOf(parent, spec, count), check?.children, verdict)
  }
  // Once a value has failed, zod will judge and report: the rest is only decoded.
  if (verdict?.accepted === true && check?.value?.(value) !== true) verdict.accepted = false
  return value
}

function indexOfName(specs: ComplexType['children'], name: string): number {
  for (let k = 0; k < specs.length; k++) if (specs[k]?.name === name) return k
  return -1
}

function hasChild(el: XmlElement, name: string): boolean {
  for (const c of el.children) if (c.kind === 'element' && c.ns === SIS_NS && c.local === name) return true
  return false
}

/** Matches child elements against the sequence of the shape, as an XSD validator would. */
export function decodeChildren(
  el: XmlElement,
  shape: ComplexType,
  path: string,
  checks?: readonly FieldCheck[],
  verdict?: Verdict,
): { [key: string]: Plain | Plain[] | undefined } {
  // A plain object, like zod's output: its keys are only the shape's element names (never
  // __proto__ or the like), so no name from the input can reach its prototype.
  const out: { [key: string]: Plain | Plain[] | undefined } = {}
  const specs = shape.children
  // Elements come in the shape's order, so only the current spec can have a count: every spec
  // before it was passed (and checked), every spec after it has none yet. Each spec's presence
  // and array checks run once it is passed (settle), from what is at hand, not from `out`.
  let at = 0
  let atCount = 0
  let atValue: Plain | Plain[] | undefined
  const children = el.children
  for (let i = 0; i < children.length; i++) {
    const node = children[i] as XmlNode
    if (node.kind === 'comment') continue
    if (node.kind === 'text') {
      if (!isXmlWhitespace(node.value)) fail('MSG_UNEXPECTED_TEXT', path, 'text is not allowed between elements')
      continue
    }
    if (node.ns !== SIS_NS)
      fail(
        'MSG_WRONG_NAMESPACE',
        `${path}/${qname(node)}`,
        `element is in namespace ${JSON.stringify(boundValue(node.ns))}, expected "${SIS_NS}"`,
        { namespace: boundValue(node.ns) },
      )
    let j = at
    while (j < specs.length && specs[j]?.name !== node.local) j++
    const spec = specs[j]
    if (spec === undefined) {
      const earlier = indexOfName(specs, node.local)
      if (earlier >= 0)
        fail(
          'MSG_ELEMENT_ORDER',
          `${path}/${node.local}`,
          `<${node.local}> comes after <${specs[at]?.name ?? ''}>; the schema puts it earlier`,
        )
      fail(
        'MSG_UNEXPECTED_ELEMENT',
        `${path}/${node.local}`,
        `<${node.local}> is not allowed in <${path.split('/').pop() ?? ''}>`,
        { element: node.local },
      )
    }
    for (let k = at; k < j; k++) {
      const s = specs[k]
      if (s === undefined || (k === at ? atCount : 0) >= s.min) continue
      if (hasChild(el, s.name))
        fail('MSG_ELEMENT_ORDER', `${path}/${s.name}`, `<${s.name}> must come before <${node.local}>`, {
          element: s.name,
        })
      fail('MSG_MISSING_ELEMENT', `${path}/${s.name}`, `required element <${s.name}> is missing`, { element: s.name })
    }
    if (j !== at) {
      if (checks !== undefined && verdict?.accepted === true)
        for (let k = at; k < j; k++) settle(checks[k], k === at ? atValue : undefined, verdict)
      atCount = 0
      atValue = undefined
      at = j
    }
    atCount++
    if (atCount > spec.max)
      fail(
        'MSG_DUPLICATE_ELEMENT',
        `${path}/${spec.name}`,
        `<${spec.name}> appears ${atCount} times, at most ${spec.max} allowed`,
        { element: spec.name, max: spec.max },
      )
    const value = decodeValue(node, spec, path, atCount, checks?.[j], verdict)
    if (!spec.repeated) out[spec.name] = atValue = value
    else if (atCount === 1) out[spec.name] = atValue = [value]
    else (atValue as Plain[]).push(value)
  }
  for (let k = at; k < specs.length; k++) {
    const s = specs[k]
    if (s !== undefined && (k === at ? atCount : 0) < s.min)
      fail(
        'MSG_MISSING_ELEMENT',
        `${path}/${s.name}`,
        `required element <${s.name}> is missing${s.min > 1 ? ` (at least ${s.min})` : ''}`,
        { element: s.name },
      )
  }
  if (checks !== undefined && verdict?.accepted === true)
    for (let k = at; k < specs.length; k++) settle(checks[k], k === at ? atValue : undefined, verdict)
  return out
}

/** A passed spec's checks: present if zod requires it, and its array's checks. */
function settle(check: FieldCheck | undefined, value: Plain | Plain[] | undefined, verdict: Verdict): void {
  if (check === undefined || (value === undefined ? check.required : check.array !== undefined && !check.array(value)))
    verdict.accepted = false
}
