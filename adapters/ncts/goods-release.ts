/** CC025C (IE025 goods release notification) from our control results at destination. */
import { envelope, finish } from './envelope.ts'
import type { Body } from './mapping.ts'
import type { MapResult, NctsEnvelope } from './envelope.ts'
import { Builder, serializeNcts } from './xml.ts'

/**
 * CC025C from our control results at destination: release indicator 1 (released) for the A
 * codes of CL047, 0 for B1 (not satisfactory, discrepancies listed). The trader at destination
 * comes from the arrival notification.
 */
export function toCC025C(
  control: Body<'ControlResultsRecorded'>,
  arrival: Body<'ArrivalNotified'>,
  env: NctsEnvelope,
): MapResult<string> {
  const b = new Builder()
  const xml = serializeNcts('CC025C', [
    ...envelope(b, 'CC025C', env),
    b.el(
      'TransitOperation',
      b.leaf('MRN', control.TransitOperation.MRN, ''),
      b.leaf('releaseDate', control.ControlResult.date, ''),
      b.leaf('releaseIndicator', control.ControlResult.code === 'B1' ? '0' : '1', ''),
    ),
    b.el(
      'CustomsOfficeOfDestinationActual',
      b.leaf('referenceNumber', control.CustomsOfficeOfDestinationActual.referenceNumber, ''),
    ),
    b.el(
      'TraderAtDestination',
      b.leaf('identificationNumber', arrival.TraderAtDestination.identificationNumber, '/TraderAtDestination', {
        max: 17,
      }),
    ),
  ])
  return finish('CC025C', b, xml)
}
