/**
 * The messages of a transit after the declaration: invalidation, release for transit (with the
 * anticipated arrival record and transit advices), border passage, incident, diversion,
 * arrival, control results and write-off.
 */
import { z } from 'zod'
import * as t from '../../messages/types/simple.ts'
import * as c from '../../messages/types/complex.ts'
import { defineMessage } from '../../messages/catalogue/definition.ts'

const TransitRef = z.object({ MRN: t.Mrn })

export const InvalidationRequested = defineMessage({
  type: 'InvalidationRequested',
  title: 'Invalidation requested',
  purpose:
    'The holder of the transit procedure (or customs) asks the office of departure to invalidate a declaration that has not been released, or whose goods never left.',
  sender: 'office of departure (for the holder, or on its own initiative)',
  receivers: ['route offices'],
  ncts: 'CC014C (IE014 declaration invalidation request)',
  body: {
    TransitOperation: TransitRef,
    Invalidation: z.object({
      requestDateAndTime: t.DateTime,
      initiatedByCustoms: t.Flag,
      justification: c.MultiLangText,
    }),
    CustomsOfficeOfDeparture: c.CustomsOffice,
  },
  rules: [{ code: 'TR-R021', text: 'Written only by the node of the country of departure.' }],
})

export const InvalidationDecided = defineMessage({
  type: 'InvalidationDecided',
  title: 'Invalidation decided',
  purpose:
    'The office of departure grants or refuses the invalidation. A granted invalidation ends the transit and releases the guarantee reservation.',
  sender: 'office of departure',
  receivers: ['route offices', 'guarantee country'],
  ncts: 'CC009C (IE009 invalidation decision)',
  body: {
    TransitOperation: TransitRef,
    Invalidation: z.object({
      decisionDateAndTime: t.DateTime,
      decision: t.Flag,
      initiatedByCustoms: t.Flag,
      justification: c.MultiLangText.optional(),
    }),
    CustomsOfficeOfDeparture: c.CustomsOffice,
  },
  rules: [
    { code: 'TR-R022', text: 'decision 1 grants, 0 refuses.' },
    {
      code: 'TR-R023',
      text: 'An invalidation granted concurrently with an arrival record opens a dispute (docs/protocol/log.md).',
    },
  ],
})

export const ReleasedForTransit = defineMessage({
  type: 'ReleasedForTransit',
  title: 'Released for transit',
  purpose:
    'The office of departure releases the goods for transit. The entry carries the anticipated arrival record for the office of destination and a transit advice for each office of transit, so that every route country is told at once.',
  sender: 'office of departure',
  receivers: [
    'offices of transit',
    'office of destination',
    'guarantee country',
    'holder (transit accompanying document)',
  ],
  ncts: 'CC029C (IE029 release for transit), CD001C (anticipated arrival record), CD050C (anticipated transit record / transit advice)',
  body: {
    TransitOperation: z.object({ MRN: t.Mrn, releaseDateAndTime: t.DateTime, limitDate: t.DateOnly }),
    CustomsOfficeOfDeparture: c.CustomsOffice,
    ControlResult: z.object({
      code: z.enum(['A1', 'A2', 'A3', 'A4', 'B1']),
      date: t.DateOnly,
      remarks: c.MultiLangText.optional(),
    }),
    AnticipatedArrivalRecord: z.object({
      CustomsOfficeOfDestinationDeclared: c.CustomsOffice,
      totalGrossMass: t.Mass,
      totalNumberOfPackages: t.Count,
      Seal: z.array(c.Seal).max(99).optional(),
    }),
    TransitAdvice: z
      .array(
        z.object({
          sequenceNumber: t.SequenceNumber,
          CustomsOfficeOfTransitDeclared: c.CustomsOffice,
          arrivalDateAndTimeEstimated: t.DateTime.optional(),
        }),
      )
      .max(9)
      .optional(),
  },
  rules: [
    { code: 'TR-R024', text: 'Only after acceptance, and not after invalidation.' },
    { code: 'TR-R025', text: 'limitDate is the date by which the goods must be presented at destination.' },
    { code: 'TR-R026', text: 'One TransitAdvice per declared office of transit, in route order.' },
  ],
  check: (m) =>
    (m.TransitAdvice ?? []).flatMap((a, i) =>
      a.sequenceNumber === String(i + 1)
        ? []
        : [
            {
              rule: 'TR-R026',
              path: `TransitAdvice[${i + 1}]/sequenceNumber`,
              value: a.sequenceNumber,
              reason: `expected ${i + 1}`,
            },
          ],
    ),
})

