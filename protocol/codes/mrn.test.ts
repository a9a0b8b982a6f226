import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  COUNTRIES,
  allocateGrn,
  allocateMrn,
  grnCheckDigit,
  iso6346CheckDigit,
  mrnCheckDigit,
  validateGrn,
  validateMrn,
} from './index.ts'

/**
 * An independent oracle for ISO 6346: the index of a character in this string is its value
 * ('?' holds the skipped values 11, 22 and 33).
 */
const VALUES = '0123456789A?BCDEFGHIJK?LMNOPQRSTU?VWXYZ'
const value = (c: string): number => VALUES.indexOf(c)
const remainder = (s: string): number => [...s].reduce((sum, c, i) => sum + value(c) * 2 ** i, 0) % 11
const ALNUM = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ']
const COUNTRY_CODES = [...COUNTRIES.codes()]

const mrnParts = fc.record({
  year: fc.integer({ min: 0, max: 9999 }),
  country: fc.constantFrom(...COUNTRY_CODES),
  serial: fc.array(fc.constantFrom(...ALNUM), { minLength: 1, maxLength: 12 }).map((a) => a.join('')),
  procedure: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
})

function reasonOf(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return (e as { code?: string; details?: { reason?: string } }).details?.reason
  }
  return undefined
}

describe('ISO 6346 check digit', () => {
  it('matches the container examples of the standard, worked by hand', () => {
    // C=13 S=30 Q=28 U=32 3 0 5 4 3 8, weights 1..512: 13+60+112+256+48+0+320+512+768+4096 = 6185 = 11*562+3
    expect(iso6346CheckDigit('CSQU305438')).toBe('3')
    // B=12 I=19 C=13 U=32 1..6: 12+38+52+256+16+64+192+512+1280+3072 = 5494 = 11*499+5
    expect(iso6346CheckDigit('BICU123456')).toBe('5')
  })

  it('computes MRN and GRN check digits, worked by hand', () => {
    // 2 + 5*2 + K(21)*4 + Z(38)*8 + 1*2^15 + J(20)*2^16 = 1343888 = 11*122171 + 7
    expect(mrnCheckDigit('25KZ000000000001J')).toBe('7')
    // 2 + 5*2 + C(13)*4 + N(25)*8 + 4*2^14 + 2*2^15 = 131336 = 11*11939 + 7
    expect(grnCheckDigit('25CN000000000042')).toBe('7')
  })

  it('maps a remainder of 10 to 0', () => {
    // As above with 9 instead of 1 at 2^15 (32768 ≡ 10 ≡ -1 mod 11): remainder 8 - 9 ≡ 10.
    expect(remainder('25KZ000000000009J')).toBe(10)
    expect(mrnCheckDigit('25KZ000000000009J')).toBe('0')
  })

  it('refuses characters outside digits and capital letters', () => {
    expect(() => iso6346CheckDigit('ab')).toThrow(RangeError)
    expect(() => mrnCheckDigit('25KZ000000000001')).toThrow(expect.objectContaining({ code: 'MRN_INVALID' }))
    expect(() => grnCheckDigit('25kz000000000001')).toThrow(expect.objectContaining({ code: 'GRN_INVALID' }))
  })
})

