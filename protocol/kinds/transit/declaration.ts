/**
 * The transit declaration and the messages that answer it: lodged, accepted (MRN allocated),
 * rejected, amended. Structure follows NCTS phase 6 CC015C, with house consignments folded
 * into one consignment (the CAREC single transit document has one).
 */
import { z } from 'zod'
import * as t from '../../messages/types/simple.ts'
import * as c from '../../messages/types/complex.ts'
import { defineMessage } from '../../messages/catalogue/definition.ts'
import type { RuleViolation } from '../../messages/catalogue/definition.ts'

export const Consignment = z
  .object({
    countryOfDispatch: t.CountryCode,
    countryOfDestination: t.CountryCode,
    containerIndicator: t.Flag,
    inlandModeOfTransport: t.TransportModeCode.optional(),
    modeOfTransportAtTheBorder: t.TransportModeCode,
    grossMass: t.Mass,
    referenceNumberUCR: t.Identifier.optional(),
    Carrier: c.Carrier.optional(),
    Consignor: c.Trader,
    Consignee: c.Trader,
    TransportEquipment: z.array(c.TransportEquipment).max(999).optional(),
    DepartureTransportMeans: z.array(c.TransportMeans).min(1).max(9),
    CountryOfRoutingOfConsignment: z.array(c.CountryOfRouting).min(1).max(99),
    PlaceOfLoading: c.Location.optional(),
    PlaceOfUnloading: c.Location.optional(),
    PreviousDocument: z.array(c.DocumentReference).max(99).optional(),
    SupportingDocument: z.array(c.DocumentReference).max(99).optional(),
    TransportDocument: z.array(c.DocumentReference).max(99).optional(),
    ConsignmentItem: z.array(c.ConsignmentItem).min(1).max(999),
  })
  .meta({ id: 'ConsignmentType', description: 'The goods, their parties, transport and route' })

/** The body of a declaration, shared by DeclarationLodged and DeclarationAmended. */
function declarationBody<Op extends z.ZodRawShape>(operation: Op) {
  return {
    TransitOperation: z.object({
      LRN: t.Lrn,
      MRN: t.Mrn,
      declarationType: z.enum(['T', 'T1', 'T2', 'T2F', 'TIR']),
      additionalDeclarationType: z.enum(['A', 'D']),
      security: z.enum(['0', '1', '2', '3']),
      bindingItinerary: t.Flag,
      limitDate: t.DateOnly.optional(),
      ...operation,
    }),
    CustomsOfficeOfDeparture: c.CustomsOffice,
    CustomsOfficeOfDestinationDeclared: c.CustomsOffice,
    CustomsOfficeOfTransitDeclared: z.array(c.CustomsOfficeOfTransit).max(9).optional(),
    CustomsOfficeOfExitForTransitDeclared: z.array(c.CustomsOfficeOfExit).max(9).optional(),
    HolderOfTheTransitProcedure: c.Trader,
    Representative: z.object({ identificationNumber: t.Identifier, status: z.enum(['2', '3']) }).optional(),
    Guarantee: z.array(c.Guarantee).min(1).max(9),
    Consignment,
  }
}

type DeclarationShape = ReturnType<typeof declarationBody<Record<never, never>>>
type Declaration = z.output<z.ZodObject<DeclarationShape>>

/** The rules of a declaration (lodged or amended), by code; the code of each is stable. */
export const DECLARATION_RULES = {
  mrn: {
    code: 'TR-R001',
    text: 'The header documentId is the MRN; the MRN is allocated by the node of the office of departure when it records the declaration.',
  },
  mrnCountry: { code: 'TR-R002', text: 'The MRN country is the country of the office of departure.' },
  routeStart: {
    code: 'TR-R003',
    text: 'The itinerary (CountryOfRoutingOfConsignment) starts in the country of the office of departure.',
  },
  routeEnd: { code: 'TR-R004', text: 'The itinerary ends in the country of the office of destination.' },
  transitOnRoute: { code: 'TR-R005', text: 'Every office of transit lies in a country of the itinerary.' },
  sequence: { code: 'TR-R006', text: 'Sequence numbers of repeated groups run 1, 2, 3, ... in document order.' },
  itemNumber: { code: 'TR-R007', text: 'goodsItemNumber runs 1, 2, 3, ... in document order.' },
  seals: { code: 'TR-R008', text: 'numberOfSeals equals the number of Seal elements.' },
  netMass: { code: 'TR-R009', text: 'The net mass of an item never exceeds its gross mass.' },
  units: { code: 'TR-R010', text: 'supplementaryUnits and supplementaryUnitsCode are given together or not at all.' },
  grossMass: { code: 'TR-R011', text: "The consignment gross mass is at least the sum of the items' gross mass." },
  codes: {
    code: 'TR-R012',
    text: 'Codes are checked against the code lists: ISO 3166-1, ISO 4217, HS 2022, UN/ECE Rec 19 and Rec 20, and the federation list of customs offices.',
  },
  beforeAcceptance: {
    code: 'TR-R013',
    text: 'Only before acceptance of the declaration; the MRN and LRN do not change.',
  },
} as const
const R = DECLARATION_RULES

