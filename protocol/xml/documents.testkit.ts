/**
 * Test-only: random well-formed XML documents for the property tests (the parser differential
 * against the fast-xml-parser oracle, and canonicalization against xmllint). A tree is drawn
 * with free choices of prefixes, namespaces, attributes, text, references, CDATA and comments,
 * and the serializer repairs what would make it ill-formed (an unbound prefix gets declared, a
 * duplicate expanded attribute name is dropped), so every draw is a document both sides accept.
 * Not named *.test.ts so vitest does not run it as a test file; it does no I/O.
 */

import fc from 'fast-check'
import { XML_NAMESPACE } from './namespaces.ts'

export const PREFIXES = ['', 'p', 'q', 'ds', 'sis'] as const
export const URIS = [
  'urn:a',
  'urn:b',
  'http://www.w3.org/2000/09/xmldsig#',
  'urn:carec:sis:1',
  'urn:x?a=1&b=%22',
] as const
const LOCALS = ['a', 'b', 'Item', 'LRN', 'id', 'данные', '名前', 'x-y.z', '_u', 'toString', 'Қала', 'ᠮᠣᠩᠭᠣᠯ', 'Ω1']
const ATTRIBUTE_PREFIXES = ['', '', '', 'p', 'q', 'ds', 'xml'] as const

// Characters worth a test: markup characters, white space of every kind, Russian, Chinese,
// Kazakh and Mongolian letters, an emoji (a surrogate pair), NEL and LINE SEPARATOR.
const CHARS = [
  'a',
  'Z',
  ' ',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '&',
  '<',
  '>',
  '"',
  "'",
  ']',
  ']]>',
  'Ж',
  'ё',
  '中',
  '文',
  'Қ',
  'ү',
  'ᠮ',
  '😀',
  '\u0085',
  '\u2028',
  '-',
  '=',
]
export const TEXT = fc.array(fc.constantFrom(...CHARS), { maxLength: 8 }).map((parts) => parts.join(''))

/** How a piece of text is written: raw with escapes, with references for everything, or as CDATA. */
export type TextStyle = 'escaped' | 'references' | 'cdata'

export interface TextPiece {
  readonly kind: 'text'
  readonly value: string
  readonly style: TextStyle
}

export interface CommentPiece {
  readonly kind: 'comment'
  readonly value: string
}

export interface GenElement {
  readonly kind: 'element'
  readonly prefix: string
  readonly local: string
  /** Declarations as drawn: prefix ('' for the default) to URI ('' undeclares the default). */
  readonly declarations: readonly (readonly [string, string])[]
  readonly attributes: readonly {
    readonly prefix: string
    readonly local: string
    readonly value: string
    readonly style: TextStyle
  }[]
  readonly children: readonly (GenElement | TextPiece | CommentPiece)[]
  /** Serialization choices: quote character, empty-element form, white space in tags. */
  readonly quote: '"' | "'"
  readonly selfClose: boolean
  readonly space: string
}

const textPiece: fc.Arbitrary<TextPiece> = fc.record({
  kind: fc.constant('text' as const),
  value: TEXT,
  style: fc.constantFrom<TextStyle>('escaped', 'escaped', 'references', 'cdata'),
})
const commentPiece: fc.Arbitrary<CommentPiece> = fc.record({ kind: fc.constant('comment' as const), value: TEXT })

/** Random element trees whose declarations draw their URIs from `uris`. */
export function elementTree(uris: readonly string[] = URIS): fc.Arbitrary<GenElement> {
  return fc.letrec<{ element: GenElement }>((tie) => ({
    element: fc.record({
      kind: fc.constant('element' as const),
      prefix: fc.constantFrom(...PREFIXES),
      local: fc.constantFrom(...LOCALS),
      declarations: fc.array(fc.tuple(fc.constantFrom(...PREFIXES), fc.constantFrom('', ...uris)), { maxLength: 3 }),
      attributes: fc.array(
        fc.record({
          prefix: fc.constantFrom(...ATTRIBUTE_PREFIXES),
          local: fc.constantFrom(...LOCALS),
          value: TEXT,
          style: fc.constantFrom<TextStyle>('escaped', 'references'),
        }),
        { maxLength: 4 },
      ),
      children: fc.array(
        fc.oneof({ depthSize: 'medium', withCrossShrink: true }, textPiece, commentPiece, tie('element')),
        { maxLength: 5 },
      ),
      quote: fc.constantFrom('"' as const, "'" as const),
      selfClose: fc.boolean(),
      space: fc.constantFrom(' ', '  ', '\n', '\t', '\r\n '),
    }),
  })).element
}

