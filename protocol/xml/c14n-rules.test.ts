// The rules of exclusive c14n one at a time, with expected bytes written out by hand from the
// spec: where xmllint cannot be asked (inclusive prefix lists on a subtree, code-point order
// for URIs libxml2 refuses, hand-built trees) or where a rule deserves its own name.
import { describe, expect, it } from 'vitest'
import { compareCodePoints, escapeAttribute, escapeText } from './c14n-text.ts'
import { canonicalize, findElements } from './c14n.ts'
import { parseXml } from './index.ts'
import type { XmlElement } from './index.ts'

const c14n = (doc: string, options: Parameters<typeof canonicalize>[1] = {}): string =>
  new TextDecoder().decode(canonicalize(parseXml(doc), options))

function only(root: XmlElement, local: string): { element: XmlElement; inScope: ReadonlyMap<string, string> } {
  const [found, ...more] = findElements(root, (e) => e.local === local)
  if (found === undefined || more.length > 0) throw new Error(`expected one <${local}>`)
  return found
}

describe('escaping', () => {
  it('escapes & < > and CR in text, nothing else', () => {
    expect(escapeText('a & b < c > d\re "f" \'g\'\t\n')).toBe('a &amp; b &lt; c &gt; d&#xD;e "f" \'g\'\t\n')
    expect(escapeText('plain')).toBe('plain')
  })

  it('escapes & < " TAB LF CR in attribute values, and leaves > alone', () => {
    expect(escapeAttribute('a & b < c > d "e" \'f\'\tg\nh\ri')).toBe(
      "a &amp; b &lt; c > d &quot;e&quot; 'f'&#x9;g&#xA;h&#xD;i",
    )
  })
})

describe('ordering', () => {
  it('compares by code point, so U+10000 sorts after U+FF61 (UTF-16 units would say before)', () => {
    expect('\u{10000}' < '\uFF61').toBe(true)
    expect(compareCodePoints('\u{10000}', '\uFF61')).toBeGreaterThan(0)
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0)
    expect(compareCodePoints('', '')).toBe(0)
    expect(['b', 'B', '', 'a\u{10000}', 'a\uFFFD', 'a'].sort(compareCodePoints)).toEqual([
      '',
      'B',
      'a',
      'a\uFFFD',
      'a\u{10000}',
      'b',
    ])
  })

  it('sorts attributes by namespace URI in code-point order (libxml2 refuses such URIs, so by hand)', () => {
    const doc = '<r xmlns:a="urn:\u{10000}" xmlns:b="urn:\uFF61" a:x="1" b:x="2" x="3"/>'
    expect(c14n(doc)).toBe('<r xmlns:a="urn:\u{10000}" xmlns:b="urn:\uFF61" x="3" b:x="2" a:x="1"></r>')
  })

  it('puts the default namespace first, then prefixes in order', () => {
    expect(c14n('<r xmlns:b="urn:b" xmlns:a="urn:a" xmlns="urn:d" b:x="1" a:y="2"/>')).toBe(
      '<r xmlns="urn:d" xmlns:a="urn:a" xmlns:b="urn:b" a:y="2" b:x="1"></r>',
    )
  })
})

describe('namespace rendering', () => {
  it('renders a namespace where it is utilized, once per output ancestor chain', () => {
    expect(c14n('<r xmlns:p="urn:p"><a><p:b><p:c/></p:b><p:d/></a></r>')).toBe(
      '<r><a><p:b xmlns:p="urn:p"><p:c></p:c></p:b><p:d xmlns:p="urn:p"></p:d></a></r>',
    )
  })

  it('emits xmlns="" only where an output ancestor rendered a non-empty default', () => {
    expect(c14n('<r><a xmlns=""/></r>')).toBe('<r><a></a></r>')
    expect(c14n('<r xmlns="urn:d"><a xmlns=""><b/></a></r>')).toBe('<r xmlns="urn:d"><a xmlns=""><b></b></a></r>')
    // The default is utilized only by unprefixed elements, never by unprefixed attributes.
    expect(c14n('<p:r xmlns:p="urn:p" xmlns="urn:d" x="1"><p:a xmlns="" y="2"/></p:r>')).toBe(
      '<p:r xmlns:p="urn:p" x="1"><p:a y="2"></p:a></p:r>',
    )
  })

  it('does not render xmlns="" on a subtree apex whose context has no default', () => {
    const root = parseXml('<r xmlns="urn:d"><a xmlns=""><b/></a></r>')
    const { element, inScope } = only(root, 'b')
    expect(inScope.get('')).toBe('')
    expect(new TextDecoder().decode(canonicalize(element, { inScope }))).toBe('<b></b>')
  })

  it('renders inclusive prefixes at the apex when in scope, even unused, and not again below', () => {
    const root = parseXml(
      '<r xmlns:p="urn:p" xmlns:q="urn:q" xmlns="urn:d"><s:a xmlns:s="urn:s"><s:b xmlns:p="urn:p2"/><s:c/></s:a></r>',
    )
    const { element, inScope } = only(root, 'a')
    const canonical = (inclusivePrefixes: readonly string[]): string =>
      new TextDecoder().decode(canonicalize(element, { inScope, inclusivePrefixes }))
    expect(canonical([])).toBe('<s:a xmlns:s="urn:s"><s:b></s:b><s:c></s:c></s:a>')
    expect(canonical(['p', '#default', 'absent'])).toBe(
      '<s:a xmlns="urn:d" xmlns:p="urn:p" xmlns:s="urn:s"><s:b xmlns:p="urn:p2"></s:b><s:c></s:c></s:a>',
    )
    expect(canonical(['', 'q'])).toBe('<s:a xmlns="urn:d" xmlns:q="urn:q" xmlns:s="urn:s"><s:b></s:b><s:c></s:c></s:a>')
  })

  it('never renders the xml namespace, whatever the prefix list says', () => {
    expect(
      c14n('<r xmlns:xml="http://www.w3.org/XML/1998/namespace" xml:lang="kk"/>', { inclusivePrefixes: ['xml'] }),
    ).toBe('<r xml:lang="kk"></r>')
  })
})

