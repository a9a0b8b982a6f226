/**
 * The NCTS messages produced from a transit's entries: CC029C (release for transit), CC007C
 * (arrival notification, also read from a partner), CC025C (goods release notification at
 * destination) and CC056C (rejection from the office of departure). Each takes the typed
 * messages of our log (protocol/messages) that hold the data, not the node's internal state.
 */
import type { Message } from '../../protocol/index.ts'
import { checkMessage } from '../../protocol/index.ts'
import type { FieldError } from '../contract.ts'
import { placeholderHeader, readNctsRoot } from './cc015c.ts'
import { consignment, declarationHead, pickText, trader } from './declaration.ts'
import type { DeclarationBody } from './declaration.ts'
import { envelope, finish } from './envelope.ts'
import type { MapResult, NctsEnvelope } from './envelope.ts'
import { Builder, fromNctsDateTime, nctsDateTime, serializeNcts } from './xml.ts'

type Body<T extends Parameters<typeof checkMessage>[0]> = Omit<Message<T>, 'Header'>

/** CC029C: the declaration as released, with acceptance and release dates and the control result. */
export function toCC029C(
  d: DeclarationBody,
  accepted: Body<'DeclarationAccepted'>,
  released: Body<'ReleasedForTransit'>,
  env: NctsEnvelope,
  opts: { language?: string } = {},
): MapResult<string> {
  const b = new Builder()
  const op = d.TransitOperation
  const head = declarationHead(b, d)
  const cr = released.ControlResult
  const xml = serializeNcts('CC029C', [
    ...envelope(b, 'CC029C', env),
    b.el(
      'TransitOperation',
      b.leaf('LRN', op.LRN, ''),
      b.leaf('MRN', released.TransitOperation.MRN, ''),
      b.leaf('declarationType', op.declarationType, ''),
      b.leaf('additionalDeclarationType', op.additionalDeclarationType, ''),
      b.leaf('declarationAcceptanceDate', accepted.TransitOperation.declarationAcceptanceDate, ''),
      b.leaf('releaseDate', released.TransitOperation.releaseDateAndTime.slice(0, 10), ''),
      b.leaf('security', op.security, ''),
      b.leaf('reducedDatasetIndicator', '0', ''),
      b.leaf('bindingItinerary', op.bindingItinerary, ''),
    ),
    ...head.offices,
    head.holder,
    head.representative,
    // NCTS names who controlled; our release records the office, which is who answers for it.
    b.el(
      'ControlResult',
      b.leaf('code', cr.code, '/ControlResult'),
      b.leaf('date', cr.date, ''),
      b.leaf('controlledBy', released.CustomsOfficeOfDeparture.referenceNumber, ''),
      b.leaf('text', cr.remarks === undefined ? undefined : pickText(cr.remarks, opts.language), '/ControlResult'),
    ),
    ...head.guarantees,
    consignment(b, d, { ...opts, placeOfLoadingRequired: true, supplementaryUnits: false }),
  ])
  return finish('CC029C', b, xml)
}

/** GNSS in NCTS has five to seven decimals; ours one to six. Padding keeps the value. */
function gnss(v: string): string {
  const [i, f = ''] = v.split('.')
  return `${i!}.${f.padEnd(5, '0')}`
}

/** CC007C from our ArrivalNotified. */
export function toCC007C(a: Body<'ArrivalNotified'>, env: NctsEnvelope): MapResult<string> {
  const b = new Builder()
  const l = a.LocationOfGoods
  const warnings: FieldError[] =
    l.location === undefined
      ? []
      : [
          {
            path: '/CC007C/Consignment/LocationOfGoods',
            code: 'NCTS_NOT_MAPPED',
            message: 'CC007C has no free-text location; it is left out',
            value: l.location,
          },
        ]
  // Phase 6 CC007C has no incident flag: incidents travel in their own messages (IncidentRecorded).
  if (a.TransitOperation.incidentFlag === '1')
    warnings.push({
      path: '/CC007C/TransitOperation',
      code: 'NCTS_NOT_MAPPED',
      message: 'CC007C carries no incident flag; incidents are sent as IncidentRecorded',
      value: '1',
    })
  const xml = serializeNcts('CC007C', [
    ...envelope(b, 'CC007C', env),
    b.el(
      'TransitOperation',
      b.leaf('MRN', a.TransitOperation.MRN, ''),
      b.leaf('arrivalNotificationDateAndTime', nctsDateTime(a.TransitOperation.arrivalNotificationDateAndTime), ''),
      b.leaf('simplifiedProcedure', a.TransitOperation.simplifiedProcedure, ''),
    ),
    b.el(
      'CustomsOfficeOfDestinationActual',
      b.leaf('referenceNumber', a.CustomsOfficeOfDestinationActual.referenceNumber, ''),
    ),
    b.el(
      'TraderAtDestination',
      b.leaf('identificationNumber', a.TraderAtDestination.identificationNumber, '/TraderAtDestination', { max: 17 }),
    ),
    b.el(
      'Consignment',
      b.el(
        'LocationOfGoods',
        // Type of location D (other): our record does not say which of CL347's kinds it is.
        b.leaf('typeOfLocation', 'D', ''),
        b.leaf('qualifierOfIdentification', l.qualifierOfIdentification, ''),
        b.leaf('UNLocode', l.UNLocode, ''),
        l.GNSS === undefined
          ? undefined
          : b.el(
              'GNSS',
              b.leaf('latitude', gnss(l.GNSS.latitude), ''),
              b.leaf('longitude', gnss(l.GNSS.longitude), ''),
            ),
      ),
    ),
  ])
  return finish('CC007C', b, xml, warnings)
}

