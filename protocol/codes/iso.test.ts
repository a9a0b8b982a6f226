import { describe, expect, it } from 'vitest'
import {
  CAREC_COUNTRIES,
  CAREC_COUNTRY_CODES,
  COUNTRIES,
  COUNTRY_NAME_LANGUAGES,
  CURRENCIES,
  checkCode,
  isCarecCountry,
} from './index.ts'

describe('COUNTRIES (ISO 3166-1 alpha-2)', () => {
  it('has the 249 ISO 3166-1 codes, and not the user-assigned XK', () => {
    expect([...COUNTRIES.codes()]).toHaveLength(249)
    expect(COUNTRIES.lookup('XK')).toBeUndefined()
    for (const code of COUNTRIES.codes()) expect(code).toMatch(/^[A-Z]{2}$/)
  })

  it('names countries in Russian and Chinese', () => {
    expect(COUNTRIES.lookup('KZ')?.names.ru).toBe('Казахстан')
    expect(COUNTRIES.lookup('CN')?.names.zh).toBe('中国')
    expect(COUNTRIES.lookup('UZ')?.names.ru).toBe('Узбекистан')
    expect(COUNTRIES.lookup('GE')?.names.zh).toBe('格鲁吉亚')
    expect(COUNTRIES.lookup('AF')?.names.en).toBe('Afghanistan')
  })

  it('names countries in the national languages the package carries', () => {
    expect(COUNTRIES.lookup('KZ')?.names.kk).toBe('Қазақстан')
    expect(COUNTRIES.lookup('KG')?.names.ky).toBe('Кыргызстан')
    expect(COUNTRIES.lookup('TJ')?.names.tg).toBe('Тоҷикистон')
    expect(COUNTRIES.lookup('UZ')?.names.uz).toBe('Oʻzbekiston')
    expect(COUNTRIES.lookup('MN')?.names.mn).toBe('Монгол')
  })

  it('gives every country a name in every registered language, and no other language', () => {
    for (const code of COUNTRIES.codes()) {
      const names = COUNTRIES.lookup(code)?.names ?? {}
      expect(Object.keys(names).sort()).toEqual([...COUNTRY_NAME_LANGUAGES].sort())
    }
    expect(COUNTRIES.lookup('KZ')?.names['fr']).toBeUndefined()
  })

  it('carries alpha-3 and numeric codes as strings with their leading zeros', () => {
    expect(COUNTRIES.lookup('AF')).toMatchObject({ alpha3: 'AFG', numeric: '004' })
    expect(COUNTRIES.lookup('KG')).toMatchObject({ alpha3: 'KGZ', numeric: '417' })
  })

  it('refuses lower case and alpha-3 codes', () => {
    expect(() => checkCode(COUNTRIES, 'c', 'kz')).toThrow(/not in ISO 3166-1 alpha-2/)
    expect(() => checkCode(COUNTRIES, 'c', 'KAZ')).toThrow(/not in ISO 3166-1 alpha-2/)
  })
})

describe('CAREC_COUNTRIES', () => {
  it('are the eleven members, a subset of COUNTRIES sharing its entries', () => {
    expect([...CAREC_COUNTRIES.codes()].sort()).toEqual([
      'AF',
      'AZ',
      'CN',
      'GE',
      'KG',
      'KZ',
      'MN',
      'PK',
      'TJ',
      'TM',
      'UZ',
    ])
    for (const code of CAREC_COUNTRY_CODES) expect(CAREC_COUNTRIES.lookup(code)).toBe(COUNTRIES.lookup(code))
  })

  it('refuses a country that is not a member with a message naming the list', () => {
    expect(() => checkCode(CAREC_COUNTRIES, 'Office/country', 'RU')).toThrow(
      'Office/country: "RU" is not in the CAREC member countries',
    )
    expect(isCarecCountry('TM')).toBe(true)
    expect(isCarecCountry('IR')).toBe(false)
  })
})

describe('CURRENCIES (ISO 4217)', () => {
  it('has the currencies of the CAREC members', () => {
    const expected = {
      AFN: 'Afghani',
      AZN: 'Azerbaijan Manat',
      CNY: 'Yuan Renminbi',
      GEL: 'Lari',
      KZT: 'Tenge',
      KGS: 'Som',
      MNT: 'Tugrik',
      PKR: 'Pakistan Rupee',
      TJS: 'Somoni',
      TMT: 'Turkmenistan New Manat',
      UZS: 'Uzbekistan Sum',
    }
    for (const [code, name] of Object.entries(expected)) expect(CURRENCIES.lookup(code)?.names.en, code).toBe(name)
  })

  it('keeps numeric codes as strings and the minor unit', () => {
    expect(CURRENCIES.lookup('AFN')).toMatchObject({ numeric: '971', minorUnits: 2 })
    expect(CURRENCIES.lookup('JPY')?.minorUnits).toBe(0)
    expect(CURRENCIES.lookup('USD')?.numeric).toBe('840')
  })

  it('refuses codes that are not current ISO 4217', () => {
    for (const code of ['usd', 'RUR', 'XYZ', 'US'])
      expect(() => checkCode(CURRENCIES, 'c', code)).toThrow(/not in ISO 4217 alpha-3/)
  })
})
