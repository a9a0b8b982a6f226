/**
 * CC014C (IE014 invalidation request) and CC009C (IE009 invalidation decision) to and from our
 * InvalidationRequested and InvalidationDecided. Both NCTS messages share one structure; the
 * federation names a transit by its MRN only, and free texts travel in one language.
 */
import type { LangText } from '../../protocol/messages/types/complex.ts'
import type { FieldError } from '../contract.ts'
import { pickText, trader } from './declaration.ts'
import type { DeclarationBody } from './declaration.ts'
import { envelope, finish } from './envelope.ts'
import type { MapResult, NctsEnvelope } from './envelope.ts'
import { protocolChecked, readNctsRoot, transitMrn } from './read.ts'
import type { ImportOptions } from './read.ts'
import type { Body } from './mapping.ts'
import { Builder, fromNctsDateTime, nctsDateTime, serializeNcts } from './xml.ts'
import type { Node, XNode } from './xml.ts'

type Holder = DeclarationBody['HolderOfTheTransitProcedure'] | undefined

function holderOf(b: Builder, h: Holder): XNode {
  // The holder group is required and all its elements optional: without the declaration it is empty.
  return h === undefined ? b.el('HolderOfTheTransitProcedure') : trader(b, 'HolderOfTheTransitProcedure', h, '')
}

function message(
  type: 'CC014C' | 'CC009C',
  b: Builder,
  env: NctsEnvelope,
  mrn: string,
  invalidation: (XNode | undefined)[],
  office: string,
  holder: Holder,
): MapResult<string> {
  const xml = serializeNcts(type, [
    ...envelope(b, type, env),
    b.el('TransitOperation', b.leaf('MRN', mrn, '')),
    b.el('Invalidation', ...invalidation),
    b.el('CustomsOfficeOfDeparture', b.leaf('referenceNumber', office, '')),
    holderOf(b, holder),
  ])
  return finish(type, b, xml)
}

const text = (t: readonly LangText[] | undefined, language?: string) =>
  t === undefined ? undefined : pickText(t, language).trim()

/** CC014C from our InvalidationRequested; the holder comes from the declaration when the log has it. */
export function toCC014C(
  r: Body<'InvalidationRequested'>,
  holder: Holder,
  env: NctsEnvelope,
  opts: { language?: string } = {},
): MapResult<string> {
  const b = new Builder()
  const inv = r.Invalidation
  return message(
    'CC014C',
    b,
    env,
    r.TransitOperation.MRN,
    [
      b.leaf('requestDateAndTime', nctsDateTime(inv.requestDateAndTime), ''),
      b.leaf('initiatedByCustoms', inv.initiatedByCustoms, ''),
      b.leaf('justification', text(inv.justification, opts.language), '/Invalidation', { max: 512 }),
    ],
    r.CustomsOfficeOfDeparture.referenceNumber,
    holder,
  )
}

/** CC009C from our InvalidationDecided (and the request's time, when the log has the request). */
export function toCC009C(
  d: Body<'InvalidationDecided'>,
  request: Body<'InvalidationRequested'> | undefined,
  holder: Holder,
  env: NctsEnvelope,
  opts: { language?: string } = {},
): MapResult<string> {
  const b = new Builder()
  const inv = d.Invalidation
  const requested = request?.Invalidation.requestDateAndTime
  return message(
    'CC009C',
    b,
    env,
    d.TransitOperation.MRN,
    [
      b.leaf('requestDateAndTime', requested === undefined ? undefined : nctsDateTime(requested), ''),
      b.leaf('decisionDateAndTime', nctsDateTime(inv.decisionDateAndTime), ''),
      b.leaf('decision', inv.decision, ''),
      b.leaf('initiatedByCustoms', inv.initiatedByCustoms, ''),
      b.leaf('justification', text(inv.justification, opts.language), '/Invalidation', { max: 512 }),
    ],
    d.CustomsOfficeOfDeparture.referenceNumber,
    holder,
  )
}

interface Read {
  readonly root: Node
  readonly sink: { errors: FieldError[]; warnings: FieldError[] }
  readonly mrn: string
  readonly office: string
  readonly inv: Node | undefined
}

