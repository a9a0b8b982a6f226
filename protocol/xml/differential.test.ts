// The parser differential: parseXml (our single-pass reader) against the fast-xml-parser
// pipeline it replaced (oracle.ts). On random well-formed documents both must build equal
// trees; on random soup both must refuse with the same code or accept with equal trees. Any
// difference is a bug in one of them, and exactly what signature wrapping feeds on.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SisError } from '../errors.ts'
import { element, serializeDocument } from './documents.testkit.ts'
import { parseXml } from './index.ts'
import type { XmlElement, XmlLimits } from './index.ts'
import { parseXmlWithFastXmlParser } from './testing/oracle.ts'

type Outcome = { readonly tree: XmlElement } | { readonly code: string; readonly details: unknown }

function outcome(
  parse: (input: string, limits: Partial<XmlLimits>) => XmlElement,
  input: string,
  limits: Partial<XmlLimits>,
): Outcome {
  try {
    return { tree: parse(input, limits) }
  } catch (error) {
    if (error instanceof SisError) return { code: error.code, details: error.details }
    throw error
  }
}

function expectSameOutcome(input: string, limits: Partial<XmlLimits> = {}): Outcome {
  const ours = outcome(parseXml, input, limits)
  const oracle = outcome(parseXmlWithFastXmlParser, input, limits)
  // What only fast-xml-parser's validator refused (names beyond U+FFFF) is refused by our reader
  // with the same code but its own details; everything else must agree detail for detail.
  if (
    'details' in oracle &&
    'details' in ours &&
    typeof oracle.details === 'object' &&
    oracle.details !== null &&
    'validatorCode' in oracle.details
  ) {
    expect(ours.code, JSON.stringify(input)).toBe(oracle.code)
  } else {
    expect(ours, JSON.stringify(input)).toEqual(oracle)
  }
  return ours
}

describe('parseXml and the fast-xml-parser oracle build equal trees', () => {
  it('for random well-formed documents: namespaces, attributes, references, CDATA, comments, many scripts', () => {
    fc.assert(
      fc.property(element, fc.boolean(), fc.boolean(), (root, declaration, outside) => {
        const doc = serializeDocument(root, { declaration, outside })
        const result = expectSameOutcome(doc)
        expect('tree' in result, JSON.stringify(doc)).toBe(true)
        // Bytes with a BOM read the same as the string.
        const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(doc)])
        expect(parseXml(bytes)).toEqual(parseXmlWithFastXmlParser(bytes))
      }),
      { numRuns: 1500 },
    )
  })

  it('for the protocol messages', async () => {
    const { encodeMessage, exampleMessage, MESSAGE_TYPE_NAMES } = await import('../messages/index.ts')
    for (const type of MESSAGE_TYPE_NAMES) expectSameOutcome(encodeMessage(type, exampleMessage(type)))
  })
})

// Fragments that exercise every branch of both pipelines when glued together at random.
const FRAGMENTS = [
  '<a>',
  '</a>',
  '<b x="1">',
  '</b>',
  '<a/>',
  '<p:c xmlns:p="urn:p">',
  '</p:c>',
  '<q:d>',
  '<e xmlns="urn:e">',
  '</e>',
  ' ',
  '\n',
  '\r\n',
  '\r',
  'text',
  '&amp;',
  '&#65;',
  '&#x0;',
  '&#xD;',
  '&foo;',
  '&',
  '<!--',
  '-->',
  '--',
  '<![CDATA[',
  ']]>',
  ']]',
  '<?xml version="1.0"?>',
  '<?pi?>',
  '<!DOCTYPE a>',
  '<!ENTITY e "x">',
  'xmlns="urn:x"',
  'xmlns=""',
  'xmlns:p="urn:p"',
  'xmlns:q=""',
  'x="1"',
  "y='2'",
  'p:x="3"',
  '=',
  '"',
  "'",
  '<',
  '>',
  '/>',
  '/',
  '\t',
  '__proto__',
  'constructor',
  '\u0000',
  '\uFEFF',
  '\uD800',
  'Ж',
  '中',
  '😀',
  '𐀀',
  'xml:lang="kk"',
  'xmlns:xml="urn:bad"',
  '<a b="\t\r\n">',
  '<ᠮ>',
  '</ᠮ>',
]

describe('parseXml and the oracle refuse alike', () => {
  it('for strings glued together from XML fragments: same code, or equal trees', () => {
    const soup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 }).map((parts) => parts.join(''))
    fc.assert(
      fc.property(
        soup,
        (text) =>
          void expectSameOutcome(text, {
            maxDepth: 6,
            maxElements: 40,
            maxAttributesPerElement: 3,
            maxReferences: 6,
            maxValueLength: 20,
          }),
      ),
      { numRuns: 5000 },
    )
  })

  it('for well-formed documents with a few random edits: same code, or equal trees', () => {
    const edit = fc.record({ at: fc.nat(), length: fc.nat({ max: 3 }), insert: fc.constantFrom('', ...FRAGMENTS) })
    fc.assert(
      fc.property(element, fc.array(edit, { minLength: 1, maxLength: 3 }), (root, edits) => {
        let doc = serializeDocument(root)
        for (const { at, length, insert } of edits) {
          const position = at % (doc.length + 1)
          doc = doc.slice(0, position) + insert + doc.slice(position + length)
        }
        expectSameOutcome(doc)
        expectSameOutcome(doc, {
          maxDepth: 3,
          maxElements: 5,
          maxAttributesPerElement: 2,
          maxReferences: 4,
          maxValueLength: 8,
        })
      }),
      { numRuns: 3000 },
    )
  })

  it('on names beyond U+FFFF, which XML allows and fast-xml-parser refused: still refused, same code', () => {
    for (const doc of ['<a\u{10000}/>', '<a b\u{10000}="1"/>', '<r><x:\u{10000} xmlns:x="urn:x"/></r>']) {
      expect(outcome(parseXml, doc, {})).toMatchObject({ code: 'XML_MALFORMED' })
      expectSameOutcome(doc)
    }
  })

  it('for the hostile corpus and the malformed documents of the other tests', async () => {
    const { readdirSync, readFileSync } = await import('node:fs')
    const { join } = await import('node:path')
    const corpus = join(import.meta.dirname, 'testdata', 'hostile')
    for (const directory of readdirSync(corpus, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
      for (const file of readdirSync(join(corpus, directory.name))) {
        const text = new TextDecoder('utf-8', { fatal: false }).decode(readFileSync(join(corpus, directory.name, file)))
        expectSameOutcome(text)
      }
    }
  })
})
