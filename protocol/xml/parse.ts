/**
 * parseXml: untrusted bytes in, a namespace-resolved tree out, or a SisError. The order is the
 * point: size before decoding, decoding before looking, the whole-text checks (forbidden
 * characters, DTDs, entities, the XML declaration) before any structure is read, and then one
 * strict single pass (reader.ts) that enforces the limits and well-formedness while it builds
 * the tree. No third-party parser runs on untrusted input; fast-xml-parser survives only as the
 * test oracle in oracle.ts.
 */

import { SisError } from '../errors.ts'
import { decodeInput } from './decode.ts'
import { resolveLimits } from './limits.ts'
import { checkText } from './prescan.ts'
import { readDocumentForm } from './reader.ts'
import type { DocumentForm } from './reader.ts'
import type { XmlElement, XmlLimits } from './types.ts'

/**
 * Parses one XML document and returns its root element.
 *
 * Accepts UTF-8 bytes (a leading BOM is dropped) or a string. Refuses with a SisError whose code
 * is one of the XML_* codes; throws RangeError only for nonsensical `limits` (a bug in the
 * caller, not bad input). Any other failure is reported as XML_MALFORMED with the original error
 * as `cause`, so a hostile input can never escape as an unexpected exception type.
 */
export function parseXml(input: Uint8Array | string, limits: Partial<XmlLimits> = {}): XmlElement {
  return parseXmlText(input, limits).root
}

/**
 * parseXml that also hands back the decoded text the tree was read from (a leading BOM already
 * dropped), so a caller can compare it with a canonical form without encoding either again, and
 * the reader's DocumentForm: whether the input (BOM included) is already the Exclusive C14N form
 * of the root, which may say no for a canonical input but never yes for another.
 */
export function parseXmlText(
  input: Uint8Array | string,
  limits: Partial<XmlLimits> = {},
): { readonly root: XmlElement; readonly text: string; readonly form: DocumentForm } {
  const resolved = resolveLimits(limits)
  try {
    const text = decodeInput(input, resolved.maxBytes)
    const { root, form } = readDocumentForm(text, checkText(text), resolved)
    // The decoder dropped a BOM, which the canonical form does not have.
    const bom =
      typeof input === 'string'
        ? input.charCodeAt(0) === 0xfeff
        : input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf
    return { root, text, form: bom ? { ...form, canonical: false } : form }
  } catch (cause) {
    if (cause instanceof SisError) throw cause
    // Stack overflow, out-of-memory in a regex, a bug of ours: still a refusal, never a crash.
    throw new SisError('XML_MALFORMED', 'the input could not be parsed (unexpected internal failure)', {}, { cause })
  }
}
