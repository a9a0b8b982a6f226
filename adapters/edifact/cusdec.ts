/**
 * CUSDEC (customs declaration) in, as our DeclarationLodged; CUSRES (customs response) out, from
 * the entries of a transit. The segments used are the CAREC transit profile documented in
 * docs/adapters.md ("EDIFACT profile"): a small subset of UN/EDIFACT D.96B CUSDEC, one message
 * per declaration, consignment segments before the first CST and goods item segments after it.
 */
import { checkMessage } from '../../protocol/index.ts'
import type { Message } from '../../protocol/index.ts'
import type { FieldError } from '../contract.ts'
import { mrnForLrn } from '../mrn.ts'
import type { DeclarationBody } from '../ncts/declaration.ts'
import { placeholderHeader } from '../ncts/read.ts'
import { describePosition, EdifactError, parseInterchange, value } from './syntax.ts'
import type { EdifactMessage, Segment } from './syntax.ts'

type Trader = DeclarationBody['HolderOfTheTransitProcedure']
type Item = DeclarationBody['Consignment']['ConsignmentItem'][number]
type DocRef = NonNullable<DeclarationBody['Consignment']['PreviousDocument']>[number]

export type CusdecResult =
  | {
      readonly ok: true
      readonly declaration: DeclarationBody
      readonly interchange: string
      readonly warnings: readonly FieldError[]
    }
  | { readonly ok: false; readonly errors: readonly FieldError[]; readonly lrn?: string; readonly interchange?: string }

const at = (s: Segment, element?: number, component?: number) =>
  describePosition({
    segment: s.position,
    tag: s.tag,
    ...(element === undefined ? {} : { element }),
    ...(component === undefined ? {} : { component }),
  })

/** EDIFACT date-time, format 203 (CCYYMMDDHHMM), read as UTC. */
function dateTime203(v: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(v)
  return m === null ? undefined : `${m[1]!}-${m[2]!}-${m[3]!}T${m[4]!}:${m[5]!}:00Z`
}

function seqd<T extends object>(list: T[]): (T & { sequenceNumber: string })[] {
  return list.map((x, i) => ({ sequenceNumber: String(i + 1), ...x }))
}

/** Where each field of our model came from, to point a validation error at its segment. */
type Sources = Map<string, string>

class Reader {
  readonly errors: FieldError[] = []
  readonly warnings: FieldError[] = []
  readonly sources: Sources = new Map()

  need(s: Segment, e: number, c: number, what: string): string {
    const v = value(s, e, c)
    if (v === '') this.errors.push({ path: at(s, e, c), code: 'EDI_MISSING_VALUE', message: `${what} is required` })
    return v
  }

  source(field: string, s: Segment, e?: number, c?: number): void {
    this.sources.set(field, at(s, e, c))
  }
}

function nad(r: Reader, s: Segment, field: string): Trader {
  // NAD+qualifier+id+(address lines)+name+street+city+(subdivision)+postcode+country
  const id = value(s, 2, 1)
  const postcode = value(s, 8, 1)
  r.source(`${field}/identificationNumber`, s, 2, 1)
  r.source(`${field}/name`, s, 4, 1)
  r.source(`${field}/Address/streetAndNumber`, s, 5, 1)
  r.source(`${field}/Address/city`, s, 6, 1)
  r.source(`${field}/Address/postcode`, s, 8, 1)
  r.source(`${field}/Address/country`, s, 9, 1)
  return {
    ...(id === '' ? {} : { identificationNumber: id }),
    name: r.need(s, 4, 1, 'the party name'),
    Address: {
      streetAndNumber: r.need(s, 5, 1, 'the street'),
      ...(postcode === '' ? {} : { postcode }),
      city: r.need(s, 6, 1, 'the city'),
      country: r.need(s, 9, 1, 'the country'),
    },
  }
}

function docRef(r: Reader, s: Segment, field: string): { kind: string; doc: Omit<DocRef, 'sequenceNumber'> } {
  r.source(`${field}/type`, s, 1, 1)
  r.source(`${field}/referenceNumber`, s, 2, 1)
  return {
    kind: value(s, 1, 2),
    doc: { type: r.need(s, 1, 1, 'the document type'), referenceNumber: r.need(s, 2, 1, 'the document number') },
  }
}

