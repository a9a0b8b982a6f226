// Happy paths: what a well-formed document turns into. Values stay exact strings, white space
// and multilingual text survive, references decode once, comments and CDATA have their place.
import { describe, expect, it } from 'vitest'
import { parseXml, XML_NAMESPACE } from './index.ts'
import type { XmlElement } from './index.ts'

const child = (element: XmlElement, local: string): XmlElement => {
  const found = element.children.find((node): node is XmlElement => node.kind === 'element' && node.local === local)
  if (found === undefined) throw new Error(`no child ${local}`)
  return found
}
const textOf = (element: XmlElement): string =>
  element.children.map((node) => (node.kind === 'text' ? node.value : '')).join('')
const attribute = (element: XmlElement, local: string, ns = ''): string | undefined =>
  element.attributes.find((a) => a.local === local && a.ns === ns)?.value

describe('parseXml: structure', () => {
  it('returns the root element with attributes and children in document order', () => {
    const root = parseXml('<Declaration id="7" lang="en"><LRN>X1</LRN><MRN>Y2</MRN></Declaration>')
    expect(root).toMatchObject({ kind: 'element', local: 'Declaration', ns: '', prefix: '' })
    expect(root.attributes.map((a) => [a.local, a.value])).toEqual([
      ['id', '7'],
      ['lang', 'en'],
    ])
    expect(root.children.map((node) => (node.kind === 'element' ? node.local : node.kind))).toEqual(['LRN', 'MRN'])
    expect(root.namespaces.size).toBe(0)
  })

  it('accepts bytes and strings alike, with or without a BOM and an XML declaration', () => {
    const doc = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<a>ü</a>'
    const expected = parseXml(doc)
    expect(parseXml(new TextEncoder().encode(doc))).toEqual(expected)
    expect(parseXml(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(doc)]))).toEqual(expected)
    expect(parseXml(`\uFEFF${doc}`)).toEqual(expected)
    expect(parseXml("<?xml version='1.0' encoding='utf-8'?><a>ü</a>")).toEqual(expected)
  })

  it('skips comments and white space outside the root element', () => {
    const root = parseXml('<?xml version="1.0"?>\n<!-- before -->\n<a>x</a>\n<!-- after -->\n')
    expect(root.local).toBe('a')
    expect(root.children).toEqual([{ kind: 'text', value: 'x' }])
  })

  it('keeps comments inside the root as comment nodes that split the text around them', () => {
    const root = parseXml('<a>one<!-- note: <b> & "c" -->two</a>')
    expect(root.children).toEqual([
      { kind: 'text', value: 'one' },
      { kind: 'comment', value: ' note: <b> & "c" ' },
      { kind: 'text', value: 'two' },
    ])
  })

  it('turns CDATA into text, literally, merged with the text next to it', () => {
    const root = parseXml('<a>x &amp; <![CDATA[<b>&amp;</b>]]> y<![CDATA[]]></a>')
    expect(root.children).toEqual([{ kind: 'text', value: 'x & <b>&amp;</b> y' }])
    expect(parseXml('<a><![CDATA[]]></a>').children).toEqual([])
  })

  it('keeps names that are Object.prototype members exactly as written', () => {
    const root = parseXml('<a toString="1" valueOf="2"><hasOwnProperty/><toString/><isPrototypeOf/></a>')
    expect(root.children.map((node) => (node.kind === 'element' ? node.local : ''))).toEqual([
      'hasOwnProperty',
      'toString',
      'isPrototypeOf',
    ])
    expect(root.attributes.map((a) => a.local)).toEqual(['toString', 'valueOf'])
  })
})

