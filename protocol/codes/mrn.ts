/**
 * NCTS reference numbers: the MRN (master reference number of a movement) and the GRN
 * (guarantee reference number), with their ISO 6346 check digit.
 *
 * MRN, 18 characters: year (2 digits), country (ISO 3166-1 alpha-2), 12 alphanumerics chosen by
 * the allocating office, a procedure category letter, and a check digit over the first 17.
 * GRN, 17 or 24 characters, per the NCTS XSD pattern
 * [0-9]{2}[A-Z]{2}[A-Z0-9]{12}[0-9]([A-Z][0-9]{6})?: year, country, 12 alphanumerics, a check
 * digit over the first 16, and an optional suffix (a letter and six digits).
 *
 * ISO 6346 check digit: digits count as themselves; letters A..Z take the values 10..38 skipping
 * 11, 22 and 33; each value is weighted by 2^position (position 0 first); the sum is taken mod
 * 11 and then mod 10 (so a remainder of 10 gives 0). It detects most but not all single-character
 * errors: characters whose values are congruent mod 11 (1, B, L, V, for example) are
 * interchangeable, and sums with remainders 0 and 10 share the digit 0. Tests pin both blind spots.
 *
 * Allocation is pure: the caller supplies the serial (from its own counter), so this module has
 * no clock, no randomness and no state.
 */

import { boundValue, SisError } from '../errors.ts'
import type { ErrorCode } from '../errors.ts'
import { COUNTRIES } from './iso.ts'

/** ISO 6346 value of each character, built once: '0'..'9' → 0..9, 'A' → 10, 'B' → 12, ... 'Z' → 38. */
const CHAR_VALUE: ReadonlyMap<string, number> = (() => {
  const map = new Map<string, number>()
  for (let d = 0; d <= 9; d++) map.set(String(d), d)
  let v = 10
  for (const letter of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') {
    if (v % 11 === 0) v++ // multiples of 11 would vanish from a mod-11 sum
    map.set(letter, v++)
  }
  return map
})()

/** The ISO 6346 check digit of `chars` (digits and capital letters only). */
export function iso6346CheckDigit(chars: string): string {
  let sum = 0
  let weight = 1
  for (const c of chars) {
    const value = CHAR_VALUE.get(c)
    if (value === undefined) throw new RangeError(`ISO 6346: ${JSON.stringify(c)} is not a digit or capital letter`)
    sum += value * weight
    weight *= 2 // at most 2^17 for an MRN: exact in a double
  }
  return String((sum % 11) % 10)
}

const QUOTE_LIMIT = 40
const shown = (value: string): string => boundValue(value, QUOTE_LIMIT)

function refuse(
  code: ErrorCode,
  what: string,
  field: string,
  value: string,
  reason: string,
  why: string,
  extra: Record<string, string | number> = {},
): SisError {
  return new SisError(code, `${field}: ${JSON.stringify(shown(value))} is not a valid ${what}: ${why}`, {
    field,
    value: shown(value),
    reason,
    ...extra,
  })
}

export interface MrnParts {
  readonly year: string
  readonly country: string
  readonly serial: string
  readonly procedure: string
}

export interface GrnParts {
  readonly year: string
  readonly country: string
  readonly serial: string
  /** The optional 7-character suffix (letter + six digits), when present. */
  readonly suffix?: string
}

const MRN_FORMAT = /^[0-9]{2}[A-Z]{2}[A-Z0-9]{12}[A-Z][0-9]$/
const GRN_FORMAT = /^[0-9]{2}[A-Z]{2}[A-Z0-9]{12}[0-9](?:[A-Z][0-9]{6})?$/
const SERIAL = /^[A-Z0-9]{1,12}$/

/** The check digit of an MRN from its first 17 characters. */
export function mrnCheckDigit(first17: string): string {
  if (first17.length !== 17 || !/^[0-9]{2}[A-Z]{2}[A-Z0-9]{12}[A-Z]$/.test(first17)) {
    throw refuse(
      'MRN_INVALID',
      'MRN prefix',
      'MRN',
      first17,
      'format',
      'expected 17 characters: 2 digits, 2 letters, 12 alphanumerics, 1 letter',
    )
  }
  return iso6346CheckDigit(first17)
}

/** The check digit of a GRN from its first 16 characters. */
export function grnCheckDigit(first16: string): string {
  if (first16.length !== 16 || !/^[0-9]{2}[A-Z]{2}[A-Z0-9]{12}$/.test(first16)) {
    throw refuse(
      'GRN_INVALID',
      'GRN prefix',
      'GRN',
      first16,
      'format',
      'expected 16 characters: 2 digits, 2 letters, 12 alphanumerics',
    )
  }
  return iso6346CheckDigit(first16)
}

