/**
 * The checks that run on the whole decoded text before any reader looks at its structure,
 * cheapest and most dangerous first. Each step is linear in the input and none recurses.
 * parseXml runs checkText and then the single-pass reader (reader.ts); the fast-xml-parser
 * oracle (oracle.ts) runs prescan, which adds the original structure scan.
 */

import { checkCharacters } from './chars.ts'
import { checkDeclaration } from './declaration.ts'
import { refuseAt } from './refuse.ts'
import { scanStructure } from './structure.ts'
import type { DocumentCounts } from './structure.ts'
import type { XmlLimits } from './types.ts'

// Case-insensitive and context-free on purpose: a DOCTYPE or ENTITY declaration is refused
// wherever it appears (even inside a comment or CDATA section), so no parser, canonicalizer or
// log viewer downstream ever gets the chance to interpret one.
const DOCTYPE = /<!DOCTYPE/i
const ENTITY = /<!ENTITY/i

/**
 * Forbidden characters, DOCTYPE and ENTITY declarations anywhere, then the XML declaration.
 * Returns the offset just after the declaration (0 when there is none), where the body starts.
 */
export function checkText(text: string): number {
  checkCharacters(text)
  // Both declarations start with '<!'; most messages (every canonical one) have none at all.
  if (!text.includes('<!')) return checkDeclaration(text)
  const doctype = text.search(DOCTYPE)
  if (doctype !== -1) {
    refuseAt(
      'XML_DOCTYPE_FORBIDDEN',
      text,
      doctype,
      'a DOCTYPE declaration appears; DTDs (and the entities and external resources they bring) are not accepted',
    )
  }
  const entity = text.search(ENTITY)
  if (entity !== -1)
    refuseAt('XML_ENTITY_FORBIDDEN', text, entity, 'an ENTITY declaration appears; entities are not accepted')
  return checkDeclaration(text)
}

/** checkText plus the structure scan, as the oracle pipeline runs it; returns the counts. */
export function prescan(text: string, limits: XmlLimits): DocumentCounts {
  return scanStructure(text, checkText(text), limits)
}
