// Well-formedness: each rule fast-xml-parser's validator does not enforce (or enforces
// loosely) is refused by our own checks; what the validator does find maps to XML_MALFORMED
// with its line, column and reason.
import { describe, expect, it } from 'vitest'
import { SisError } from '../errors.ts'
import { parseXml } from './index.ts'
import { checkWellFormed } from './testing/wellformed.ts'

function refusal(run: () => unknown): SisError {
  try {
    run()
  } catch (error) {
    if (error instanceof SisError) return error
    throw error
  }
  throw new Error('the input was accepted')
}

const refused = (doc: string): SisError => refusal(() => parseXml(doc))

describe('well-formedness rules', () => {
  it.each([
    ['two root elements', '<a/><b/>'],
    ['a second root after a complete one with content', '<a>x</a><a>y</a>'],
    ['no root element, only a comment', '<!-- nothing -->'],
    ['text before the root', 'x<a/>'],
    ['text after the root', '<a/>x'],
    ['a reference after the root, even one that means white space', '<a/>&#32;'],
    ['CDATA after the root', '<a/><![CDATA[ ]]>'],
    ['mismatched tags', '<a><b></a></b>'],
    ['an unclosed tag', '<a><b/>'],
    ['an end tag with no start tag', '<a/></a>'],
    ['a literal duplicate attribute', '<a x="1" x="1"/>'],
    [
      'a duplicate attribute through two prefixes of one namespace',
      '<a xmlns:p="urn:x" xmlns:q="urn:x" p:x="1" q:x="1"/>',
    ],
    [
      'a duplicate attribute through a prefix redeclared to the same namespace',
      '<r xmlns:p="urn:x"><a xmlns:q="urn:x" p:x="1" q:x="1"/></r>',
    ],
    [']]> in text', '<a>]]></a>'],
    [']]> split by nothing but still together', '<a>x]]]></a>'],
    ['< in an attribute value', '<a x="a<b"/>'],
    ['a bare &', '<a>fish & chips</a>'],
    ['-- inside a comment', '<a><!-- x--y --></a>'],
    ['a comment ending in ---> ', '<a><!-- x ---></a>'],
    ['an attribute without a value', '<a x/>'],
    ['an unquoted attribute value', '<a x=1/>'],
    ['attributes not separated by white space', '<a x="1"y="2"/>'],
    ['a stray / in a start tag', '<a / >'],
    ['an invalid element name', '<a><-b/></a>'],
    ['an invalid attribute name', '<a 1x="1"/>'],
    ['white space before the element name', '< a/>'],
    ['a markup declaration', '<a><!ATTLIST a x CDATA "y"></a>'],
    ['an end tag with attributes', '<a></a x="1">'],
  ])('refuses %s', (_name, doc) => {
    const error = refused(doc)
    expect(error.code, error.message).toBe('XML_MALFORMED')
  })

  it('refuses a document truncated at every position', () => {
    const doc = '<r xmlns:p="urn:x" p:a="1 &amp; 2"><!-- c --><p:b>text &#x4E2D;<![CDATA[<x>]]></p:b><c/></r>'
    expect(parseXml(doc).local).toBe('r')
    for (let end = 1; end < doc.length; end++) {
      const error = refused(doc.slice(0, end))
      expect(error.code, `${doc.slice(0, end)}: ${error.message}`).toBe('XML_MALFORMED')
    }
  })

  it('refuses a UTF-8 document truncated inside a multi-byte character as not UTF-8', () => {
    const bytes = new TextEncoder().encode('<a>中</a>')
    expect(refusal(() => parseXml(bytes.slice(0, 5))).code).toBe('XML_NOT_UTF8')
  })

  it('accepts what XML allows even where it looks odd', () => {
    expect(parseXml('<a\n x = "1"\n>t</a\n>').attributes[0]?.value).toBe('1')
    expect(parseXml(`<a x='"' y="'" z=">"/>`).attributes.map((a) => a.value)).toEqual(['"', "'", '>'])
    expect(parseXml('<a>]] > ]]&gt; > </a>').children).toEqual([{ kind: 'text', value: ']] > ]]> > ' }])
    expect(parseXml('<a><!----></a>').children).toEqual([{ kind: 'comment', value: '' }])
    expect(parseXml('<_:a-.1 xmlns:_="urn:u"/>')).toMatchObject({ prefix: '_', local: 'a-.1', ns: 'urn:u' })
    // '_:-.a' is an XML Name, but its local part does not start like one: not a QName.
    expect(refused('<_:-.a xmlns:_="urn:u"/>').code).toBe('XML_NAMESPACE')
  })
})

describe("fast-xml-parser's validator as a second opinion", () => {
  it('maps its findings to XML_MALFORMED with line, column and reason', () => {
    const error = refusal(() => checkWellFormed('<a>\n<b></c></a>'))
    expect(error.code).toBe('XML_MALFORMED')
    expect(error.details).toMatchObject({ line: 2, column: 4, validatorCode: 'InvalidTag' })
    expect(String(error.details['reason'])).toContain("closing tag 'c'")
    expect(error.message).toContain('line 2')
  })

  it('passes what the prescan passes', () => {
    expect(() => checkWellFormed('<r xmlns="urn:x" a="&amp;"><b>t</b><!-- c --><![CDATA[x]]></r>')).not.toThrow()
  })
})
