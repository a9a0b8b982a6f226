/**
 * CC025C (IE025 goods release notification) to and from our control results at destination.
 * The release indicator (NCTS code list: 1 full release, 2 partial release, 3 partial release
 * closed, 4 no release) is all CC025C says of the control: a full release reads as A1.
 */
import { envelope, finish } from './envelope.ts'
import { protocolChecked, readNctsRoot } from './read.ts'
import type { Body } from './mapping.ts'
import type { MapResult, NctsEnvelope } from './envelope.ts'
import { Builder, serializeNcts } from './xml.ts'
import type { XNode } from './xml.ts'

/**
 * CC025C from our control results at destination: release indicator 1 (full release) for the A
 * codes of CL047, 4 (no release) for B1 (not satisfactory, discrepancies listed). The trader at
 * destination comes from the arrival notification.
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
      b.leaf('releaseIndicator', control.ControlResult.code === 'B1' ? '4' : '1', ''),
    ),
    ...atDestination(b, control, arrival),
  ])
  return finish('CC025C', b, xml)
}

/** The actual office of destination (from the control) and the trader there (from the arrival): CC025C and CC044C. */
export function atDestination(
  b: Builder,
  control: Body<'ControlResultsRecorded'>,
  arrival: Body<'ArrivalNotified'>,
): XNode[] {
  return [
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
  ]
}

/** Why a release indicator other than 1 is refused: what our control result would have to invent. */
const NOT_MAPPED: Readonly<Record<string, readonly [string, string]>> = {
  '2': ['NCTS_PARTIAL_RELEASE', 'a partial release has no control result of its own in the federation (CL047)'],
  '3': ['NCTS_PARTIAL_RELEASE', 'a partial release has no control result of its own in the federation (CL047)'],
  '4': [
    'NCTS_RELEASE_WITHOUT_DISCREPANCIES',
    'no release means result B1, which lists its discrepancies; CC025C carries none',
  ],
}

/** A partner's CC025C as the body of our `control` action: a full release, on the release date. */
export function fromCC025C(xml: Uint8Array | string): MapResult<Body<'ControlResultsRecorded'>> {
  const read = readNctsRoot(xml, 'CC025C', [
    'TransitOperation',
    'CustomsOfficeOfDestinationActual',
    'TraderAtDestination',
  ])
  if (!read.ok) return read
  const { root: r, sink } = read
  const op = r.need('TransitOperation')
  const indicator = op?.needText('releaseIndicator') ?? ''
  if (op !== undefined && indicator !== '1') {
    const [code, why] = NOT_MAPPED[indicator] ?? [
      'NCTS_RELEASE_INDICATOR_UNKNOWN',
      'not a release indicator (1 full, 2 partial, 3 partial closed, 4 no release)',
    ]
    op.error('releaseIndicator', code, `release indicator ${indicator}: ${why}`, indicator)
  }
  const body: Body<'ControlResultsRecorded'> = {
    TransitOperation: { MRN: op?.needText('MRN') ?? '' },
    CustomsOfficeOfDestinationActual: {
      referenceNumber: r.need('CustomsOfficeOfDestinationActual')?.needText('referenceNumber') ?? '',
    },
    ControlResult: { code: 'A1', date: op?.needText('releaseDate') ?? '' },
  }
  return protocolChecked('ControlResultsRecorded', body, sink, (p) =>
    `/CC025C${p}`.replace('/ControlResult/date', '/TransitOperation/releaseDate'),
  )
}