/** The parts CC014C and CC009C share; the transit is its MRN, else the one of its LRN (`transitMrn`). */
function readCommon(
  type: 'CC014C' | 'CC009C',
  xml: Uint8Array | string,
  opts: ImportOptions,
): Read | { errors: FieldError[] } {
  const read = readNctsRoot(xml, type)
  if ('errors' in read) return read
  const { root, sink } = read
  const op = root.need('TransitOperation')
  const mrn = transitMrn(op, opts, 'invalidates')
  const office = root.need('CustomsOfficeOfDeparture')?.needText('referenceNumber') ?? ''
  return { root, sink, mrn: mrn ?? '', office, inv: root.need('Invalidation') }
}

/** A time the message may leave out: the message's own preparation time stands in, with a warning. */
function timeOr(r: Read, name: string): string {
  const v = r.inv?.text(name)
  if (v !== undefined) return fromNctsDateTime(v)
  r.sink.warnings.push({
    path: `${r.inv?.path ?? r.root.path}/${name}`,
    code: 'NCTS_DEFAULTED',
    message: `${name} is absent; the message's preparationDateAndTime is used`,
  })
  return fromNctsDateTime(r.root.text('preparationDateAndTime') ?? '')
}

function ignore(r: Read, names: readonly string[], why: string): void {
  for (const name of names)
    if (r.inv?.one(name) !== undefined)
      r.sink.warnings.push({ path: `${r.inv.path}/${name}`, code: 'NCTS_NOT_MAPPED', message: `${name} ${why}` })
}

const langText = (value: string, opts: ImportOptions): LangText[] => [
  { ...(opts.language === undefined ? {} : { lang: opts.language }), value },
]

const rename = (type: string) => (p: string) =>
  `/${type}${p.replace(/\/justification\[\d+\]\/value$/, '/justification')}`

/** A partner's CC014C as the body of our `invalidation-request` action. */
export function fromCC014C(
  xml: Uint8Array | string,
  opts: ImportOptions = {},
): MapResult<Body<'InvalidationRequested'>> {
  const r = readCommon('CC014C', xml, opts)
  if ('errors' in r) return { ok: false, errors: r.errors, warnings: [] }
  ignore(r, ['decisionDateAndTime', 'decision'], 'belongs to the decision (CC009C); a request has none')
  const justification = r.inv?.text('justification')
  if (r.inv !== undefined && justification === undefined)
    r.inv.error('justification', 'NCTS_JUSTIFICATION_REQUIRED', 'the federation records why an invalidation is asked')
  const body: Body<'InvalidationRequested'> = {
    TransitOperation: { MRN: r.mrn },
    Invalidation: {
      requestDateAndTime: timeOr(r, 'requestDateAndTime'),
      initiatedByCustoms: (r.inv?.needText('initiatedByCustoms') ?? '') as '0',
      justification: langText(justification ?? '', opts),
    },
    CustomsOfficeOfDeparture: { referenceNumber: r.office },
  }
  return protocolChecked('InvalidationRequested', body, r.sink, rename('CC014C'))
}

/** A partner's CC009C as the body of our `invalidation-decision` action. */
export function fromCC009C(xml: Uint8Array | string, opts: ImportOptions = {}): MapResult<Body<'InvalidationDecided'>> {
  const r = readCommon('CC009C', xml, opts)
  if ('errors' in r) return { ok: false, errors: r.errors, warnings: [] }
  ignore(r, ['requestDateAndTime'], 'is the request’s (CC014C); our decision records its own time only')
  const decision = r.inv?.text('decision')
  if (r.inv !== undefined && decision === undefined)
    r.inv.error('decision', 'NCTS_DECISION_REQUIRED', 'a decision grants (1) or refuses (0); the message says neither')
  const justification = r.inv?.text('justification')
  const body: Body<'InvalidationDecided'> = {
    TransitOperation: { MRN: r.mrn },
    Invalidation: {
      decisionDateAndTime: timeOr(r, 'decisionDateAndTime'),
      decision: (decision ?? '') as '0',
      initiatedByCustoms: (r.inv?.needText('initiatedByCustoms') ?? '') as '0',
      ...(justification === undefined ? {} : { justification: langText(justification, opts) }),
    },
    CustomsOfficeOfDeparture: { referenceNumber: r.office },
  }
  return protocolChecked('InvalidationDecided', body, r.sink, rename('CC009C'))
}
