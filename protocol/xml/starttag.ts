/**
 * Reading one start tag for the structure scan of the oracle: the element name, each attribute
 * name and quoted value, and the per-element limits. Attribute values are checked here (no '<',
 * every '&' a valid reference, length within maxValueLength) so fast-xml-parser never sees a
 * value it could misread. The name helpers are shared with parseXml's reader (tag.ts).
 */

import { formatCodePoint } from './chars.ts'
import { forbiddenPart, isXmlName, isXmlSpace, splittingCharacter } from './names.ts'
import type { ScannedReference } from './references.ts'
import { excerpt, refuseAt, shorten } from './refuse.ts'
import type { XmlLimits } from './types.ts'

const LT = 0x3c
const GT = 0x3e
const SLASH = 0x2f
const EQUALS = 0x3d
const AMP = 0x26
const DOUBLE_QUOTE = 0x22
const SINGLE_QUOTE = 0x27

/** What a start-tag reader needs from the scanner that drives it. */
export interface TagContext {
  readonly text: string
  readonly limits: XmlLimits
  /** Validates and counts the reference at `offset`. */
  reference(offset: number): ScannedReference
}

export interface StartTag {
  /** The element name as written (prefix included). */
  readonly name: string
  /** Offset just after the closing '>'. */
  readonly end: number
  readonly selfClosing: boolean
  /** Number of attributes, namespace declarations included. */
  readonly attributes: number
}

/** Reads the start tag whose '<' is at `offset`. */
export function readStartTag(context: TagContext, offset: number): StartTag {
  const { text } = context
  const nameEnd = scanName(text, offset + 1)
  const name = checkedName(text, offset + 1, nameEnd, 'element')
  // Literal duplicates are found here; duplicates through two prefixes for one namespace are
  // found after namespace resolution. The set is bounded by maxAttributesPerElement.
  const seen = new Set<string>()
  let position = nameEnd
  for (;;) {
    const next = skipSpace(text, position)
    if (next >= text.length)
      refuseAt('XML_MALFORMED', text, offset, `the input ends inside the start tag <${shorten(name)}> (truncated)`)
    const c = text.charCodeAt(next)
    if (c === GT) return { name, end: next + 1, selfClosing: false, attributes: seen.size }
    if (c === SLASH) {
      if (text.charCodeAt(next + 1) === GT) return { name, end: next + 2, selfClosing: true, attributes: seen.size }
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
    position = readAttribute(context, name, next, seen)
  }
}

function readAttribute(context: TagContext, element: string, offset: number, seen: Set<string>): number {
  const { text, limits } = context
  const nameEnd = scanName(text, offset)
  const name = checkedName(text, offset, nameEnd, 'attribute')
  const where = `attribute ${shorten(name)} of element <${shorten(element)}>`
  if (seen.size >= limits.maxAttributesPerElement) {
    refuseAt(
      'XML_TOO_MANY_ATTRIBUTES',
      text,
      offset,
      `element <${shorten(element)}> has more than ${limits.maxAttributesPerElement} attributes (maxAttributesPerElement)`,
      {
        limit: limits.maxAttributesPerElement,
        element: shorten(element),
      },
    )
  }
  if (seen.has(name))
    refuseAt('XML_MALFORMED', text, offset, `the ${where} appears twice`, { attribute: shorten(name) })
  seen.add(name)
  let position = skipSpace(text, nameEnd)
  if (position >= text.length) refuseAt('XML_MALFORMED', text, offset, `the input ends inside the ${where} (truncated)`)
  if (text.charCodeAt(position) !== EQUALS) {
    refuseAt(
      'XML_MALFORMED',
      text,
      position,
      `the ${where} has no value (attributes need ="value"; boolean attributes are not XML)`,
    )
  }
  position = skipSpace(text, position + 1)
  const quote = text.charCodeAt(position)
  if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) {
    refuseAt('XML_MALFORMED', text, position, `the value of the ${where} is not quoted`)
  }
  const close = text.indexOf(quote === DOUBLE_QUOTE ? '"' : "'", position + 1)
  if (close === -1) refuseAt('XML_MALFORMED', text, position, `the value of the ${where} is not closed (truncated)`)
  checkValue(context, where, position + 1, close)
  return close + 1
}

/** Checks the characters of an attribute value between the quotes. */
function checkValue(context: TagContext, where: string, start: number, end: number): void {
  const { text, limits } = context
  let length = 0
  let position = start
  while (position < end) {
    const c = text.charCodeAt(position)
    if (c === LT)
      refuseAt('XML_MALFORMED', text, position, `'<' is not allowed in the value of the ${where} (write &lt;)`)
    if (c === AMP) {
      // A reference cannot run past the closing quote: quotes end the name and digit scans.
      const reference = context.reference(position)
      length += reference.decodedLength
      position = reference.end
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
      `the value of the ${where} is ${length} characters long, more than the limit of ${limits.maxValueLength} (maxValueLength)`,
      {
        limit: limits.maxValueLength,
        actual: length,
      },
    )
  }
}

/** Offset of the first character that cannot continue a name; the Name check comes after. */
export function scanName(text: string, from: number): number {
  let position = from
  while (position < text.length) {
    const c = text.charCodeAt(position)
    if (
      isXmlSpace(c) ||
      c === GT ||
      c === SLASH ||
      c === EQUALS ||
      c === LT ||
      c === DOUBLE_QUOTE ||
      c === SINGLE_QUOTE
    )
      break
    position++
  }
  return position
}

export function skipSpace(text: string, from: number): number {
  let position = from
  while (position < text.length && isXmlSpace(text.charCodeAt(position))) position++
  return position
}

export function checkedName(text: string, start: number, end: number, kind: 'element' | 'attribute'): string {
  if (start >= text.length)
    refuseAt('XML_MALFORMED', text, start, `the input ends where an ${kind} name should be (truncated)`)
  const name = text.slice(start, end)
  if (name.length === 0 || !isXmlName(name)) {
    const shown = name.length === 0 ? excerpt(text.slice(start, start + 1)) : excerpt(name)
    refuseAt('XML_MALFORMED', text, start, `${shown} is not a valid XML ${kind} name`)
  }
  const reserved = forbiddenPart(name)
  if (reserved !== undefined) {
    refuseAt(
      'XML_FORBIDDEN_NAME',
      text,
      start,
      `the ${kind} name ${shorten(name)} uses the reserved name ${reserved}`,
      {
        name: shorten(name),
        reserved,
      },
    )
  }
  const splitting = splittingCharacter(name)
  if (splitting !== undefined) {
    const shown = formatCodePoint(splitting.charCodeAt(0))
    refuseAt(
      'XML_FORBIDDEN_NAME',
      text,
      start,
      `the ${kind} name ${shorten(name)} contains ${shown}, which XML allows in names but fast-xml-parser reads as white space`,
      {
        name: shorten(name),
        codePoint: shown,
      },
    )
  }
  return name
}
