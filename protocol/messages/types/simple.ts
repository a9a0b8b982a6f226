/**
 * Simple types shared by every message. Each is a zod string schema registered with an `id`:
 * the XSD generator turns it into a named xs:simpleType in common.xsd, and the same schema
 * validates decoded values, so the XSD and zod agree by construction.
 *
 * Patterns are written in the common subset of JavaScript and XML Schema regular expressions
 * (no \w, no non-capturing groups, no lookarounds) because both engines read them. Everything is
 * a string: codes such as 0101.21 or 0012345 are never numbers. Membership of a code list is a
 * business rule checked by zod only (the XSD checks the format), as in NCTS.
 */
import { z } from 'zod'
import {
  COUNTRIES,
  CURRENCIES,
  CUSTOMS_OFFICES,
  HS2022,
  TRANSPORT_MODES,
  UNITS,
  validateGrn,
  validateMrn,
} from '../../codes/index.ts'
import { SisError } from '../../errors.ts'
import type { CodeList } from '../../codes/index.ts'

/** Metadata that the XSD generator reads beside the JSON Schema of a type. */
export type XsdMeta = {
  id: string
  description: string
  /** Base type in XSD when it is not xs:string (xs:dateTime, xs:date). */
  xsdBase?: string
}

function simple<T extends z.ZodType>(schema: T, meta: XsdMeta): T {
  return schema.meta(meta) as T
}

/**
 * Free text: no control characters other than tab, line feed and carriage return (XML 1.0 allows
 * C1 controls, we do not). Written as a pattern, not a refinement, so that the XSD says the same.
 */
const NO_CONTROLS = /^([^\p{Cc}]|[\t\n\r])*$/u

/** A value from a code list: the format is checked by the pattern, the membership here. */
function inList(list: CodeList) {
  return (value: string, ctx: z.core.$RefinementCtx<string>) => {
    const entry = list.lookup(value)
    if (entry === undefined) {
      ctx.addIssue({
        code: 'custom',
        input: value,
        params: { sisCode: 'CODE_UNKNOWN', list: list.id, listTitle: list.title },
      })
    } else if (entry.status !== 'active') {
      ctx.addIssue({
        code: 'custom',
        input: value,
        params: { sisCode: 'CODE_DEPRECATED', list: list.id, listTitle: list.title, status: entry.status },
      })
    }
  }
}

/** A value checked by a validator of protocol/codes that throws a SisError (MRN, GRN check digits). */
function checkedBy(validate: (value: string) => unknown) {
  return (value: string, ctx: z.core.$RefinementCtx<string>) => {
    try {
      validate(value)
    } catch (e) {
      if (!(e instanceof SisError)) throw e
      ctx.addIssue({
        code: 'custom',
        input: value,
        params: {
          sisCode: e.code,
          reason: e.message.replace(/^.*?: /, '').replace(/^.*? is not a valid [A-Z]+: /, ''),
        },
      })
    }
  }
}

/** Text of min..max characters; `pattern` (which must itself exclude controls) replaces NO_CONTROLS. */
function text(min: number, max: number, pattern: RegExp = NO_CONTROLS) {
  return z.string().min(min).max(max).regex(pattern)
}

export const CountryCode = simple(
  z
    .string()
    .regex(/^[A-Z]{2}$/)
    .superRefine(inList(COUNTRIES)),
  {
    id: 'CountryCodeType',
    description: 'ISO 3166-1 alpha-2 country code',
  },
)
export const CurrencyCode = simple(
  z
    .string()
    .regex(/^[A-Z]{3}$/)
    .superRefine(inList(CURRENCIES)),
  {
    id: 'CurrencyCodeType',
    description: 'ISO 4217 alpha-3 currency code',
  },
)
export const HsSubheading = simple(
  z
    .string()
    .regex(/^[0-9]{6}$/)
    .superRefine(inList(HS2022)),
  {
    id: 'HsSubheadingType',
    description: 'Harmonized System 2022 subheading, six digits',
  },
)
export const TransportModeCode = simple(
  z
    .string()
    .regex(/^[0-9]$/)
    .superRefine(inList(TRANSPORT_MODES)),
  {
    id: 'TransportModeCodeType',
    description: 'UN/ECE Recommendation 19 mode of transport',
  },
)
export const UnitCode = simple(
  z
    .string()
    .regex(/^[A-Z0-9]{2,3}$/)
    .superRefine(inList(UNITS)),
  {
    id: 'UnitCodeType',
    description: 'UN/ECE Recommendation 20 unit of measure (common code)',
  },
)
export const OfficeReference = simple(
  z
    .string()
    .regex(/^[A-Z]{2}[A-Z0-9]{6}$/)
    .superRefine(inList(CUSTOMS_OFFICES)),
  {
    id: 'OfficeReferenceType',
    description: 'Customs office reference number: country code and six alphanumerics',
  },
)
export const Mrn = simple(
  z
    .string()
    .regex(/^[0-9]{2}[A-Z]{2}[A-Z0-9]{12}[A-Z][0-9]$/)
    .superRefine(checkedBy(validateMrn)),
  {
    id: 'MrnType',
    description: 'Master reference number (NCTS): year, country, 12 alphanumerics, procedure letter, check digit',
  },
)
export const Grn = simple(
  z
    .string()
    .regex(/^[0-9]{2}[A-Z]{2}[A-Z0-9]{12}[0-9]([A-Z][0-9]{6})?$/)
    .superRefine(checkedBy(validateGrn)),
  {
    id: 'GrnType',
    description: 'Guarantee reference number (NCTS)',
  },
)
export const Lrn = simple(text(1, 22, /^[A-Za-z0-9./-]{1,22}$/), {
  id: 'LrnType',
  description: 'Local reference number given by the declarant',
})
export const EntryId = simple(z.string().regex(/^[0-9a-f]{64}$/), {
  id: 'EntryIdType',
  description: 'Log entry id: SHA-256 of the entry bytes, lowercase hex',
})
export const MessageId = simple(z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/), {
  id: 'MessageIdType',
  description: 'Message identification, unique per author',
})
export const MessageTypeToken = simple(z.string().regex(/^[A-Z][A-Za-z0-9]{1,63}$/), {
  id: 'MessageTypeType',
  description: 'Message type: the name of the root element',
})
export const KeyId = simple(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/), {
  id: 'KeyIdType',
  description: 'Identifier of the author key in the federation membership',
})
export const SequenceNumber = simple(z.string().regex(/^[1-9][0-9]{0,8}$/), {
  id: 'SequenceNumberType',
  description: 'Positive integer, no leading zero',
})
export const Count = simple(z.string().regex(/^(0|[1-9][0-9]{0,7})$/), {
  id: 'CountType',
  description: 'Non-negative integer, no leading zero',
})
export const Mass = simple(z.string().regex(/^(0|[1-9][0-9]{0,11})(\.[0-9]{1,6})?$/), {
  id: 'MassType',
  description: 'Mass in kilograms, decimal with up to six decimals',
})
export const Quantity = simple(z.string().regex(/^(0|[1-9][0-9]{0,11})(\.[0-9]{1,6})?$/), {
  id: 'QuantityType',
  description: 'Quantity, decimal with up to six decimals',
})
export const Amount = simple(z.string().regex(/^(0|[1-9][0-9]{0,15})(\.[0-9]{1,2})?$/), {
  id: 'AmountType',
  description: 'Monetary amount, decimal with up to two decimals',
})
export const Flag = simple(z.enum(['0', '1']), { id: 'FlagType', description: '0 (no) or 1 (yes)' })