describe('parseXml: values', () => {
  it('never coerces values: numbers, codes, booleans and padding stay exact strings', () => {
    const values = [
      '0101.21',
      '0012345',
      '0x1F',
      '1e5',
      'true',
      'false',
      'null',
      '-0',
      ' 42 ',
      '1,5',
      'Infinity',
      'NaN',
      '',
    ]
    const doc = `<r>${values.map((v, i) => `<v${i} a="${v}">${v}</v${i}>`).join('')}</r>`
    const root = parseXml(doc)
    values.forEach((value, i) => {
      const element = child(root, `v${i}`)
      expect(textOf(element)).toBe(value)
      expect(attribute(element, 'a')).toBe(value)
    })
  })

  it('keeps empty attribute values and empty elements', () => {
    const root = parseXml('<a x="" y=\'\'><b></b><c/></a>')
    expect(root.attributes.map((a) => a.value)).toEqual(['', ''])
    expect(root.children).toEqual([
      expect.objectContaining({ local: 'b', children: [] }),
      expect.objectContaining({ local: 'c', children: [] }),
    ])
  })

  it('decodes the five XML entities and character references once, in text and attributes', () => {
    const root = parseXml(
      '<a t="&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x4E2D;&#x1F600;">&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x4E2D;&#128512;</a>',
    )
    expect(textOf(root)).toBe('<>&"\'AB中😀')
    expect(attribute(root, 't')).toBe('<>&"\'AB中😀')
    // One pass: an escaped reference stays a reference, never a second decoding.
    expect(textOf(parseXml('<a>&amp;#60;&amp;lt;</a>'))).toBe('&#60;&lt;')
    expect(textOf(parseXml('<a>&#000065;&#x0041;</a>'))).toBe('AA')
  })

  it('preserves white space in text, including white-space-only text between elements', () => {
    const root = parseXml('<a>\n  <b>  padded\ttext  </b>\n  <c> </c>\n</a>')
    expect(root.children.map((node) => (node.kind === 'text' ? node.value : node.kind))).toEqual([
      '\n  ',
      'element',
      '\n  ',
      'element',
      '\n',
    ])
    expect(textOf(child(root, 'b'))).toBe('  padded\ttext  ')
    expect(textOf(child(root, 'c'))).toBe(' ')
  })

  it('normalizes line ends to LF, but keeps a CR written as a reference', () => {
    expect(textOf(parseXml('<a>1\r\n2\r3\n4&#13;5</a>'))).toBe('1\n2\n3\n4\r5')
  })

  it('normalizes attribute white space as XML 1.0 requires (3.3.3), keeping references', () => {
    const root = parseXml('<a v="  two\tspaces\r\n x  " w="line&#10;break&#9;tab"/>')
    expect(attribute(root, 'v')).toBe('  two spaces  x  ')
    expect(attribute(root, 'w')).toBe('line\nbreak\ttab')
  })

  it('keeps multilingual text in Russian, Chinese and Kazakh intact, in names too', () => {
    const ru = 'Таможенная декларация № 5: «Груз»'
    const zh = '海关申报单：货物描述'
    const kk = 'Кеден декларациясы: жүк, Қазақстан Республикасы — ӘҒҚҢӨҰҮҺІ әғқңөұүһі'
    const doc = `<Декларация язык="ru"><ru>${ru}</ru><zh 描述="${zh}">${zh}</zh><kk>${kk}</kk></Декларация>`
    const root = parseXml(new TextEncoder().encode(doc))
    expect(root.local).toBe('Декларация')
    expect(attribute(root, 'язык')).toBe('ru')
    expect(textOf(child(root, 'ru'))).toBe(ru)
    expect(textOf(child(root, 'zh'))).toBe(zh)
    expect(attribute(child(root, 'zh'), '描述')).toBe(zh)
    expect(textOf(child(root, 'kk'))).toBe(kk)
  })

  it('accepts characters XML allows even where they are unusual (DEL, C1 controls, astral)', () => {
    expect(textOf(parseXml('<a>\u007F\u0085\u{10FFFD}&#x7F;&#x10FFFF;</a>'))).toBe(
      '\u007F\u0085\u{10FFFD}\u007F\u{10FFFF}',
    )
  })
})

describe('parseXml: namespaces', () => {
  const doc = `<sis:Message xmlns:sis="urn:carec:sis:1" xmlns="urn:carec:default" xmlns:other="urn:carec:sis:1"
      xml:lang="kk" code="A">
    <Header sis:version="1" other:channel="p2p"/>
    <other:Body><Item/></other:Body>
  </sis:Message>`

  it('resolves prefixes and the default namespace per element', () => {
    const root = parseXml(doc)
    expect(root).toMatchObject({ ns: 'urn:carec:sis:1', local: 'Message', prefix: 'sis' })
    expect([...root.namespaces]).toEqual([
      ['sis', 'urn:carec:sis:1'],
      ['', 'urn:carec:default'],
      ['other', 'urn:carec:sis:1'],
    ])
    expect(child(root, 'Header')).toMatchObject({ ns: 'urn:carec:default', prefix: '' })
    expect(child(child(root, 'Body'), 'Item')).toMatchObject({ ns: 'urn:carec:default', prefix: '' })
  })

  it('gives the same namespace under two prefixes equal ns values', () => {
    const root = parseXml(doc)
    const body = child(root, 'Body')
    expect(body.ns).toBe(root.ns)
    expect(body.prefix).not.toBe(root.prefix)
    const header = child(root, 'Header')
    expect(header.attributes.map((a) => [a.ns, a.local])).toEqual([
      ['urn:carec:sis:1', 'version'],
      ['urn:carec:sis:1', 'channel'],
    ])
  })

  it('puts unprefixed attributes in no namespace and xml:lang in the XML namespace', () => {
    const root = parseXml(doc)
    expect(root.attributes).toEqual([
      { ns: XML_NAMESPACE, local: 'lang', prefix: 'xml', value: 'kk' },
      { ns: '', local: 'code', prefix: '', value: 'A' },
    ])
    expect(attribute(root, 'lang', XML_NAMESPACE)).toBe('kk')
  })

  it('lets xmlns="" remove the default namespace and a child rebind a prefix', () => {
    const root = parseXml('<a xmlns="urn:x" xmlns:p="urn:p1"><b xmlns=""><c/></b><p:d xmlns:p="urn:p2"/><p:e/></a>')
    expect(root.ns).toBe('urn:x')
    expect(child(child(root, 'b'), 'c').ns).toBe('')
    expect(child(root, 'd').ns).toBe('urn:p2')
    expect(child(root, 'e').ns).toBe('urn:p1')
  })

  it('allows the xml prefix to be declared with its own namespace, and decodes namespace URIs', () => {
    const root = parseXml(`<a xmlns:xml="${XML_NAMESPACE}" xmlns:p="urn:a&amp;b"><p:b xml:space="preserve"/></a>`)
    expect(child(root, 'b')).toMatchObject({ ns: 'urn:a&b' })
    expect(child(root, 'b').attributes[0]).toMatchObject({ ns: XML_NAMESPACE, local: 'space' })
  })

  it('accepts two attributes with one local name in different namespaces', () => {
    const root = parseXml('<a xmlns:p="urn:1" xmlns:q="urn:2" p:id="1" q:id="2" id="3"/>')
    expect(root.attributes.map((a) => a.ns)).toEqual(['urn:1', 'urn:2', ''])
  })
})
