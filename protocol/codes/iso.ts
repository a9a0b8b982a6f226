/**
 * ISO lists from well-kept npm packages: ISO 3166-1 alpha-2 countries (with names in the working
 * languages of the CAREC customs services, and the CAREC subset) and ISO 4217 currencies.
 *
 * Country data comes from i18n-iso-countries. Its package entry point registers every one of its ~80
 * languages on import; we import the bare library (index.js) instead and register only the
 * languages the federation uses, so the names we expose are a deliberate choice, not whatever the
 * package happens to ship.
 */

import { alpha2ToAlpha3, alpha2ToNumeric, getAlpha2Codes, getName, registerLocale } from 'i18n-iso-countries/index.js'
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' }
import ru from 'i18n-iso-countries/langs/ru.json' with { type: 'json' }
import zh from 'i18n-iso-countries/langs/zh.json' with { type: 'json' }
import kk from 'i18n-iso-countries/langs/kk.json' with { type: 'json' }
import ky from 'i18n-iso-countries/langs/ky.json' with { type: 'json' }
import tg from 'i18n-iso-countries/langs/tg.json' with { type: 'json' }
import uz from 'i18n-iso-countries/langs/uz.json' with { type: 'json' }
import mn from 'i18n-iso-countries/langs/mn.json' with { type: 'json' }
import { data as currencyData, publishDate } from 'currency-codes'
import { freezeNames, makeCodeList } from './codelist.ts'
import type { CodeList, CodeListEntry } from './codelist.ts'

/**
 * English, Russian and Chinese (the federation's message languages), then the national languages
 * the package carries: Kazakh, Kyrgyz, Tajik, Uzbek (Latin script), Mongolian (Cyrillic).
 */
export const COUNTRY_NAME_LANGUAGES = ['en', 'ru', 'zh', 'kk', 'ky', 'tg', 'uz', 'mn'] as const

for (const locale of [en, ru, zh, kk, ky, tg, uz, mn]) registerLocale(locale)

export interface CountryEntry extends CodeListEntry {
  /** ISO 3166-1 alpha-3, e.g. "KAZ". */
  readonly alpha3: string
  /** ISO 3166-1 numeric, three digits as a string (leading zeros matter: "004"). */
  readonly numeric: string
}

/**
 * Codes the package carries that are not ISO 3166-1 assignments. XK (Kosovo) is a user-assigned
 * code some administrations use; it is not in the standard the list is titled after.
 */
const NOT_ISO_3166 = new Set(['XK'])

function countryEntries(): CountryEntry[] {
  const out: CountryEntry[] = []
  for (const code of Object.keys(getAlpha2Codes()).sort()) {
    if (NOT_ISO_3166.has(code)) continue
    const names: Record<string, string | undefined> = {}
    // 'official' picks the first name where the package lists several ("People's Republic of China").
    for (const lang of COUNTRY_NAME_LANGUAGES) names[lang] = getName(code, lang, { select: 'official' })
    out.push({
      code,
      names: freezeNames(names),
      status: 'active',
      alpha3: alpha2ToAlpha3(code) ?? '',
      numeric: alpha2ToNumeric(code) ?? '',
    })
  }
  return out
}

const COUNTRY_ENTRIES = countryEntries()

export const COUNTRIES: CodeList<CountryEntry> = makeCodeList(
  {
    id: 'iso-3166-1-alpha-2',
    title: 'ISO 3166-1 alpha-2',
    source: 'i18n-iso-countries 7.14.0 (MIT), country names by language; XK left out as not an ISO 3166-1 code',
  },
  COUNTRY_ENTRIES,
)

/** The eleven CAREC members, in the order CAREC lists them (alphabetical by English name). */
export const CAREC_COUNTRY_CODES = ['AF', 'AZ', 'CN', 'GE', 'KZ', 'KG', 'MN', 'PK', 'TJ', 'TM', 'UZ'] as const

export type CarecCountry = (typeof CAREC_COUNTRY_CODES)[number]

/** The same entries as COUNTRIES (identical objects), restricted to the CAREC members. */
export const CAREC_COUNTRIES: CodeList<CountryEntry> = makeCodeList(
  {
    id: 'carec-countries',
    title: 'the CAREC member countries',
    source: 'CAREC Program membership (11 countries); entries are those of ISO 3166-1 alpha-2',
  },
  CAREC_COUNTRY_CODES.map((code) => {
    const entry = COUNTRIES.lookup(code)
    if (entry === undefined) throw new Error(`CAREC country ${code} missing from ISO 3166-1 data`)
    return entry
  }),
)

/** Narrows a string to a CAREC member code. */
export function isCarecCountry(code: string): code is CarecCountry {
  return CAREC_COUNTRIES.lookup(code) !== undefined
}

// ---- ISO 4217 ----

/*
 * ISO 4217 alpha-3 currency codes (the current list, "List One"), with English names.
 *
 * Data comes from currency-codes, which ingests the ISO 4217 maintenance agency's List One. It
 * includes funds codes (BOV, CHE, ...) and the X-codes (XAU gold, XDR, XTS for testing, XXX for
 * "no currency"), because List One does and declarations legitimately use some of them.
 * Historic codes (List Three) are not included, so a withdrawn currency is CODE_UNKNOWN rather
 * than CODE_DEPRECATED; the package does not carry them and a hand-made list would go stale.
 */

export interface CurrencyEntry extends CodeListEntry {
  /** ISO 4217 numeric code, three digits as a string ("398"), or '' where List One gives none. */
  readonly numeric: string
  /**
   * Digits after the decimal separator (minor unit). The package writes 0 where List One says
   * "N.A." (XAU, XDR, ...), so 0 means "no fractional amounts", not always "defined as 0".
   */
  readonly minorUnits: number
}

function currencyEntries(): CurrencyEntry[] {
  return currencyData
    .map((c): CurrencyEntry => ({
      code: c.code,
      names: freezeNames({ en: c.currency }),
      status: 'active',
      numeric: c.number ?? '',
      minorUnits: c.digits,
    }))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
}

export const CURRENCIES: CodeList<CurrencyEntry> = makeCodeList(
  {
    id: 'iso-4217-alpha-3',
    title: 'ISO 4217 alpha-3',
    source: `currency-codes 2.2.0 (MIT), ISO 4217 List One published ${publishDate}`,
  },
  currencyEntries(),
)