describe('MRN', () => {
  it('allocates: pads the serial, keeps the last two digits of the year', () => {
    expect(allocateMrn({ year: 2025, country: 'KZ', serial: '1', procedure: 'J' })).toBe('25KZ000000000001J7')
    expect(validateMrn('25KZ000000000001J7')).toEqual({
      year: '25',
      country: 'KZ',
      serial: '000000000001',
      procedure: 'J',
    })
    expect(allocateMrn({ year: 2007, country: 'CN', serial: 'ABC123', procedure: 'A' }).slice(0, 16)).toBe(
      '07CN000000ABC123',
    )
  })

  it('refuses bad allocation parts', () => {
    const ok = { year: 2025, country: 'KZ', serial: '1', procedure: 'J' }
    expect(reasonOf(() => allocateMrn({ ...ok, serial: '1234567890123' }))).toBe('serial')
    expect(reasonOf(() => allocateMrn({ ...ok, serial: 'ab' }))).toBe('serial')
    expect(reasonOf(() => allocateMrn({ ...ok, serial: '' }))).toBe('serial')
    expect(reasonOf(() => allocateMrn({ ...ok, procedure: '1' }))).toBe('procedure')
    expect(reasonOf(() => allocateMrn({ ...ok, year: 2025.5 }))).toBe('year')
    expect(reasonOf(() => allocateMrn({ ...ok, year: -1 }))).toBe('year')
    expect(reasonOf(() => allocateMrn({ ...ok, country: 'XX' }))).toBe('country')
  })

  it('refuses with a reason: length, format, country, check digit (naming the expected digit)', () => {
    expect(reasonOf(() => validateMrn('25KZ000000000001J'))).toBe('length')
    expect(reasonOf(() => validateMrn(''))).toBe('length')
    expect(reasonOf(() => validateMrn('25kz000000000001J7'))).toBe('format')
    expect(reasonOf(() => validateMrn('25KZ0000000000011A'))).toBe('format')
    expect(reasonOf(() => validateMrn('2AKZ000000000001J7'))).toBe('format')
    expect(reasonOf(() => validateMrn('25XX000000000001J7'))).toBe('country')
    expect(() => validateMrn('25KZ000000000001J3', 'TransitOperation/MRN')).toThrow(
      expect.objectContaining({
        code: 'MRN_INVALID',
        message: 'TransitOperation/MRN: "25KZ000000000001J3" is not a valid MRN: the check digit is 3, expected 7',
        details: { field: 'TransitOperation/MRN', value: '25KZ000000000001J3', reason: 'check-digit', expected: '7' },
      }),
    )
    expect(reasonOf(() => validateMrn('__proto__'))).toBe('length')
  })

  it('every allocated MRN validates to its parts', () => {
    fc.assert(
      fc.property(mrnParts, (p) => {
        const mrn = allocateMrn(p)
        expect(mrn).toHaveLength(18)
        expect(validateMrn(mrn)).toEqual({
          year: String(p.year % 100).padStart(2, '0'),
          country: p.country,
          serial: p.serial.padStart(12, '0'),
          procedure: p.procedure,
        })
      }),
    )
  })

  it('refuses every single-character change except the two blind spots of ISO 6346', () => {
    fc.assert(
      fc.property(mrnParts, (p) => {
        const mrn = allocateMrn(p)
        for (let pos = 0; pos < 18; pos++) {
          const old = mrn.charAt(pos)
          for (const c of ALNUM) {
            if (c === old) continue
            const changed = mrn.slice(0, pos) + c + mrn.slice(pos + 1)
            const wellFormed =
              /^[0-9]{2}[A-Z]{2}[A-Z0-9]{12}[A-Z][0-9]$/.test(changed) &&
              COUNTRIES.lookup(changed.slice(2, 4)) !== undefined
            const r0 = remainder(mrn.slice(0, 17))
            const r1 = remainder(changed.slice(0, 17))
            const blind = pos < 17 && wellFormed && r0 % 10 === r1 % 10
            if (!blind) {
              expect(() => validateMrn(changed), `${mrn} → ${changed}`).toThrow(
                expect.objectContaining({ code: 'MRN_INVALID' }),
              )
              continue
            }
            // The only undetectable changes: values congruent mod 11 (1/B/L/V, ...), or remainders 0 and 10.
            expect((value(c) - value(old)) % 11 === 0 || (r0 + r1 === 10 && r0 * r1 === 0)).toBe(true)
            expect(validateMrn(changed).country).toBe(changed.slice(2, 4))
          }
        }
      }),
      { numRuns: 60 },
    )
  })

  it('pins the blind spots, so nobody mistakes the check digit for a guarantee', () => {
    expect(validateMrn('25KZ00000000000BJ7').serial).toBe('00000000000B') // '1' → 'B': values 1 and 12
    expect(validateMrn('25KZ000000000008J0').serial).toBe('000000000008') // remainder 0 …
    expect(validateMrn('25KZ000000000009J0').serial).toBe('000000000009') // … and 10 both give 0
  })
})

describe('GRN', () => {
  it('allocates and validates, with and without the suffix', () => {
    expect(allocateGrn({ year: 2025, country: 'CN', serial: '42' })).toBe('25CN0000000000427')
    expect(validateGrn('25CN0000000000427')).toEqual({ year: '25', country: 'CN', serial: '000000000042' })
    const long = allocateGrn({ year: 2025, country: 'CN', serial: '42', suffix: 'A123456' })
    expect(long).toBe('25CN0000000000427A123456')
    expect(validateGrn(long)).toEqual({ year: '25', country: 'CN', serial: '000000000042', suffix: 'A123456' })
    expect(reasonOf(() => allocateGrn({ year: 2025, country: 'CN', serial: '42', suffix: '1234567' }))).toBe('suffix')
  })

  it('refuses with a reason', () => {
    expect(reasonOf(() => validateGrn('25CN00000000004271'))).toBe('length')
    expect(reasonOf(() => validateGrn('25CN000000000042A'))).toBe('format')
    expect(reasonOf(() => validateGrn('25CN0000000000427AB23456'))).toBe('format')
    expect(reasonOf(() => validateGrn('25QQ0000000000427'))).toBe('country')
    expect(reasonOf(() => validateGrn('__proto__'))).toBe('length')
    expect(() => validateGrn('25CN0000000000421')).toThrow(
      expect.objectContaining({
        code: 'GRN_INVALID',
        details: expect.objectContaining({ reason: 'check-digit', expected: '7' }),
      }),
    )
    expect(() => validateGrn('25CN0000000000421')).toThrow(
      'GRN: "25CN0000000000421" is not a valid GRN: the check digit is 1, expected 7',
    )
  })

  it('every allocated GRN validates, and a changed check digit never does', () => {
    const suffix = fc.option(
      fc
        .tuple(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), fc.integer({ min: 0, max: 999_999 }))
        .map(([l, n]) => l + String(n).padStart(6, '0')),
      { nil: undefined },
    )
    fc.assert(
      fc.property(mrnParts, suffix, (p, sfx) => {
        const grn = allocateGrn({
          year: p.year,
          country: p.country,
          serial: p.serial,
          ...(sfx === undefined ? {} : { suffix: sfx }),
        })
        expect(validateGrn(grn)).toEqual({
          year: String(p.year % 100).padStart(2, '0'),
          country: p.country,
          serial: p.serial.padStart(12, '0'),
          ...(sfx === undefined ? {} : { suffix: sfx }),
        })
        for (const d of '0123456789') {
          if (d === grn[16]) continue
          expect(() => validateGrn(grn.slice(0, 16) + d + grn.slice(17))).toThrow(
            expect.objectContaining({ code: 'GRN_INVALID' }),
          )
        }
      }),
    )
  })
})
