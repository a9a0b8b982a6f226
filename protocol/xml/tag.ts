/**
 * Tags and values for the single-pass reader: one start tag read with the same checks, in the
 * same order and with the same refusals, as the structure scan's start-tag reader
 * (starttag.ts), but each attribute value is also normalized and decoded while it is checked,
 * so the text is walked once. Names take an ASCII fast path; anything else gets the full Name
 * check. Also the end-tag match and line-end normalization the reader needs.
 */

import { SisError } from '../errors.ts'
import type { RawAttribute } from './types.ts'
import { forbiddenPart } from './names.ts'
import { excerpt, positionOf, refuseAt, shorten } from './refuse.ts'
import { checkedName, scanName, skipSpace } from './starttag.ts'
import type { TagContext } from './starttag.ts'

const GT = 0x3e
const LT = 0x3c
const SLASH = 0x2f
const EQUALS = 0x3d
const AMP = 0x26
const DOUBLE_QUOTE = 0x22
const SINGLE_QUOTE = 0x27
const TAB = 0x9
const LF = 0xa
const CR = 0xd

/** What the reader provides on top of the structure scan's context. */
export interface ReaderContext extends TagContext {
  /** The text has characters beyond U+00FF, so V8 holds it (and every slice) as two-byte. */
  readonly wide: boolean
  /** Records a refusal that must wait until the structure scan of the whole text is done. */
  refuseLater(error: SisError): void
}

export interface ReadTag {
  /** The element name as written (prefix included). */
  readonly name: string
  /** Attributes as written, namespace declarations included, values normalized and decoded. */
  readonly attributes: readonly RawAttribute[]
  /** Offset just after the closing '>'. */
  readonly end: number
  readonly selfClosing: boolean
}

const NO_ATTRIBUTES: readonly RawAttribute[] = Object.freeze([])

/** Reads the start tag whose '<' is at `offset`. */
export function readTag(context: ReaderContext, offset: number): ReadTag {
  const { text } = context
  const nameEnd = scanName(text, offset + 1)
  const name = readName(context, offset + 1, nameEnd, 'element')
  // The usual tag, <name>: nothing more to read, and nothing to allocate for attributes.
  if (text.charCodeAt(nameEnd) === GT) return { name, attributes: NO_ATTRIBUTES, end: nameEnd + 1, selfClosing: false }
  const attributes: RawAttribute[] = []
  // Literal duplicates: a linear look among the first few attributes, a Set beyond, so a
  // caller who lifts maxAttributesPerElement cannot make the check quadratic.
  let seen: Set<string> | undefined
  let position = nameEnd
  for (;;) {
    const next = skipSpace(text, position)
    if (next >= text.length)
      refuseAt('XML_MALFORMED', text, offset, `the input ends inside the start tag <${shorten(name)}> (truncated)`)
    const c = text.charCodeAt(next)
    if (c === GT) return { name, attributes, end: next + 1, selfClosing: false }
    if (c === SLASH) {
      if (text.charCodeAt(next + 1) === GT) return { name, attributes, end: next + 2, selfClosing: true }
      refuseAt('XML_MALFORMED', text, next, `in the start tag <${shorten(name)}>, '/' must be followed by '>'`)
    }
    if (next === position) {
      refuseAt(
        'XML_MALFORMED',
        text,
        next,
        `in the start tag <${shorten(name)}>, attributes must be separated by white space`,
      )
    }
    const attributeEnd = scanName(text, next)
    const attribute = readName(context, next, attributeEnd, 'attribute')
    // Built only for a refusal: most tags have attributes and almost none are refused.
    const where = (): string => `attribute ${shorten(attribute)} of element <${shorten(name)}>`
    const { limits } = context
    if (attributes.length >= limits.maxAttributesPerElement) {
      refuseAt(
        'XML_TOO_MANY_ATTRIBUTES',
        text,
        next,
        `element <${shorten(name)}> has more than ${limits.maxAttributesPerElement} attributes (maxAttributesPerElement)`,
        {
          limit: limits.maxAttributesPerElement,
          element: shorten(name),
        },
      )
    }
    if (attributes.length === 8) seen = new Set(attributes.map((a) => a.name))
    const duplicate = seen === undefined ? attributes.some((a) => a.name === attribute) : seen.has(attribute)
    if (duplicate)
      refuseAt('XML_MALFORMED', text, next, `the ${where()} appears twice`, { attribute: shorten(attribute) })
    seen?.add(attribute)
    let at = skipSpace(text, attributeEnd)
    if (at >= text.length) refuseAt('XML_MALFORMED', text, next, `the input ends inside the ${where()} (truncated)`)
    if (text.charCodeAt(at) !== EQUALS) {
      refuseAt(
        'XML_MALFORMED',
        text,
        at,
        `the ${where()} has no value (attributes need ="value"; boolean attributes are not XML)`,
      )
    }
    at = skipSpace(text, at + 1)
    const quote = text.charCodeAt(at)
    if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE)
      refuseAt('XML_MALFORMED', text, at, `the value of the ${where()} is not quoted`)
    const close = text.indexOf(quote === DOUBLE_QUOTE ? '"' : "'", at + 1)
    if (close === -1) refuseAt('XML_MALFORMED', text, at, `the value of the ${where()} is not closed (truncated)`)
    attributes.push({ name: attribute, value: readValue(context, where, at + 1, close) })
    position = close + 1
  }
}

