/** The message types of the catalogue, in lifecycle order. Each is also the root element name. */
export const MESSAGE_TYPE_NAMES = [
  'DeclarationLodged',
  'DeclarationAccepted',
  'DeclarationRejected',
  'DeclarationAmended',
  'InvalidationRequested',
  'InvalidationDecided',
  'ReleasedForTransit',
  'BorderPassageRecorded',
  'IncidentRecorded',
  'DiversionRequested',
  'ArrivalNotified',
  'ArrivalAdvised',
  'ControlResultsRecorded',
  'WrittenOff',
  'DisputeResolved',
  'GuaranteeRegistered',
  'GuaranteeReserved',
  'GuaranteeReleased',
  'GuaranteeBalanceQuery',
  'GuaranteeBalanceResponse',
  'FunctionalRejection',
  'DeliveryReceipt',
] as const

export type MessageTypeName = (typeof MESSAGE_TYPE_NAMES)[number]