export const BorderPassageRecorded = defineMessage({
  type: 'BorderPassageRecorded',
  title: 'Border passage recorded',
  purpose: 'An office of transit records that the goods passed it (notification of crossing frontier).',
  sender: 'office of transit (actual)',
  receivers: ['office of departure', 'other route offices'],
  ncts: 'CD118C (notification crossing frontier); CD002C/CD114C in the NCTS domain',
  body: {
    TransitOperation: TransitRef,
    CustomsOfficeOfTransitActual: c.CustomsOffice,
    passageDateAndTime: t.DateTime,
    sealsIntact: t.Flag,
    BorderTransportMeans: c.TransportMeans.optional(),
  },
  rules: [
    {
      code: 'TR-R027',
      text: 'Only an office of a country on the itinerary (or added by a diversion) that has the transit role.',
    },
  ],
})

export const IncidentRecorded = defineMessage({
  type: 'IncidentRecorded',
  title: 'Incident recorded',
  purpose:
    'A route office records an incident en route: seals broken, goods transhipped, an accident, imminent danger, or a change of means of transport.',
  sender: 'any office of a route country',
  receivers: ['office of departure', 'office of destination', 'other route offices'],
  ncts: 'CD180C / CD181C (incident notification), Incident data group of CC007C',
  body: {
    TransitOperation: TransitRef,
    CustomsOfficeOfIncidentRegistration: c.CustomsOffice,
    Incident: z.object({
      sequenceNumber: t.SequenceNumber,
      code: z.string().regex(/^[1-8]$/),
      text: c.MultiLangText,
      registrationDateAndTime: t.DateTime,
      Location: c.Location,
      Transhipment: z.object({ containerIndicator: t.Flag, TransportMeans: c.TransportMeans }).optional(),
    }),
  },
  rules: [
    {
      code: 'TR-R028',
      text: 'Incident codes follow NCTS CL254 (1 deviation from itinerary, 2 seals broken, 3 transhipment, 4 partial unloading, 5 accident, 6 vehicle replaced, 7 imminent danger, 8 other).',
    },
  ],
})

export const DiversionRequested = defineMessage({
  type: 'DiversionRequested',
  title: 'Diversion requested',
  purpose:
    'Goods are presented at an office that is not on the declared route. That office asks for the record; once the entry is accepted its country joins the route and receives the document.',
  sender: 'the actual office (not on the declared route)',
  receivers: ['office of departure', 'route offices'],
  ncts: 'CD142C / CD144C (request on non-arrived / diversion), CD145C',
  body: {
    TransitOperation: TransitRef,
    CustomsOfficeActual: c.CustomsOffice,
    role: z.enum(['transit', 'destination']),
    requestDateAndTime: t.DateTime,
    reason: c.MultiLangText.optional(),
  },
  rules: [
    {
      code: 'TR-R029',
      text: 'The office must not already be on the route; its country is added to the route from this entry on.',
    },
  ],
})

export const ArrivalNotified = defineMessage({
  type: 'ArrivalNotified',
  title: 'Arrival notified',
  purpose: 'The trader at destination notifies the arrival of the goods at the actual office of destination.',
  sender: 'office of destination (for the trader at destination)',
  receivers: ['office of departure'],
  ncts: 'CC007C (IE007 arrival notification)',
  body: {
    TransitOperation: z.object({
      MRN: t.Mrn,
      arrivalNotificationDateAndTime: t.DateTime,
      simplifiedProcedure: t.Flag,
      incidentFlag: t.Flag,
    }),
    CustomsOfficeOfDestinationActual: c.CustomsOffice,
    TraderAtDestination: z.object({ identificationNumber: t.Identifier }),
    LocationOfGoods: c.Location,
  },
  rules: [{ code: 'TR-R030', text: 'Written only by the node of the country of the actual office of destination.' }],
})

