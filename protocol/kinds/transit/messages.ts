/** The transit's message types, in lifecycle order (each is also its root element name). */
import { DeclarationAccepted, DeclarationAmended, DeclarationLodged, DeclarationRejected } from './declaration.ts'
import {
  ArrivalAdvised,
  ArrivalNotified,
  BorderPassageRecorded,
  ControlResultsRecorded,
  DiversionRequested,
  DisputeResolved,
  IncidentRecorded,
  InvalidationDecided,
  InvalidationRequested,
  ReleasedForTransit,
  WrittenOff,
} from './lifecycle.ts'
import { GuaranteeCoverageRecorded } from './coverage.ts'
import type { MessageOf } from '../../messages/catalogue/definition.ts'

export const TRANSIT_MESSAGES = {
  DeclarationLodged,
  DeclarationAccepted,
  DeclarationRejected,
  DeclarationAmended,
  GuaranteeCoverageRecorded,
  InvalidationRequested,
  InvalidationDecided,
  ReleasedForTransit,
  BorderPassageRecorded,
  IncidentRecorded,
  DiversionRequested,
  ArrivalNotified,
  ArrivalAdvised,
  ControlResultsRecorded,
  WrittenOff,
  DisputeResolved,
} as const

export type TransitMessageType = keyof typeof TRANSIT_MESSAGES
export type TransitMessage<T extends TransitMessageType> = MessageOf<(typeof TRANSIT_MESSAGES)[T]>
