/**
 * CC170C (IE170 presentation notification for a pre-lodged declaration) as our `amend`: the
 * holder presents the goods and gives what a pre-lodged declaration could not know yet (the
 * means of transport, the equipment and seals, the place of loading, the limit date). The
 * amendment is the declaration in the log (`declarationOf`) with those groups replaced; a
 * transit the log does not hold is refused naming the MRN.
 */
import type { DeclarationBody } from './declaration.ts'
import { declarationPath } from './declaration-read.ts'
import type { MapResult } from './envelope.ts'
import type { Body } from './mapping.ts'
import { readEquipment, readMeans, readPlace } from './read-parts.ts'
import { protocolChecked, opt, readNctsRoot, transitMrn } from './read.ts'
import type { ImportOptions } from './read.ts'
import { fromNctsDateTime } from './xml.ts'

type Amended = Body<'DeclarationAmended'>

export async function fromCC170C(xml: Uint8Array | string, opts: ImportOptions = {}): Promise<MapResult<Amended>> {
  const read = readNctsRoot(xml, 'CC170C', [
    'TransitOperation',
    'CustomsOfficeOfDeparture',
    'HolderOfTheTransitProcedure',
    'Representative',
    'Consignment',
  ])
  if (!read.ok) return read
  const { root: r, sink } = read
  const op = r.need('TransitOperation')
  op?.unmapped(['LRN', 'limitDate', 'MRN'])
  const mrn = transitMrn(op, opts, 'completes')
  const current: DeclarationBody | undefined = mrn === undefined ? undefined : await opts.declarationOf?.(mrn)
  if (op !== undefined && mrn !== undefined && current === undefined)
    op.error('MRN', 'NCTS_UNKNOWN_TRANSIT', 'the node holds no declaration with this MRN to complete', mrn)
  const lrn = op?.needText('LRN')
  if (current !== undefined && lrn !== undefined && lrn !== current.TransitOperation.LRN)
    op?.error('LRN', 'NCTS_LRN_MISMATCH', `the declaration of this MRN has LRN ${current.TransitOperation.LRN}`, lrn)
  const office = r.need('CustomsOfficeOfDeparture')?.needText('referenceNumber')
  if (current !== undefined && office !== undefined && office !== current.CustomsOfficeOfDeparture.referenceNumber)
    r.error(
      'CustomsOfficeOfDeparture/referenceNumber',
      'NCTS_OFFICE_MISMATCH',
      `the declaration of this MRN is lodged at ${current.CustomsOfficeOfDeparture.referenceNumber}`,
      office,
    )
  const c = r.need('Consignment')
  c?.unmapped([
    'containerIndicator',
    'inlandModeOfTransport',
    'modeOfTransportAtTheBorder',
    'TransportEquipment',
    'DepartureTransportMeans',
    'PlaceOfLoading',
    'HouseConsignment',
  ])
  const houses = c?.all('HouseConsignment') ?? []
  houses.forEach((h) => h.unmapped(['sequenceNumber', 'DepartureTransportMeans']))
  const own = c?.all('DepartureTransportMeans') ?? []
  const means = readMeans(own.length > 0 ? own : houses.flatMap((h) => h.all('DepartureTransportMeans')))
  const equipment = readEquipment(c?.all('TransportEquipment') ?? [])
  const place = readPlace(c?.one('PlaceOfLoading'))
  const at = fromNctsDateTime(r.needText('preparationDateAndTime'))
  if (current === undefined) return { ok: false, errors: sink.errors, warnings: sink.warnings }
  const { declarationDateAndTime: _d, ...was } = current.TransitOperation
  const k = current.Consignment
  const amended: Amended = {
    ...current,
    TransitOperation: {
      ...was,
      ...opt('limitDate', op?.text('limitDate') ?? was.limitDate),
      amendmentDateAndTime: at,
      amendmentReason: [{ lang: 'en', value: 'Presentation of the goods (CC170C)' }],
    },
    Consignment: {
      ...k,
      containerIndicator: (c?.text('containerIndicator') ?? k.containerIndicator) as '0',
      ...opt('inlandModeOfTransport', c?.text('inlandModeOfTransport') ?? k.inlandModeOfTransport),
      modeOfTransportAtTheBorder: c?.text('modeOfTransportAtTheBorder') ?? k.modeOfTransportAtTheBorder,
      ...opt('TransportEquipment', equipment ?? k.TransportEquipment),
      DepartureTransportMeans: means.length > 0 ? means : k.DepartureTransportMeans,
      ...opt('PlaceOfLoading', place ?? k.PlaceOfLoading),
    },
  }
  return protocolChecked('DeclarationAmended', amended, sink, (f) => declarationPath('CC170C', f, []))
}
