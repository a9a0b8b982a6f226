/**
 * CC007C (IE007 arrival notification) to and from our ArrivalNotified. The location of goods
 * is the one part that needs care: NCTS names a place in one of seven ways (CL326 qualifier of
 * identification), ours by UN/LOCODE, GNSS or one free-text `location`; the element the
 * qualifier names becomes that text (and is written back from it where it can be).
 */
import type { FieldError } from '../contract.ts'
import { envelope, finish } from './envelope.ts'
import { protocolChecked, readNctsRoot } from './read.ts'
import type { Body } from './mapping.ts'
import type { MapResult, NctsEnvelope } from './envelope.ts'
import { Builder, fromNctsDateTime, nctsDateTime, serializeNcts } from './xml.ts'
import type { Node, XNode } from './xml.ts'

type Location = Body<'ArrivalNotified'>['LocationOfGoods']

/** GNSS in NCTS has five to seven decimals; ours one to six. Padding keeps the value. */
function gnss(v: string): string {
  const [i, f = ''] = v.split('.')
  return `${i!}.${f.padEnd(5, '0')}`
}

const OFFICE = /^[A-Z]{2}[A-Z0-9]{6}$/
const NO_SPACES_17 = /^\S(.{0,15}\S)?$/

/** Our free-text location as the CC007C element its qualifier names, when it fits that element. */
function placeOf(b: Builder, l: Location): { nodes: Record<string, XNode | undefined>; written: boolean } {
  const v = l.location
  if (v === undefined) return { nodes: {}, written: true }
  const q = l.qualifierOfIdentification
  if (q === 'Y' && !/\s/.test(v))
    return { nodes: { authorisationNumber: b.leaf('authorisationNumber', v, '') }, written: true }
  if (q === 'V' && OFFICE.test(v))
    return { nodes: { CustomsOffice: b.el('CustomsOffice', b.leaf('referenceNumber', v, '')) }, written: true }
  if (q === 'X' && NO_SPACES_17.test(v))
    return {
      nodes: { EconomicOperator: b.el('EconomicOperator', b.leaf('identificationNumber', v, '')) },
      written: true,
    }
  return { nodes: {}, written: false }
}

/** CC007C from our ArrivalNotified. */
export function toCC007C(a: Body<'ArrivalNotified'>, env: NctsEnvelope): MapResult<string> {
  const b = new Builder()
  const l = a.LocationOfGoods
  const place = placeOf(b, l)
  const warnings: FieldError[] = place.written
    ? []
    : [
        {
          path: '/CC007C/Consignment/LocationOfGoods',
          code: 'NCTS_NOT_MAPPED',
          message: `CC007C has no free-text location for qualifier ${l.qualifierOfIdentification}; it is left out`,
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
        place.nodes.authorisationNumber,
        b.leaf('UNLocode', l.UNLocode, ''),
        place.nodes.CustomsOffice,
        l.GNSS === undefined
          ? undefined
          : b.el(
              'GNSS',
              b.leaf('latitude', gnss(l.GNSS.latitude), ''),
              b.leaf('longitude', gnss(l.GNSS.longitude), ''),
            ),
        place.nodes.EconomicOperator,
      ),
    ),
  ])
  return finish('CC007C', b, xml, warnings)
}

/** The CC007C elements that can hold the place, by the CL326 qualifier that names each. */
const PLACES: Readonly<Record<string, string>> = {
  Y: 'authorisationNumber',
  V: 'CustomsOffice',
  X: 'EconomicOperator',
  Z: 'Address',
  T: 'PostcodeAddress',
}

/** The text of a place element as our `location` (undefined when the message lacks it). */
function placeText(lg: Node, name: string): string | undefined {
  const n = lg.one(name)
  if (n === undefined) return undefined
  const join = (...parts: (string | undefined)[]) => parts.filter((p) => p !== undefined && p !== '').join(' ')
  if (name === 'authorisationNumber') return lg.text(name)
  if (name === 'CustomsOffice') return n.text('referenceNumber')
  if (name === 'EconomicOperator') return n.text('identificationNumber')
  if (name === 'Address') return `${n.text('streetAndNumber') ?? ''}, ${join(n.text('postcode'), n.text('city'))}`
  return join(n.text('houseNumber'), n.text('postcode'))
}