function mapMessage(r: Reader, m: EdifactMessage): DeclarationBody | undefined {
  const segs = m.segments
  const bgm = segs.find((s) => s.tag === 'BGM')
  if (bgm === undefined) {
    r.errors.push({
      path: `message ${m.reference}`,
      code: 'EDI_MISSING_SEGMENT',
      message: 'BGM (the declaration number and type) is required',
    })
    return undefined
  }
  const firstItem = segs.findIndex((s) => s.tag === 'CST')
  const head = firstItem < 0 ? segs : segs.slice(0, firstItem)
  const itemSegs = firstItem < 0 ? [] : segs.slice(firstItem)
  if (firstItem < 0)
    r.errors.push({
      path: `message ${m.reference}`,
      code: 'EDI_MISSING_SEGMENT',
      message: 'at least one goods item (CST) is required',
    })
  const gis = (code: string) => head.find((s) => s.tag === 'GIS' && value(s, 1, 2) === code)
  const loc = (q: string) => head.filter((s) => s.tag === 'LOC' && value(s, 1) === q)
  const nads = (q: string) => head.filter((s) => s.tag === 'NAD' && value(s, 1) === q)
  const tdt = (q: string) => head.filter((s) => s.tag === 'TDT' && value(s, 1) === q)
  const lrn = r.need(bgm, 2, 1, 'the LRN (document number)')
  r.source('TransitOperation/LRN', bgm, 2, 1)
  r.source('TransitOperation/declarationType', bgm, 1, 4)
  const dtm = head.find((s) => s.tag === 'DTM' && value(s, 1, 1) === '137')
  const declaredAt = dtm === undefined ? undefined : dateTime203(value(dtm, 1, 2))
  if (dtm === undefined || declaredAt === undefined || value(dtm, 1, 3) !== '203')
    r.errors.push({
      path: dtm === undefined ? `message ${m.reference}` : at(dtm, 1, 2),
      code: dtm === undefined ? 'EDI_MISSING_SEGMENT' : 'EDI_INVALID_VALUE',
      message: 'DTM+137 (declaration date and time, format 203 CCYYMMDDHHMM) is required',
    })
  const flag = (code: string, what: string, dflt?: string): string => {
    const s = gis(code)
    if (s === undefined) {
      if (dflt === undefined)
        r.errors.push({
          path: `message ${m.reference}`,
          code: 'EDI_MISSING_SEGMENT',
          message: `GIS+?:${code} (${what}) is required`,
        })
      return dflt ?? ''
    }
    return value(s, 1, 1)
  }
  const departure = loc('22')[0]
  const destination = loc('17')[0]
  if (departure === undefined)
    r.errors.push({
      path: `message ${m.reference}`,
      code: 'EDI_MISSING_SEGMENT',
      message: 'LOC+22 (office of departure) is required',
    })
  if (destination === undefined)
    r.errors.push({
      path: `message ${m.reference}`,
      code: 'EDI_MISSING_SEGMENT',
      message: 'LOC+17 (office of destination) is required',
    })
  const holder = nads('DT')[0]
  const consignor = nads('CZ')[0]
  const consignee = nads('CN')[0]
  for (const [q, s] of [
    ['DT', holder],
    ['CZ', consignor],
    ['CN', consignee],
  ] as const) {
    if (s === undefined)
      r.errors.push({ path: `message ${m.reference}`, code: 'EDI_MISSING_SEGMENT', message: `NAD+${q} is required` })
  }
  const carrier = nads('CA')[0]
  // Guarantees: GIS+type:GTY opens one, each RFF+GRN and the MOA+GUA after it are a reference.
  const guarantees: DeclarationBody['Guarantee'] = []
  head.forEach((s, i) => {
    if (s.tag === 'GIS' && value(s, 1, 2) === 'GTY') {
      guarantees.push({
        sequenceNumber: String(guarantees.length + 1),
        guaranteeType: value(s, 1, 1),
        GuaranteeReference: [],
      })
    } else if (s.tag === 'RFF' && value(s, 1, 1) === 'GRN') {
      const g = guarantees[guarantees.length - 1]
      const moa = head[i + 1]
      if (g === undefined) {
        r.errors.push({
          path: at(s),
          code: 'EDI_UNEXPECTED_SEGMENT',
          message: 'RFF+GRN before any GIS+?:GTY (guarantee type)',
        })
        return
      }
      if (moa?.tag !== 'MOA' || value(moa, 1, 1) !== 'GUA') {
        r.errors.push({
          path: at(s),
          code: 'EDI_MISSING_SEGMENT',
          message: 'RFF+GRN is followed by MOA+GUA:amount:currency',
        })
        return
      }
      const path = `Guarantee[${guarantees.length}]/GuaranteeReference[${g.GuaranteeReference.length + 1}]`
      r.source(`${path}/GRN`, s, 1, 2)
      r.source(`${path}/amountToBeCovered`, moa, 1, 2)
      r.source(`${path}/currency`, moa, 1, 3)
      g.GuaranteeReference.push({
        sequenceNumber: String(g.GuaranteeReference.length + 1),
        GRN: r.need(s, 1, 2, 'the GRN'),
        amountToBeCovered: r.need(moa, 1, 2, 'the amount'),
        currency: r.need(moa, 1, 3, 'the currency'),
      })
    }
  })
  const equipment: NonNullable<DeclarationBody['Consignment']['TransportEquipment']> = []
  head.forEach((s) => {
    if (s.tag === 'EQD') {
      equipment.push({
        sequenceNumber: String(equipment.length + 1),
        ...(value(s, 2) === '' ? {} : { containerIdentificationNumber: value(s, 2) }),
        numberOfSeals: '0',
      })
    } else if (s.tag === 'SEL') {
      const eq = equipment[equipment.length - 1]
      if (eq === undefined) {
        r.errors.push({ path: at(s), code: 'EDI_UNEXPECTED_SEGMENT', message: 'SEL (seal) before any EQD (equipment)' })
        return
      }
      const seals = [
        ...(eq.Seal ?? []),
        { sequenceNumber: String((eq.Seal?.length ?? 0) + 1), identifier: r.need(s, 1, 1, 'the seal number') },
      ]
      equipment[equipment.length - 1] = { ...eq, numberOfSeals: String(seals.length), Seal: seals }
    }
  })
  const mass = (segs: readonly Segment[], q: string) =>
    segs.find((s) => s.tag === 'MEA' && value(s, 1) === 'WT' && value(s, 2) === q)
  const grossSeg = mass(head, 'G')
  if (grossSeg === undefined)
    r.errors.push({
      path: `message ${m.reference}`,
      code: 'EDI_MISSING_SEGMENT',
      message: 'MEA+WT+G (consignment gross mass) is required',
    })
  else r.source('Consignment/grossMass', grossSeg, 3, 2)
  const docs = (segs: readonly Segment[], base: string) => {
    const out: Record<string, Omit<DocRef, 'sequenceNumber'>[]> = { PRV: [], SUP: [], TRD: [] }
    for (const s of segs.filter((x) => x.tag === 'DOC')) {
      const field = (k: string) =>
        k === 'PRV' ? 'PreviousDocument' : k === 'SUP' ? 'SupportingDocument' : 'TransportDocument'
      const { kind, doc } = docRef(r, s, `${base}/${field(value(s, 1, 2))}[${(out[value(s, 1, 2)]?.length ?? 0) + 1}]`)
      if (out[kind] === undefined) {
        r.errors.push({
          path: at(s, 1, 2),
          code: 'EDI_INVALID_VALUE',
          message: 'the document kind is PRV (previous), SUP (supporting) or TRD (transport)',
          value: kind,
        })
        continue
      }
      out[kind].push(doc)
    }
    return out
  }
  const headDocs = docs(head, 'Consignment')
  // Goods items: each CST opens one; its segments run to the next CST.
  const items: Item[] = []
  let start = 0
  for (let i = 1; i <= itemSegs.length; i++) {
    if (i < itemSegs.length && itemSegs[i]!.tag !== 'CST') continue
    const part = itemSegs.slice(start, i)
    start = i
    const cst = part[0]!
    const n = items.length + 1
    const base = `Consignment/ConsignmentItem[${n}]`
    if (value(cst, 1) !== String(n))
      r.errors.push({
        path: at(cst, 1),
        code: 'EDI_INVALID_VALUE',
        message: `goods items are numbered 1, 2, 3, ...: expected ${n}`,
        value: value(cst, 1),
      })
    r.source(`${base}/Commodity/CommodityCode/harmonizedSystemSubHeadingCode`, cst, 2, 1)
    const texts = part.filter((s) => s.tag === 'FTX' && value(s, 1) === 'AAA')
    texts.forEach((s, j) => r.source(`${base}/Commodity/descriptionOfGoods[${j + 1}]/value`, s, 4, 1))
    if (texts.length === 0)
      r.errors.push({
        path: at(cst),
        code: 'EDI_MISSING_SEGMENT',
        message: 'FTX+AAA (description of goods) is required for each goods item',
      })
    const g = mass(part, 'G')
    const net = mass(part, 'N')
    const su = part.find((s) => s.tag === 'MEA' && value(s, 1) === 'SU')
    if (g === undefined)
      r.errors.push({
        path: at(cst),
        code: 'EDI_MISSING_SEGMENT',
        message: 'MEA+WT+G (gross mass) is required for each goods item',
      })
    else r.source(`${base}/Commodity/GoodsMeasure/grossMass`, g, 3, 2)
    const packs = part.filter((s) => s.tag === 'PAC')
    if (packs.length === 0)
      r.errors.push({
        path: at(cst),
        code: 'EDI_MISSING_SEGMENT',
        message: 'PAC (packages) is required for each goods item',
      })
    const marks = part.find((s) => s.tag === 'PCI')
    const itemDocs = docs(part, base)
    items.push({
      goodsItemNumber: String(n),
      Commodity: {
        descriptionOfGoods: texts.map((s) => ({
          ...(value(s, 5) === '' ? {} : { lang: value(s, 5) }),
          value: value(s, 4, 1),
        })),
        CommodityCode: { harmonizedSystemSubHeadingCode: r.need(cst, 2, 1, 'the HS subheading') },
        GoodsMeasure: {
          grossMass: g === undefined ? '' : r.need(g, 3, 2, 'the gross mass'),
          ...(net === undefined ? {} : { netMass: value(net, 3, 2) }),
          ...(su === undefined ? {} : { supplementaryUnits: value(su, 3, 2), supplementaryUnitsCode: value(su, 3, 1) }),
        },
      },
      Packaging: packs.map((s, j) => ({
        sequenceNumber: String(j + 1),
        typeOfPackages: r.need(s, 3, 1, 'the package type'),
        ...(value(s, 1) === '' ? {} : { numberOfPackages: value(s, 1) }),
        ...(j === 0 && marks !== undefined ? { shippingMarks: value(marks, 2, 1) } : {}),
      })),
      ...(itemDocs.PRV!.length > 0 ? { PreviousDocument: seqd(itemDocs.PRV!) } : {}),
      ...(itemDocs.SUP!.length > 0 ? { SupportingDocument: seqd(itemDocs.SUP!) } : {}),
    })
  }
  const mode = (q: string) => {
    const s = tdt(q)[0]
    return s === undefined ? undefined : value(s, 3, 1)
  }
  const departureOffice = departure === undefined ? '' : value(departure, 2, 1)
  if (departure !== undefined) r.source('CustomsOfficeOfDeparture/referenceNumber', departure, 2, 1)
  if (destination !== undefined) r.source('CustomsOfficeOfDestinationDeclared/referenceNumber', destination, 2, 1)
  const borderMode = mode('11')
  if (borderMode === undefined)
    r.errors.push({
      path: `message ${m.reference}`,
      code: 'EDI_MISSING_SEGMENT',
      message: 'TDT+11 (mode of transport at the border) is required',
    })
  const inland = mode('12')
  const means = tdt('20').map((s) => ({
    identificationNumber: r.need(s, 8, 1, 'the identification of the means of transport'),
    typeOfIdentification: r.need(s, 8, 2, 'the type of identification'),
    nationality: r.need(s, 8, 5, 'the nationality'),
  }))
  const mrn =
    lrn !== '' && declaredAt !== undefined && /^[A-Z]{2}/.test(departureOffice)
      ? safe(() => mrnForLrn({ lrn, departureOffice, declaredAt }))
      : ''
  const lang = (s: Segment | undefined) =>
    s === undefined
      ? undefined
      : { qualifierOfIdentification: 'U', UNLocode: value(s, 2, 1), country: value(s, 2, 1).slice(0, 2) }
  return {
    TransitOperation: {
      LRN: lrn,
      MRN: mrn,
      declarationType: value(bgm, 1, 4) as 'T1',
      additionalDeclarationType: flag('ADT', 'additional declaration type', 'A') as 'A',
      security: flag('SEC', 'security', '0') as '0',
      bindingItinerary: flag('BIT', 'binding itinerary', '0') as '0',
      declarationDateAndTime: declaredAt ?? '',
    },
    CustomsOfficeOfDeparture: { referenceNumber: departureOffice },
    CustomsOfficeOfDestinationDeclared: { referenceNumber: destination === undefined ? '' : value(destination, 2, 1) },
    ...(loc('48').length > 0
      ? {
          CustomsOfficeOfTransitDeclared: loc('48').map((s, i) => ({
            sequenceNumber: String(i + 1),
            referenceNumber: value(s, 2, 1),
          })),
        }
      : {}),
    HolderOfTheTransitProcedure:
      holder === undefined
        ? { name: '', Address: { streetAndNumber: '', city: '', country: '' } }
        : nad(r, holder, 'HolderOfTheTransitProcedure'),
    Guarantee: guarantees,
    Consignment: {
      countryOfDispatch: loc('35')[0] === undefined ? '' : value(loc('35')[0]!, 2, 1),
      countryOfDestination: loc('28')[0] === undefined ? '' : value(loc('28')[0]!, 2, 1),
      containerIndicator: equipment.some((e) => e.containerIdentificationNumber !== undefined) ? '1' : '0',
      ...(inland === undefined ? {} : { inlandModeOfTransport: inland }),
      modeOfTransportAtTheBorder: borderMode ?? '',
      grossMass: grossSeg === undefined ? '' : value(grossSeg, 3, 2),
      ...(carrier === undefined
        ? {}
        : {
            Carrier: {
              identificationNumber: r.need(carrier, 2, 1, 'the carrier id'),
              name: r.need(carrier, 4, 1, 'the carrier name'),
            },
          }),
      Consignor:
        consignor === undefined
          ? { name: '', Address: { streetAndNumber: '', city: '', country: '' } }
          : nad(r, consignor, 'Consignment/Consignor'),
      Consignee:
        consignee === undefined
          ? { name: '', Address: { streetAndNumber: '', city: '', country: '' } }
          : nad(r, consignee, 'Consignment/Consignee'),
      ...(equipment.length > 0 ? { TransportEquipment: equipment } : {}),
      DepartureTransportMeans: seqd(means),
      CountryOfRoutingOfConsignment: loc('172').map((s, i) => ({
        sequenceNumber: String(i + 1),
        country: value(s, 2, 1),
      })),
      ...(loc('9')[0] === undefined ? {} : { PlaceOfLoading: lang(loc('9')[0])! }),
      ...(loc('12')[0] === undefined ? {} : { PlaceOfUnloading: lang(loc('12')[0])! }),
      ...(headDocs.PRV!.length > 0 ? { PreviousDocument: seqd(headDocs.PRV!) } : {}),
      ...(headDocs.SUP!.length > 0 ? { SupportingDocument: seqd(headDocs.SUP!) } : {}),
      ...(headDocs.TRD!.length > 0 ? { TransportDocument: seqd(headDocs.TRD!) } : {}),
      ConsignmentItem: items,
    },
  }
}