/**
 * Checks and decodes an attribute value between its quotes. Normalization (XML 1.0, 3.3.3):
 * each literal tab, LF or CR becomes a space, a CR LF pair one space (line ends are
 * normalized first), and only then are references decoded, so &#10; survives as a line
 * break. The length limit counts as the structure scan does: decoded, before normalization.
 */
function readValue(context: TagContext, where: () => string, start: number, end: number): string {
  const { text, limits } = context
  let value = ''
  let copied = start // text before this offset is already in `value`
  let length = 0
  let position = start
  while (position < end) {
    const c = text.charCodeAt(position)
    if (c > GT) {
      length++
      position++
    } else if (c === LT) {
      refuseAt('XML_MALFORMED', text, position, `'<' is not allowed in the value of the ${where()} (write &lt;)`)
    } else if (c === AMP) {
      // A reference cannot run past the closing quote: quotes end the name and digit scans.
      const reference = context.reference(position)
      value += text.slice(copied, position) + reference.value
      length += reference.decodedLength
      position = reference.end
      copied = position
    } else if (c === TAB || c === LF || c === CR) {
      value += `${text.slice(copied, position)} `
      const pair = c === CR && text.charCodeAt(position + 1) === LF ? 2 : 1
      length += pair
      position += pair
      copied = position
    } else {
      length++
      position++
    }
  }
  if (length > limits.maxValueLength) {
    refuseAt(
      'XML_VALUE_TOO_LONG',
      text,
      start,
      `the value of the ${where()} is ${length} characters long, more than the limit of ${limits.maxValueLength} (maxValueLength)`,
      {
        limit: limits.maxValueLength,
        actual: length,
      },
    )
  }
  return copied === start ? text.slice(start, end) : value + text.slice(copied, end)
}

/**
 * The name between `start` and `end`, checked. Most names are plain ASCII (letters, digits,
 * '_', '-', '.', ':'), which are Names and contain no splitting character, so only the reserved
 * parts need a look; any other name goes through the full check of the structure scan.
 */
function readName(context: ReaderContext, start: number, end: number, kind: 'element' | 'attribute'): string {
  const { text } = context
  const plain = plainAsciiName(text, start, end)
  if (plain !== NOT_PLAIN) {
    const name = context.wide ? internName(text.slice(start, end)) : text.slice(start, end)
    if (plain === PLAIN || forbiddenPart(name) === undefined) return name
  }
  const name = checkedName(text, start, end, kind)
  if (hasSurrogate(name)) refuseBeyondBmp(context, start, name, kind)
  return name
}

