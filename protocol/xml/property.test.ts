// Properties: no input of any kind makes parseXml throw anything but a SisError, and any
// document we serialize from a random tree parses back to that tree.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SisError } from '../errors.ts'
import { parseXml } from './index.ts'
import type { XmlElement, XmlNode } from './index.ts'

/** Parses and returns the root, or undefined for a SisError; anything else fails the property. */
function parseOrRefuse(input: Uint8Array | string): XmlElement | undefined {
  try {
    return parseXml(input, { maxDepth: 8, maxElements: 200 })
  } catch (error) {
    if (error instanceof SisError) return undefined
    throw error
  }
}

// Fragments that exercise every branch of the prescan when glued together at random.
const FRAGMENTS = [
  '<a>',
  '</a>',
  '<b x="1">',
  '</b>',
  '<a/>',
  '<p:c xmlns:p="urn:p">',
  '</p:c>',
  '<q:d>',
  ' ',
  '\n',
  'text',
  '&amp;',
  '&#65;',
  '&#x0;',
  '&foo;',
  '&',
  '<!--',
  '-->',
  '--',
  '<![CDATA[',
  ']]>',
  '<?xml version="1.0"?>',
  '<?pi?>',
  '<!DOCTYPE a>',
  '<!ENTITY e "x">',
  'xmlns="urn:x"',
  'x="1"',
  "y='2'",
  '=',
  '"',
  "'",
  '<',
  '>',
  '/>',
  '__proto__',
  'constructor',
  '\u0000',
  '\uFEFF',
  '\uD800',
  'Ж',
  '中',
  '😀',
  'xml:lang="kk"',
  'xmlns:xml="urn:bad"',
]

describe('parseXml never throws anything but SisError', () => {
  it('for arbitrary Unicode strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => void parseOrRefuse(text)),
      { numRuns: 500 },
    )
  })

  it('for strings glued together from XML fragments', () => {
    const soup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 40 }).map((parts) => parts.join(''))
    fc.assert(
      fc.property(soup, (text) => void parseOrRefuse(text)),
      { numRuns: 2000 },
    )
  })

  it('for arbitrary bytes, with and without a plausible XML start', () => {
    const start = new TextEncoder().encode('<a>')
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.boolean(),
        (bytes, prefixed) => void parseOrRefuse(prefixed ? new Uint8Array([...start, ...bytes]) : bytes),
      ),
      { numRuns: 500 },
    )
  })
})

// --- Round trip: random trees, serialized with escaping, parse back to themselves. ---

const NAMES = ['a', 'b', 'Item', 'LRN', 'данные', '名前', 'x-y.z', '_u', 'toString', 'valueOf', 'hasOwnProperty']
// Characters XML allows, including ones that need escaping or survive only as references.
const TEXT = fc.string({
  unit: fc.constantFrom('a', ' ', '\t', '\n', '\r', '&', '<', '>', '"', "'", ']', 'Қ', '中', '😀', '\u0085'),
  maxLength: 12,
})

interface Tree {
  readonly name: string
  readonly attributes: readonly (readonly [string, string])[]
  readonly children: readonly (Tree | string)[]
}

const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.record({
    name: fc.constantFrom(...NAMES),
    attributes: fc.uniqueArray(fc.tuple(fc.constantFrom(...NAMES), TEXT), { selector: ([name]) => name, maxLength: 4 }),
    children: fc.array(fc.oneof({ depthSize: 'small' }, TEXT, tie('tree')), { maxLength: 4 }),
  }),
})).tree

const escapeText = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;')
const escapeAttribute = (text: string): string =>
  escapeText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;')

function serialize(node: Tree): string {
  const attributes = node.attributes.map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`).join('')
  const content = node.children
    .map((child) => (typeof child === 'string' ? escapeText(child) : serialize(child)))
    .join('')
  return `<${node.name}${attributes}>${content}</${node.name}>`
}

/** What the parser should make of a tree: adjacent strings merged, empty text dropped. */
function expected(node: Tree): XmlElement {
  const children: XmlNode[] = []
  for (const child of node.children) {
    const last = children.at(-1)
    if (typeof child !== 'string') children.push(expected(child))
    else if (child === '') continue
    else if (last?.kind === 'text') children[children.length - 1] = { kind: 'text', value: last.value + child }
    else children.push({ kind: 'text', value: child })
  }
  const attributes = node.attributes.map(([local, value]) => ({ ns: '', local, prefix: '', value }))
  return { kind: 'element', ns: '', local: node.name, prefix: '', attributes, namespaces: new Map(), children }
}

describe('round trip', () => {
  it('parses a serialized random tree back to the same tree', () => {
    fc.assert(
      fc.property(tree, (root) => {
        expect(parseXml(serialize(root))).toEqual(expected(root))
      }),
      { numRuns: 500 },
    )
  })
})
