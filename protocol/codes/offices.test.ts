import { describe, expect, it } from 'vitest'
import {
  CAREC_COUNTRIES,
  CAREC_COUNTRY_CODES,
  COUNTRIES,
  CUSTOMS_OFFICES,
  OFFICE_REFERENCE_PATTERN,
  OFFICE_ROLES,
  checkCode,
  findOffice,
  officeHasRole,
  officesOf,
} from './index.ts'
import type { CustomsOffice } from './index.ts'

const ALL: CustomsOffice[] = [...CUSTOMS_OFFICES.codes()].map((ref) => {
  const office = findOffice(ref)
  if (office === undefined) throw new Error(ref)
  return office
})

/** Finds the border office of `country` named `en` (the names are the real crossing points). */
function named(country: string, en: string): CustomsOffice {
  const office = officesOf(country).find((o) => o.names.en === en)
  if (office === undefined) throw new Error(`no office ${en} in ${country}`)
  return office
}

describe('CUSTOMS_OFFICES', () => {
  it('every office belongs to a CAREC country and every CAREC country has offices', () => {
    for (const o of ALL) expect(CAREC_COUNTRIES.lookup(o.country), o.referenceNumber).toBeDefined()
    for (const c of CAREC_COUNTRY_CODES) expect(officesOf(c).length, c).toBeGreaterThanOrEqual(2)
  })

  it('reference numbers are unique, in the NCTS format and start with the country', () => {
    const refs = ALL.map((o) => o.referenceNumber)
    expect(new Set(refs).size).toBe(refs.length)
    for (const o of ALL) {
      expect(o.referenceNumber).toMatch(OFFICE_REFERENCE_PATTERN)
      expect(o.referenceNumber).toHaveLength(8)
      expect(o.referenceNumber.slice(0, 2)).toBe(o.country)
      expect(o.referenceNumber).toMatch(/^[A-Z]{2}[BI][0-9]{3}00$/) // the project's own scheme
    }
  })

  it('every office has en, ru and zh names and at least one known role', () => {
    for (const o of ALL) {
      expect(o.names.en, o.referenceNumber).toMatch(/\S/)
      expect(o.names.ru, o.referenceNumber).toMatch(/^[А-Яа-яЁё() -]+$/)
      expect(o.names.zh, o.referenceNumber).toMatch(/^[\u4e00-\u9fff（）]+$/)
      expect(o.roles.length).toBeGreaterThan(0)
      for (const role of o.roles) expect(OFFICE_ROLES).toContain(role)
      expect(new Set(o.roles).size).toBe(o.roles.length)
    }
  })

  it('border offices face another country and pair up symmetrically with their counterparts', () => {
    for (const o of ALL) {
      if (o.kind === 'inland') {
        expect(o.facing, o.referenceNumber).toBeUndefined()
        expect(o.roles).toContain('departure')
        expect(o.roles).toContain('destination')
        continue
      }
      expect(COUNTRIES.lookup(o.facing ?? '')).toBeDefined()
      expect(o.facing).not.toBe(o.country)
      for (const role of ['transit', 'exit', 'entry'] as const)
        expect(officeHasRole(o, role), o.referenceNumber).toBe(true)
      for (const ref of o.counterparts ?? []) {
        const other = findOffice(ref)
        expect(other?.country, `${o.referenceNumber} → ${ref}`).toBe(o.facing)
        expect(other?.counterparts, `${ref} ← ${o.referenceNumber}`).toContain(o.referenceNumber)
      }
      // Only a crossing into a non-member (Sarpi, to Turkey) lacks a listed counterpart.
      if (o.counterparts === undefined) expect(CAREC_COUNTRIES.lookup(o.facing ?? '')).toBeUndefined()
    }
  })

  it('includes both sides of the main corridor crossings', () => {
    const pairs: [string, string, string, string][] = [
      ['KZ', 'Nur Zholy (Khorgos)', 'CN', 'Horgos'],
      ['KZ', 'Altynkol', 'CN', 'Horgos'],
      ['KZ', 'Dostyk', 'CN', 'Alashankou'],
      ['KZ', 'Zhibek Zholy', 'UZ', 'Gisht-Kuprik'],
      ['KG', 'Torugart', 'CN', 'Torugart'],
      ['KG', 'Irkeshtam', 'CN', 'Irkeshtam'],
      ['KG', 'Dostuk', 'UZ', 'Dustlik'],
      ['KG', 'Karamyk', 'TJ', 'Karamyk'],
      ['TM', 'Farap', 'UZ', 'Alat'],
      ['GE', 'Red Bridge', 'AZ', 'Red Bridge'],
      ['MN', 'Zamiin-Uud', 'CN', 'Erenhot'],
      ['AF', 'Torkham', 'PK', 'Torkham'],
      ['AF', 'Hairatan', 'UZ', 'Termez'],
      ['TJ', 'Kulma', 'CN', 'Karasu'],
    ]
    for (const [c1, n1, c2, n2] of pairs) expect(named(c1, n1).counterparts).toContain(named(c2, n2).referenceNumber)
    expect(named('GE', 'Sarpi').facing).toBe('TR')
    expect(named('KG', 'Sary-Tash').kind).toBe('inland')
  })

  it('has one inland office in each main city', () => {
    const cities = {
      KZ: 'Almaty',
      KG: 'Bishkek',
      UZ: 'Tashkent',
      TJ: 'Dushanbe',
      TM: 'Ashgabat',
      MN: 'Ulaanbaatar',
      CN: 'Urumqi',
      AZ: 'Baku',
      GE: 'Tbilisi',
      AF: 'Kabul',
      PK: 'Karachi Port',
    }
    for (const [country, city] of Object.entries(cities)) {
      expect(named(country, city).roles).toEqual(expect.arrayContaining(['departure', 'destination']))
    }
  })

  it('names offices in Russian, Chinese and national languages', () => {
    expect(named('KZ', 'Dostyk').names).toMatchObject({ ru: 'Достык', zh: '多斯特克', kk: 'Достық' })
    expect(named('CN', 'Alashankou').names).toMatchObject({ ru: 'Алашанькоу', zh: '阿拉山口' })
    expect(named('MN', 'Zamiin-Uud').names).toMatchObject({ ru: 'Замын-Ууд', zh: '扎门乌德', mn: 'Замын-Үүд' })
    expect(named('GE', 'Red Bridge').names).toMatchObject({ ru: 'Красный мост', ka: 'წითელი ხიდი' })
  })

  it('lookups are safe and checkCode names the list', () => {
    expect(findOffice('__proto__')).toBeUndefined()
    expect(findOffice('kzb00100')).toBeUndefined()
    expect(officesOf('__proto__')).toEqual([])
    expect(officesOf('RU')).toEqual([])
    expect(() => checkCode(CUSTOMS_OFFICES, 'CustomsOfficeOfDeparture/referenceNumber', 'KZ551200')).toThrow(
      'CustomsOfficeOfDeparture/referenceNumber: "KZ551200" is not in the CAREC federation customs offices',
    )
    expect(checkCode(CUSTOMS_OFFICES, 'ref', 'KZB00100').office.names.en).toBe('Nur Zholy (Khorgos)')
  })

  it('offices are frozen', () => {
    const o = findOffice('CNB00100')
    expect(Object.isFrozen(o)).toBe(true)
    expect(Object.isFrozen(o?.roles)).toBe(true)
    expect(Object.isFrozen(o?.names)).toBe(true)
    expect(Object.isFrozen(officesOf('CN'))).toBe(true)
  })
})
