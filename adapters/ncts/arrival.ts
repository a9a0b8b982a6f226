/** CC007C (IE007 arrival notification) to and from our ArrivalNotified. */
import type { Message } from '../../protocol/index.ts'
import { checkMessage } from '../../protocol/index.ts'
import type { FieldError } from '../contract.ts'
import { placeholderHeader, readNctsRoot } from './cc015c.ts'
import { envelope, finish } from './envelope.ts'
import type { Body } from './mapping.ts'
import type { MapResult, NctsEnvelope } from './envelope.ts'
import { Builder, fromNctsDateTime, nctsDateTime, serializeNcts } from './xml.ts'

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
