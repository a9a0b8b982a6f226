/**
 * UN/ECE recommendations: Rec 20 (units of measure, from data/rec20.json, generated from the
 * vendored CSV) and Rec 19 (modes of transport, ten codes written by hand).
 */

import rec20Json from './data/rec20.json' with { type: 'json' }
import { freezeNames, makeCodeList } from './codelist.ts'
import type { CodeList, CodeListEntry, CodeStatus } from './codelist.ts'

/**
 * What the Rec 20 status markers mean (Annexes II and III of the recommendation). Only D and X
 * retire a code; the others record the revision history of a code that is still current, so they
 * map to 'active'. The raw marker stays on the entry as `rec20Status`.
 */
export const REC20_STATUS_MEANING: Readonly<Record<string, { readonly meaning: string; readonly status: CodeStatus }>> =
  // Null prototype: the table is indexed with data, which must not reach Object.prototype.
  Object.freeze(
    Object.assign(Object.create(null) as Record<string, { meaning: string; status: CodeStatus }>, {
      '': { meaning: 'current, unchanged in this revision', status: 'active' },
      '+': { meaning: 'added in this revision', status: 'active' },
      '#': { meaning: 'name changed', status: 'active' },
      '¦': { meaning: 'characteristics changed (symbol, conversion factor or description)', status: 'active' },
      '=': { meaning: 'reinstated', status: 'active' },
      D: { meaning: 'deprecated: still understood, not to be used in new messages', status: 'deprecated' },
      X: { meaning: 'marked as deleted: not to be used', status: 'deleted' },
    }),
  )

export interface UnitEntry extends CodeListEntry {
  /** The Rec 20 status marker as published ('' for none); see REC20_STATUS_MEANING. */
  readonly rec20Status: string
  /** The unit symbol ("kg", "m³"), when Rec 20 gives one. */
  readonly symbol?: string
}

function unitEntries(): UnitEntry[] {
  return rec20Json.units.map((row): UnitEntry => {
    const [code, name, marker, symbol] = row
    if (code === undefined || name === undefined || marker === undefined || symbol === undefined || row.length !== 4) {
      throw new Error(`rec20.json: bad row ${JSON.stringify(row)}`)
    }
    const meaning = REC20_STATUS_MEANING[marker]
    if (meaning === undefined) throw new Error(`rec20.json: ${code} has unknown status ${JSON.stringify(marker)}`)
    const entry: UnitEntry = { code, names: freezeNames({ en: name }), status: meaning.status, rec20Status: marker }
    return symbol === '' ? entry : { ...entry, symbol }
  })
}

/** UN/ECE Rec 20 common codes (KGM kilogram, C62 one, MTQ cubic metre, ...), deleted and deprecated ones included. */
export const UNITS: CodeList<UnitEntry> = makeCodeList(
  { id: 'unece-rec20', title: 'UN/ECE Recommendation 20 (units of measure)', source: rec20Json.source },
  unitEntries(),
)

/**
 * Rec 19 as [code, en, ru, zh]. English names follow the recommendation; the Russian and Chinese
 * names are this project's translations of them, for display. National lists derived from Rec 19
 * (the EAEU two-digit classifier, say) use their own codes, so these are descriptions of the
 * Rec 19 codes, not quotations from another list.
 */
const MODES: readonly (readonly [string, string, string, string])[] = [
  ['0', 'Transport mode not specified', 'Вид транспорта не указан', '未指明运输方式'],
  ['1', 'Maritime transport', 'Морской транспорт', '海运'],
  ['2', 'Rail transport', 'Железнодорожный транспорт', '铁路运输'],
  ['3', 'Road transport', 'Автомобильный транспорт', '公路运输'],
  ['4', 'Air transport', 'Воздушный транспорт', '航空运输'],
  ['5', 'Mail', 'Почтовые отправления', '邮递'],
  ['6', 'Multimodal transport', 'Мультимодальный транспорт', '多式联运'],
  ['7', 'Fixed transport installations', 'Стационарные транспортные установки', '固定运输设施'],
  ['8', 'Inland water transport', 'Внутренний водный транспорт', '内河运输'],
  ['9', 'Transport mode not applicable', 'Вид транспорта неприменим', '运输方式不适用'],
]

/** UN/ECE Rec 19 modes of transport, codes "0" to "9". */
export const TRANSPORT_MODES: CodeList = makeCodeList(
  {
    id: 'unece-rec19',
    title: 'UN/ECE Recommendation 19 (modes of transport)',
    source:
      'UN/ECE Recommendation 19, codes for modes of transport; transcribed by hand, ru/zh names translated for this project',
  },
  MODES.map(([code, en, ru, zh]): CodeListEntry => ({ code, names: freezeNames({ en, ru, zh }), status: 'active' })),
)
