/** CC056C (IE056 rejection from the office of departure) from our DeclarationRejected. */
import { pickText, trader } from './declaration.ts'
import type { DeclarationBody } from './declaration.ts'
import { envelope, finish } from './envelope.ts'
import type { Body } from './mapping.ts'
import type { MapResult, NctsEnvelope } from './envelope.ts'
import { Builder, nctsDateTime, serializeNcts } from './xml.ts'

/** Our functional error codes as NCTS CL (12 incorrect value, 26 duplicate, 90 unknown MRN, 92 out of sequence, 93 invalid MRN, 14 not allowed), with a reason of at most 7 characters. */
const NCTS_ERROR: Readonly<Record<string, readonly [string, string]>> = {
  DUPLICATE_MESSAGE_ID: ['26', 'DUPMSG'],
  UNKNOWN_MRN: ['90', 'MRN'],
  INVALID_MRN: ['93', 'MRN'],
  OUT_OF_SEQUENCE: ['92', 'SEQ'],
  NOT_AUTHORISED: ['14', 'AUTH'],
  SCHEMA_ERROR: ['12', 'SCHEMA'],
  CODE_LIST_ERROR: ['12', 'CODELST'],
  RULE_ERROR: ['12', 'RULE'],
  INSUFFICIENT_GUARANTEE: ['12', 'GUARANT'],
}

/** CC056C from our DeclarationRejected (businessRejectionType 015: the rejected message is a CC015C). */
export function toCC056C(
  rej: Body<'DeclarationRejected'>,
  d: DeclarationBody | undefined,
  env: NctsEnvelope,
  opts: { language?: string } = {},
): MapResult<string> {
  const b = new Builder()
  const op = rej.TransitOperation
  const holder = d?.HolderOfTheTransitProcedure
  const xml = serializeNcts('CC056C', [
    ...envelope(b, 'CC056C', env),
    b.el(
      'TransitOperation',
      b.leaf('LRN', op.LRN, ''),
      b.leaf('MRN', op.MRN, ''),
      b.leaf('businessRejectionType', '015', ''),
      b.leaf('rejectionDateAndTime', nctsDateTime(op.rejectionDateAndTime), ''),
      b.leaf('rejectionCode', op.rejectionCode.replace(/^0/, ''), ''),
      b.leaf(
        'rejectionReason',
        op.rejectionReason === undefined ? undefined : pickText(op.rejectionReason, opts.language),
        '',
      ),
    ),
    b.el('CustomsOfficeOfDeparture', b.leaf('referenceNumber', rej.CustomsOfficeOfDeparture.referenceNumber, '')),
    // The holder is required in CC056C; without the declaration we can only name it by nothing.
    holder === undefined
      ? b.el('HolderOfTheTransitProcedure')
      : trader(b, 'HolderOfTheTransitProcedure', holder, '', false),
    ...(rej.FunctionalError ?? []).map((e, i) => {
      const [code, reason] = NCTS_ERROR[e.errorCode] ?? ['12', e.errorCode.slice(0, 7)]
      return b.el(
        'FunctionalError',
        b.leaf('errorPointer', e.errorPointer, `/FunctionalError[${i + 1}]`),
        b.leaf('errorCode', code, ''),
        b.leaf('errorReason', reason, ''),
        b.leaf('originalAttributeValue', e.originalAttributeValue, ''),
      )
    }),
  ])
  return finish('CC056C', b, xml)
}
