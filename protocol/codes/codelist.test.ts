import { describe, expect, it } from 'vitest'
import { isSisError } from '../errors.ts'
import type { SisError } from '../errors.ts'
import {
  CAREC_COUNTRIES,
  COUNTRIES,
  CURRENCIES,
  CUSTOMS_OFFICES,
  HS2022,
  HS_SECTIONS,
  TRANSPORT_MODES,
  UNITS,
  checkCode,
  freezeNames,
  makeCodeList,
} from './index.ts'
import type { CodeList } from './index.ts'

/** Runs fn, expects a SisError, returns it. */
function refusal(fn: () => unknown): SisError {
  try {
    fn()
  } catch (e) {
    if (isSisError(e)) return e
    throw e
  }
  throw new Error('expected a SisError')
}

const ALL_LISTS: CodeList[] = [
  COUNTRIES,
  CAREC_COUNTRIES,
  CURRENCIES,
  HS2022,
  HS_SECTIONS,
  UNITS,
  TRANSPORT_MODES,
  CUSTOMS_OFFICES,
]
const HOSTILE = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  ' KZ',
  'kz',
  'KZ\u0000',
]

describe('checkCode', () => {
  it('returns the active entry', () => {
    expect(checkCode(COUNTRIES, 'Consignment/countryOfDestination', 'KZ').names.ru).toBe('Казахстан')
  })

  it('refuses an unknown code with CODE_UNKNOWN naming the field, the value and the list', () => {
    const e = refusal(() => checkCode(COUNTRIES, 'Consignment/countryOfDestination', 'XX'))
    expect(e.code).toBe('CODE_UNKNOWN')
    expect(e.message).toBe('Consignment/countryOfDestination: "XX" is not in ISO 3166-1 alpha-2')
    expect(e.details).toEqual({ field: 'Consignment/countryOfDestination', value: 'XX', list: 'iso-3166-1-alpha-2' })
    expect(e.action).toBe('reject')
  })

  it('refuses a retired code with CODE_DEPRECATED and its status', () => {
    const e = refusal(() => checkCode(UNITS, 'GoodsMeasure/unit', '05'))
    expect(e.code).toBe('CODE_DEPRECATED')
    expect(e.message).toBe('GoodsMeasure/unit: "05" is deleted in UN/ECE Recommendation 20 (units of measure)')
    expect(e.details).toEqual({ field: 'GoodsMeasure/unit', value: '05', list: 'unece-rec20', status: 'deleted' })
  })

  it('quotes control characters and cuts long values, so a peer cannot forge or flood log lines', () => {
    const e = refusal(() => checkCode(COUNTRIES, 'f', 'A\nB'))
    expect(e.message).toBe('f: "A\\nB" is not in ISO 3166-1 alpha-2')
    const long = refusal(() => checkCode(COUNTRIES, 'f', 'Z'.repeat(10_000)))
    expect(long.message.length).toBeLessThan(200)
    expect(String(long.details.value).length).toBeLessThanOrEqual(65)
  })

  it.each(HOSTILE)('refuses %j in every list', (value) => {
    for (const list of ALL_LISTS) {
      expect(list.lookup(value)).toBeUndefined()
      expect(refusal(() => checkCode(list, 'field', value)).code).toBe('CODE_UNKNOWN')
    }
  })

  it('is not fooled by a non-string value that slips past the types', () => {
    expect(COUNTRIES.lookup(42 as unknown as string)).toBeUndefined()
    expect(COUNTRIES.lookup({ toString: () => 'KZ' } as unknown as string)).toBeUndefined()
  })
})

describe('entries', () => {
  it('have frozen, null-prototype names that inherit nothing', () => {
    const kz = COUNTRIES.lookup('KZ')
    expect(Object.isFrozen(kz)).toBe(true)
    expect(Object.isFrozen(kz?.names)).toBe(true)
    expect(Object.getPrototypeOf(kz?.names)).toBeNull()
    expect(kz?.names['__proto__']).toBeUndefined()
    expect(kz?.names['constructor']).toBeUndefined()
  })

  it('every list has codes, every code looks itself up, and codes are strings', () => {
    for (const list of ALL_LISTS) {
      const codes = [...list.codes()]
      expect(codes.length, list.id).toBeGreaterThan(0)
      for (const code of codes) {
        expect(typeof code).toBe('string')
        expect(list.lookup(code)?.code).toBe(code)
        expect(list.lookup(code)?.names['en'], `${list.id} ${code}`).toMatch(/\S/)
      }
      expect(list.id).toMatch(/^[a-z0-9-]+$/)
      expect(list.source).toMatch(/\S/)
      expect(list.source).not.toMatch(/[/]work[/]|[.][.][/]shared/)
    }
  })
})

describe('makeCodeList', () => {
  it('throws on a duplicate code instead of letting one row shadow another', () => {
    const entry = { code: 'A', names: freezeNames({ en: 'a' }), status: 'active' as const }
    expect(() => makeCodeList({ id: 't', title: 't', source: 't' }, [entry, { ...entry }])).toThrow(
      /duplicate code "A"/,
    )
  })

  it('freezeNames drops empty and missing names', () => {
    expect({ ...freezeNames({ en: 'x', ru: '', zh: undefined }) }).toEqual({ en: 'x' })
  })
})
