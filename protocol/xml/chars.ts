/**
 * The characters XML 1.0 allows (production [2] Char): tab, LF, CR, U+0020–U+D7FF,
 * U+E000–U+FFFD and U+10000–U+10FFFF. Everything else – C0 controls, U+FFFE, U+FFFF and
 * unpaired surrogates – is refused, raw or written as a character reference, because parsers
 * and signature canonicalizers disagree about them and some truncate strings at U+0000.
 */

import { refuseAt } from './refuse.ts'

/** True when the code point may appear in an XML 1.0 document. */
export function isXmlChar(codePoint: number): boolean {
  if (codePoint < 0x20) return codePoint === 0x9 || codePoint === 0xa || codePoint === 0xd
  if (codePoint <= 0xd7ff) return true
  if (codePoint < 0xe000) return false // surrogate code points are not characters
  if (codePoint <= 0xfffd) return true
  return codePoint >= 0x10000 && codePoint <= 0x10ffff
}

const OUTSIDE_COMMON_RANGES = /[^\t\n\r\x20-\ud7ff\ue000-\ufffd]/

/**
 * Refuses the first forbidden character of the whole text. One pass over UTF-16 code units,
 * written as a loop (not a regular expression) so that surrogate pairing is explicit.
 */
export function checkCharacters(text: string): void {
  // Most texts hold only tab, LF, CR and U+0020–U+D7FF / U+E000–U+FFFD: one native scan says so.
  // Anything else (surrogates included, which need pairing) gets the exact walk below.
  if (!OUTSIDE_COMMON_RANGES.test(text)) return
  const length = text.length
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0x20 && c < 0xd800) continue // the common case first
    if (c < 0x20) {
      if (c === 0x9 || c === 0xa || c === 0xd) continue
      refuseForbidden(text, i, c)
    }
    if (c <= 0xdbff) {
      const next = text.charCodeAt(i + 1) // NaN past the end, which fails the test below
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++
        continue
      }
      refuseForbidden(text, i, c, 'an unpaired high surrogate')
    }
    if (c <= 0xdfff) refuseForbidden(text, i, c, 'an unpaired low surrogate')
    if (c === 0xfffe || c === 0xffff) refuseForbidden(text, i, c)
  }
}

function refuseForbidden(text: string, offset: number, codeUnit: number, what = 'a character'): never {
  const shown = formatCodePoint(codeUnit)
  refuseAt('XML_FORBIDDEN_CHAR', text, offset, `the input contains ${what} XML 1.0 forbids: ${shown}`, {
    codePoint: shown,
  })
}

/** Formats a code point the way messages and details show it (U+0001, U+1F600). */
export function formatCodePoint(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`
}