export const element = elementTree()

/** Options for what surrounds the root element. */
export interface DocumentOptions {
  /** An XML declaration first (default: true). */
  readonly declaration?: boolean
  /** Comments and white space before and after the root (default: true). */
  readonly outside?: boolean
}

/** Serializes a drawn tree to a well-formed document (see the file comment for the repairs). */
export function serializeDocument(root: GenElement, options: DocumentOptions = {}): string {
  const before = options.declaration === false ? '' : '<?xml version="1.0" encoding="UTF-8"?>\n'
  const outside = options.outside !== false
  return `${before}${outside ? '<!-- before -->\n' : ''}${serializeElement(root, new Map([['xml', XML_NAMESPACE]]))}${outside ? '\n<!-- after -->\n' : ''}`
}

function serializeElement(e: GenElement, parentScope: ReadonlyMap<string, string>): string {
  const declared = new Map<string, string>()
  for (const [prefix, uri] of e.declarations) {
    if (prefix !== '' && uri === '') continue // XML 1.0 namespaces cannot undeclare a prefix
    if (!declared.has(prefix)) declared.set(prefix, uri)
  }
  const scope = new Map([...parentScope, ...declared])
  const bind = (prefix: string): void => {
    if (prefix === '' || prefix === 'xml' || (scope.get(prefix) ?? '') !== '') return
    declared.set(prefix, URIS[prefix.length % URIS.length] ?? 'urn:a')
    scope.set(prefix, declared.get(prefix) ?? '')
  }
  bind(e.prefix)
  const attributes: string[] = []
  const seen = new Set<string>()
  for (const a of e.attributes) {
    bind(a.prefix)
    const key = `${a.prefix === '' ? '' : (scope.get(a.prefix) ?? '')} ${a.local}`
    if (seen.has(key)) continue
    seen.add(key)
    attributes.push(
      `${a.prefix === '' ? '' : `${a.prefix}:`}${a.local}${e.space === ' ' ? '' : ' '}=${e.quote}${escapeAttribute(a.value, a.style, e.quote)}${e.quote}`,
    )
  }
  const name = e.prefix === '' ? e.local : `${e.prefix}:${e.local}`
  const namespaces = [...declared].map(
    ([prefix, uri]) =>
      `${prefix === '' ? 'xmlns' : `xmlns:${prefix}`}=${e.quote}${escapeAttribute(uri, 'escaped', e.quote)}${e.quote}`,
  )
  const start = `<${name}${[...namespaces, ...attributes].map((a) => `${e.space}${a}`).join('')}`
  if (e.children.length === 0 && e.selfClose) return `${start}${e.space === ' ' ? '' : e.space}/>`
  const content = e.children.map((child) => {
    if (child.kind === 'element') return serializeElement(child, scope)
    if (child.kind === 'comment') return `<!--${child.value.replace(/-/g, '_')}-->`
    return escapeText(child.value, child.style)
  })
  return `${start}>${content.join('')}</${name}${e.space === ' ' ? '' : e.space}>`
}

function reference(c: string, index: number): string {
  const codePoint = c.codePointAt(0) ?? 0
  return index % 2 === 0 ? `&#${codePoint};` : `&#x${codePoint.toString(16)};`
}

function escapeText(value: string, style: TextStyle): string {
  if (style === 'cdata') return value.length === 0 ? '' : `<![CDATA[${value.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`
  if (style === 'references')
    return [...value]
      .map((c, i) => (c === '\r' || c === '&' || c === '<' || c === '>' || i % 3 === 0 ? reference(c, i) : c))
      .join('')
  // '>' stays raw except after ']' or first (a neighbouring piece may end in ']]'): ']]>' is not text.
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/(^|\])>/g, '$1&gt;')
}

