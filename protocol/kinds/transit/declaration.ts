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

/** Sequence numbers of a repeated group are 1, 2, 3, ... in document order. */
function consecutive(items: readonly { sequenceNumber: string }[] | undefined, path: string): RuleViolation[] {
  return (items ?? []).flatMap((item, i) =>
    item.sequenceNumber === String(i + 1)
      ? []
      : [
          {
            path: `${path}[${i + 1}]/sequenceNumber`,
            value: item.sequenceNumber,
            reason: `expected ${i + 1}: sequence numbers run 1, 2, 3, ...`,
          },
        ],
  )
}

function checkDeclaration(m: Declaration): RuleViolation[] {
  const out: RuleViolation[] = []
  const cons = m.Consignment
  out.push(...consecutive(m.CustomsOfficeOfTransitDeclared, 'CustomsOfficeOfTransitDeclared'))
  out.push(...consecutive(m.Guarantee, 'Guarantee'))
  out.push(...consecutive(cons.CountryOfRoutingOfConsignment, 'Consignment/CountryOfRoutingOfConsignment'))
  out.push(...consecutive(cons.DepartureTransportMeans, 'Consignment/DepartureTransportMeans'))
  out.push(...consecutive(cons.TransportEquipment, 'Consignment/TransportEquipment'))
  cons.ConsignmentItem.forEach((item, i) => {
    const p = `Consignment/ConsignmentItem[${i + 1}]`
    if (item.goodsItemNumber !== String(i + 1))
      out.push({ path: `${p}/goodsItemNumber`, value: item.goodsItemNumber, reason: `expected ${i + 1}` })
    const gm = item.Commodity.GoodsMeasure
    if (gm.netMass !== undefined && Number(gm.netMass) > Number(gm.grossMass)) {
      out.push({
        path: `${p}/Commodity/GoodsMeasure/netMass`,
        value: gm.netMass,
        reason: 'net mass exceeds gross mass',
      })
    }
    if ((gm.supplementaryUnits === undefined) !== (gm.supplementaryUnitsCode === undefined)) {
      out.push({
        path: `${p}/Commodity/GoodsMeasure`,
        reason: 'supplementaryUnits and supplementaryUnitsCode go together',
      })
    }
  })
  cons.TransportEquipment?.forEach((eq, i) => {
    const seals = eq.Seal?.length ?? 0
    if (eq.numberOfSeals !== String(seals))
      out.push({
        path: `Consignment/TransportEquipment[${i + 1}]/numberOfSeals`,
        value: eq.numberOfSeals,
        reason: `${seals} Seal elements follow`,
      })
  })
  const itemsMass = cons.ConsignmentItem.reduce((sum, item) => sum + Number(item.Commodity.GoodsMeasure.grossMass), 0)
  if (itemsMass > Number(cons.grossMass) + 1e-6)
    out.push({
      path: 'Consignment/grossMass',
      value: cons.grossMass,
      reason: `less than the sum of the items' gross mass (${itemsMass})`,
    })
  const route = cons.CountryOfRoutingOfConsignment.map((r) => r.country)
  if (route[0] !== m.CustomsOfficeOfDeparture.referenceNumber.slice(0, 2))
    out.push({
      path: 'Consignment/CountryOfRoutingOfConsignment[1]/country',
      value: route[0],
      reason: 'the itinerary starts in the country of the office of departure',
    })
  if (route[route.length - 1] !== m.CustomsOfficeOfDestinationDeclared.referenceNumber.slice(0, 2))
    out.push({
      path: 'Consignment/CountryOfRoutingOfConsignment',
      value: route[route.length - 1],
      reason: 'the itinerary ends in the country of the office of destination',
    })
  m.CustomsOfficeOfTransitDeclared?.forEach((o, i) => {
    if (!route.includes(o.referenceNumber.slice(0, 2)))
      out.push({
        path: `CustomsOfficeOfTransitDeclared[${i + 1}]/referenceNumber`,
        value: o.referenceNumber,
        reason: 'the office of transit is in a country not on the itinerary',
      })
  })
  if (m.TransitOperation.MRN.slice(2, 4) !== m.CustomsOfficeOfDeparture.referenceNumber.slice(0, 2))
    out.push({
      path: 'TransitOperation/MRN',
      value: m.TransitOperation.MRN,
      reason: 'the MRN country is the country of the office of departure',
    })
  return out
}

const DECLARATION_RULES = [
  'The header documentId is the MRN; the MRN is allocated by the node of the office of departure when it records the declaration, and its country is the departure country.',
  'The itinerary (CountryOfRoutingOfConsignment) starts in the country of departure and ends in the country of destination; every office of transit lies in a country of the itinerary.',
  'Sequence numbers of repeated groups run 1, 2, 3, ... in document order; goodsItemNumber likewise.',
  'numberOfSeals equals the number of Seal elements; net mass never exceeds gross mass; the consignment gross mass is at least the sum of the items.',
  'Codes are checked against the code lists: ISO 3166-1, ISO 4217, HS 2022, UN/ECE Rec 19 and Rec 20, and the federation list of customs offices.',
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
  rules: DECLARATION_RULES,
  check: checkDeclaration,
})

export const DeclarationAmended = defineMessage({
  type: 'DeclarationAmended',
  title: 'Declaration amended',
  purpose:
    'Replaces the declaration data with an amended version before release for transit. It carries the whole declaration, as NCTS IE013 does, so that every node can read the current data from one entry.',
  sender: 'office of departure',
  receivers: ['offices of transit', 'office of destination', 'guarantee country'],
  ncts: 'CC013C (IE013 declaration amendment)',
  body: declarationBody({ amendmentDateAndTime: t.DateTime, amendmentReason: c.MultiLangText.optional() }),
  rules: ['Only before release for transit; the MRN and LRN do not change.', ...DECLARATION_RULES.slice(1)],
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
    'Refers to the DeclarationLodged entry of the same MRN (authorityEntry).',
    'Written only by the node of the country of the office of departure.',
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
    'rejectionCode follows NCTS CL226 (12 declaration rejected, 13 amendment rejected, ...).',
    'A rejected declaration stays in the log for audit; no later transit entry is effective.',
  ],
})