/** Sequence numbers of a repeated group are 1, 2, 3, ... in document order. */
function consecutive(items: readonly { sequenceNumber: string }[] | undefined, path: string): RuleViolation[] {
  return (items ?? []).flatMap((item, i) =>
    item.sequenceNumber === String(i + 1)
      ? []
      : [
          {
            rule: R.sequence.code,
            path: `${path}[${i + 1}]/sequenceNumber`,
            value: item.sequenceNumber,
            reason: `expected ${i + 1}: sequence numbers run 1, 2, 3, ...`,
          },
        ],
  )
}

function checkItems(items: Declaration['Consignment']['ConsignmentItem']): RuleViolation[] {
  const out: RuleViolation[] = []
  items.forEach((item, i) => {
    const p = `Consignment/ConsignmentItem[${i + 1}]`
    if (item.goodsItemNumber !== String(i + 1))
      out.push({
        rule: R.itemNumber.code,
        path: `${p}/goodsItemNumber`,
        value: item.goodsItemNumber,
        reason: `expected ${i + 1}`,
      })
    const gm = item.Commodity.GoodsMeasure
    if (gm.netMass !== undefined && Number(gm.netMass) > Number(gm.grossMass)) {
      out.push({
        rule: R.netMass.code,
        path: `${p}/Commodity/GoodsMeasure/netMass`,
        value: gm.netMass,
        reason: 'net mass exceeds gross mass',
      })
    }
    if ((gm.supplementaryUnits === undefined) !== (gm.supplementaryUnitsCode === undefined)) {
      out.push({
        rule: R.units.code,
        path: `${p}/Commodity/GoodsMeasure`,
        reason: 'supplementaryUnits and supplementaryUnitsCode go together',
      })
    }
  })
  return out
}

function checkRoute(m: Declaration): RuleViolation[] {
  const out: RuleViolation[] = []
  const route = m.Consignment.CountryOfRoutingOfConsignment.map((r) => r.country)
  if (route[0] !== m.CustomsOfficeOfDeparture.referenceNumber.slice(0, 2))
    out.push({
      rule: R.routeStart.code,
      path: 'Consignment/CountryOfRoutingOfConsignment[1]/country',
      value: route[0],
      reason: 'the itinerary starts in the country of the office of departure',
    })
  if (route[route.length - 1] !== m.CustomsOfficeOfDestinationDeclared.referenceNumber.slice(0, 2))
    out.push({
      rule: R.routeEnd.code,
      path: 'Consignment/CountryOfRoutingOfConsignment',
      value: route[route.length - 1],
      reason: 'the itinerary ends in the country of the office of destination',
    })
  m.CustomsOfficeOfTransitDeclared?.forEach((o, i) => {
    if (!route.includes(o.referenceNumber.slice(0, 2)))
      out.push({
        rule: R.transitOnRoute.code,
        path: `CustomsOfficeOfTransitDeclared[${i + 1}]/referenceNumber`,
        value: o.referenceNumber,
        reason: 'the office of transit is in a country not on the itinerary',
      })
  })
  return out
}

function checkDeclaration(m: Declaration): RuleViolation[] {
  const out: RuleViolation[] = []
  const cons = m.Consignment
  out.push(...consecutive(m.CustomsOfficeOfTransitDeclared, 'CustomsOfficeOfTransitDeclared'))
  out.push(...consecutive(m.Guarantee, 'Guarantee'))
  out.push(...consecutive(cons.CountryOfRoutingOfConsignment, 'Consignment/CountryOfRoutingOfConsignment'))
  out.push(...consecutive(cons.DepartureTransportMeans, 'Consignment/DepartureTransportMeans'))
  out.push(...consecutive(cons.TransportEquipment, 'Consignment/TransportEquipment'))
  out.push(...checkItems(cons.ConsignmentItem))
  cons.TransportEquipment?.forEach((eq, i) => {
    const seals = eq.Seal?.length ?? 0
    if (eq.numberOfSeals !== String(seals))
      out.push({
        rule: R.seals.code,
        path: `Consignment/TransportEquipment[${i + 1}]/numberOfSeals`,
        value: eq.numberOfSeals,
        reason: `${seals} Seal elements follow`,
      })
  })
  const itemsMass = cons.ConsignmentItem.reduce((sum, item) => sum + Number(item.Commodity.GoodsMeasure.grossMass), 0)
  if (itemsMass > Number(cons.grossMass) + 1e-6)
    out.push({
      rule: R.grossMass.code,
      path: 'Consignment/grossMass',
      value: cons.grossMass,
      reason: `less than the sum of the items' gross mass (${itemsMass})`,
    })
  out.push(...checkRoute(m))
  if (m.TransitOperation.MRN.slice(2, 4) !== m.CustomsOfficeOfDeparture.referenceNumber.slice(0, 2))
    out.push({
      rule: R.mrnCountry.code,
      path: 'TransitOperation/MRN',
      value: m.TransitOperation.MRN,
      reason: 'the MRN country is the country of the office of departure',
    })
  return out
}

