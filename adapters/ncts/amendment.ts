/**
 * CC013C (IE013 declaration amendment) to and from our DeclarationAmended, and CC004C (IE004
 * amendment acceptance) from it. Our amendment carries the whole declaration, as CC013C does,
 * so the declaration groups are written and read as for CC015C (declaration.ts,
 * declaration-read.ts); TransitOperation adds the MRN and the amendment type flag.
 */
import { declarationMessage } from './cc015c.ts'
import { trader } from './declaration.ts'
import { declarationPath, readDeclaration } from './declaration-read.ts'
import { envelope, finish } from './envelope.ts'
import type { MapResult, NctsEnvelope } from './envelope.ts'
import { amendedDeclaration } from './mapping.ts'
import type { Body } from './mapping.ts'
import { protocolChecked, readNctsRoot, transitMrn } from './read.ts'
import type { ImportOptions } from './read.ts'
import { Builder, nctsDateTime, serializeNcts } from './xml.ts'

type Amended = Body<'DeclarationAmended'>

export function toCC013C(a: Amended, env: NctsEnvelope, opts: { language?: string } = {}): MapResult<string> {
  return declarationMessage('CC013C', amendedDeclaration(a), env, opts)
}

/**
 * A partner's CC013C as the body of our `amend` action, on the transit of its MRN (else of its
 * LRN, `transitMrn`). Without an LRN, the declaration in the log gives it (`declarationOf`).
 */
export async function fromCC013C(xml: Uint8Array | string, opts: ImportOptions = {}): Promise<MapResult<Amended>> {
  const read = readNctsRoot(xml, 'CC013C')
  if (!read.ok) return read
  const { root, sink } = read
  const op = root.one('TransitOperation')
  const mrn = transitMrn(op, opts, 'amends')
  const lrn =
    op?.text('LRN') ?? (mrn === undefined ? undefined : (await opts.declarationOf?.(mrn))?.TransitOperation.LRN)
  if (op !== undefined && lrn === undefined)
    op.error(
      'LRN',
      'NCTS_MISSING_VALUE',
      'the amendment gives no LRN and the transit has no declaration to take it from',
    )
  const { body, itemSources } = readDeclaration(root, sink, opts, {
    operation: ['MRN', 'amendmentTypeFlag'],
    mrn: mrn ?? '',
    lrn: lrn ?? '',
  })
  const { declarationDateAndTime, ...rest } = body.TransitOperation
  const amended: Amended = { ...body, TransitOperation: { ...rest, amendmentDateAndTime: declarationDateAndTime } }
  return protocolChecked('DeclarationAmended', amended, sink, (f) => declarationPath('CC013C', f, itemSources))
}

/** CC004C: the office of departure's acceptance of an amendment, to the holder. */
export function toCC004C(a: Amended, env: NctsEnvelope): MapResult<string> {
  const b = new Builder()
  const op = a.TransitOperation
  // The node writes an amendment only once the office of departure has accepted it: one time.
  const at = nctsDateTime(op.amendmentDateAndTime)
  const xml = serializeNcts('CC004C', [
    ...envelope(b, 'CC004C', env),
    b.el(
      'TransitOperation',
      b.leaf('LRN', op.LRN, ''),
      b.leaf('MRN', op.MRN, ''),
      b.leaf('amendmentSubmissionDateAndTime', at, ''),
      b.leaf('amendmentAcceptanceDateAndTime', at, ''),
    ),
    b.el('CustomsOfficeOfDeparture', b.leaf('referenceNumber', a.CustomsOfficeOfDeparture.referenceNumber, '')),
    trader(b, 'HolderOfTheTransitProcedure', a.HolderOfTheTransitProcedure, '', false),
  ])
  return finish('CC004C', b, xml)
}
