/**
 * CUSRES (customs response) from the entries of a transit: one message per effective entry the
 * national side should hear about, with the status code of the CAREC profile (GIS+code:STA) and,
 * for a rejection, one ERC+FTX pair per error. Also the CUSRES that refuses an interchange the
 * adapter could not read, so that an EDIFACT sender hears back in EDIFACT.
 */
import type { FieldError } from '../contract.ts'
import { writeSegments } from './syntax.ts'

/** Status codes of the profile, by SIS message type. */
export const CUSRES_STATUS: Readonly<Record<string, string>> = {
  DeclarationLodged: 'LOD',
  DeclarationAccepted: 'ACC',
  DeclarationRejected: 'REJ',
  DeclarationAmended: 'AMD',
  ReleasedForTransit: 'REL',
  BorderPassageRecorded: 'PAS',
  IncidentRecorded: 'INC',
  DiversionRequested: 'DIV',
  ArrivalNotified: 'ARR',
  ArrivalAdvised: 'ARA',
  ControlResultsRecorded: 'CTL',
  WrittenOff: 'WOF',
  InvalidationRequested: 'IVR',
  InvalidationDecided: 'INV',
  DisputeResolved: 'DSR',
}

export interface CusresInput {
  readonly sender: string
  readonly recipient: string
  /** UTC ISO time. */
  readonly preparedAt: string
  readonly controlReference: string
  readonly mrn?: string
  readonly lrn?: string
  readonly status: string
  readonly errors?: readonly { readonly code: string; readonly pointer: string; readonly reason: string }[]
}

function stamp(iso: string): { date: string; time: string; dt: string } {
  const d = iso.replace(/[-:]/g, '')
  return { date: d.slice(2, 8), time: d.slice(9, 13), dt: d.slice(0, 8) + d.slice(9, 13) }
}

export function toCusres(x: CusresInput): string {
  const t = stamp(x.preparedAt)
  const body = [
    { tag: 'BGM', elements: [['962'], [x.mrn ?? x.lrn ?? 'UNKNOWN'], [x.status === 'REJ' ? '27' : '29']] },
    { tag: 'DTM', elements: [['9', t.dt, '203']] },
    ...(x.lrn === undefined ? [] : [{ tag: 'RFF', elements: [['LRN', x.lrn]] }]),
    ...(x.mrn === undefined ? [] : [{ tag: 'RFF', elements: [['MRN', x.mrn]] }]),
    { tag: 'GIS', elements: [[x.status, 'STA']] },
    ...(x.errors ?? []).flatMap((e) => [
      { tag: 'ERC', elements: [[e.code.slice(0, 35)]] },
      { tag: 'FTX', elements: [['AAO'], [], [], [e.pointer.slice(0, 512), e.reason.slice(0, 512)]] },
    ]),
  ]
  return writeSegments([
    {
      tag: 'UNB',
      elements: [['UNOW', '4'], [x.sender, 'ZZZ'], [x.recipient, 'ZZZ'], [t.date, t.time], [x.controlReference]],
    },
    { tag: 'UNH', elements: [['1'], ['CUSRES', 'D', '96B', 'UN', 'CAREC1']] },
    ...body,
    { tag: 'UNT', elements: [[String(body.length + 2)], ['1']] },
    { tag: 'UNZ', elements: [['1'], [x.controlReference]] },
  ])
}

/** The CUSRES refusing an interchange: its positioned errors as ERC/FTX pairs. */
export function cusresForErrors(args: {
  sender: string
  recipient: string
  preparedAt: string
  controlReference: string
  lrn?: string
  errors: readonly FieldError[]
}): string {
  return toCusres({
    ...args,
    status: 'REJ',
    errors: args.errors.map((e) => ({ code: e.code, pointer: e.path, reason: e.message })),
  })
}
