/**
 * Complex types shared by several messages, named after the NCTS phase 6 data groups they
 * follow (Address, ContactPerson, Consignor, Guarantee, TransportEquipment, ...). Each has an
 * `id` and becomes a named xs:complexType in common.xsd. Object keys are element names, in the
 * order of the XSD sequence; arrays are repeated elements; optional keys have minOccurs="0".
 */
import { z } from 'zod'
import * as t from './simple.ts'

function complex<T extends z.ZodType>(schema: T, id: string, description: string): T {
  return schema.meta({ id, description }) as T
}

/** Free text in one language; repeat the element for several (xml:lang on each). */
export const LangText = z.object({ lang: t.Language.optional(), value: t.FreeText }).meta({
  id: 'LangTextType',
  description: 'Free text with its language in xml:lang',
  xml: 'lang-text',
})
export type LangText = z.infer<typeof LangText>

/** One to nine renderings of the same text in different languages. */
export const MultiLangText = z.array(LangText).min(1).max(9)

export const Address = complex(
  z.object({
    streetAndNumber: t.ShortText,
    postcode: t.Identifier.optional(),
    city: t.ShortText,
    country: t.CountryCode,
  }),
  'AddressType',
  'Postal address',
)

export const ContactPerson = complex(
  z.object({
    name: t.Name,
    phoneNumber: t.PhoneNumber,
    eMailAddress: t.Email.optional(),
  }),
  'ContactPersonType',
  'Contact person',
)

/** Consignor, consignee, holder of the transit procedure: a trader with an address. */
export const Trader = complex(
  z.object({
    identificationNumber: t.Identifier.optional(),
    name: t.Name,
    Address: Address,
    ContactPerson: ContactPerson.optional(),
  }),
  'TraderType',
  'A trader: identification number (EORI, TIN or BIN), name and address',
)

export const Carrier = complex(
  z.object({
    identificationNumber: t.Identifier,
    name: t.Name,
    ContactPerson: ContactPerson.optional(),
  }),
  'CarrierType',
  'Carrier, as listed in the unified register of carriers',
)

export const CustomsOffice = complex(
  z.object({
    referenceNumber: t.OfficeReference,
  }),
  'CustomsOfficeType',
  'A customs office by reference number',
)

export const CustomsOfficeOfTransit = complex(
  z.object({
    sequenceNumber: t.SequenceNumber,
    referenceNumber: t.OfficeReference,
    arrivalDateAndTimeEstimated: t.DateTime.optional(),
  }),
  'CustomsOfficeOfTransitType',
  'Office of transit (declared), in route order',
)

export const CustomsOfficeOfExit = complex(
  z.object({
    sequenceNumber: t.SequenceNumber,
    referenceNumber: t.OfficeReference,
  }),
  'CustomsOfficeOfExitType',
  'Office of exit for transit (declared)',
)

export const GuaranteeReference = complex(
  z.object({
    sequenceNumber: t.SequenceNumber,
    GRN: t.Grn,
    amountToBeCovered: t.Amount,
    currency: t.CurrencyCode,
  }),
  'GuaranteeReferenceType',
  'Reference to a registered guarantee and the amount this transit covers',
)

export const Guarantee = complex(
  z.object({
    sequenceNumber: t.SequenceNumber,
    guaranteeType: z.string().regex(/^[0-9A-Z]$/),
    GuaranteeReference: z.array(GuaranteeReference).min(1).max(99),
  }),
  'GuaranteeType',
  'Guarantee: type (NCTS code list CL251) and its references',
)

export const Seal = complex(
  z.object({
    sequenceNumber: t.SequenceNumber,
    identifier: t.Identifier,
  }),
  'SealType',
  'Customs seal',
)

export const TransportEquipment = complex(
  z.object({
    sequenceNumber: t.SequenceNumber,
    containerIdentificationNumber: t.ContainerNumber.optional(),
    numberOfSeals: t.Count,
    Seal: z.array(Seal).max(99).optional(),
  }),
  'TransportEquipmentType',
  'Container or other transport equipment with its seals',
)

export const TransportMeans = complex(
  z.object({
    sequenceNumber: t.SequenceNumber,
    typeOfIdentification: z.string().regex(/^[0-9]{2}$/),
    identificationNumber: t.Identifier,
    nationality: t.CountryCode,
  }),
  'TransportMeansType',
  'Means of transport: type of identification (NCTS CL750), registration number, nationality',
)

export const CountryOfRouting = complex(
  z.object({
    sequenceNumber: t.SequenceNumber,
    country: t.CountryCode,
  }),
  'CountryOfRoutingType',
  'A country of the itinerary, in route order',
)

export const DocumentReference = complex(
  z.object({
    sequenceNumber: t.SequenceNumber,
    type: z.string().regex(/^[A-Z0-9]{4}$/),
    referenceNumber: t.Identifier,
    complementOfInformation: t.FreeText.optional(),
  }),
  'DocumentReferenceType',
  'Previous, supporting or transport document (type from NCTS CL214/CL213/CL754)',
)

export const Packaging = complex(
  z.object({
    sequenceNumber: t.SequenceNumber,
    typeOfPackages: t.PackageType,
    numberOfPackages: t.Count.optional(),
    shippingMarks: t.FreeText.optional(),
  }),
  'PackagingType',
  'Packages of a goods item',
)

export const GoodsMeasure = complex(
  z.object({
    grossMass: t.Mass,
    netMass: t.Mass.optional(),
    supplementaryUnits: t.Quantity.optional(),
    supplementaryUnitsCode: t.UnitCode.optional(),
  }),
  'GoodsMeasureType',
  'Masses in kilograms, supplementary units with their Rec 20 unit',
)

export const Commodity = complex(
  z.object({
    descriptionOfGoods: MultiLangText,
    CommodityCode: z.object({ harmonizedSystemSubHeadingCode: t.HsSubheading }),
    DangerousGoods: z
      .array(z.object({ sequenceNumber: t.SequenceNumber, UNNumber: z.string().regex(/^[0-9]{4}$/) }))
      .max(99)
      .optional(),
    GoodsMeasure: GoodsMeasure,
  }),
  'CommodityType',
  'Description and classification of the goods',
)

export const ConsignmentItem = complex(
  z.object({
    goodsItemNumber: t.SequenceNumber,
    countryOfDispatch: t.CountryCode.optional(),
    countryOfDestination: t.CountryCode.optional(),
    Commodity: Commodity,
    Packaging: z.array(Packaging).min(1).max(99),
    PreviousDocument: z.array(DocumentReference).max(99).optional(),
    SupportingDocument: z.array(DocumentReference).max(99).optional(),
  }),
  'ConsignmentItemType',
  'A goods item of the declaration',
)

export const Location = complex(
  z.object({
    qualifierOfIdentification: z.string().regex(/^[A-Z]$/),
    UNLocode: t.UnLocode.optional(),
    country: t.CountryCode,
    location: t.ShortText.optional(),
    GNSS: z.object({ latitude: t.Latitude, longitude: t.Longitude }).optional(),
  }),
  'LocationType',
  'A place: UN/LOCODE, free description or GNSS coordinates',
)

export const FunctionalError = complex(
  z.object({
    errorPointer: z.string().min(1).max(512),
    errorCode: z.string().regex(/^[A-Z][A-Z0-9_]{1,40}$/),
    errorReason: t.FreeText,
    originalAttributeValue: t.FreeText.optional(),
    ruleCode: t.RuleCode.optional(),
  }),
  'FunctionalErrorType',
  'One error: where (a path), the code, the reason and, for a broken rule, its code',
)
