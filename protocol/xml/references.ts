/**
 * Character and entity references. scanReference validates every reference where it occurs
 * and returns its decoded text, which the single-pass reader uses directly; decodeReferences
 * decodes text already vetted, for the fast-xml-parser oracle (convert.ts). Only the five predefined entities and numeric references exist here:
 * there is no DTD, so any other name is an undeclared (or smuggled) entity and is refused.
 */

import { formatCodePoint, isXmlChar } from './chars.ts'
import { isXmlName } from './names.ts'
import { refuseAt } from './refuse.ts'

const PREDEFINED: ReadonlyMap<string, string> = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
])

const SEMICOLON = 0x3b

export interface ScannedReference {
  /** Offset just after the ';'. */
  readonly end: number
  /** Length of the decoded text in UTF-16 code units (2 for characters above U+FFFF). */
  readonly decodedLength: number
  /** The decoded text, so a single-pass reader need not decode a second time. */
  readonly value: string
}

/**
 * Validates the reference that starts with the '&' at `offset`. Stops at the first character
 * that cannot belong to a reference, so scanning '&&&&…' stays linear.
 */
export function scanReference(text: string, offset: number): ScannedReference {
  if (text.charCodeAt(offset + 1) === 0x23) return scanCharacterReference(text, offset)
  let end = offset + 1
  while (end < text.length && isNameLike(text.charCodeAt(end))) end++
  const name = text.slice(offset + 1, end)
  if (text.charCodeAt(end) !== SEMICOLON || name.length === 0 || !isXmlName(name)) {
    refuseAt('XML_MALFORMED', text, offset, "a '&' does not start a valid reference (write &amp; for a literal '&')")
  }
  const value = PREDEFINED.get(name)
  if (value === undefined) {
    // The name passed isXmlName, so it holds no control characters; only its length is bounded.
    const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name
    refuseAt(
      'XML_ENTITY_FORBIDDEN',
      text,
      offset,
      `the entity reference &${shown}; is not one of the five XML entities (amp, lt, gt, quot, apos)`,
      {
        entity: shown,
      },
    )
  }
  return { end: end + 1, decodedLength: 1, value }
}

function scanCharacterReference(text: string, offset: number): ScannedReference {
  const hex = text.charCodeAt(offset + 2) === 0x78 // 'x'; XML does not allow 'X'
  const digitsStart = offset + (hex ? 3 : 2)
  let end = digitsStart
  let codePoint = 0
  while (end < text.length) {
    const digit = digitValue(text.charCodeAt(end), hex)
    if (digit < 0) break
    // Saturate instead of overflowing: 'huge' only has to stay above U+10FFFF.
    codePoint = Math.min(codePoint * (hex ? 16 : 10) + digit, 0x110000)
    end++
  }
  if (end === digitsStart || text.charCodeAt(end) !== SEMICOLON) {
    refuseAt('XML_MALFORMED', text, offset, 'a character reference is malformed (expected &#digits; or &#xhex;)')
  }
  const written = text.slice(offset, Math.min(end + 1, offset + 24))
  if (codePoint > 0x10ffff) {
    refuseAt('XML_FORBIDDEN_CHAR', text, offset, `the character reference ${written} is beyond U+10FFFF`, {
      reference: written,
    })
  }
  if (!isXmlChar(codePoint)) {
    const shown = formatCodePoint(codePoint)
    refuseAt(
      'XML_FORBIDDEN_CHAR',
      text,
      offset,
      `the character reference ${written} denotes ${shown}, which XML 1.0 forbids`,
      {
        reference: written,
        codePoint: shown,
      },
    )
  }
  return { end: end + 1, decodedLength: codePoint > 0xffff ? 2 : 1, value: String.fromCodePoint(codePoint) }
}

function digitValue(c: number, hex: boolean): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (!hex) return -1
  if (c >= 0x61 && c <= 0x66) return c - 0x57 // a-f
  if (c >= 0x41 && c <= 0x46) return c - 0x37 // A-F
  return -1
}

/** Characters that can continue an entity name; the full Name check runs on the slice. */
function isNameLike(c: number): boolean {
  // Everything except the delimiters that end a reference attempt in text or attributes.
  return (
    c !== SEMICOLON &&
    c !== 0x26 &&
    c !== 0x3c &&
    c !== 0x3e &&
    c !== 0x22 &&
    c !== 0x27 &&
    c !== 0x20 &&
    c !== 0x9 &&
    c !== 0xa &&
    c !== 0xd &&
    c !== 0x3d &&
    c !== 0x2f
  )
}

const REFERENCE = /&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/g

/**
 * Decodes the references of text the prescan already validated. One pass, so '&amp;#60;'
 * becomes the literal text '&#60;' and never '<'.
 */
export function decodeReferences(text: string): string {
  if (!text.includes('&')) return text
  return text.replace(
    REFERENCE,
    (_match, hex: string | undefined, decimal: string | undefined, name: string | undefined) => {
      if (name !== undefined) return PREDEFINED.get(name) ?? ''
      return String.fromCodePoint(hex !== undefined ? Number.parseInt(hex, 16) : Number.parseInt(decimal ?? '', 10))
    },
  )
}
