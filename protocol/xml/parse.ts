/**
 * parseXml: untrusted bytes in, a namespace-resolved tree out, or a SisError. The order is the
 * point: size before decoding, decoding before looking, the linear prescan (limits, DTDs,
 * entities, forbidden characters and names) before any parser runs, and fast-xml-parser only
 * on text that can no longer surprise it.
 */

import { SisError } from '../errors.ts'
import { convertDocument } from './convert.ts'
import { decodeInput } from './decode.ts'
import { runParser } from './fxp.ts'
import { resolveLimits } from './limits.ts'
import { prescan } from './prescan.ts'
import type { DocumentCounts } from './structure.ts'
import type { XmlElement, XmlLimits } from './types.ts'
import { checkWellFormed } from './wellformed.ts'

/**
 * Parses one XML document and returns its root element.
 *
 * Accepts UTF-8 bytes (a leading BOM is dropped) or a string. Refuses with a SisError whose code
 * is one of the XML_* codes; throws RangeError only for nonsensical `limits` (a bug in the
 * caller, not bad input). Any other failure is reported as XML_MALFORMED with the original error
 * as `cause`, so a hostile input can never escape as an unexpected exception type.
 */
export function parseXml(input: Uint8Array | string, limits: Partial<XmlLimits> = {}): XmlElement {
  const resolved = resolveLimits(limits)
  try {
    const text = decodeInput(input, resolved.maxBytes)
    const scanned = prescan(text, resolved)
    checkWellFormed(text)
    const { root, counts } = convertDocument(runParser(text, resolved.maxDepth))
    checkAgreement(scanned, counts)
    return root
  } catch (cause) {
    if (cause instanceof SisError) throw cause
    // Stack overflow, out-of-memory in a regex, a library bug: still a refusal, never a crash.
    throw new SisError('XML_MALFORMED', 'the input could not be parsed (unexpected internal failure)', {}, { cause })
  }
}

/**
 * The prescan and fast-xml-parser must have seen the same elements and attributes. If they did
 * not, the two read the document differently (a parser differential, the raw material of
 * signature-wrapping and value-smuggling attacks), and neither reading can be trusted.
 */
function checkAgreement(scanned: DocumentCounts, built: DocumentCounts): void {
  if (scanned.elements === built.elements && scanned.attributes === built.attributes) return
  throw new SisError('XML_MALFORMED', 'the input is read differently by the prescan and the parser, so it is refused', {
    scannedElements: scanned.elements,
    parsedElements: built.elements,
    scannedAttributes: scanned.attributes,
    parsedAttributes: built.attributes,
  })
}
