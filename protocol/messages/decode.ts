/**
 * XML tree → plain message object, walking the message shape. This step checks structure the
 * way the XSD does (namespace, allowed elements, order, occurrences, no mixed content, only
 * xml:lang as attribute) and names the path of the first fault; values are left as exact
 * strings for the zod schema to check next (validate.ts).
 */
import { boundValue, SisError } from '../errors.ts'
import type { XmlElement } from '../xml/types.ts'
import type { ComplexType, ElementType } from './shape.ts'
import { SIS_NS, XML_NS } from './namespace.ts'

/** XML's white space (S production): not JavaScript's trim(), which also strips U+00A0, U+3000... */
const XML_WHITESPACE = /^[ \t\r\n]*$/

type Plain = string | { [key: string]: Plain | Plain[] | undefined }

function fail(code: 'MSG_WRONG_NAMESPACE' | 'MSG_UNEXPECTED_ELEMENT' | 'MSG_MISSING_ELEMENT' | 'MSG_DUPLICATE_ELEMENT' | 'MSG_ELEMENT_ORDER' | 'MSG_MIXED_CONTENT' | 'MSG_UNEXPECTED_TEXT' | 'MSG_UNEXPECTED_ATTRIBUTE', path: string, message: string, details: Record<string, string | number> = {}): never {
  throw new SisError(code, `${path}: ${message}`, { path, ...details })
}


function qname(e: { prefix: string; local: string }): string {
  return e.prefix === '' ? e.local : `${e.prefix}:${e.local}`
}

/** The text of a leaf element: text nodes only, exactly as written (no trimming). */
function leafText(el: XmlElement, path: string): string {
  let text = ''
  for (const node of el.children) {
    if (node.kind === 'text') text += node.value
    else fail('MSG_MIXED_CONTENT', path, node.kind === 'comment' ? 'a comment inside a value is not allowed (it could change what is read)' : `child element <${qname(node)}> inside a value`)
  }
  return text
}

function checkAttributes(el: XmlElement, path: string, allowLang: boolean): void {
  for (const a of el.attributes) {
    if (allowLang && a.ns === XML_NS && a.local === 'lang') continue
    fail('MSG_UNEXPECTED_ATTRIBUTE', path, `attribute ${qname(a)} is not allowed here`, { attribute: qname(a) })
  }
}

function decodeValue(el: XmlElement, type: ElementType, path: string): Plain {
  switch (type.kind) {
    case 'leaf':
      checkAttributes(el, path, false)
      return leafText(el, path)
    case 'lang-text': {
      checkAttributes(el, path, true)
      const lang = el.attributes.find((a) => a.ns === XML_NS && a.local === 'lang')?.value
      const value = leafText(el, path)
      return lang === undefined ? { value } : { lang, value }
    }
    case 'complex':
      checkAttributes(el, path, false)
      return decodeChildren(el, type, path)
  }
}

/** Matches child elements against the sequence of the shape, as an XSD validator would. */
export function decodeChildren(el: XmlElement, shape: ComplexType, path: string): { [key: string]: Plain | Plain[] | undefined } {
  const out: { [key: string]: Plain | Plain[] | undefined } = Object.create(null) as { [key: string]: Plain | Plain[] | undefined }
  const specs = shape.children
  const counts = new Array<number>(specs.length).fill(0)
  let at = 0
  for (const node of el.children) {
    if (node.kind === 'comment') continue
    if (node.kind === 'text') {
      if (!XML_WHITESPACE.test(node.value)) fail('MSG_UNEXPECTED_TEXT', path, 'text is not allowed between elements')
      continue
    }
    if (node.ns !== SIS_NS) fail('MSG_WRONG_NAMESPACE', `${path}/${qname(node)}`, `element is in namespace ${JSON.stringify(boundValue(node.ns))}, expected "${SIS_NS}"`, { namespace: boundValue(node.ns) })
    let j = at
    while (j < specs.length && specs[j]?.name !== node.local) j++
    const spec = specs[j]
    if (spec === undefined) {
      const earlier = specs.findIndex((s) => s.name === node.local)
      if (earlier >= 0) fail('MSG_ELEMENT_ORDER', `${path}/${node.local}`, `<${node.local}> comes after <${specs[at]?.name ?? ''}>; the schema puts it earlier`)
      fail('MSG_UNEXPECTED_ELEMENT', `${path}/${node.local}`, `<${node.local}> is not allowed in <${path.split('/').pop() ?? ''}>`, { element: node.local })
    }
    for (let k = at; k < j; k++) {
      const s = specs[k]
      if (s === undefined || (counts[k] ?? 0) >= s.min) continue
      const later = el.children.some((c) => c.kind === 'element' && c.ns === SIS_NS && c.local === s.name)
      if (later) fail('MSG_ELEMENT_ORDER', `${path}/${s.name}`, `<${s.name}> must come before <${node.local}>`, { element: s.name })
      fail('MSG_MISSING_ELEMENT', `${path}/${s.name}`, `required element <${s.name}> is missing`, { element: s.name })
    }
    at = j
    const count = (counts[j] ?? 0) + 1
    counts[j] = count
    if (count > spec.max) fail('MSG_DUPLICATE_ELEMENT', `${path}/${spec.name}`, `<${spec.name}> appears ${count} times, at most ${spec.max} allowed`, { element: spec.name, max: spec.max })
    const childPath = spec.repeated ? `${path}/${spec.name}[${count}]` : `${path}/${spec.name}`
    const value = decodeValue(node, spec.type, childPath)
    if (spec.repeated) ((out[spec.name] ??= []) as Plain[]).push(value)
    else out[spec.name] = value
  }
  specs.forEach((s, k) => {
    if ((counts[k] ?? 0) < s.min) fail('MSG_MISSING_ELEMENT', `${path}/${s.name}`, `required element <${s.name}> is missing${s.min > 1 ? ` (at least ${s.min})` : ''}`, { element: s.name })
  })
  return out
}
