/** CC029C (IE029 release for transit) from our declaration, acceptance and release. */
import { consignment, declarationHead, pickText } from './declaration.ts'
import type { DeclarationBody } from './declaration.ts'
import { envelope, finish } from './envelope.ts'
import type { Body } from './mapping.ts'
import type { MapResult, NctsEnvelope } from './envelope.ts'
import { Builder, serializeNcts } from './xml.ts'

/** CC029C: the declaration as released, with acceptance and release dates and the control result. */
export function toCC029C(
  d: DeclarationBody,
  accepted: Body<'DeclarationAccepted'>,
  released: Body<'ReleasedForTransit'>,
  env: NctsEnvelope,
  opts: { language?: string } = {},
): MapResult<string> {
  const b = new Builder()
  const op = d.TransitOperation
  const head = declarationHead(b, d)
  const cr = released.ControlResult
  const xml = serializeNcts('CC029C', [
    ...envelope(b, 'CC029C', env),
    b.el(
      'TransitOperation',
      b.leaf('LRN', op.LRN, ''),
      b.leaf('MRN', released.TransitOperation.MRN, ''),
      b.leaf('declarationType', op.declarationType, ''),
      b.leaf('additionalDeclarationType', op.additionalDeclarationType, ''),
      b.leaf('declarationAcceptanceDate', accepted.TransitOperation.declarationAcceptanceDate, ''),
      b.leaf('releaseDate', released.TransitOperation.releaseDateAndTime.slice(0, 10), ''),
      b.leaf('security', op.security, ''),
      b.leaf('reducedDatasetIndicator', '0', ''),
      b.leaf('bindingItinerary', op.bindingItinerary, ''),
    ),
    ...head.offices,
    head.holder,
    head.representative,
    // NCTS names who controlled; our release records the office, which is who answers for it.
    b.el(
      'ControlResult',
      b.leaf('code', cr.code, '/ControlResult'),
      b.leaf('date', cr.date, ''),
      b.leaf('controlledBy', released.CustomsOfficeOfDeparture.referenceNumber, ''),
      b.leaf('text', cr.remarks === undefined ? undefined : pickText(cr.remarks, opts.language), '/ControlResult'),
    ),
    ...head.guarantees,
    consignment(b, d, { ...opts, placeOfLoadingRequired: true, supplementaryUnits: false }),
  ])
  return finish('CC029C', b, xml)
}
