/**
 * Unloading at destination: CC043C (IE043 unloading permission, office → trader at destination)
 * from our arrival advice, and CC044C (IE044 unloading remarks, trader → office) to and from our
 * control results. CC044C says whether the goods conform; it has no CL047 code, so conform
 * reads as A1 and not conform (or seals not in order) as B1 with its discrepancies.
 */
import type { LangText } from '../../protocol/messages/types/complex.ts'
import { pickText, trader } from './declaration.ts'
import type { DeclarationBody } from './declaration.ts'
import { envelope, finish } from './envelope.ts'
import { atDestination } from './goods-release.ts'
import type { MapResult, NctsEnvelope } from './envelope.ts'
import { protocolChecked, readNctsRoot } from './read.ts'
import type { ImportOptions } from './read.ts'
import type { Body } from './mapping.ts'
import { Builder, serializeNcts } from './xml.ts'

/**
 * CC043C from our arrival advice: the declaration gives its type and security, the acceptance
 * its date (when the log has it), the arrival notification the trader at destination. The
 * goods (the Consignment group, optional in CC043C) are not sent: the trader has them.
 */
export function toCC043C(
  advice: Body<'ArrivalAdvised'>,
  d: DeclarationBody,
  accepted: Body<'DeclarationAccepted'> | undefined,
  arrival: Body<'ArrivalNotified'>,
  env: NctsEnvelope,
): MapResult<string> {
  const b = new Builder()
  const op = d.TransitOperation
  const xml = serializeNcts('CC043C', [
    ...envelope(b, 'CC043C', env),
    b.el(
      'TransitOperation',
      b.leaf('MRN', advice.TransitOperation.MRN, ''),
      b.leaf('declarationType', op.declarationType, ''),
      b.leaf('declarationAcceptanceDate', accepted?.TransitOperation.declarationAcceptanceDate, ''),
      b.leaf('security', op.security, ''),
      b.leaf('reducedDatasetIndicator', '0', ''),
    ),
    b.el(
      'CustomsOfficeOfDestinationActual',
      b.leaf('referenceNumber', advice.CustomsOfficeOfDestinationActual.referenceNumber, ''),
    ),
    trader(b, 'HolderOfTheTransitProcedure', d.HolderOfTheTransitProcedure, '', false),
    b.el(
      'TraderAtDestination',
      b.leaf('identificationNumber', arrival.TraderAtDestination.identificationNumber, '/TraderAtDestination', {
        max: 17,
      }),
    ),
  ])
  return finish('CC043C', b, xml)
}

/** CC044C from our control results: the remarks (A codes) or the discrepancies (B1) as the unloading remark. */
export function toCC044C(
  control: Body<'ControlResultsRecorded'>,
  arrival: Body<'ArrivalNotified'>,
  env: NctsEnvelope,
  opts: { language?: string } = {},
): MapResult<string> {
  const b = new Builder()
  const cr = control.ControlResult
  const remarks = cr.remarks === undefined ? undefined : pickText(cr.remarks, opts.language).trim()
  const conform = cr.code !== 'B1'
  const discrepancies = (control.Discrepancy ?? []).map((x) => pickText(x.description, opts.language).trim())
  const remark = conform ? remarks : discrepancies.join('; ')
  const xml = serializeNcts('CC044C', [
    ...envelope(b, 'CC044C', env),
    b.el(
      'TransitOperation',
      b.leaf('MRN', control.TransitOperation.MRN, ''),
      b.leaf('otherThingsToReport', conform ? undefined : remarks, '/TransitOperation', { max: 512 }),
    ),
    ...atDestination(b, control, arrival),
    b.el(
      'UnloadingRemark',
      b.leaf('conform', conform ? '1' : '0', ''),
      b.leaf('unloadingCompletion', '1', ''),
      b.leaf('unloadingDate', cr.date, ''),
      b.leaf('unloadingRemark', remark === '' ? undefined : remark, '/UnloadingRemark', { max: 512 }),
    ),
  ])
  return finish('CC044C', b, xml)
}

const langText = (value: string, opts: ImportOptions): LangText[] => [
  { ...(opts.language === undefined ? {} : { lang: opts.language }), value },
]

/** A partner's CC044C as the body of our `control` action; a partial unloading is refused (no final result yet). */
export function fromCC044C(
  xml: Uint8Array | string,
  opts: ImportOptions = {},
): MapResult<Body<'ControlResultsRecorded'>> {
  const read = readNctsRoot(xml, 'CC044C', [
    'TransitOperation',
    'CustomsOfficeOfDestinationActual',
    'TraderAtDestination',
    'UnloadingRemark',
  ])
  if (!read.ok) return read
  const { root: r, sink } = read
  const op = r.need('TransitOperation')
  const u = r.need('UnloadingRemark')
  if (u !== undefined && u.text('unloadingCompletion') === '0')
    u.error(
      'unloadingCompletion',
      'NCTS_UNLOADING_INCOMPLETE',
      'unloading is not complete: there is no control result yet',
      '0',
    )
  const conform = u?.needText('conform') === '1'
  const sealsBroken = u?.text('stateOfSeals') === '0'
  const remark = u?.text('unloadingRemark')
  const other = op?.text('otherThingsToReport')
  if (u !== undefined && !conform && remark === undefined)
    u.error(
      'unloadingRemark',
      'NCTS_DISCREPANCY_NOT_DESCRIBED',
      'goods that do not conform need the remark that says how',
    )
  const discrepancy: { pointer: string; text: string }[] = [
    ...(sealsBroken ? [{ pointer: `${u!.path}/stateOfSeals`, text: 'Seals not in order at unloading' }] : []),
    ...(!conform && remark !== undefined ? [{ pointer: `${u!.path}/unloadingRemark`, text: remark }] : []),
  ]
  // What is left to say: the remark of conforming goods, else the other things to report.
  const remarks = conform ? (remark ?? other) : other
  if (conform && remark !== undefined && other !== undefined)
    sink.warnings.push({
      path: `${op!.path}/otherThingsToReport`,
      code: 'NCTS_NOT_MAPPED',
      message: 'our control result has one remark; the unloading remark is kept',
    })
  const body: Body<'ControlResultsRecorded'> = {
    TransitOperation: { MRN: op?.needText('MRN') ?? '' },
    CustomsOfficeOfDestinationActual: {
      referenceNumber: r.need('CustomsOfficeOfDestinationActual')?.needText('referenceNumber') ?? '',
    },
    ControlResult: {
      code: conform && !sealsBroken ? 'A1' : 'B1',
      date: u?.needText('unloadingDate') ?? '',
      ...(remarks === undefined ? {} : { remarks: langText(remarks, opts) }),
    },
    ...(discrepancy.length === 0
      ? {}
      : {
          Discrepancy: discrepancy.map((x, i) => ({
            sequenceNumber: String(i + 1),
            pointer: x.pointer,
            description: langText(x.text, opts),
          })),
        }),
  }
  return protocolChecked('ControlResultsRecorded', body, sink, (p) =>
    `/CC044C${p}`.replace('/ControlResult/date', '/UnloadingRemark/unloadingDate'),
  )
}
