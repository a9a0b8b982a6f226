/**
 * XML for the NCTS messages: a tiny builder that writes elements in the order given (the XSD
 * sequence) and collects field-level errors where one of our values does not fit an NCTS field,
 * and a reader over our strict parser's tree (protocol/xml parseXml: no DTD, no entities) that
 * tracks an XPath-like path for every error it reports.
 */
import type { XmlElement } from '../../protocol/index.ts'
import type { FieldError } from '../contract.ts'

export const NCTS_NS = 'http://ncts.dgtaxud.ec'

export type XNode = {
  readonly name: string
  readonly text?: string
  readonly children?: readonly (XNode | undefined)[]
}

function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;')
}

function write(node: XNode, pad: string, out: string[]): void {
  if (node.children === undefined) {
    out.push(`${pad}<${node.name}>${esc(node.text ?? '')}</${node.name}>`)
    return
  }
  out.push(`${pad}<${node.name}>`)
  for (const c of node.children) if (c !== undefined) write(c, pad + '  ', out)
  out.push(`${pad}</${node.name}>`)
}

/**
 * Serializes an NCTS message. The root is prefixed (ncts:) because the NCTS schemas are
 * elementFormDefault="unqualified": the root is in the NCTS namespace, its children in none.
 */
export function serializeNcts(root: string, children: readonly (XNode | undefined)[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<ncts:${root} xmlns:ncts="${NCTS_NS}" PhaseID="NCTS5.1">`]
  for (const c of children) if (c !== undefined) write(c, '  ', out)
  out.push(`</ncts:${root}>`, '')
  return out.join('\n')
}

/** Builds elements and records where a value does not fit the NCTS field. */
export class Builder {
  readonly errors: FieldError[] = []

  el(name: string, ...children: (XNode | undefined)[]): XNode {
    return { name, children }
  }

  /** A leaf; undefined values are left out. `max` is the NCTS field length when ours is longer. */
  leaf(
    name: string,
    value: string | undefined,
    path: string,
    check: { max?: number; pattern?: RegExp } = {},
  ): XNode | undefined {
    if (value === undefined) return undefined
    if (check.max !== undefined && value.length > check.max) {
      this.errors.push({
        path: `${path}/${name}`,
        code: 'NCTS_VALUE_TOO_LONG',
        message: `${value.length} characters; the NCTS field takes at most ${check.max}`,
        value: value.slice(0, 64),
      })
    } else if (check.pattern !== undefined && !check.pattern.test(value)) {
      this.errors.push({
        path: `${path}/${name}`,
        code: 'NCTS_INVALID_VALUE',
        message: `does not match the NCTS format ${check.pattern.source}`,
        value: value.slice(0, 64),
      })
    }
    return { name, text: value }
  }

  /** An element NCTS requires that our model does not have. */
  missing(path: string, what: string): void {
    this.errors.push({ path, code: 'NCTS_MISSING_VALUE', message: `NCTS requires ${what}; the document has none` })
  }
}

/** Our UTC times (2026-11-23T07:55:00Z) as NCTS writes them: no zone, no fraction. */
export function nctsDateTime(utc: string): string {
  return utc.replace(/(\.\d+)?Z$/, '')
}

/** NCTS times carry no zone; we read them as UTC, which is what nctsDateTime writes. */
export function fromNctsDateTime(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]00:00)?$/.exec(value)
  return m === null ? value : `${m[1]!}Z`
}

/** A read position: an element and its XPath-like path; errors and warnings go to `sink`. */
export class Node {
  readonly el: XmlElement
  readonly path: string
  readonly sink: { errors: FieldError[]; warnings: FieldError[] }

  constructor(el: XmlElement, path: string, sink: { errors: FieldError[]; warnings: FieldError[] }) {
    this.el = el
    this.path = path
    this.sink = sink
  }

  all(name: string): Node[] {
    const found = this.el.children.filter(
      (c): c is XmlElement => c.kind === 'element' && c.ns === '' && c.local === name,
    )
    // [n] only among several of a name, as locate.ts and the schema's faults write paths.
    return found.map((e, i) => new Node(e, `${this.path}/${name}${found.length > 1 ? `[${i + 1}]` : ''}`, this.sink))
  }

  one(name: string): Node | undefined {
    const found = this.el.children.filter(
      (c): c is XmlElement => c.kind === 'element' && c.ns === '' && c.local === name,
    )
    if (found.length > 1)
      this.sink.errors.push({
        path: `${this.path}/${name}[2]`,
        code: 'NCTS_DUPLICATE_ELEMENT',
        message: `${name} appears ${found.length} times, once is allowed`,
      })
    return found[0] === undefined ? undefined : new Node(found[0], `${this.path}/${name}`, this.sink)
  }

  need(name: string): Node | undefined {
    const n = this.one(name)
    if (n === undefined)
      this.sink.errors.push({
        path: `${this.path}/${name}`,
        code: 'NCTS_MISSING_ELEMENT',
        message: `${name} is required`,
      })
    return n
  }

  /** The text of a child leaf, trimmed (NCTS leaves are tokens). */
  text(name: string): string | undefined {
    const n = this.one(name)
    if (n === undefined) return undefined
    return n.el.children
      .map((c) => (c.kind === 'text' ? c.value : ''))
      .join('')
      .trim()
  }

  needText(name: string): string {
    const v = this.text(name)
    if (v === undefined) {
      this.sink.errors.push({
        path: `${this.path}/${name}`,
        code: 'NCTS_MISSING_ELEMENT',
        message: `${name} is required`,
      })
      return ''
    }
    return v
  }

  /** Reports child elements that the mapping does not carry into our model (data would be lost). */
  unmapped(known: readonly string[]): void {
    for (const c of this.el.children) {
      if (c.kind !== 'element' || known.includes(c.local)) continue
      this.sink.warnings.push({
        path: `${this.path}/${c.local}`,
        code: 'NCTS_NOT_MAPPED',
        message: `${c.local} has no place in the single transit document and is left out`,
      })
    }
  }

  error(name: string, code: string, message: string, value?: string): void {
    this.sink.errors.push({
      path: name === '' ? this.path : `${this.path}/${name}`,
      code,
      message,
      ...(value === undefined ? {} : { value: value.slice(0, 64) }),
    })
  }
}
