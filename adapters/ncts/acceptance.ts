/** CC028C (IE028 MRN allocated) to and from our DeclarationAccepted. */
import { envelope, finish } from './envelope.ts'
import type { MapResult, NctsEnvelope } from './envelope.ts'
import type { Body } from './mapping.ts'
import { protocolChecked, opt, readNctsRoot } from './read.ts'
import { Builder, serializeNcts } from './xml.ts'

type Accepted = Body<'DeclarationAccepted'>

export function toCC028C(a: Accepted, env: NctsEnvelope): MapResult<string> {
  const b = new Builder()
  const h = a.HolderOfTheTransitProcedure
  const xml = serializeNcts('CC028C', [
    ...envelope(b, 'CC028C', env),
    b.el(
      'TransitOperation',
      b.leaf('LRN', a.TransitOperation.LRN, ''),
      b.leaf('MRN', a.TransitOperation.MRN, ''),
      b.leaf('declarationAcceptanceDate', a.TransitOperation.declarationAcceptanceDate, ''),
    ),
    b.el('CustomsOfficeOfDeparture', b.leaf('referenceNumber', a.CustomsOfficeOfDeparture.referenceNumber, '')),
    b.el(
      'HolderOfTheTransitProcedure',
      b.leaf('identificationNumber', h.identificationNumber, '/HolderOfTheTransitProcedure', { max: 17 }),
      b.leaf('name', h.name, '/HolderOfTheTransitProcedure', { max: 70 }),
    ),
  ])
  return finish('CC028C', b, xml)
}

/**
 * A national system's CC028C as the body of our `accept` action. NCTS lets the holder be named
 * by identifier alone; our acceptance names the holder, so a nameless one is refused naming it.
 */
export function fromCC028C(xml: Uint8Array | string): MapResult<Accepted> {
  const read = readNctsRoot(xml, 'CC028C', [
    'TransitOperation',
    'CustomsOfficeOfDeparture',
    'HolderOfTheTransitProcedure',
  ])
  if (!read.ok) return read
  const { root: r, sink } = read
  const op = r.need('TransitOperation')
  const h = r.need('HolderOfTheTransitProcedure')
  h?.unmapped(['identificationNumber', 'name'])
  const name = h?.text('name')
  if (h !== undefined && name === undefined)
    h.error('name', 'NCTS_MISSING_VALUE', "the single transit document's acceptance names the holder")
  const body: Accepted = {
    TransitOperation: {
      LRN: op?.needText('LRN') ?? '',
      MRN: op?.needText('MRN') ?? '',
      declarationAcceptanceDate: op?.needText('declarationAcceptanceDate') ?? '',
    },
    CustomsOfficeOfDeparture: {
      referenceNumber: r.need('CustomsOfficeOfDeparture')?.needText('referenceNumber') ?? '',
    },
    HolderOfTheTransitProcedure: { ...opt('identificationNumber', h?.text('identificationNumber')), name: name ?? '' },
  }
  return protocolChecked('DeclarationAccepted', body, sink, (f) => `/CC028C${f}`)
}