describe('comments, text and structure', () => {
  it('drops comments unless withComments, keeping the text on both sides apart', () => {
    expect(c14n('<r>a<!-- c -->b</r>')).toBe('<r>ab</r>')
    expect(c14n('<r>a<!-- c -->b</r>', { withComments: true })).toBe('<r>a<!-- c -->b</r>')
  })

  it('writes empty elements as start and end tag, and CDATA as escaped text', () => {
    expect(c14n('<r><a/><b></b><c><![CDATA[<&>]]></c></r>')).toBe('<r><a></a><b></b><c>&lt;&amp;&gt;</c></r>')
  })

  it('canonicalizes 100,000-deep nesting without recursion', () => {
    const depth = 100_000
    const root = parseXml('<e>'.repeat(depth) + '</e>'.repeat(depth), { maxDepth: depth })
    expect(new TextDecoder().decode(canonicalize(root))).toBe('<e>'.repeat(depth) + '</e>'.repeat(depth))
    expect(findElements(root, () => true)).toHaveLength(depth)
  })
})

describe('findElements', () => {
  it('finds in document order, each with the namespaces its ancestors declared', () => {
    const root = parseXml('<r xmlns="urn:d" xmlns:p="urn:1"><p:a xmlns:p="urn:2"><p:a/></p:a><b><p:a/></b></r>')
    const found = findElements(root, (e) => e.local === 'a')
    expect(found.map(({ element }) => element.ns)).toEqual(['urn:2', 'urn:2', 'urn:1'])
    expect(found.map(({ inScope }) => inScope.get('p'))).toEqual(['urn:1', 'urn:2', 'urn:1'])
    expect(found.every(({ inScope }) => inScope.get('') === 'urn:d')).toBe(true)
    expect(findElements(root, () => false)).toEqual([])
  })
})

describe('trees our parser cannot produce', () => {
  const element = (fields: Partial<XmlElement>): XmlElement => ({
    kind: 'element',
    ns: '',
    local: 'e',
    prefix: '',
    attributes: [],
    namespaces: new Map(),
    children: [],
    ...fields,
  })

  it('refuses inconsistent names as a programming error', () => {
    expect(() => canonicalize(element({ prefix: 'p' }))).toThrow(/prefix p has no namespace/)
    expect(() => canonicalize(element({ attributes: [{ ns: 'urn:x', local: 'a', prefix: '', value: '' }] }))).toThrow(
      /no prefix/,
    )
    expect(() =>
      canonicalize(
        element({ prefix: 'p', ns: 'urn:1', attributes: [{ ns: 'urn:2', local: 'a', prefix: 'p', value: '' }] }),
      ),
    ).toThrow(/means both/)
  })

  it('refuses a lone surrogate instead of letting UTF-8 encoding replace it', () => {
    expect(() => canonicalize(element({ children: [{ kind: 'text', value: '\uD800' }] }))).toThrow(/lone surrogate/)
  })

  it('renders namespaces of a hand-built tree from its resolved names alone', () => {
    const signature = element({
      prefix: 'ds',
      ns: 'urn:ds',
      local: 'Signature',
      children: [element({ prefix: 'ds', ns: 'urn:ds', local: 'SignedInfo' })],
    })
    expect(new TextDecoder().decode(canonicalize(signature))).toBe(
      '<ds:Signature xmlns:ds="urn:ds"><ds:SignedInfo></ds:SignedInfo></ds:Signature>',
    )
  })
})
