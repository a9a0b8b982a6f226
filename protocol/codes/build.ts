/**
 * Turns the vendored CSV files into the compact JSON the code lists load. Pure (text in, text
 * out): generate.ts does the file I/O, and data.test.ts runs the same functions in memory to
 * prove the committed JSON is exactly what the committed CSV produces.
 *
 * The build checks the structure it relies on (HS parents are code prefixes, levels match code
 * lengths, every heading sits in its chapter's section, Rec 20 status markers are known) and
 * throws otherwise: the run-time modules derive level, parent and section from the code, so a
 * new upstream file that breaks those rules must stop the generator, not produce wrong lookups.
 */

import { parseCsvRecords } from './csv.ts'

export const HS_SOURCE =
  'HS 2022 nomenclature, UN Comtrade, via the datasets/harmonized-system data package (commit 905e5a0); ODC PDDL (public domain)'
export const REC20_SOURCE =
  'UN/ECE Recommendation 20 Rev 17 (2021), via the datasets/unece-units-of-measure data package (commit f6427eb); ODC PDDL (public domain)'

export interface HsSectionJson {
  readonly code: string
  readonly name: string
  readonly chapters: readonly string[]
}

export interface HsJson {
  readonly source: string
  readonly sections: readonly HsSectionJson[]
  /** [code, description], chapters, headings and subheadings in file order. */
  readonly codes: readonly (readonly [string, string])[]
}

export interface Rec20Json {
  readonly source: string
  /** [common code, name, status marker as in Rec 20 ('' when none), symbol ('' when none)]. */
  readonly units: readonly (readonly [string, string, string, string])[]
}

/**
 * The Comtrade file adds a reporting total and a chapter 99 "Commodities not specified according
 * to kind" (99, 9999, 999999) under the pseudo-section TOTAL. They are statistical aggregates,
 * not HS 2022 codes, and must not be accepted in a declaration, so the build leaves them out.
 */
const NOT_HS_SECTION = 'TOTAL'

const HS_CODE = /^[0-9]{2}(?:[0-9]{2}(?:[0-9]{2})?)?$/
const ROMAN = /^[IVXL]+$/

export function buildHs(sectionsCsv: string, hsCsv: string): HsJson {
  const sectionRows = parseCsvRecords(sectionsCsv, ['section', 'name'])
  const chaptersOf = new Map<string, string[]>()
  for (const s of sectionRows) {
    if (!ROMAN.test(s.section) || chaptersOf.has(s.section))
      throw new Error(`HS: bad or duplicate section ${s.section}`)
    chaptersOf.set(s.section, [])
  }
  const rows = parseCsvRecords(hsCsv, ['section', 'hscode', 'description', 'parent', 'level'])
  const sectionOfCode = new Map<string, string>()
  const codes: [string, string][] = []
  for (const r of rows) {
    if (r.section === NOT_HS_SECTION) continue
    const code = r.hscode
    if (!HS_CODE.test(code)) throw new Error(`HS: malformed code ${JSON.stringify(code)}`)
    if (sectionOfCode.has(code)) throw new Error(`HS: duplicate code ${code}`)
    if (r.level !== String(code.length)) throw new Error(`HS: ${code} has level ${r.level}`)
    const chapters = chaptersOf.get(r.section)
    if (chapters === undefined) throw new Error(`HS: ${code} is in unknown section ${r.section}`)
    if (code.length === 2) {
      if (r.parent !== 'TOTAL') throw new Error(`HS: chapter ${code} has parent ${r.parent}`)
      chapters.push(code)
    } else {
      const parent = code.slice(0, -2)
      if (r.parent !== parent) throw new Error(`HS: ${code} has parent ${r.parent}, expected ${parent}`)
      if (sectionOfCode.get(parent) !== r.section) throw new Error(`HS: ${code} is not in its parent's section`)
    }
    if (r.description.trim() === '') throw new Error(`HS: ${code} has no description`)
    sectionOfCode.set(code, r.section)
    codes.push([code, r.description])
  }
  const sections = sectionRows.map((s) => ({
    code: s.section,
    name: s.name,
    chapters: chaptersOf.get(s.section) ?? [],
  }))
  return { source: HS_SOURCE, sections, codes }
}

/**
 * Status markers of Rec 20 (Annexes II and III): '' current, '+' added, '#' name changed,
 * '¦' characteristics changed, '=' reinstated, 'D' deprecated, 'X' marked as deleted.
 * Only D and X make a code unusable; the others record the revision history of a current code.
 */
export const REC20_MARKERS = ['', '+', '#', '¦', '=', 'D', 'X'] as const

const UNIT_CODE = /^[0-9A-Z]{2,3}$/

export function buildRec20(unitsCsv: string): Rec20Json {
  const rows = parseCsvRecords(unitsCsv, [
    'Status',
    'CommonCode',
    'Name',
    'Description',
    'LevelAndCategory',
    'Symbol',
    'ConversionFactor',
  ])
  const seen = new Set<string>()
  const markers: readonly string[] = REC20_MARKERS
  const units = rows.map((r): [string, string, string, string] => {
    if (!UNIT_CODE.test(r.CommonCode)) throw new Error(`Rec 20: malformed code ${JSON.stringify(r.CommonCode)}`)
    if (seen.has(r.CommonCode)) throw new Error(`Rec 20: duplicate code ${r.CommonCode}`)
    if (!markers.includes(r.Status))
      throw new Error(`Rec 20: ${r.CommonCode} has unknown status ${JSON.stringify(r.Status)}`)
    if (r.Name.trim() === '') throw new Error(`Rec 20: ${r.CommonCode} has no name`)
    seen.add(r.CommonCode)
    return [r.CommonCode, r.Name, r.Status, r.Symbol]
  })
  return { source: REC20_SOURCE, units }
}

/**
 * JSON text with one array element per line: compact like JSON.stringify, but a data update
 * shows in review as the changed rows, not as one changed 700 kB line.
 */
export function serializeJson(doc: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(doc).map(([key, value]) => {
    if (!Array.isArray(value)) return `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`
    const items = value.map((item) => `    ${JSON.stringify(item)}`).join(',\n')
    return `  ${JSON.stringify(key)}: [\n${items}\n  ]`
  })
  return `{\n${parts.join(',\n')}\n}\n`
}
