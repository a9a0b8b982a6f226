/** CC029C (IE029 release for transit) from our declaration, acceptance and release, and back to a release. */
import { consignment, declarationHead, pickText } from './declaration.ts'
import type { DeclarationBody } from './declaration.ts'
import { envelope, finish } from './envelope.ts'
import type { Body } from './mapping.ts'
import type { MapResult, NctsEnvelope } from './envelope.ts'
import { protocolChecked, opt, readNctsRoot, seq } from './read.ts'
import type { ImportOptions } from './read.ts'
import { Builder, fromNctsDateTime, serializeNcts } from './xml.ts'

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

/**
 * A national system's CC029C as the body of our `release` action: the release, the control
 * result, and the anticipated arrival record and transit advices the message's own data give
 * (destination, gross mass, packages, seals, offices of transit). CC029C has no limit date; it
 * comes from the declaration in the log (`declarationOf`), else the release is refused naming it.
 */
export async function fromCC029C(
  xml: Uint8Array | string,
  opts: ImportOptions = {},
): Promise<MapResult<Body<'ReleasedForTransit'>>> {
  const read = readNctsRoot(xml, 'CC029C')
  if (!read.ok) return read
  const { root: r, sink } = read
  const op = r.need('TransitOperation')
  const mrn = op?.needText('MRN') ?? ''
  const releaseDate = op?.needText('releaseDate') ?? ''
  const prepared = fromNctsDateTime(r.needText('preparationDateAndTime'))
  const limitDate = mrn === '' ? undefined : (await opts.declarationOf?.(mrn))?.TransitOperation.limitDate
  if (op !== undefined && mrn !== '' && limitDate === undefined)
    op.error(
      'limitDate',
      'NCTS_MISSING_VALUE',
      'the release carries the limit date for presentation at destination; CC029C has none and the declaration in the log gives none',
    )
  const cr = r.one('ControlResult')
  if (cr === undefined)
    r.error('ControlResult', 'NCTS_MISSING_VALUE', "the federation's release records the control result at departure")
  const c = r.need('Consignment')
  const packages = (c?.all('HouseConsignment') ?? [])
    .flatMap((h) => h.all('ConsignmentItem'))
    .flatMap((it) => it.all('Packaging'))
    .reduce((n, p) => n + Number(p.text('numberOfPackages') ?? '0'), 0)
  const seals = (c?.all('TransportEquipment') ?? []).flatMap((e) => e.all('Seal').map((s) => s.needText('identifier')))
  const text = cr?.text('text')
  const body: Body<'ReleasedForTransit'> = {
    TransitOperation: {
      MRN: mrn,
      // NCTS gives the release date; the time is the message's when it was prepared that day.
      releaseDateAndTime: prepared.startsWith(releaseDate) ? prepared : `${releaseDate}T00:00:00Z`,
      limitDate: limitDate ?? '',
    },
    CustomsOfficeOfDeparture: {
      referenceNumber: r.need('CustomsOfficeOfDeparture')?.needText('referenceNumber') ?? '',
    },
    ControlResult: {
      code: (cr?.needText('code') ?? '') as 'A1',
      date: cr?.needText('date') ?? '',
      ...opt('remarks', text === undefined ? undefined : [{ ...opt('lang', opts.language), value: text }]),
    },
    AnticipatedArrivalRecord: {
      CustomsOfficeOfDestinationDeclared: {
        referenceNumber: r.need('CustomsOfficeOfDestinationDeclared')?.needText('referenceNumber') ?? '',
      },
      totalGrossMass: c?.needText('grossMass') ?? '',
      totalNumberOfPackages: String(packages),
      ...opt(
        'Seal',
        seals.length === 0 ? undefined : seals.map((id, i) => ({ sequenceNumber: String(i + 1), identifier: id })),
      ),
    },
    ...opt(
      'TransitAdvice',
      seq(r.all('CustomsOfficeOfTransitDeclared'), (o) => {
        const eta = o.text('arrivalDateAndTimeEstimated')
        return {
          sequenceNumber: o.needText('sequenceNumber'),
          CustomsOfficeOfTransitDeclared: { referenceNumber: o.needText('referenceNumber') },
          ...opt('arrivalDateAndTimeEstimated', eta === undefined ? undefined : fromNctsDateTime(eta)),
        }
      }),
    ),
  }
  return protocolChecked('ReleasedForTransit', body, sink, (f) =>
    `/CC029C${f}`
      .replace('/AnticipatedArrivalRecord/totalGrossMass', '/Consignment/grossMass')
      .replace(/\/TransitAdvice\[(\d+)\]\/CustomsOfficeOfTransitDeclared/, '/CustomsOfficeOfTransitDeclared[$1]')
      .replace(/\/TransitAdvice\[(\d+)\]/, '/CustomsOfficeOfTransitDeclared[$1]'),
  )
}
