/**
 * CC015C (IE015 declaration data) to and from our DeclarationLodged. Export is total except
 * where an NCTS field is narrower than ours (reported per field). Import reads a partner's
 * CC015C (declaration-read.ts), maps what fits, warns about what has no place in the single
 * transit document, and reports field-level errors (NCTS path, code, message) where a value does
 * not fit our model, including the protocol's own checks (code lists, formats, rules).
 */
import { consignment, declarationHead } from './declaration.ts'
import type { DeclarationBody } from './declaration.ts'
import { declarationPath, readDeclaration } from './declaration-read.ts'
import { envelope, finish } from './envelope.ts'
import type { MapResult, NctsEnvelope } from './envelope.ts'
import { protocolChecked, readNctsRoot } from './read.ts'
import type { ImportOptions } from './read.ts'
import { Builder, nctsDateTime, serializeNcts } from './xml.ts'

export function toCC015C(d: DeclarationBody, env: NctsEnvelope, opts: { language?: string } = {}): MapResult<string> {
  return declarationMessage('CC015C', d, env, opts)
}

/**
 * A declaration message: CC015C, or CC013C when `amendment` gives the MRN it amends (CC013C's
 * TransitOperation adds the MRN and the amendment type flag; the groups are the same).
 */
export function declarationMessage(
  type: 'CC015C' | 'CC013C',
  d: DeclarationBody,
  env: NctsEnvelope,
  opts: { language?: string },
): MapResult<string> {
  const b = new Builder()
  const op = d.TransitOperation
  const head = declarationHead(b, d)
  const amends = type === 'CC013C'
  const xml = serializeNcts(type, [
    ...envelope(b, type, env),
    b.el(
      'TransitOperation',
      b.leaf('LRN', op.LRN, '/TransitOperation'),
      amends ? b.leaf('MRN', op.MRN, '') : undefined,
      b.leaf('declarationType', op.declarationType, ''),
      b.leaf('additionalDeclarationType', op.additionalDeclarationType, ''),
      b.leaf('security', op.security, ''),
      // Our document always carries the full data set.
      b.leaf('reducedDatasetIndicator', '0', ''),
      b.leaf('bindingItinerary', op.bindingItinerary, ''),
      // 0: the amendment may touch any data, not only the guarantee (CL: amendment type flag).
      amends ? b.leaf('amendmentTypeFlag', '0', '') : undefined,
      b.leaf('limitDate', op.limitDate, ''),
    ),
    ...head.offices,
    head.holder,
    head.representative,
    ...head.guarantees,
    consignment(b, d, { ...opts, placeOfLoadingRequired: false, supplementaryUnits: true }),
  ])
  return finish(type, b, xml)
}

export function fromCC015C(xml: Uint8Array | string, opts: ImportOptions = {}): MapResult<DeclarationBody> {
  const read = readNctsRoot(xml, 'CC015C')
  if (!read.ok) return read
  const { body, itemSources } = readDeclaration(read.root, read.sink, opts)
  return protocolChecked('DeclarationLodged', body, read.sink, (f) => declarationPath('CC015C', f, itemSources))
}

export { nctsDateTime }
