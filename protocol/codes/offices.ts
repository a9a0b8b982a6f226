/**
 * Customs offices of the CAREC federation: the border crossings on the main CAREC corridors, both
 * sides where both are members, and one inland office per country in its main city.
 *
 * The reference numbers are assigned by this project for the federation (see offices-data.ts):
 * they have the NCTS shape, country code plus six alphanumerics, but they are not national codes.
 */

import { freezeNames, makeCodeList } from './codelist.ts'
import type { CodeList, CodeListEntry } from './codelist.ts'
import { CAREC_COUNTRIES } from './iso.ts'
import { OFFICE_DATA } from './offices-data.ts'
import type { CustomsOffice, OfficeRole } from './office-types.ts'

export { OFFICE_ROLES } from './office-types.ts'
export type { CustomsOffice, OfficeKind, OfficeRole } from './office-types.ts'

export interface OfficeEntry extends CodeListEntry {
  readonly office: CustomsOffice
}

/** The NCTS office reference shape; our scheme (B/I + site + "00") is a subset of it. */
export const OFFICE_REFERENCE_PATTERN = /^[A-Z]{2}[A-Z0-9]{6}$/

function freezeOffice(o: CustomsOffice): CustomsOffice {
  if (!OFFICE_REFERENCE_PATTERN.test(o.referenceNumber))
    throw new Error(`office ${o.referenceNumber}: malformed reference`)
  if (CAREC_COUNTRIES.lookup(o.country) === undefined)
    throw new Error(`office ${o.referenceNumber}: ${o.country} is not CAREC`)
  return Object.freeze({
    ...o,
    names: Object.freeze({ ...o.names }),
    roles: Object.freeze([...o.roles]),
    ...(o.counterparts === undefined ? {} : { counterparts: Object.freeze([...o.counterparts]) }),
  })
}

const OFFICES: readonly CustomsOffice[] = Object.freeze(OFFICE_DATA.map(freezeOffice))

/** Customs office reference numbers of the federation. */
export const CUSTOMS_OFFICES: CodeList<OfficeEntry> = makeCodeList(
  {
    id: 'carec-customs-offices',
    title: 'the CAREC federation customs offices',
    source:
      'hand-written (offices-data.ts): real CAREC border crossings and inland offices; reference numbers assigned by this project',
  },
  OFFICES.map((office): OfficeEntry => ({
    code: office.referenceNumber,
    names: freezeNames(office.names),
    status: 'active',
    office,
  })),
)

/** The office with this reference number, or undefined. */
export function findOffice(referenceNumber: string): CustomsOffice | undefined {
  return CUSTOMS_OFFICES.lookup(referenceNumber)?.office
}

const byCountry = new Map<string, CustomsOffice[]>()
for (const office of OFFICES) {
  const list = byCountry.get(office.country) ?? []
  list.push(office)
  byCountry.set(office.country, list)
}

/** The offices of a country, in reference-number order; empty for a country with none. */
export function officesOf(country: string): readonly CustomsOffice[] {
  const list = byCountry.get(country)
  return list === undefined
    ? []
    : Object.freeze([...list].sort((a, b) => (a.referenceNumber < b.referenceNumber ? -1 : 1)))
}

/** Whether the office can play `role` (an office of departure must have 'departure', say). */
export function officeHasRole(office: CustomsOffice, role: OfficeRole): boolean {
  return office.roles.includes(role)
}
