/**
 * XML names: the Name production of XML 1.0 (fifth edition), the QName split of Namespaces in
 * XML 1.0, and the names we refuse because they are JavaScript prototype machinery. A peer
 * that sends <__proto__> is probing for prototype pollution in whatever builds objects from the
 * tree, so such names are refused outright, before any object is built from them.
 */

// NameStartChar without ':' (production [4]); ':' is added separately for the Name pattern.
const START =
  'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF' +
  '\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}'
// NameChar (production [4a]) without ':'.
const MORE = `${START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`

// Anchored and free of nested quantifiers: linear in the name's length. The class lists the
// combining marks U+0300–U+036F as a range on purpose, which the lint rule cannot tell apart
// from a misleading combined character.
// eslint-disable-next-line no-misleading-character-class
const NAME = new RegExp(`^[:${START}][:${MORE}]*$`, 'u')

/** Names refused as element or attribute names, prefixes or local parts. */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

// The only Name characters that JavaScript's \s also matches. fast-xml-parser (and any tool
// built on \s) splits tags and attributes at \s, so it reads <a id="1" x\u1680id="2"/> as id="2": a parser differential
// that could smuggle values past checks. Names containing them are refused.
const SPLITTING = /[\u1680\uFEFF]/

/** The first character in `name` that fast-xml-parser would treat as white space, or undefined. */
export function splittingCharacter(name: string): string | undefined {
  return SPLITTING.exec(name)?.[0]
}

/** True when `name` matches the XML 1.0 Name production (colons allowed). */
export function isXmlName(name: string): boolean {
  return NAME.test(name)
}

/** The forbidden part of a name (whole name, prefix or local part), or undefined. */
export function forbiddenPart(name: string): string | undefined {
  if (FORBIDDEN_NAMES.has(name)) return name
  for (const part of name.split(':')) {
    if (FORBIDDEN_NAMES.has(part)) return part
  }
  return undefined
}

export interface QName {
  readonly prefix: string
  readonly local: string
}

/**
 * Splits a Name into prefix and local part, or returns undefined when it is not a QName
 * (Namespaces in XML 1.0, production [7]): at most one colon, with an NCName on each side. The
 * caller has already checked that `name` is a Name.
 */
export function splitQName(name: string): QName | undefined {
  const colon = name.indexOf(':')
  if (colon === -1) return { prefix: '', local: name }
  if (colon === 0 || colon === name.length - 1 || name.indexOf(':', colon + 1) !== -1) return undefined
  const local = name.slice(colon + 1)
  // The local part must itself start like a name: 'p:-x' is a Name but not a QName. The rest
  // of it consists of name characters already, so for an ASCII start the first one decides.
  const first = local.charCodeAt(0)
  if (first < 0x80) {
    const lower = first | 0x20 // folds A-Z onto a-z and nothing else onto a-z
    if (!((lower >= 0x61 && lower <= 0x7a) || first === 0x5f)) return undefined
  } else if (!isXmlName(local)) return undefined
  return { prefix: name.slice(0, colon), local }
}

/** XML white space (production [3]): only these four, not Unicode white space. */
export function isXmlSpace(c: number): boolean {
  return c === 0x20 || c === 0x9 || c === 0xa || c === 0xd
}
