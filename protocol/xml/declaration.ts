/**
 * The XML declaration. It is optional; when present it must be the very first thing in the
 * document (after a BOM) and may only say version 1.0, encoding UTF-8 and standalone yes/no.
 * A document that claims another encoding was either mislabelled or is probing for a decoder
 * confusion, so it is refused as not UTF-8 even when its bytes happen to decode.
 */

import { refuseAt } from './refuse.ts'

// Bounded search: a real declaration is well under 100 characters.
const MAX_DECLARATION_LENGTH = 256

// Pseudo-attributes in the order XML 1.0 production [23] fixes: version, encoding, standalone.
const DECLARATION = new RegExp(
  '^<\\?xml' +
    '[ \\t\\r\\n]+version[ \\t\\r\\n]*=[ \\t\\r\\n]*(?:"([^"]*)"|\'([^\']*)\')' +
    '(?:[ \\t\\r\\n]+encoding[ \\t\\r\\n]*=[ \\t\\r\\n]*(?:"([^"]*)"|\'([^\']*)\'))?' +
    '(?:[ \\t\\r\\n]+standalone[ \\t\\r\\n]*=[ \\t\\r\\n]*(?:"(yes|no)"|\'(yes|no)\'))?' +
    '[ \\t\\r\\n]*\\?>$',
)

/**
 * Checks the XML declaration if the text starts with one and returns the offset just after it
 * (0 when there is none). '<?xml-stylesheet …?>' and the like are not declarations; they are
 * left for the structure scan, which refuses them as processing instructions.
 */
export function checkDeclaration(text: string): number {
  if (!text.startsWith('<?xml')) return 0
  const after = text.charCodeAt(5)
  const isDeclaration = after === 0x20 || after === 0x9 || after === 0xa || after === 0xd || after === 0x3f
  if (!isDeclaration) return 0
  const close = text.indexOf('?>', 5)
  if (close === -1 || close > MAX_DECLARATION_LENGTH) {
    refuseAt('XML_MALFORMED', text, 0, 'the XML declaration is not closed by ?>')
  }
  const match = DECLARATION.exec(text.slice(0, close + 2))
  if (match === null) {
    refuseAt(
      'XML_MALFORMED',
      text,
      0,
      'the XML declaration is malformed (expected <?xml version="1.0" encoding="UTF-8"?>)',
    )
  }
  const version = match[1] ?? match[2] ?? ''
  if (version !== '1.0') {
    refuseAt(
      'XML_MALFORMED',
      text,
      0,
      `the XML declaration says version ${JSON.stringify(version.slice(0, 20))}; only 1.0 is accepted`,
      {
        version: version.slice(0, 20),
      },
    )
  }
  const encoding = match[3] ?? match[4]
  if (encoding !== undefined && encoding.toLowerCase() !== 'utf-8') {
    refuseAt(
      'XML_NOT_UTF8',
      text,
      0,
      `the XML declaration says encoding ${JSON.stringify(encoding.slice(0, 40))}; only UTF-8 is accepted`,
      {
        encoding: encoding.slice(0, 40),
      },
    )
  }
  return close + 2
}
