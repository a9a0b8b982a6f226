/**
 * What NCTS allows but the federation does not, checked on a schema-valid message before it is
 * mapped: every customs office must be one of the CAREC offices the federation lists, every
 * MRN must be an MRN of a CAREC country with the right check digit, and the messageType must
 * be the message's own. Each error names the element (path and line in the partner's file).
 */
import { CAREC_COUNTRY_CODES, findOffice, SisError, validateMrn } from '../../protocol/index.ts'
import type { XmlElement } from '../../protocol/index.ts'
import type { FieldError } from '../contract.ts'
import type { ElementAt } from './locate.ts'

export const FEDERATION_CODES = {
  office: 'NCTS_OFFICE_NOT_IN_FEDERATION',
  mrnCountry: 'NCTS_MRN_NOT_IN_FEDERATION',
  mrnCheckDigit: 'NCTS_MRN_CHECK_DIGIT',
  mrnInvalid: 'NCTS_MRN_INVALID',
  messageType: 'NCTS_MESSAGE_TYPE_MISMATCH',
} as const

function textOf(el: XmlElement): string {
  return el.children
    .map((c) => (c.kind === 'text' ? c.value : ''))
    .join('')
    .trim()
}

/** Visits elements in document order with the same paths locateElements gives. */
function walk(el: XmlElement, path: string, visit: (el: XmlElement, path: string, parent: string) => void): void {
  const counts = new Map<string, number>()
  for (const c of el.children) if (c.kind === 'element') counts.set(c.local, (counts.get(c.local) ?? 0) + 1)
  const seen = new Map<string, number>()
  for (const c of el.children) {
    if (c.kind !== 'element') continue
    const i = (seen.get(c.local) ?? 0) + 1
    seen.set(c.local, i)
    const p = `${path}/${c.local}${(counts.get(c.local) ?? 0) > 1 ? `[${i}]` : ''}`
    visit(c, p, el.local)
    walk(c, p, visit)
  }
}

const CAREC: readonly string[] = CAREC_COUNTRY_CODES

export function federationErrors(root: XmlElement, elements: readonly ElementAt[]): FieldError[] {
  const lines = new Map(elements.map((e) => [e.path, e.line]))
  const errors: FieldError[] = []
  const add = (path: string, code: string, message: string, value: string) =>
    errors.push({ path, code, message, value: value.slice(0, 64), ...lineOf(lines, path) })
  walk(root, `/${root.local}`, (el, path, parent) => {
    const value = textOf(el)
    if (el.local === 'messageType' && parent === root.local && value !== root.local)
      add(path, FEDERATION_CODES.messageType, `messageType ${value} in a ${root.local} message`, value)
    if (el.local === 'referenceNumber' && parent.startsWith('CustomsOffice') && findOffice(value) === undefined)
      add(
        path,
        FEDERATION_CODES.office,
        `${value} is not a customs office of the federation (${parent}: the CAREC offices the federation lists)`,
        value,
      )
    if (el.local === 'MRN') mrnError(value)?.forEach(([code, message]) => add(path, code, message, value))
  })
  return errors
}

function mrnError(value: string): [string, string][] | undefined {
  const country = value.slice(2, 4)
  if (/^\d{2}[A-Z]{2}/.test(value) && !CAREC.includes(country))
    return [[FEDERATION_CODES.mrnCountry, `the MRN is of ${country}, not of a country of the federation`]]
  try {
    validateMrn(value)
    return undefined
  } catch (e) {
    if (!(e instanceof SisError)) throw e
    const code = e.details.reason === 'check-digit' ? FEDERATION_CODES.mrnCheckDigit : FEDERATION_CODES.mrnInvalid
    return [[code, e.message.replace(/^\S+: /, '')]]
  }
}

function lineOf(lines: ReadonlyMap<string, number>, path: string): { line?: number } {
  const line = lines.get(path)
  return line === undefined ? {} : { line }
}