/** True when year-month-day is a real calendar date (no Date parsing: it throws on odd input). */
function isCalendarDate(value: string): boolean {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})/.exec(value)
  if (m === null) return false
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (month < 1 || month > 12 || day < 1) return false
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0
  return day <= days
}

const DATE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/
const DATE_TIME =
  /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,3})?Z$/
const calendar = { params: { sisCode: 'MSG_INVALID_VALUE', reason: 'not a calendar date' } }
export const DateTime = simple(z.string().regex(DATE_TIME).refine(isCalendarDate, calendar), {
  id: 'DateTimeType',
  description: 'UTC date and time, e.g. 2026-11-23T08:30:00Z',
  xsdBase: 'xs:dateTime',
})
export const DateOnly = simple(z.string().regex(DATE).refine(isCalendarDate, calendar), {
  id: 'DateType',
  description: 'Calendar date, e.g. 2026-11-23',
  xsdBase: 'xs:date',
})
/** Language tags we accept in xml:lang; xml.xsd restricts xml:lang to the same pattern. */
export const LANGUAGE_PATTERN = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/
export const Language = simple(z.string().regex(LANGUAGE_PATTERN), {
  id: 'LanguageType',
  description: 'Language tag (BCP 47, language and optional subtag), e.g. ru, zh, kk, uz-Latn',
})
export const Name = simple(text(1, 70), { id: 'NameType', description: 'Name of a person or organisation' })
export const ShortText = simple(text(1, 35), {
  id: 'ShortTextType',
  description: 'Short text (street, city, reference)',
})
export const Identifier = simple(text(1, 35, /^[A-Za-z0-9./ -]{1,35}$/), {
  id: 'IdentifierType',
  description: 'Identifier: letters, digits, dot, slash, dash and space',
})
export const ContainerNumber = simple(z.string().regex(/^[A-Z0-9]{1,17}$/), {
  id: 'ContainerNumberType',
  description: 'Container identification number (ISO 6346 for sea containers)',
})
export const PhoneNumber = simple(z.string().regex(/^[+]?[0-9 ()-]{4,35}$/), {
  id: 'PhoneNumberType',
  description: 'Telephone number',
})
export const Email = simple(text(3, 256, /^[^@\s<>]+@[^@\s<>]+$/), { id: 'EmailType', description: 'E-mail address' })
export const Latitude = simple(z.string().regex(/^[+-]?([0-8]?[0-9](\.[0-9]{1,6})?|90(\.0{1,6})?)$/), {
  id: 'LatitudeType',
  description: 'Latitude in decimal degrees',
})
export const Longitude = simple(z.string().regex(/^[+-]?((1[0-7][0-9]|[0-9]?[0-9])(\.[0-9]{1,6})?|180(\.0{1,6})?)$/), {
  id: 'LongitudeType',
  description: 'Longitude in decimal degrees',
})
export const UnLocode = simple(z.string().regex(/^[A-Z]{2}[A-Z2-9]{3}$/), {
  id: 'UnLocodeType',
  description: 'UN/LOCODE of a place',
})
export const PackageType = simple(z.string().regex(/^[A-Z0-9]{2}$/), {
  id: 'PackageTypeType',
  description: 'UN/ECE Recommendation 21 type of packages',
})
export const FreeText = simple(text(1, 512), { id: 'FreeTextType', description: 'Free text, up to 512 characters' })
export const RuleCode = simple(z.string().regex(/^[A-Z]{2}-R[0-9]{3}$/), {
  id: 'RuleCodeType',
  description: 'The code of a rule of the message catalogue (TR-R001, GU-R002, ...)',
})
