import { describe, expect, it } from 'vitest'
import { REC20_STATUS_MEANING, TRANSPORT_MODES, UNITS, checkCode } from './index.ts'
import { REC20_MARKERS } from './build.ts'

describe('UNITS (UN/ECE Rec 20)', () => {
  it('accepts real units', () => {
    expect(checkCode(UNITS, 'GoodsMeasure/unit', 'KGM')).toMatchObject({
      names: { en: 'kilogram' },
      symbol: 'kg',
      status: 'active',
    })
    expect(checkCode(UNITS, 'GoodsMeasure/unit', 'C62').names.en).toBe('one')
    expect(checkCode(UNITS, 'GoodsMeasure/unit', 'MTQ').symbol).toBe('m³')
    expect(checkCode(UNITS, 'GoodsMeasure/unit', 'NAR').symbol).toBeUndefined()
  })

  it('refuses deleted (X) units with CODE_DEPRECATED and status deleted', () => {
    expect(UNITS.lookup('05')).toMatchObject({ status: 'deleted', rec20Status: 'X', names: { en: 'lift' } })
    expect(() => checkCode(UNITS, 'u', '05')).toThrow(
      expect.objectContaining({ code: 'CODE_DEPRECATED', details: expect.objectContaining({ status: 'deleted' }) }),
    )
  })

  it('refuses deprecated (D) units with CODE_DEPRECATED and status deprecated', () => {
    expect(UNITS.lookup('66')).toMatchObject({ status: 'deprecated', rec20Status: 'D', names: { en: 'oersted' } })
    expect(() => checkCode(UNITS, 'u', '66')).toThrow(
      expect.objectContaining({ code: 'CODE_DEPRECATED', details: expect.objectContaining({ status: 'deprecated' }) }),
    )
  })

  it('treats other markers as history of a current code', () => {
    // MNJ is marked ¦ (characteristics changed) in Rev 17: still a valid unit.
    expect(checkCode(UNITS, 'u', 'MNJ')).toMatchObject({ rec20Status: '¦', status: 'active' })
  })

  it('counts 1,756 current, 71 deprecated and 309 deleted codes', () => {
    const count = { active: 0, deprecated: 0, deleted: 0 }
    for (const code of UNITS.codes()) count[UNITS.lookup(code)?.status ?? 'active']++
    expect(count).toEqual({ active: 1756, deprecated: 71, deleted: 309 })
  })

  it('keeps the symbol that is a bare double quote (second of arc) intact', () => {
    expect(UNITS.lookup('D62')?.symbol).toBe('"')
  })

  it('documents every marker the generator accepts', () => {
    expect(Object.keys(REC20_STATUS_MEANING).sort()).toEqual([...REC20_MARKERS].sort())
    expect(REC20_STATUS_MEANING['constructor']).toBeUndefined()
  })
})

describe('TRANSPORT_MODES (UN/ECE Rec 19)', () => {
  it('has the codes 0 to 9 with names in en, ru and zh', () => {
    expect([...TRANSPORT_MODES.codes()]).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
    expect(TRANSPORT_MODES.lookup('3')?.names).toEqual({
      en: 'Road transport',
      ru: 'Автомобильный транспорт',
      zh: '公路运输',
    })
    expect(TRANSPORT_MODES.lookup('2')?.names.ru).toBe('Железнодорожный транспорт')
    for (const code of TRANSPORT_MODES.codes())
      expect(Object.keys(TRANSPORT_MODES.lookup(code)?.names ?? {})).toEqual(['en', 'ru', 'zh'])
  })

  it('refuses anything else', () => {
    for (const code of ['10', '', '03', 'A'])
      expect(() => checkCode(TRANSPORT_MODES, 'mode', code)).toThrow(/not in UN\/ECE Recommendation 19/)
  })
})
