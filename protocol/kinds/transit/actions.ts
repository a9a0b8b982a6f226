/**
 * The transit actions of the internal platform (POST /v1/transits/:id/actions/:action) and the
 * message type each one writes: one vocabulary for the node, its API, the CLI and the adapters.
 */
import type { TransitMessageType } from './messages.ts'

export const TRANSIT_ACTIONS = [
  'accept',
  'reject',
  'amend',
  'release',
  'passage',
  'incident',
  'diversion',
  'arrival',
  'arrival-advice',
  'control',
  'write-off',
  'invalidation-request',
  'invalidation-decision',
  'resolve-dispute',
] as const
export type TransitAction = (typeof TRANSIT_ACTIONS)[number]

export const ACTION_MESSAGE_TYPES = {
  accept: 'DeclarationAccepted',
  reject: 'DeclarationRejected',
  amend: 'DeclarationAmended',
  release: 'ReleasedForTransit',
  passage: 'BorderPassageRecorded',
  incident: 'IncidentRecorded',
  diversion: 'DiversionRequested',
  arrival: 'ArrivalNotified',
  'arrival-advice': 'ArrivalAdvised',
  control: 'ControlResultsRecorded',
  'write-off': 'WrittenOff',
  'invalidation-request': 'InvalidationRequested',
  'invalidation-decision': 'InvalidationDecided',
  'resolve-dispute': 'DisputeResolved',
} as const satisfies Record<TransitAction, TransitMessageType>