function safe(f: () => string): string {
  try {
    return f()
  } catch {
    return ''
  }
}

/** Parses one CUSDEC interchange (one message) into our declaration, with positioned errors. */
export function fromCusdec(text: string): CusdecResult {
  let messages
  let interchange: string
  try {
    const parsed = parseInterchange(text)
    messages = parsed.messages
    interchange = parsed.controlReference
  } catch (e) {
    if (e instanceof EdifactError)
      return {
        ok: false,
        errors: [{ path: describePosition(e.position), code: e.code, message: e.message.replace(/^.*?: /, '') }],
      }
    throw e
  }
  if (messages.length !== 1 || messages[0]!.type !== 'CUSDEC') {
    return {
      ok: false,
      interchange,
      errors: [
        {
          path: 'segment 1 UNB',
          code: 'EDI_UNSUPPORTED',
          message: `one CUSDEC message per interchange is expected, got ${messages.map((m) => m.type).join(', ') || 'none'}`,
        },
      ],
    }
  }
  const r = new Reader()
  const body = mapMessage(r, messages[0]!)
  const lrn = body?.TransitOperation.LRN
  if (body === undefined || r.errors.length > 0)
    return { ok: false, interchange, errors: r.errors, ...(lrn ? { lrn } : {}) }
  const checked = checkMessage('DeclarationLodged', {
    Header: placeholderHeader(body.TransitOperation.MRN),
    ...body,
  } as Message<'DeclarationLodged'>)
  if (!checked.ok) {
    return {
      ok: false,
      interchange,
      ...(lrn ? { lrn } : {}),
      errors: checked.errors.map((e) => {
        const field = String(e.details.field ?? '').replace(/^DeclarationLodged\//, '')
        return {
          path: r.sources.get(field) ?? field,
          code: e.code,
          message: e.message.replace(/^\S+: /, ''),
          ...(typeof e.details.value === 'string' ? { value: e.details.value } : {}),
        }
      }),
    }
  }
  return { ok: true, declaration: body, interchange, warnings: r.warnings }
}