/** NCTS GNSS (five to seven decimals) as ours (up to six, no trailing zeros); seven significant decimals are refused. */
function readGnss(g: Node, name: 'latitude' | 'longitude'): string {
  const v = g.needText(name)
  const ours = v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v
  if ((ours.split('.')[1] ?? '').length > 6)
    g.error(name, 'NCTS_GNSS_PRECISION', 'seven decimals (about 1 cm); the federation records at most six', v)
  return ours
}

function readLocation(lg: Node, destination: string): Location {
  lg.unmapped(['typeOfLocation', 'qualifierOfIdentification', 'UNLocode', 'GNSS', ...Object.values(PLACES)])
  const type = lg.text('typeOfLocation')
  if (type !== undefined && type !== 'D')
    lg.sink.warnings.push({
      path: `${lg.path}/typeOfLocation`,
      code: 'NCTS_NOT_MAPPED',
      message: `type of location ${type} is not recorded (our location has no CL347 type; it is written back as D)`,
      value: type,
    })
  const q = lg.needText('qualifierOfIdentification')
  let location: string | undefined
  for (const [qualifier, name] of Object.entries(PLACES)) {
    const text = placeText(lg, name)
    if (text === undefined) continue
    if (qualifier !== q) {
      lg.sink.warnings.push({
        path: `${lg.path}/${name}`,
        code: 'NCTS_NOT_MAPPED',
        message: `${name} is not the place qualifier ${q} names; it is left out`,
      })
    } else if (text.length > 35) {
      lg.error(name, 'NCTS_LOCATION_TOO_LONG', `${text.length} characters; the federation's location takes 35`, text)
    } else location = text
  }
  const unl = lg.text('UNLocode')
  const g = lg.one('GNSS')
  const country =
    lg.one('Address')?.text('country') ??
    lg.one('PostcodeAddress')?.text('country') ??
    unl?.slice(0, 2) ??
    lg.one('CustomsOffice')?.text('referenceNumber')?.slice(0, 2) ??
    destination.slice(0, 2)
  return {
    qualifierOfIdentification: q,
    ...(unl === undefined ? {} : { UNLocode: unl }),
    country,
    ...(location === undefined ? {} : { location }),
    ...(g === undefined ? {} : { GNSS: { latitude: readGnss(g, 'latitude'), longitude: readGnss(g, 'longitude') } }),
  }
}

/** A partner's CC007C as the body of our `arrival` action (no incident flag in CC007C: it reads 0). */
export function fromCC007C(xml: Uint8Array | string): MapResult<Body<'ArrivalNotified'>> {
  const read = readNctsRoot(xml, 'CC007C', [
    'TransitOperation',
    'CustomsOfficeOfDestinationActual',
    'TraderAtDestination',
    'Consignment',
  ])
  if (!read.ok) return read
  const { root: r, sink } = read
  const op = r.need('TransitOperation')
  const office = r.need('CustomsOfficeOfDestinationActual')?.needText('referenceNumber') ?? ''
  const trader = r.need('TraderAtDestination')
  trader?.unmapped(['identificationNumber'])
  const lg = r.need('Consignment')?.need('LocationOfGoods')
  const body: Body<'ArrivalNotified'> = {
    TransitOperation: {
      MRN: op?.needText('MRN') ?? '',
      arrivalNotificationDateAndTime: fromNctsDateTime(op?.needText('arrivalNotificationDateAndTime') ?? ''),
      simplifiedProcedure: (op?.needText('simplifiedProcedure') ?? '') as '0',
      incidentFlag: '0',
    },
    CustomsOfficeOfDestinationActual: { referenceNumber: office },
    TraderAtDestination: { identificationNumber: trader?.needText('identificationNumber') ?? '' },
    LocationOfGoods: lg === undefined ? { qualifierOfIdentification: '', country: '' } : readLocation(lg, office),
  }
  return protocolChecked('ArrivalNotified', body, sink, (p) =>
    `/CC007C${p}`.replace('/LocationOfGoods', '/Consignment/LocationOfGoods'),
  )
}
