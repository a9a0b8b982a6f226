/** CC056C (IE056 rejection from the office of departure) to and from our DeclarationRejected. */
import { pickText, trader } from './declaration.ts'
import type { DeclarationBody } from './declaration.ts'
import { envelope, finish } from './envelope.ts'
import type { Body } from './mapping.ts'
import type { MapResult, NctsEnvelope } from './envelope.ts'
import { protocolChecked, opt, readNctsRoot, transitMrn } from './read.ts'
import type { ImportOptions } from './read.ts'
import { Builder, fromNctsDateTime, nctsDateTime, serializeNcts } from './xml.ts'

type Rejected = Body<'DeclarationRejected'>

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

/** An NCTS error (code and reason) as ours: the pair we write, else the code's meaning (12: a broken rule). */
function ourError(code: string, reason: string): string {
  const exact = Object.entries(NCTS_ERROR).find(([, [c, r]]) => c === code && r === reason)
  if (exact !== undefined) return exact[0]
  const BY_CODE: Readonly<Record<string, string>> = {
    '12': 'RULE_ERROR',
    '14': 'NOT_AUTHORISED',
    '26': 'DUPLICATE_MESSAGE_ID',
    '90': 'UNKNOWN_MRN',
    '92': 'OUT_OF_SEQUENCE',
    '93': 'INVALID_MRN',
  }
  return BY_CODE[code] ?? 'RULE_ERROR'
}

/**
 * A national system's CC056C as the body of our `reject` action. A declaration rejected before
 * NCTS allocated an MRN is named by its LRN: ours is the MRN the node gave it at lodging.
 */
export function fromCC056C(xml: Uint8Array | string, opts: ImportOptions = {}): MapResult<Rejected> {
  const read = readNctsRoot(xml, 'CC056C', [
    'TransitOperation',
    'CustomsOfficeOfDeparture',
    'HolderOfTheTransitProcedure',
    'FunctionalError',
  ])
  if (!read.ok) return read
  const { root: r, sink } = read
  const op = r.need('TransitOperation')
  op?.unmapped(['LRN', 'MRN', 'businessRejectionType', 'rejectionDateAndTime', 'rejectionCode', 'rejectionReason'])
  const mrn = transitMrn(op, opts, 'rejects')
  if (op !== undefined && op.text('LRN') === undefined)
    op.error('LRN', 'NCTS_MISSING_VALUE', "the federation's rejection names the declaration's LRN; this one gives none")
  const reason = op?.text('rejectionReason')
  const errors = r.all('FunctionalError').map((e) => {
    const code = e.needText('errorCode')
    const why = e.needText('errorReason')
    return {
      errorPointer: e.needText('errorPointer'),
      errorCode: ourError(code, why),
      errorReason: why,
      ...opt('originalAttributeValue', e.text('originalAttributeValue')),
    }
  })
  const body: Rejected = {
    TransitOperation: {
      LRN: op?.text('LRN') ?? '',
      MRN: mrn ?? '',
      rejectionDateAndTime: fromNctsDateTime(op?.needText('rejectionDateAndTime') ?? ''),
      rejectionCode: (op?.needText('rejectionCode') ?? '').padStart(2, '0'),
      ...opt('rejectionReason', reason === undefined ? undefined : [{ ...opt('lang', opts.language), value: reason }]),
    },
    CustomsOfficeOfDeparture: {
      referenceNumber: r.need('CustomsOfficeOfDeparture')?.needText('referenceNumber') ?? '',
    },
    ...opt('FunctionalError', errors.length === 0 ? undefined : errors),
  }
  return protocolChecked('DeclarationRejected', body, sink, (f) => `/CC056C${f}`)
}
