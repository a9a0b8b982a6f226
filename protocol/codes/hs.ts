/**
 * The Harmonized System, 2022 edition: 21 sections, 96 chapters (2 digits), 1,228 headings
 * (4 digits) and 5,612 subheadings (6 digits) as published in the vendored UN Comtrade file,
 * loaded from data/hs2022.json (generated from the CSV; see generate.ts).
 *
 * Codes are strings and keep their leading zeros: "01", "0101", "010121". A declaration's
 * commodity code is checked at the 6-digit level (isHsSubheading, or checkCode with
 * HS2022 plus a level test); national 8- and 10-digit extensions are outside this list.
 */

import hsJson from './data/hs2022.json' with { type: 'json' }
import { freezeNames, makeCodeList } from './codelist.ts'
import type { CodeList, CodeListEntry } from './codelist.ts'

export type HsLevel = 2 | 4 | 6

export interface HsEntry extends CodeListEntry {
  /** 2 chapter, 4 heading, 6 subheading. */
  readonly level: HsLevel
  /** The code one level up ("0101" for "010121"); undefined for a chapter. */
  readonly parent?: string
  /** The section (Roman numeral, "I" to "XXI") the chapter belongs to. */
  readonly section: string
}

export interface HsSectionEntry extends CodeListEntry {
  readonly chapters: readonly string[]
}

const HS_SOURCE = hsJson.source

const sectionOfChapter = new Map<string, string>()
const sectionEntries: HsSectionEntry[] = hsJson.sections.map((s) => {
  for (const chapter of s.chapters) sectionOfChapter.set(chapter, s.code)
  return {
    code: s.code,
    names: freezeNames({ en: s.name }),
    status: 'active',
    chapters: Object.freeze([...s.chapters]),
  }
})

/** The 21 HS sections, keyed by Roman numeral. */
export const HS_SECTIONS: CodeList<HsSectionEntry> = makeCodeList(
  { id: 'hs2022-sections', title: 'the HS 2022 sections', source: HS_SOURCE },
  sectionEntries,
)

function hsEntries(): HsEntry[] {
  return hsJson.codes.map((row): HsEntry => {
    const [code, description] = row
    // The JSON is generated and checked by build.ts; a malformed row here means it was edited by hand.
    if (code === undefined || description === undefined || row.length !== 2)
      throw new Error(`hs2022.json: bad row ${JSON.stringify(row)}`)
    const level = code.length
    if (level !== 2 && level !== 4 && level !== 6) throw new Error(`hs2022.json: bad code ${code}`)
    const section = sectionOfChapter.get(code.slice(0, 2))
    if (section === undefined) throw new Error(`hs2022.json: chapter of ${code} has no section`)
    const entry: HsEntry = { code, names: freezeNames({ en: description }), status: 'active', level, section }
    return level === 2 ? entry : { ...entry, parent: code.slice(0, -2) }
  })
}

/** Every HS 2022 chapter, heading and subheading. */
export const HS2022: CodeList<HsEntry> = makeCodeList(
  { id: 'hs2022', title: 'HS 2022', source: HS_SOURCE },
  hsEntries(),
)

/** The level of an HS 2022 code (2, 4 or 6), or undefined when the code is not in HS 2022. */
export function hsLevel(code: string): HsLevel | undefined {
  return HS2022.lookup(code)?.level
}

/**
 * True when `code` is a 6-digit HS 2022 subheading, the level a declaration's commodity code must
 * reach ("010121" yes; "0101", a heading, no; "999999", not in HS, no).
 */
export function isHsSubheading(code: string): boolean {
  return hsLevel(code) === 6
}
