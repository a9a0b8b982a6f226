/**
 * Code lists of the SIS protocol: the common CodeList shape and checkCode, the ISO, HS and
 * UN/ECE lists, the federation's customs offices, and NCTS reference numbers (MRN, GRN).
 * Everything is pure and loaded at import; see README.md for sources, licences and regeneration.
 */

export { checkCode, freezeNames, makeCodeList } from './codelist.ts'
export type { CodeList, CodeListEntry, CodeListMeta, CodeStatus } from './codelist.ts'

export {
  CAREC_COUNTRIES,
  CAREC_COUNTRY_CODES,
  COUNTRIES,
  COUNTRY_NAME_LANGUAGES,
  CURRENCIES,
  isCarecCountry,
} from './iso.ts'
export type { CarecCountry, CountryEntry, CurrencyEntry } from './iso.ts'

export { HS2022, HS_SECTIONS, hsLevel, isHsSubheading } from './hs.ts'
export type { HsEntry, HsLevel, HsSectionEntry } from './hs.ts'

export { REC20_STATUS_MEANING, TRANSPORT_MODES, UNITS } from './unece.ts'
export type { UnitEntry } from './unece.ts'

export {
  CUSTOMS_OFFICES,
  OFFICE_REFERENCE_PATTERN,
  OFFICE_ROLES,
  findOffice,
  officeHasRole,
  officesOf,
} from './offices.ts'
export type { CustomsOffice, OfficeEntry, OfficeKind, OfficeRole } from './offices.ts'

export {
  allocateGrn,
  allocateMrn,
  grnCheckDigit,
  iso6346CheckDigit,
  mrnCheckDigit,
  validateGrn,
  validateMrn,
} from './mrn.ts'
export type { GrnParts, MrnParts } from './mrn.ts'
