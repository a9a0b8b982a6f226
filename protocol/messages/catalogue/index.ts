/** The message catalogue: every message type with its body schema and documentation. */
import type { MessageDefinition } from './definition.ts'
import type { MessageTypeName } from './names.ts'
import { DeclarationAccepted, DeclarationAmended, DeclarationLodged, DeclarationRejected } from './declaration.ts'
import { ArrivalAdvised, ArrivalNotified, BorderPassageRecorded, ControlResultsRecorded, DiversionRequested, IncidentRecorded, InvalidationDecided, InvalidationRequested, ReleasedForTransit, WrittenOff, DisputeResolved } from './lifecycle.ts'
import { GuaranteeBalanceQuery, GuaranteeBalanceResponse, GuaranteeRegistered, GuaranteeReleased, GuaranteeReserved } from './guarantee.ts'
import { DeliveryReceipt, FunctionalRejection } from './rejection.ts'

export const CATALOGUE = {
  DeclarationLodged, DeclarationAccepted, DeclarationRejected, DeclarationAmended,
  InvalidationRequested, InvalidationDecided, ReleasedForTransit, BorderPassageRecorded,
  IncidentRecorded, DiversionRequested, ArrivalNotified, ArrivalAdvised, ControlResultsRecorded,
  WrittenOff, DisputeResolved, GuaranteeRegistered, GuaranteeReserved, GuaranteeReleased, GuaranteeBalanceQuery,
  GuaranteeBalanceResponse, FunctionalRejection, DeliveryReceipt,
} as const satisfies Record<MessageTypeName, MessageDefinition>

export type Catalogue = typeof CATALOGUE
export { MESSAGE_TYPE_NAMES } from './names.ts'
export type { MessageTypeName } from './names.ts'
export type { MessageDefinition, RuleViolation } from './definition.ts'
export { FUNCTIONAL_ERROR_CODES } from './rejection.ts'
export type { FunctionalErrorCode } from './rejection.ts'