/** Year, country and serial shared by MRN and GRN allocation; throws `code` on bad parts. */
function head(code: ErrorCode, what: string, parts: { year: number; country: string; serial: string }): string {
  const { year, country, serial } = parts
  if (!Number.isInteger(year) || year < 0 || year > 9999) {
    throw refuse(
      code,
      what,
      'year',
      String(year),
      'year',
      'the year must be an integer from 0 to 9999 (its last two digits are used)',
    )
  }
  if (COUNTRIES.lookup(country) === undefined)
    throw refuse(code, what, 'country', country, 'country', 'not an ISO 3166-1 alpha-2 code')
  if (!SERIAL.test(serial))
    throw refuse(code, what, 'serial', serial, 'serial', 'the serial must be 1 to 12 digits or capital letters')
  // Left-padding with zeros keeps numeric serials in order when MRNs are sorted as strings.
  return String(year % 100).padStart(2, '0') + country + serial.padStart(12, '0')
}

/** Builds an MRN from its parts: `serial` (1-12 alphanumerics) is left-padded with zeros. */
export function allocateMrn(parts: { year: number; country: string; serial: string; procedure: string }): string {
  if (!/^[A-Z]$/.test(parts.procedure)) {
    throw refuse(
      'MRN_INVALID',
      'MRN',
      'procedure',
      parts.procedure,
      'procedure',
      'the procedure category must be one capital letter',
    )
  }
  const first17 = head('MRN_INVALID', 'MRN', parts) + parts.procedure
  return first17 + iso6346CheckDigit(first17)
}

/** Builds a GRN from its parts: `serial` is left-padded with zeros; `suffix` is a letter and six digits. */
export function allocateGrn(parts: { year: number; country: string; serial: string; suffix?: string }): string {
  if (parts.suffix !== undefined && !/^[A-Z][0-9]{6}$/.test(parts.suffix)) {
    throw refuse(
      'GRN_INVALID',
      'GRN',
      'suffix',
      parts.suffix,
      'suffix',
      'the suffix must be a capital letter and six digits',
    )
  }
  const first16 = head('GRN_INVALID', 'GRN', parts)
  return first16 + iso6346CheckDigit(first16) + (parts.suffix ?? '')
}

/** Checks country and check digit once the format is known to be right. */
function checkBody(
  code: ErrorCode,
  what: string,
  field: string,
  value: string,
  checked: string,
  digit: string | undefined,
): void {
  const country = value.slice(2, 4)
  if (COUNTRIES.lookup(country) === undefined) {
    throw refuse(code, what, field, value, 'country', `${country} is not an ISO 3166-1 alpha-2 country code`, {
      country,
    })
  }
  const expected = iso6346CheckDigit(checked)
  if (digit !== expected) {
    throw refuse(code, what, field, value, 'check-digit', `the check digit is ${digit ?? ''}, expected ${expected}`, {
      expected,
    })
  }
}

/** Validates an MRN and returns its parts; throws SisError MRN_INVALID with a `reason` detail. */
export function validateMrn(value: string, field = 'MRN'): MrnParts {
  if (typeof value !== 'string') throw refuse('MRN_INVALID', 'MRN', field, String(value), 'format', 'not a string')
  if (value.length !== 18) {
    throw refuse('MRN_INVALID', 'MRN', field, value, 'length', `it has ${value.length} characters, an MRN has 18`, {
      length: value.length,
    })
  }
  if (!MRN_FORMAT.test(value)) {
    throw refuse(
      'MRN_INVALID',
      'MRN',
      field,
      value,
      'format',
      'expected 2 digits (year), 2 letters (country), 12 digits or capital letters, a procedure letter and a check digit',
    )
  }
  checkBody('MRN_INVALID', 'MRN', field, value, value.slice(0, 17), value[17])
  return {
    year: value.slice(0, 2),
    country: value.slice(2, 4),
    serial: value.slice(4, 16),
    procedure: value.slice(16, 17),
  }
}

/** Validates a GRN and returns its parts; throws SisError GRN_INVALID with a `reason` detail. */
export function validateGrn(value: string, field = 'GRN'): GrnParts {
  if (typeof value !== 'string') throw refuse('GRN_INVALID', 'GRN', field, String(value), 'format', 'not a string')
  if (value.length !== 17 && value.length !== 24) {
    throw refuse(
      'GRN_INVALID',
      'GRN',
      field,
      value,
      'length',
      `it has ${value.length} characters, a GRN has 17 or 24`,
      { length: value.length },
    )
  }
  if (!GRN_FORMAT.test(value)) {
    throw refuse(
      'GRN_INVALID',
      'GRN',
      field,
      value,
      'format',
      'expected 2 digits (year), 2 letters (country), 12 digits or capital letters, a check digit, and optionally a letter and 6 digits',
    )
  }
  checkBody('GRN_INVALID', 'GRN', field, value, value.slice(0, 16), value[16])
  const parts = { year: value.slice(0, 2), country: value.slice(2, 4), serial: value.slice(4, 16) }
  return value.length === 24 ? { ...parts, suffix: value.slice(17) } : parts
}