export const ArrivalAdvised = defineMessage({
  type: 'ArrivalAdvised',
  title: 'Arrival advised',
  purpose: 'The office of destination tells the office of departure that the goods arrived (arrival advice).',
  sender: 'office of destination (actual)',
  receivers: ['office of departure', 'guarantee country'],
  ncts: 'CD006C (arrival advice)',
  body: {
    TransitOperation: z.object({ MRN: t.Mrn, arrivalDateAndTime: t.DateTime, incidentFlag: t.Flag }),
    CustomsOfficeOfDestinationActual: c.CustomsOffice,
  },
  rules: [{ code: 'TR-R031', text: 'Only the actual office of destination; refers to the ReleasedForTransit entry.' }],
})

export const ControlResultsRecorded = defineMessage({
  type: 'ControlResultsRecorded',
  title: 'Control results recorded',
  purpose:
    'The office of destination records the result of its control of the goods; without discrepancies this allows discharge.',
  sender: 'office of destination (actual)',
  receivers: ['office of departure', 'guarantee country'],
  ncts: 'CD018C (destination control results), CC025C (goods release notification)',
  body: {
    TransitOperation: TransitRef,
    CustomsOfficeOfDestinationActual: c.CustomsOffice,
    ControlResult: z.object({
      code: z.enum(['A1', 'A2', 'A3', 'A4', 'B1']),
      date: t.DateOnly,
      controlledBy: t.Name.optional(),
      remarks: c.MultiLangText.optional(),
    }),
    Discrepancy: z
      .array(z.object({ sequenceNumber: t.SequenceNumber, pointer: t.FreeText, description: c.MultiLangText }))
      .max(99)
      .optional(),
  },
  rules: [
    {
      code: 'TR-R032',
      text: 'Control result codes follow NCTS CL047: A1 satisfactory, A2 considered satisfactory, A3 not controlled, A4 minor discrepancies, B1 not satisfactory (discrepancies listed).',
    },
  ],
  check: (m) =>
    m.ControlResult.code === 'B1' && (m.Discrepancy?.length ?? 0) === 0
      ? [{ rule: 'TR-R032', path: 'Discrepancy', reason: 'result B1 lists at least one discrepancy' }]
      : [],
})

export const WrittenOff = defineMessage({
  type: 'WrittenOff',
  title: 'Written off (discharged)',
  purpose:
    'The office of departure discharges the transit after arrival and satisfactory control; the guarantee reservation can then be released.',
  sender: 'office of departure',
  receivers: ['route offices', 'guarantee country', 'holder'],
  ncts: 'CC045C (IE045 write-off notification)',
  body: {
    TransitOperation: z.object({ MRN: t.Mrn, writeOffDate: t.DateOnly }),
    CustomsOfficeOfDeparture: c.CustomsOffice,
  },
  rules: [{ code: 'TR-R033', text: 'Only after arrival and control results, and never while a dispute is open.' }],
})

export const DisputeResolved = defineMessage({
  type: 'DisputeResolved',
  title: 'Dispute resolved',
  purpose:
    'The office of departure resolves a dispute between concurrent entries that both matter (an invalidation granted while the goods were recorded as arrived), so that write-off or guarantee release can proceed.',
  sender: 'office of departure',
  receivers: ['route offices', 'guarantee country'],
  ncts: 'none (CAREC); the nearest is the NCTS enquiry procedure (IE140–IE144)',
  body: {
    TransitOperation: TransitRef,
    CustomsOfficeOfDeparture: c.CustomsOffice,
    Resolution: z.object({
      outcome: z.enum(['arrival-stands', 'invalidation-stands']),
      resolvedAt: t.DateTime,
      justification: c.MultiLangText,
    }),
  },
  rules: [
    { code: 'TR-R034', text: 'Refers (authorityEntry) to the two conflicting entries.' },
    { code: 'TR-R035', text: 'Only while a dispute is open; it closes every open dispute of the transit.' },
  ],
})
