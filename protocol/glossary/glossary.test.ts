import { describe, expect, it } from 'vitest'
import {
  GLOSSARY,
  GLOSSARY_LANGUAGES,
  GlossaryEntry,
  REQUIRED_LANGUAGES,
  findTerms,
  glossaryEntry,
  glossaryLanguage,
  term,
} from './index.ts'
import type { GlossaryLanguage } from './index.ts'

// The script checks here are written out again on purpose, independently of the schema's.
const CYRILLIC = /\p{Script=Cyrillic}/u
const HAN = /\p{Script=Han}/u
const LATIN = /\p{Script=Latin}/u
const GEORGIAN = /\p{Script=Georgian}/u
const ARABIC = /\p{Script=Arabic}/u

const NATIONAL: readonly GlossaryLanguage[] = ['kk', 'ky', 'tg', 'uz', 'mn', 'az', 'ka', 'ps', 'ur']

function translations(lang: GlossaryLanguage): [string, string][] {
  return GLOSSARY.flatMap((entry) => {
    const value = entry[lang]
    return value === undefined ? [] : [[entry.id, value] as [string, string]]
  })
}

describe('glossary data', () => {
  it('has between 80 and 120 terms', () => {
    expect(GLOSSARY.length).toBeGreaterThanOrEqual(80)
    expect(GLOSSARY.length).toBeLessThanOrEqual(120)
  })

  it('gives every entry a non-empty, trimmed English, Russian and Chinese term', () => {
    for (const entry of GLOSSARY) {
      for (const lang of REQUIRED_LANGUAGES) {
        const value = entry[lang]
        expect(value, `${entry.id}.${lang}`).toBeTypeOf('string')
        expect(value.trim(), `${entry.id}.${lang}`).not.toBe('')
        expect(value, `${entry.id}.${lang}`).toBe(value.trim())
      }
    }
  })

  it('has unique kebab-case ids', () => {
    const ids = GLOSSARY.map((e) => e.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
  })

  it('has no duplicate English terms (ignoring case)', () => {
    const english = GLOSSARY.map((e) => e.en.toLowerCase())
    const duplicates = english.filter((en, i) => english.indexOf(en) !== i)
    expect(duplicates).toEqual([])
  })

  it('writes English in Latin script only', () => {
    for (const [id, en] of translations('en')) {
      expect(en, id).toMatch(LATIN)
      expect(en, id).not.toMatch(CYRILLIC)
    }
  })

  it('writes Russian in Cyrillic and Chinese in CJK characters', () => {
    for (const [id, ru] of translations('ru')) expect(ru, id).toMatch(CYRILLIC)
    for (const [id, zh] of translations('zh')) {
      expect(zh, id).toMatch(HAN)
      expect(zh, id).not.toMatch(CYRILLIC)
    }
  })

  it('writes Kazakh, Kyrgyz, Tajik and Mongolian in Cyrillic', () => {
    for (const lang of ['kk', 'ky', 'tg', 'mn'] as const) {
      for (const [id, value] of translations(lang)) expect(value, `${id}.${lang}`).toMatch(CYRILLIC)
    }
  })

  it('writes Uzbek and Azerbaijani in Latin script, with no Cyrillic', () => {
    for (const lang of ['uz', 'az'] as const) {
      for (const [id, value] of translations(lang)) {
        expect(value, `${id}.${lang}`).toMatch(LATIN)
        expect(value, `${id}.${lang}`).not.toMatch(CYRILLIC)
      }
    }
  })

  it('writes Georgian in Georgian script', () => {
    for (const [id, ka] of translations('ka')) expect(ka, id).toMatch(GEORGIAN)
  })

  it('writes Pashto and Urdu in Arabic script', () => {
    for (const lang of ['ps', 'ur'] as const) {
      for (const [id, value] of translations(lang)) {
        expect(value, `${id}.${lang}`).toMatch(ARABIC)
        expect(value, `${id}.${lang}`).not.toMatch(LATIN)
      }
    }
  })

  it('has at least one term in every national language', () => {
    for (const lang of NATIONAL) expect(translations(lang).length, lang).toBeGreaterThan(0)
  })

  it('names every language in English and in itself', () => {
    expect(Object.keys(GLOSSARY_LANGUAGES).sort()).toEqual([
      'az',
      'en',
      'ka',
      'kk',
      'ky',
      'mn',
      'ps',
      'ru',
      'tg',
      'ur',
      'uz',
      'zh',
    ])
    for (const { english, native } of Object.values(GLOSSARY_LANGUAGES)) {
      expect(english).not.toBe('')
      expect(native).not.toBe('')
    }
    expect(GLOSSARY_LANGUAGES.ka.native).toMatch(GEORGIAN)
    expect(GLOSSARY_LANGUAGES.ru.native).toMatch(CYRILLIC)
  })

  it('covers the terms the messages and screens use', () => {
    const required = [
      'customs-transit',
      'transit-procedure-holder',
      'consignor',
      'consignee',
      'carrier',
      'declarant',
      'representative',
      'authorised-consignor',
      'authorised-consignee',
      'office-of-departure',
      'office-of-transit',
      'office-of-destination',
      'office-of-exit',
      'office-of-entry',
      'office-of-guarantee',
      'transit-declaration',
      'single-transit-document',
      'mrn',
      'lrn',
      'grn',
      'tir-carnet',
      'previous-document',
      'supporting-document',
      'transport-document',
      'invoice',
      'single-invoice',
      'certificate-of-origin',
      'goods-item',
      'hs-code',
      'description-of-goods',
      'gross-mass',
      'net-mass',
      'packages',
      'type-of-packages',
      'number-of-packages',
      'shipping-marks',
      'dangerous-goods',
      'supplementary-units',
      'means-of-transport',
      'vehicle-registration-number',
      'nationality-of-means-of-transport',
      'container',
      'seal',
      'seal-number',
      'mode-of-transport',
      'border-crossing-point',
      'itinerary',
      'country-of-routing',
      'lodging',
      'acceptance',
      'rejection',
      'amendment',
      'invalidation',
      'release-for-transit',
      'anticipated-arrival-record',
      'transit-advice',
      'border-passage',
      'incident',
      'diversion',
      'arrival-notification',
      'arrival-advice',
      'control-results',
      'discharge',
      'write-off',
      'enquiry',
      'recovery',
      'guarantee',
      'comprehensive-guarantee',
      'individual-guarantee',
      'amount-to-be-covered',
      'reference-amount',
      'guarantee-balance',
      'guarantee-reservation',
      'release-of-guarantee',
      'risk-profile',
      'risk-information',
      'inspection',
      'physical-examination',
      'documentary-check',
      'single-window',
      'unified-register-of-carriers',
      'preliminary-information',
      'electronic-document-management',
      'official-letter',
      'business-platform',
      'personal-account',
      'customs-statistics',
      'mirror-statistics',
      'notification',
      'state-lodged',
      'state-accepted',
      'state-released',
      'state-under-control',
      'state-arrived',
      'state-discharged',
      'state-written-off',
      'state-invalidated',
      'state-rejected',
      'state-disputed',
    ]
    const ids = new Set(GLOSSARY.map((e) => e.id))
    expect(required.filter((id) => !ids.has(id))).toEqual([])
  })

  it('is frozen', () => {
    expect(Object.isFrozen(GLOSSARY)).toBe(true)
    expect(GLOSSARY.every((e) => Object.isFrozen(e))).toBe(true)
  })
})

describe('GlossaryEntry schema', () => {
  const good = { id: 'seal', en: 'seal', ru: 'пломба', zh: '封志' }

  it('accepts a minimal entry', () => {
    expect(GlossaryEntry.safeParse(good).success).toBe(true)
  })

  it.each([
    ['a missing Chinese term', { id: 'seal', en: 'seal', ru: 'пломба' }],
    ['an empty Russian term', { ...good, ru: '' }],
    ['a padded English term', { ...good, en: ' seal' }],
    ['a non-kebab-case id', { ...good, id: 'Seal_Number' }],
    ['an unknown language code', { ...good, kz: 'пломба' }],
    ['Russian written in Latin script', { ...good, ru: 'plomba' }],
    ['Chinese written without CJK characters', { ...good, zh: 'seal' }],
    ['Georgian written in Latin script', { ...good, ka: 'luqi' }],
    ['Uzbek written in Cyrillic', { ...good, uz: 'пломба' }],
    ['Urdu written in Latin script', { ...good, ur: 'seal' }],
  ])('refuses %s', (_name, entry) => {
    expect(GlossaryEntry.safeParse(entry).success).toBe(false)
  })
})

describe('term()', () => {
  it('gives the term in the language asked for', () => {
    expect(term('office-of-departure', 'en')).toBe('office of departure')
    expect(term('office-of-departure', 'ru')).toBe('таможня отправления')
    expect(term('office-of-departure', 'zh')).toBe('启运地海关')
    expect(term('seal', 'ka')).toBe('ლუქი')
  })

  it('falls back to English when the language lacks the term', () => {
    const missing = GLOSSARY.find((e) => e.ps === undefined)
    expect(missing).toBeDefined()
    if (missing === undefined) return
    expect(term(missing.id, 'ps')).toBe(missing.en)
  })

  it('falls back to English for a language the glossary does not have', () => {
    expect(term('seal', 'fr')).toBe('seal')
    expect(term('seal', '')).toBe('seal')
  })

  it('accepts language tags and upper case', () => {
    expect(term('seal', 'ru-KZ')).toBe('пломба')
    expect(term('seal', 'RU')).toBe('пломба')
    expect(term('seal', 'zh_CN')).toBe('封志')
    expect(glossaryLanguage('uz-Latn-UZ')).toBe('uz')
    expect(glossaryLanguage('__proto__')).toBeUndefined()
  })

  it('throws a clear error for an unknown id', () => {
    expect(() => term('no-such-term', 'en')).toThrow(/unknown glossary term id "no-such-term"/)
    expect(() => term('__proto__', 'en')).toThrow(/unknown glossary term id/)
    expect(() => glossaryEntry('toString')).toThrow(/unknown glossary term id/)
  })
})

describe('findTerms()', () => {
  it('finds Russian terms containing «таможня»', () => {
    const ids = findTerms('таможня').map((e) => e.id)
    expect(ids).toContain('customs')
    expect(ids).toContain('office-of-departure')
    expect(ids).toContain('office-of-destination')
  })

  it('finds Chinese terms containing 海关', () => {
    const ids = findTerms('海关').map((e) => e.id)
    expect(ids).toContain('customs')
    expect(ids).toContain('office-of-departure')
    expect(ids).toContain('office-of-destination')
  })

  it('ignores case', () => {
    expect(findTerms('ТАМОЖНЯ ОТПРАВЛЕНИЯ').map((e) => e.id)).toEqual(['office-of-departure'])
    expect(findTerms('mrn').map((e) => e.id)).toContain('mrn')
    expect(findTerms('Office Of Departure').map((e) => e.id)).toEqual(['office-of-departure'])
  })

  it('searches national languages too, folding Uzbek apostrophes', () => {
    expect(findTerms('ლუქი').map((e) => e.id)).toContain('seal')
    expect(findTerms("yuk jo'natuvchi").map((e) => e.id)).toEqual(['consignor'])
  })

  it('with a language, searches only what a reader of that language sees', () => {
    expect(findTerms('таможня', 'en')).toEqual([])
    expect(findTerms('таможня', 'ru').map((e) => e.id)).toContain('office-of-departure')
    // Pashto lacks most terms, so its readers see (and search) the English ones.
    expect(findTerms('office of departure', 'ps').map((e) => e.id)).toEqual(['office-of-departure'])
  })

  it('finds nothing for a blank query or an absent term', () => {
    expect(findTerms('')).toEqual([])
    expect(findTerms('   ')).toEqual([])
    expect(findTerms('no such customs term xyz')).toEqual([])
  })
})
