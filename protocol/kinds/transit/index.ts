/**
 * The transit kind: the single transit document (documentId = MRN). Its machine is machine.ts;
 * this file says who holds a transit, how its concurrent entries are ordered and what each new
 * entry rests on. docs/kinds/transit.md describes it for people.
 */
import type { OfficeDirectory } from '../../log/effect.ts'
import { defineKind } from '../kind.ts'
import { latestCoverage, TransitMachine, transitStatus } from './machine.ts'
import type { TransitFacts } from './machine.ts'
import { TRANSIT_MESSAGES } from './messages.ts'
import type { TransitMessageType } from './messages.ts'

/** Semantic ranks (L8): what must be applied first when two entries are concurrent. */
const RANKS: Readonly<Record<TransitMessageType, number>> = {
  DeclarationLodged: 0,
  DeclarationAmended: 1,
  DeclarationAccepted: 2,
  DeclarationRejected: 3,
  GuaranteeCoverageRecorded: 4,
  ReleasedForTransit: 5,
  DiversionRequested: 6,
  BorderPassageRecorded: 7,
  IncidentRecorded: 8,
  ArrivalNotified: 9,
  ArrivalAdvised: 10,
  ControlResultsRecorded: 11,
  InvalidationRequested: 12,
  InvalidationDecided: 13,
  DisputeResolved: 14,
  WrittenOff: 15,
}

/**
 * Route scope: the departure country, every country of its itinerary, the countries of its
 * declared offices, the countries of its guarantees, and any country a diversion added.
 */
function audience(f: TransitFacts, offices: OfficeDirectory): string[] {
  const d = f.declaration
  if (d === undefined) return []
  const out = new Set<string>([d.departureCountry, ...d.route])
  for (const ref of [d.departure, d.destination, ...d.transitOffices]) {
    const o = offices.office(ref)
    if (o !== undefined) out.add(o.country)
  }
  for (const grn of d.guarantees) out.add(grn.slice(2, 4))
  for (const v of f.diversions) out.add(v.country)
  return [...out]
}

/** The entries an action rests on (authorityEntry): the facts its authority is judged on. */
function authority(type: string, f: TransitFacts): string[] {
  const ids = (...xs: (string | undefined)[]) => xs.filter((x): x is string => x !== undefined)
  const decl = f.declaration?.entry
  switch (type) {
    case 'ReleasedForTransit':
      return ids(decl, f.accepted, ...latestCoverage(f).map((c) => c.entry))
    case 'InvalidationDecided':
      return ids(decl, f.invalidationRequested)
    case 'BorderPassageRecorded':
    case 'IncidentRecorded':
    case 'DiversionRequested':
    case 'ArrivalNotified':
      return ids(decl, f.released, ...f.diversions.map((d) => d.entry))
    case 'ArrivalAdvised':
    case 'ControlResultsRecorded':
      return ids(decl, f.released, f.arrival?.entry)
    case 'WrittenOff':
      return ids(decl, f.arrival?.entry, f.control?.entry)
    case 'DisputeResolved':
      return ids(decl, ...f.disputes.filter((d) => d.open).flatMap((d) => [...d.entries]))
    default:
      return ids(decl)
  }
}

export const transitKind = defineKind({
  name: 'transit',
  title: 'Single transit document',
  messages: TRANSIT_MESSAGES,
  identifier: {
    name: 'MRN',
    field: 'TransitOperation/MRN',
    documentIdOf: (m) => (m.TransitOperation as { MRN?: string } | undefined)?.MRN,
  },
  ranks: RANKS,
  // A diversion through a country off the route brings that country in.
  joining: ['DiversionRequested'],
  machine: ({ offices, past }): TransitMachine => new TransitMachine(offices, past),
  status: transitStatus,
  audience,
  authority,
})

export type { TransitFacts, Dispute } from './machine.ts'
export { latestCoverage, transitStatus } from './machine.ts'
export type { TransitMessage, TransitMessageType } from './messages.ts'
export { TRANSIT_ACTIONS, ACTION_MESSAGE_TYPES } from './actions.ts'
export type { TransitAction } from './actions.ts'