/** A partner's CC007C as the body of our `arrival` action. */
export function fromCC007C(xml: Uint8Array | string): MapResult<Body<'ArrivalNotified'>> {
  const read = readNctsRoot(xml, 'CC007C')
  if ('errors' in read) return { ok: false, errors: read.errors, warnings: [] }
  const { root: r, sink } = read
  r.unmapped([
    'messageSender',
    'messageRecipient',
    'preparationDateAndTime',
    'messageIdentification',
    'messageType',
    'correlationIdentifier',
    'TransitOperation',
    'CustomsOfficeOfDestinationActual',
    'TraderAtDestination',
    'Consignment',
  ])
  const op = r.need('TransitOperation')
  const office = r.need('CustomsOfficeOfDestinationActual')?.needText('referenceNumber') ?? ''
  const lg = r.need('Consignment')?.need('LocationOfGoods')
  lg?.unmapped(['typeOfLocation', 'qualifierOfIdentification', 'UNLocode', 'GNSS', 'CustomsOffice', 'Address'])
  const unl = lg?.text('UNLocode')
  const g = lg?.one('GNSS')
  const addr = lg?.one('Address')
  const country =
    addr?.text('country') ??
    unl?.slice(0, 2) ??
    lg?.one('CustomsOffice')?.text('referenceNumber')?.slice(0, 2) ??
    office.slice(0, 2)
  const location =
    addr === undefined ? undefined : `${addr.needText('streetAndNumber')}, ${addr.needText('city')}`.slice(0, 35)
  const body: Body<'ArrivalNotified'> = {
    TransitOperation: {
      MRN: op?.needText('MRN') ?? '',
      arrivalNotificationDateAndTime: fromNctsDateTime(op?.needText('arrivalNotificationDateAndTime') ?? ''),
      simplifiedProcedure: (op?.needText('simplifiedProcedure') ?? '') as '0',
      incidentFlag: '0',
    },
    CustomsOfficeOfDestinationActual: { referenceNumber: office },
    TraderAtDestination: {
      identificationNumber: r.need('TraderAtDestination')?.needText('identificationNumber') ?? '',
    },
    LocationOfGoods: {
      qualifierOfIdentification: lg?.needText('qualifierOfIdentification') ?? '',
      ...(unl === undefined ? {} : { UNLocode: unl }),
      country,
      ...(location === undefined ? {} : { location }),
      ...(g === undefined
        ? {}
        : {
            GNSS: {
              latitude: g.needText('latitude').replace(/0+$/, '').replace(/\.$/, ''),
              longitude: g.needText('longitude').replace(/0+$/, '').replace(/\.$/, ''),
            },
          }),
    },
  }
  if (sink.errors.length > 0) return { ok: false, errors: sink.errors, warnings: sink.warnings }
  const checked = checkMessage('ArrivalNotified', {
    Header: placeholderHeader(body.TransitOperation.MRN, 'ArrivalNotified'),
    ...body,
  } as Message<'ArrivalNotified'>)
  if (!checked.ok) {
    return {
      ok: false,
      warnings: sink.warnings,
      errors: checked.errors.map((e) => ({
        path: String(e.details.field ?? 'ArrivalNotified')
          .replace(/^ArrivalNotified/, '/CC007C')
          .replace('/LocationOfGoods', '/Consignment/LocationOfGoods'),
        code: e.code,
        message: e.message.replace(/^\S+: /, ''),
        ...(typeof e.details.value === 'string' ? { value: e.details.value } : {}),
      })),
    }
  }
  return { ok: true, value: body, warnings: sink.warnings }
}

/**
 * CC025C from our control results at destination: release indicator 1 (released) for the A
 * codes of CL047, 0 for B1 (not satisfactory, discrepancies listed). The trader at destination
 * comes from the arrival notification.
 */
export function toCC025C(
  control: Body<'ControlResultsRecorded'>,
  arrival: Body<'ArrivalNotified'>,
  env: NctsEnvelope,
): MapResult<string> {
  const b = new Builder()
  const xml = serializeNcts('CC025C', [
    ...envelope(b, 'CC025C', env),
    b.el(
      'TransitOperation',
      b.leaf('MRN', control.TransitOperation.MRN, ''),
      b.leaf('releaseDate', control.ControlResult.date, ''),
      b.leaf('releaseIndicator', control.ControlResult.code === 'B1' ? '0' : '1', ''),
    ),
    b.el(
      'CustomsOfficeOfDestinationActual',
      b.leaf('referenceNumber', control.CustomsOfficeOfDestinationActual.referenceNumber, ''),
    ),
    b.el(
      'TraderAtDestination',
      b.leaf('identificationNumber', arrival.TraderAtDestination.identificationNumber, '/TraderAtDestination', {
        max: 17,
      }),
    ),
  ])
  return finish('CC025C', b, xml)
}

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