/** The rules both a lodged and an amended declaration keep. */
const DECLARATION_DATA_RULES = [
  R.mrnCountry,
  R.routeStart,
  R.routeEnd,
  R.transitOnRoute,
  R.sequence,
  R.itemNumber,
  R.seals,
  R.netMass,
  R.units,
  R.grossMass,
  R.codes,
]

export const DeclarationLodged = defineMessage({
  type: 'DeclarationLodged',
  title: 'Declaration lodged',
  purpose:
    'Records a transit declaration lodged by the holder of the transit procedure (or the national system on its behalf) at the office of departure. It is the first entry of the transit document.',
  sender: 'office of departure (its node, for the declarant)',
  receivers: ['offices of transit', 'office of destination', 'guarantee country'],
  ncts: 'CC015C (IE015 declaration data)',
  body: declarationBody({ declarationDateAndTime: t.DateTime }),
  rules: [R.mrn, ...DECLARATION_DATA_RULES],
  check: checkDeclaration,
})

export const DeclarationAmended = defineMessage({
  type: 'DeclarationAmended',
  title: 'Declaration amended',
  purpose:
    'Replaces the declaration data with an amended version before acceptance of the declaration. It carries the whole declaration, as NCTS IE013 does, so that every node can read the current data from one entry.',
  sender: 'office of departure',
  receivers: ['offices of transit', 'office of destination', 'guarantee country'],
  ncts: 'CC013C (IE013 declaration amendment)',
  body: declarationBody({ amendmentDateAndTime: t.DateTime, amendmentReason: c.MultiLangText.optional() }),
  rules: [R.beforeAcceptance, ...DECLARATION_DATA_RULES],
  check: checkDeclaration,
})

export const DeclarationAccepted = defineMessage({
  type: 'DeclarationAccepted',
  title: 'Declaration accepted (MRN allocated)',
  purpose: 'The office of departure accepts the declaration and confirms the MRN allocated to it.',
  sender: 'office of departure',
  receivers: ['holder of the transit procedure (through the national system)', 'route offices'],
  ncts: 'CC028C (IE028 MRN allocated)',
  body: {
    TransitOperation: z.object({ LRN: t.Lrn, MRN: t.Mrn, declarationAcceptanceDate: t.DateOnly }),
    CustomsOfficeOfDeparture: c.CustomsOffice,
    HolderOfTheTransitProcedure: z.object({ identificationNumber: t.Identifier.optional(), name: t.Name }),
  },
  rules: [
    { code: 'TR-R014', text: 'Refers to the DeclarationLodged entry of the same MRN (authorityEntry).' },
    { code: 'TR-R015', text: 'Written only by the node of the country of the office of departure.' },
  ],
})

export const DeclarationRejected = defineMessage({
  type: 'DeclarationRejected',
  title: 'Declaration rejected',
  purpose: 'The office of departure refuses a lodged or amended declaration, with the errors found. No transit starts.',
  sender: 'office of departure',
  receivers: ['holder of the transit procedure (through the national system)'],
  ncts: 'CC016C / CC056C (IE016 declaration rejected, IE056 rejection from office of departure)',
  body: {
    TransitOperation: z.object({
      LRN: t.Lrn,
      MRN: t.Mrn,
      rejectionDateAndTime: t.DateTime,
      rejectionCode: z.string().regex(/^[0-9]{2}$/),
      rejectionReason: c.MultiLangText.optional(),
    }),
    CustomsOfficeOfDeparture: c.CustomsOffice,
    FunctionalError: z.array(c.FunctionalError).max(999).optional(),
  },
  rules: [
    {
      code: 'TR-R016',
      text: 'rejectionCode follows NCTS CL226 (12 declaration rejected, 13 amendment rejected, ...).',
    },
    {
      code: 'TR-R017',
      text: 'A rejected declaration stays in the log for audit; no later transit entry is effective.',
    },
  ],
})