function escapeAttribute(value: string, style: TextStyle, quote: string): string {
  if (style === 'references')
    return [...value].map((c, i) => (/[&<"'\t\n\r]/.test(c) || i % 3 === 0 ? reference(c, i) : c)).join('')
  // Raw tabs and line ends stay raw on purpose: the parser must normalize them to spaces.
  const escaped = value.replace(/&/g, '&amp;').replace(/</g, '&lt;')
  return quote === '"' ? escaped.replace(/"/g, '&quot;') : escaped.replace(/'/g, '&apos;')
}

/**
 * Edits of a signed message that change its spelling (or its content) at a random place: for the
 * tests that hold a fast path to its reference on such mutations (canonical-form, dsig verify).
 */
const SNIPPETS = [
  ' ',
  '\n',
  '\r',
  '\r\n',
  '\t',
  '>',
  '&gt;',
  '&#62;',
  '&amp;',
  '&#38;',
  '&lt;',
  '&#65;',
  '&#x41;',
  '&#xD;',
  '&#13;',
  '&#x9;',
  '&#xA;',
  '&quot;',
  '&apos;',
  "'",
  '"',
  '/',
  '<!--c-->',
  '<![CDATA[x]]>',
  '<![CDATA[]]>',
  ' a="1"',
  ' a="x&#x9;y"',
  ' b="&gt;"',
  ' xml:lang="en"',
  ' xmlns="urn:carec:sis:1"',
  ' xmlns=""',
  ' xmlns:ds="http://www.w3.org/2000/09/xmldsig#"',
  ' xmlns:p="urn:a"',
  ' xmlns:sis="urn:carec:sis:1"',
  '\u00a0',
  'Ж',
  '\uFEFF',
]
export type Edit = { readonly at: number; readonly kind: number; readonly pick: number }
export const edit: fc.Arbitrary<Edit> = fc.record({ at: fc.nat(), kind: fc.nat({ max: 10 }), pick: fc.nat() })

export function applyEdit(text: string, { at, kind, pick }: Edit): string {
  const i = at % (text.length + 1)
  const tags = [...text.matchAll(/<([^/!?>\s]+)([^>]*)>/g)]
  const tag = tags[pick % Math.max(1, tags.length)]
  switch (kind) {
    case 0:
      return text.slice(0, i) + (SNIPPETS[pick % SNIPPETS.length] ?? '') + text.slice(i) // insert anywhere
    case 1: {
      // insert inside a start tag, just after its name
      if (tag?.index === undefined) return text
      const after = tag.index + 1 + (tag[1]?.length ?? 0)
      return text.slice(0, after) + (SNIPPETS[(pick >> 3) % SNIPPETS.length] ?? '') + text.slice(after)
    }
    case 10: {
      // insert at the start of an element's content
      if (tag?.index === undefined) return text
      const after = tag.index + tag[0].length
      return text.slice(0, after) + (SNIPPETS[(pick >> 3) % SNIPPETS.length] ?? '') + text.slice(after)
    }
    case 2: {
      // swap the first two attributes of a tag
      const attributes = tag?.[2]?.match(/ [^\s=]+="[^"]*"/g)
      if (tag?.index === undefined || attributes === null || attributes === undefined || attributes.length < 2)
        return text
      const [a, b, ...rest] = attributes
      return text.slice(0, tag.index) + `<${tag[1]}${b}${a}${rest.join('')}>` + text.slice(tag.index + tag[0].length)
    }
    case 3:
      return text.replace(/<([^/!?>\s]+)([^>]*)><\/\1>/, '<$1$2/>') // an empty-element tag
    case 4:
      return tag?.index === undefined
        ? text
        : text.slice(0, tag.index) + tag[0].replace(/"/g, "'") + text.slice(tag.index + tag[0].length) // single quotes
    case 5:
      return text.replace(/<\/([^>]+)>/, '</$1 >') // white space in an end tag
    case 6:
      return `<?xml version="1.0" encoding="UTF-8"?>${text}`
    case 7:
      return i % 2 === 0 ? `${text}\n` : `<!--x-->${text}`
    case 8:
      return text.slice(0, i) + text.slice(i + 1 + (pick % 3)) // delete a few characters
    default:
      return text.replace(/<ds:SignedInfo>|<ds:Reference URI="">|<\/ds:Transforms>/, (m) => `${m}\n  `) // white space in SignedInfo
  }
}
