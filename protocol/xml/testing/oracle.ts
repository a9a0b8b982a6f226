/**
 * The fast-xml-parser pipeline that parseXml used before it had its own reader, kept as an
 * independent second implementation: tests compare its trees and refusals with parseXml's
 * (a parser differential found in a test is a bug found before an attacker finds it), and the
 * benchmark uses it as the fast-xml-parser reference. Nothing in production calls it.
 *
 * The order is the original one: size, strict decoding, the linear prescan (limits, DTDs,
 * entities, forbidden characters and names, structure), fast-xml-parser's validator, then
 * fast-xml-parser itself, the conversion to our tree and a count cross-check.
 */

import { SisError } from '../../errors.ts'
import { convertDocument } from './convert.ts'
import { decodeInput } from '../decode.ts'
import { runParser } from './fxp.ts'
import type { FxpNode } from './fxp.ts'
import { resolveLimits } from '../limits.ts'
import { prescan } from '../prescan.ts'
import type { DocumentCounts } from '../structure.ts'
import type { XmlElement, XmlLimits } from '../types.ts'
import { checkWellFormed } from './wellformed.ts'

/**
 * Parses like parseXml, through fast-xml-parser: same API, same SisError codes. Any failure
 * other than a SisError (a library bug, a stack overflow) is reported as XML_MALFORMED.
 */
export function parseXmlWithFastXmlParser(input: Uint8Array | string, limits: Partial<XmlLimits> = {}): XmlElement {
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
    throw new SisError('XML_MALFORMED', 'the input could not be parsed (unexpected internal failure)', {}, { cause })
  }
}

/**
 * fast-xml-parser alone on text, configured as the pipeline configures it (no checks, no
 * conversion): the speed ceiling a benchmark compares parseXml with.
 */
export function runFastXmlParser(text: string, maxDepth = 32): readonly FxpNode[] {
  return runParser(text, maxDepth)
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
