/**
 * A declaration message (CC015C declaration data, CC013C declaration amendment) read into our
 * declaration body: the same groups in the same order, the amendment adding its MRN and flag
 * to TransitOperation. Our own checks run after (read.ts `checked`), with `declarationPath`
 * turning our field paths back into the partner's elements.
 */
import { mrnForLrn } from '../mrn.ts'
import { readConsignment } from './consignment-read.ts'
import type { DeclarationBody } from './declaration.ts'
import { readGuarantees, readTrader } from './read-parts.ts'
import { ENVELOPE, opt, seq } from './read.ts'
import type { ImportOptions, Sink } from './read.ts'
import { fromNctsDateTime } from './xml.ts'
import type { Node } from './xml.ts'

const ROOT = [
  ...ENVELOPE,
  'TransitOperation',
  'CustomsOfficeOfDeparture',
  'CustomsOfficeOfDestinationDeclared',
  'CustomsOfficeOfTransitDeclared',
  'CustomsOfficeOfExitForTransitDeclared',
  'HolderOfTheTransitProcedure',
  'Representative',
  'Guarantee',
  'Consignment',
]

const OPERATION = [
  'LRN',
  'declarationType',
  'additionalDeclarationType',
  'security',
  'reducedDatasetIndicator',
  'bindingItinerary',
  'limitDate',
  'communicationLanguageAtDeparture',
]

export interface ReadDeclaration {
  readonly body: DeclarationBody
  /** The partner's path of each of our items, in order. */
  readonly itemSources: string[]
}

/**
 * Reads the declaration groups under `r`. `extra` names TransitOperation elements the message
 * type adds and the caller reads (CC013C: MRN, amendmentTypeFlag); the MRN is `mrn` when given,
 * else `opts.mrn`, else one derived from the LRN and office (idempotent lodging).
 */
export function readDeclaration(
  r: Node,
  sink: Sink,
  opts: ImportOptions,
  extra: { operation?: readonly string[]; mrn?: string; lrn?: string } = {},
): ReadDeclaration {
  r.unmapped(ROOT)
  const op = r.need('TransitOperation')
  op?.unmapped([...OPERATION, ...(extra.operation ?? [])])
  const language = opts.language ?? op?.text('communicationLanguageAtDeparture')?.toLowerCase()
  const lrn = extra.lrn ?? op?.needText('LRN') ?? ''
  const departure = r.need('CustomsOfficeOfDeparture')?.needText('referenceNumber') ?? ''
  const preparedAt = fromNctsDateTime(r.needText('preparationDateAndTime'))
  const destination = r.need('CustomsOfficeOfDestinationDeclared')?.needText('referenceNumber') ?? ''
  // In document order, so that errors are listed as the partner reads their file.
  const holder = readTrader(r.need('HolderOfTheTransitProcedure'))
  const repr = r.one('Representative')
  const guarantees = readGuarantees(r.all('Guarantee'))
  const { consignment, itemSources } = readConsignment(r.need('Consignment'), sink, opts, language)
  const mrn =
    extra.mrn ?? opts.mrn ?? (lrn !== '' && /^[A-Z]{2}/.test(departure) ? safeMrn(lrn, departure, preparedAt) : '')
  const body: DeclarationBody = {
    TransitOperation: {
      LRN: lrn,
      MRN: mrn,
      declarationType: (op?.needText('declarationType') ?? '') as 'T1',
      additionalDeclarationType: (op?.needText('additionalDeclarationType') ?? '') as 'A',
      security: (op?.needText('security') ?? '') as '0',
      bindingItinerary: (op?.needText('bindingItinerary') ?? '') as '0',
      ...opt('limitDate', op?.text('limitDate')),
      declarationDateAndTime: preparedAt,
    },
    CustomsOfficeOfDeparture: { referenceNumber: departure },
    CustomsOfficeOfDestinationDeclared: { referenceNumber: destination },
    ...opt(
      'CustomsOfficeOfTransitDeclared',
      seq(r.all('CustomsOfficeOfTransitDeclared'), (o) => {
        const eta = o.text('arrivalDateAndTimeEstimated')
        return {
          sequenceNumber: o.needText('sequenceNumber'),
          referenceNumber: o.needText('referenceNumber'),
          ...opt('arrivalDateAndTimeEstimated', eta === undefined ? undefined : fromNctsDateTime(eta)),
        }
      }),
    ),
    ...opt(
      'CustomsOfficeOfExitForTransitDeclared',
      seq(r.all('CustomsOfficeOfExitForTransitDeclared'), (o) => ({
        sequenceNumber: o.needText('sequenceNumber'),
        referenceNumber: o.needText('referenceNumber'),
      })),
    ),
    HolderOfTheTransitProcedure: holder ?? { name: '', Address: { streetAndNumber: '', city: '', country: '' } },
    ...opt(
      'Representative',
      repr === undefined
        ? undefined
        : { identificationNumber: repr.needText('identificationNumber'), status: repr.needText('status') as '2' },
    ),
    Guarantee: guarantees,
    Consignment: consignment,
  }
  return { body, itemSources }
}

/**
 * Our validation path (`/Consignment/ConsignmentItem[2]/...`, below the message) as the element
 * of the partner's `root` message it came from, so a field-level error names what they wrote.
 */
export function declarationPath(root: string, field: string, items: readonly string[]): string {
  let p = `/${root}${field}`
  p = p.replace(
    /\/Consignment\/ConsignmentItem\[(\d+)\]/,
    (_, i: string) => items[Number(i) - 1] ?? `/${root}/Consignment/HouseConsignment/ConsignmentItem[${i}]`,
  )
  p = p.replace(/\/descriptionOfGoods\[\d+\]\/value$/, '/descriptionOfGoods')
  return p.replace(/\/TransitOperation\/(declaration|amendment)DateAndTime$/, '/preparationDateAndTime')
}

function safeMrn(lrn: string, departure: string, at: string): string {
  try {
    return mrnForLrn({ lrn, departureOffice: departure, declaredAt: at })
  } catch {
    return ''
  }
}