/**
 * One shared copy of each plain ASCII name (and namespace URI, see namespaces.ts), in V8's
 * one-byte form. A document with any character beyond U+00FF is decoded to a two-byte string,
 * and so is every slice of it: comparing and hashing those against the one-byte names of our
 * schemas goes through a slow path, on every element, in every step after the parse. A name
 * is looked up once here instead. Bounded, since peers choose the names.
 */
const INTERNED = new Map<string, string>()
const INTERN_LIMIT = 4096

export function internName(name: string): string {
  const known = INTERNED.get(name)
  if (known !== undefined) return known
  if (INTERNED.size >= INTERN_LIMIT || name.length > 256) return name
  const own = oneByteCopy(name)
  INTERNED.set(own, own)
  return own
}

/** A flat copy of a short string, built from its code units: one-byte when they all allow it. */
function oneByteCopy(value: string): string {
  const units = new Array<number>(value.length)
  for (let i = 0; i < value.length; i++) units[i] = value.charCodeAt(i)
  return String.fromCharCode(...units)
}

const NOT_PLAIN = 0
const PLAIN = 1
/** Plain, and contains 'to', as every reserved name does (__proto__, prototype, constructor). */
const PLAIN_WITH_TO = 2

function plainAsciiName(text: string, start: number, end: number): number {
  if (start >= end) return NOT_PLAIN
  const first = text.charCodeAt(start)
  const lowerFirst = first | 0x20 // folds A-Z onto a-z and nothing else onto a-z
  if (!((lowerFirst >= 0x61 && lowerFirst <= 0x7a) || first === 0x5f || first === 0x3a)) return NOT_PLAIN // letters, '_', ':'
  let result = PLAIN
  for (let i = start + 1; i < end; i++) {
    const c = text.charCodeAt(i)
    const lower = c | 0x20
    if (!((lower >= 0x61 && lower <= 0x7a) || (c >= 0x30 && c <= 0x3a) || c === 0x5f || c === 0x2d || c === 0x2e))
      return NOT_PLAIN
    if (c === 0x6f && text.charCodeAt(i - 1) === 0x74) result = PLAIN_WITH_TO
  }
  return result
}

function hasSurrogate(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdfff) return true
  }
  return false
}

/**
 * XML 1.0 allows name characters beyond U+FFFF, but the fast-xml-parser pipeline this reader
 * replaced refused them (its validator's Name pattern stops at U+FFFF). No message of ours needs
 * them, so they stay refused, and later than the structure scan's refusals, as they were then.
 */
function refuseBeyondBmp(context: ReaderContext, offset: number, name: string, kind: 'element' | 'attribute'): void {
  const { line, column } = positionOf(context.text, offset)
  context.refuseLater(
    new SisError(
      'XML_MALFORMED',
      `the ${kind} name ${excerpt(name)} contains a character beyond U+FFFF, which is not accepted in names (line ${line}, column ${column})`,
      {
        name: shorten(name),
        line,
        column,
        offset,
      },
    ),
  )
}

/**
 * True when `name` followed by '>' is written at `offset`. A loop, not startsWith: the names are
 * short, and comparing a one-byte name with a two-byte text (any non-Latin-1 character makes it
 * one) is much slower through the built-in.
 */
export function repeats(text: string, offset: number, name: string): boolean {
  const length = name.length
  if (text.charCodeAt(offset + length) !== GT) return false
  for (let i = 0; i < length; i++) {
    if (text.charCodeAt(offset + i) !== name.charCodeAt(i)) return false
  }
  return true
}

/** CR LF and lone CR to LF, for comments and CDATA (text and attributes do it as they go). */
export function normalizeLineEnds(value: string): string {
  return value.includes('\r') ? value.replace(/\r\n?/g, '\n') : value
}
