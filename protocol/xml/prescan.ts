/**
 * The prescan: every check that must happen before fast-xml-parser sees the text, cheapest and
 * most dangerous first. Each step is linear in the input and none recurses.
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

/** Runs all pre-parse checks on the decoded text (BOM already dropped); returns the counts. */
export function prescan(text: string, limits: XmlLimits): DocumentCounts {
  checkCharacters(text)
  const doctype = text.search(DOCTYPE)
  if (doctype !== -1) {
    refuseAt('XML_DOCTYPE_FORBIDDEN', text, doctype, 'a DOCTYPE declaration appears; DTDs (and the entities and external resources they bring) are not accepted')
  }
  const entity = text.search(ENTITY)
  if (entity !== -1) refuseAt('XML_ENTITY_FORBIDDEN', text, entity, 'an ENTITY declaration appears; entities are not accepted')
  const bodyStart = checkDeclaration(text)
  return scanStructure(text, bodyStart, limits)
}
