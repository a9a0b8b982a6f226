/**
 * Character-level rules of Canonical XML (C14N 1.0, section 2.3, which exclusive c14n keeps):
 * how text and attribute values are escaped, and the code-point order names are sorted in.
 * Most values need no escaping at all, so each function looks before it copies.
 */

const TEXT_SPECIAL = /[&<>\r]/
const TEXT_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' }

/** Text node content: & < > escaped, and CR as &#xD; (a literal CR would be normalized away). */
export function escapeText(value: string): string {
  // Most text nodes are short (values, indentation): a loop is quicker than a regex call there.
  if (value.length <= 32) {
    let special = false
    for (let i = 0; i < value.length && !special; i++) {
      const c = value.charCodeAt(i)
      special = c === 0x26 || c === 0x3c || c === 0x3e || c === 0xd
    }
    if (!special) return value
  } else if (!TEXT_SPECIAL.test(value)) return value
  return value.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c] ?? c)
}

const ATTRIBUTE_SPECIAL = /[&<"\t\n\r]/
const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '"': '&quot;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
}

/**
 * Attribute values (and namespace URIs): & < " escaped, and TAB, LF, CR as character
 * references, because a parser would turn the literal characters into spaces. '>' stays as is.
 */
export function escapeAttribute(value: string): string {
  if (!ATTRIBUTE_SPECIAL.test(value)) return value
  return value.replace(/[&<"\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c] ?? c)
}

/**
 * Compares by Unicode code point, as C14N requires (the same order as comparing UTF-8 bytes).
 * JavaScript's < compares UTF-16 code units, which puts U+10000 and above (surrogate pairs,
 * D800–DFFF) before U+E000–U+FFFF; the first differing unit is adjusted so they sort after.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return codePointRank(x) - codePointRank(y)
  }
  return a.length - b.length
}

/** Surrogates (parts of code points above U+FFFF) rank above every other code unit. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000
  if (unit >= 0xe000) return unit - 0x800
  return unit
}
