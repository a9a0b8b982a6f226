/**
 * CC015C (IE015 declaration data) to and from our DeclarationLodged. Export is total except
 * where an NCTS field is narrower than ours (reported per field). Import reads a partner's
 * CC015C with our strict XML reader, maps what fits, warns about what has no place in the single
 * transit document, and reports field-level errors (NCTS path, code, message) where a value does
 * not fit our model, including the protocol's own checks (code lists, formats, rules).
 */
import { checkMessage, parseXml, SisError } from '../../protocol/index.ts'
import type { Message } from '../../protocol/index.ts'
import type { FieldError } from '../contract.ts'
import { mrnForLrn } from '../mrn.ts'
import { consignment, declarationHead } from './declaration.ts'
import type { DeclarationBody } from './declaration.ts'
import { envelope, finish } from './envelope.ts'
import type { MapResult, NctsEnvelope } from './envelope.ts'
import { Builder, fromNctsDateTime, NCTS_NS, Node, nctsDateTime, serializeNcts } from './xml.ts'

export function toCC015C(d: DeclarationBody, env: NctsEnvelope, opts: { language?: string } = {}): MapResult<string> {
  const b = new Builder()
  const op = d.TransitOperation
  const head = declarationHead(b, d)
  const xml = serializeNcts('CC015C', [
    ...envelope(b, 'CC015C', env),
    b.el(
      'TransitOperation',
      b.leaf('LRN', op.LRN, '/TransitOperation'),
      b.leaf('declarationType', op.declarationType, ''),
      b.leaf('additionalDeclarationType', op.additionalDeclarationType, ''),
      b.leaf('security', op.security, ''),
      // Our document always carries the full data set.
      b.leaf('reducedDatasetIndicator', '0', ''),
      b.leaf('bindingItinerary', op.bindingItinerary, ''),
      b.leaf('limitDate', op.limitDate, ''),
    ),
    ...head.offices,
    head.holder,
    head.representative,
    ...head.guarantees,
    consignment(b, d, { ...opts, placeOfLoadingRequired: false, supplementaryUnits: true }),
  ])
  return finish('CC015C', b, xml)
}

/** Reads the root of an NCTS message; refuses anything else before mapping. */
export function readNctsRoot(
  xml: Uint8Array | string,
  type: string,
): { root: Node; sink: { errors: FieldError[]; warnings: FieldError[] } } | { errors: FieldError[] } {
  let el
  try {
    el = parseXml(xml)
  } catch (e) {
    if (e instanceof SisError) return { errors: [{ path: '/', code: e.code, message: e.message }] }
    throw e
  }
  if (el.ns !== NCTS_NS || el.local !== type)
    return {
      errors: [
        {
          path: `/${el.local}`,
          code: 'NCTS_WRONG_MESSAGE',
          message: `expected ${type} in namespace ${NCTS_NS}, got ${el.local} in ${JSON.stringify(el.ns)}`,
        },
      ],
    }
  const sink = { errors: [] as FieldError[], warnings: [] as FieldError[] }
  return { root: new Node(el, `/${type}`, sink), sink }
}

type Trader = DeclarationBody['HolderOfTheTransitProcedure']

function readTrader(n: Node | undefined): Trader | undefined {
  if (n === undefined) return undefined
  n.unmapped(['identificationNumber', 'name', 'Address', 'ContactPerson'])
  const name = n.text('name')
  const a = n.one('Address')
  if (name === undefined) n.error('name', 'NCTS_MISSING_VALUE', "the single transit document needs the trader's name")
  if (a === undefined)
    n.error('Address', 'NCTS_MISSING_VALUE', "the single transit document needs the trader's address")
  const c = n.one('ContactPerson')
  const id = n.text('identificationNumber')
  const postcode = a?.text('postcode')
  const email = c?.text('eMailAddress')
  return {
    ...(id === undefined ? {} : { identificationNumber: id }),
    name: name ?? '',
    Address: {
      streetAndNumber: a?.needText('streetAndNumber') ?? '',
      ...(postcode === undefined ? {} : { postcode }),
      city: a?.needText('city') ?? '',
      country: a?.needText('country') ?? '',
    },
    ...(c === undefined
      ? {}
      : {
          ContactPerson: {
            name: c.needText('name'),
            phoneNumber: c.needText('phoneNumber'),
            ...(email === undefined ? {} : { eMailAddress: email }),
          },
        }),
  }
}

function seq<T>(nodes: Node[], f: (n: Node) => T): T[] | undefined {
  return nodes.length === 0 ? undefined : nodes.map(f)
}

function readDocs(nodes: Node[]) {
  return seq(nodes, (n) => {
    n.unmapped(['sequenceNumber', 'type', 'referenceNumber', 'complementOfInformation'])
    const comp = n.text('complementOfInformation')
    return {
      sequenceNumber: n.needText('sequenceNumber'),
      type: n.needText('type'),
      referenceNumber: n.needText('referenceNumber'),
      ...(comp === undefined ? {} : { complementOfInformation: comp }),
    }
  })
}

function readPlace(n: Node | undefined) {
  if (n === undefined) return undefined
  const unl = n.text('UNLocode')
  const location = n.text('location')
  const country = n.text('country') ?? unl?.slice(0, 2)
  if (country === undefined) {
    n.error(
      'country',
      'NCTS_MISSING_VALUE',
      'the single transit document needs the country of a place (or a UN/LOCODE)',
    )
  }
  // Qualifier U (UN/LOCODE) or Z (free text), as NCTS code list CL326 has them.
  return {
    qualifierOfIdentification: unl === undefined ? 'Z' : 'U',
    ...(unl === undefined ? {} : { UNLocode: unl }),
    country: country ?? '',
    ...(location === undefined ? {} : { location }),
  }
}

const opt = <K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } =>
  (v === undefined ? {} : { [key]: v }) as { [P in K]?: V }

export interface ImportOptions {
  /** Language of the partner's free texts (descriptions), written as xml:lang in our model. */
  readonly language?: string
  /** A carrier's name from the unified register of carriers (CC015C carries only its id). */
  readonly carrierName?: (identificationNumber: string) => string | undefined
  /** The MRN to give the declaration; by default one derived from the LRN (idempotent lodging). */
  readonly mrn?: string
}

/**
 * Maps our validation errors (paths in our model) back to the partner's message, so a field-level
 * error names the element the partner wrote.
 */
function toNctsPath(field: string, items: string[]): string {
  let p = field.replace(/^DeclarationLodged/, '/CC015C')
  p = p.replace(
    /\/Consignment\/ConsignmentItem\[(\d+)\]/,
    (_, i: string) => items[Number(i) - 1] ?? `/CC015C/Consignment/HouseConsignment[1]/ConsignmentItem[${i}]`,
  )
  p = p.replace(/\/descriptionOfGoods\[\d+\]\/value$/, '/descriptionOfGoods')
  p = p.replace(/^\/CC015C\/TransitOperation\/declarationDateAndTime$/, '/CC015C/preparationDateAndTime')
  return p
}

export function fromCC015C(xml: Uint8Array | string, opts: ImportOptions = {}): MapResult<DeclarationBody> {
  const read = readNctsRoot(xml, 'CC015C')
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
    'CustomsOfficeOfDeparture',
    'CustomsOfficeOfDestinationDeclared',
    'CustomsOfficeOfTransitDeclared',
    'CustomsOfficeOfExitForTransitDeclared',
    'HolderOfTheTransitProcedure',
    'Representative',
    'Guarantee',
    'Consignment',
  ])
  const op = r.need('TransitOperation')
  op?.unmapped([
    'LRN',
    'declarationType',
    'additionalDeclarationType',
    'security',
    'reducedDatasetIndicator',
    'bindingItinerary',
    'limitDate',
    'communicationLanguageAtDeparture',
  ])
  const language = opts.language ?? op?.text('communicationLanguageAtDeparture')?.toLowerCase()
  const lrn = op?.needText('LRN') ?? ''
  const departure = r.need('CustomsOfficeOfDeparture')?.needText('referenceNumber') ?? ''
  const preparedAt = fromNctsDateTime(r.needText('preparationDateAndTime'))
  const guarantees = r.all('Guarantee').map((g) => {
    g.unmapped(['sequenceNumber', 'guaranteeType', 'GuaranteeReference'])
    const refs = g.all('GuaranteeReference')
    if (refs.length === 0)
      g.error(
        'GuaranteeReference',
        'NCTS_MISSING_VALUE',
        'the single transit document needs a guarantee reference (GRN and amount)',
      )
    return {
      sequenceNumber: g.needText('sequenceNumber'),
      guaranteeType: g.needText('guaranteeType'),
      GuaranteeReference: refs.map((ref) => {
        ref.unmapped(['sequenceNumber', 'GRN', 'amountToBeCovered', 'currency'])
        const grn = ref.text('GRN')
        if (grn === undefined)
          ref.error(
            'GRN',
            'NCTS_MISSING_VALUE',
            'the single transit document covers a transit by a registered guarantee (GRN)',
          )
        return {
          sequenceNumber: ref.needText('sequenceNumber'),
          GRN: grn ?? '',
          amountToBeCovered: ref.needText('amountToBeCovered'),
          currency: ref.needText('currency'),
        }
      }),
    }
  })
  const c = r.need('Consignment')
  c?.unmapped([
    'countryOfDispatch',
    'countryOfDestination',
    'containerIndicator',
    'inlandModeOfTransport',
    'modeOfTransportAtTheBorder',
    'grossMass',
    'referenceNumberUCR',
    'Carrier',
    'Consignor',
    'Consignee',
    'TransportEquipment',
    'DepartureTransportMeans',
    'CountryOfRoutingOfConsignment',
    'PlaceOfLoading',
    'PlaceOfUnloading',
    'PreviousDocument',
    'SupportingDocument',
    'TransportDocument',
    'HouseConsignment',
  ])
  const houses = c?.all('HouseConsignment') ?? []
  if (houses.length === 0) c?.error('HouseConsignment', 'NCTS_MISSING_ELEMENT', 'HouseConsignment is required')
  // Our document has one consignment: the parties of several house consignments must agree.
  const houseParty = (name: string): Node | undefined => {
    const found = houses.map((h) => h.one(name)).filter((n): n is Node => n !== undefined)
    if (found.length > 1)
      found
        .slice(1)
        .forEach((n) =>
          n.error(
            '',
            'NCTS_NOT_SUPPORTED',
            `a ${name} per house consignment does not fit the single transit document (one consignor and one consignee); give it once on Consignment`,
          ),
        )
    return found[0]
  }
  const consignor = c?.one('Consignor') ?? houseParty('Consignor')
  const consignee = c?.one('Consignee') ?? houseParty('Consignee')
  if (consignor === undefined)
    c?.error('Consignor', 'NCTS_MISSING_VALUE', 'the single transit document needs the consignor')
  if (consignee === undefined)
    c?.error('Consignee', 'NCTS_MISSING_VALUE', 'the single transit document needs the consignee')
  const itemSources: string[] = []
  const items = houses.flatMap((h) => {
    h.unmapped([
      'sequenceNumber',
      'countryOfDispatch',
      'countryOfDestination',
      'grossMass',
      'referenceNumberUCR',
      'Consignor',
      'Consignee',
      'ConsignmentItem',
    ])
    return h.all('ConsignmentItem').map((it) => {
      itemSources.push(it.path)
      it.unmapped([
        'goodsItemNumber',
        'declarationGoodsItemNumber',
        'countryOfDispatch',
        'countryOfDestination',
        'Commodity',
        'Packaging',
        'PreviousDocument',
        'SupportingDocument',
      ])
      const cm = it.need('Commodity')
      cm?.unmapped(['descriptionOfGoods', 'CommodityCode', 'DangerousGoods', 'GoodsMeasure'])
      const gm = cm?.need('GoodsMeasure')
      gm?.unmapped(['grossMass', 'netMass'])
      const cc = cm?.need('CommodityCode')
      cc?.unmapped(['harmonizedSystemSubHeadingCode'])
      const net = gm?.text('netMass')
      return {
        goodsItemNumber: String(itemSources.length),
        ...opt('countryOfDispatch', it.text('countryOfDispatch')),
        ...opt('countryOfDestination', it.text('countryOfDestination')),
        Commodity: {
          descriptionOfGoods: [{ ...opt('lang', language), value: cm?.needText('descriptionOfGoods') ?? '' }],
          CommodityCode: { harmonizedSystemSubHeadingCode: cc?.needText('harmonizedSystemSubHeadingCode') ?? '' },
          ...opt(
            'DangerousGoods',
            seq(cm?.all('DangerousGoods') ?? [], (g) => ({
              sequenceNumber: g.needText('sequenceNumber'),
              UNNumber: g.needText('UNNumber'),
            })),
          ),
          GoodsMeasure: { grossMass: gm?.needText('grossMass') ?? '', ...opt('netMass', net) },
        },
        Packaging: it.all('Packaging').map((p) => {
          p.unmapped(['sequenceNumber', 'typeOfPackages', 'numberOfPackages', 'shippingMarks'])
          return {
            sequenceNumber: p.needText('sequenceNumber'),
            typeOfPackages: p.needText('typeOfPackages'),
            ...opt('numberOfPackages', p.text('numberOfPackages')),
            ...opt('shippingMarks', p.text('shippingMarks')),
          }
        }),
        ...opt('PreviousDocument', readDocs(it.all('PreviousDocument'))),
        ...opt('SupportingDocument', readDocs(it.all('SupportingDocument'))),
      }
    })
  })
  const carrier = c?.one('Carrier')
  let carrierValue: NonNullable<DeclarationBody['Consignment']['Carrier']> | undefined
  if (carrier !== undefined) {
    const id = carrier.needText('identificationNumber')
    const name = opts.carrierName?.(id)
    if (name === undefined)
      sink.warnings.push({
        path: carrier.path,
        code: 'NCTS_NOT_MAPPED',
        message: 'CC015C gives no carrier name and none was found in the register of carriers: the carrier is left out',
        value: id,
      })
    else carrierValue = { identificationNumber: id, name }
  }
  const equipment = seq(c?.all('TransportEquipment') ?? [], (eq) => {
    eq.unmapped(['sequenceNumber', 'containerIdentificationNumber', 'numberOfSeals', 'Seal'])
    return {
      sequenceNumber: eq.needText('sequenceNumber'),
      ...opt('containerIdentificationNumber', eq.text('containerIdentificationNumber')),
      numberOfSeals: eq.needText('numberOfSeals'),
      ...opt(
        'Seal',
        seq(eq.all('Seal'), (s) => ({
          sequenceNumber: s.needText('sequenceNumber'),
          identifier: s.needText('identifier'),
        })),
      ),
    }
  })
  const routing = c?.all('CountryOfRoutingOfConsignment') ?? []
  if (routing.length === 0)
    c?.error(
      'CountryOfRoutingOfConsignment',
      'NCTS_MISSING_VALUE',
      'the single transit document needs the itinerary (countries of routing), which decides who receives it',
    )
  const means = c?.all('DepartureTransportMeans') ?? []
  if (means.length === 0)
    c?.error(
      'DepartureTransportMeans',
      'NCTS_MISSING_VALUE',
      'the single transit document needs the means of transport at departure',
    )
  const repr = r.one('Representative')
  const holder = readTrader(r.need('HolderOfTheTransitProcedure'))
  const body: DeclarationBody = {
    TransitOperation: {
      LRN: lrn,
      MRN: opts.mrn ?? (lrn !== '' && /^[A-Z]{2}/.test(departure) ? safeMrn(lrn, departure, preparedAt) : ''),
      declarationType: (op?.needText('declarationType') ?? '') as 'T1',
      additionalDeclarationType: (op?.needText('additionalDeclarationType') ?? '') as 'A',
      security: (op?.needText('security') ?? '') as '0',
      bindingItinerary: (op?.needText('bindingItinerary') ?? '') as '0',
      ...opt('limitDate', op?.text('limitDate')),
      declarationDateAndTime: preparedAt,
    },
    CustomsOfficeOfDeparture: { referenceNumber: departure },
    CustomsOfficeOfDestinationDeclared: {
      referenceNumber: r.need('CustomsOfficeOfDestinationDeclared')?.needText('referenceNumber') ?? '',
    },
    ...opt(
      'CustomsOfficeOfTransitDeclared',
      seq(r.all('CustomsOfficeOfTransitDeclared'), (o) => ({
        sequenceNumber: o.needText('sequenceNumber'),
        referenceNumber: o.needText('referenceNumber'),
        ...opt(
          'arrivalDateAndTimeEstimated',
          o.text('arrivalDateAndTimeEstimated') === undefined
            ? undefined
            : fromNctsDateTime(o.text('arrivalDateAndTimeEstimated')!),
        ),
      })),
    ),
    ...opt(
      'CustomsOfficeOfExitForTransitDeclared',
      seq(r.all('CustomsOfficeOfExitForTransitDeclared'), (o) => ({
        sequenceNumber: o.needText('sequenceNumber'),
        referenceNumber: o.needText('referenceNumber'),
      })),
    ),
    HolderOfTheTransitProcedure: holder ?? { name: '', Address: { streetAndNumber: '', city: '', country: '' } },
    ...opt(
      'Representative',
      repr === undefined
        ? undefined
        : { identificationNumber: repr.needText('identificationNumber'), status: repr.needText('status') as '2' },
    ),
    Guarantee: guarantees,
    Consignment: {
      countryOfDispatch: c?.text('countryOfDispatch') ?? '',
      countryOfDestination: c?.text('countryOfDestination') ?? '',
      containerIndicator: (c?.text('containerIndicator') ?? '0') as '0',
      ...opt('inlandModeOfTransport', c?.text('inlandModeOfTransport')),
      modeOfTransportAtTheBorder: c?.text('modeOfTransportAtTheBorder') ?? '',
      grossMass: c?.needText('grossMass') ?? '',
      ...opt('referenceNumberUCR', c?.text('referenceNumberUCR')),
      ...opt('Carrier', carrierValue),
      Consignor: readTrader(consignor) ?? { name: '', Address: { streetAndNumber: '', city: '', country: '' } },
      Consignee: readTrader(consignee) ?? { name: '', Address: { streetAndNumber: '', city: '', country: '' } },
      ...opt('TransportEquipment', equipment),
      DepartureTransportMeans: means.map((m) => ({
        sequenceNumber: m.needText('sequenceNumber'),
        typeOfIdentification: m.needText('typeOfIdentification'),
        identificationNumber: m.needText('identificationNumber'),
        nationality: m.needText('nationality'),
      })),
      CountryOfRoutingOfConsignment: routing.map((x) => ({
        sequenceNumber: x.needText('sequenceNumber'),
        country: x.needText('country'),
      })),
      ...opt('PlaceOfLoading', readPlace(c?.one('PlaceOfLoading'))),
      ...opt('PlaceOfUnloading', readPlace(c?.one('PlaceOfUnloading'))),
      ...opt('PreviousDocument', readDocs(c?.all('PreviousDocument') ?? [])),
      ...opt('SupportingDocument', readDocs(c?.all('SupportingDocument') ?? [])),
      ...opt('TransportDocument', readDocs(c?.all('TransportDocument') ?? [])),
      ConsignmentItem: items,
    },
  }
  if (c !== undefined && c.text('modeOfTransportAtTheBorder') === undefined)
    c.error(
      'modeOfTransportAtTheBorder',
      'NCTS_MISSING_VALUE',
      'the single transit document needs the mode of transport at the border',
    )
  if (c !== undefined && (c.text('countryOfDispatch') === undefined || c.text('countryOfDestination') === undefined))
    c.error(
      'countryOfDispatch',
      'NCTS_MISSING_VALUE',
      'the single transit document gives the countries of dispatch and destination on the consignment',
    )
  if (sink.errors.length > 0) return { ok: false, errors: sink.errors, warnings: sink.warnings }
  // Our own schema and rules: code lists, formats, sequence numbers, route, masses.
  const checked = checkMessage('DeclarationLodged', {
    Header: placeholderHeader(body.TransitOperation.MRN),
    ...body,
  } as Message<'DeclarationLodged'>)
  if (!checked.ok) {
    return {
      ok: false,
      warnings: sink.warnings,
      errors: checked.errors.map((e) => {
        const field = typeof e.details.field === 'string' ? e.details.field : 'DeclarationLodged'
        return {
          path: toNctsPath(field, itemSources),
          code: e.code,
          message: e.message.replace(/^\S+: /, ''),
          ...(typeof e.details.value === 'string' ? { value: e.details.value } : {}),
        }
      }),
    }
  }
  return { ok: true, value: body, warnings: sink.warnings }
}

function safeMrn(lrn: string, departure: string, at: string): string {
  try {
    return mrnForLrn({ lrn, departureOffice: departure, declaredAt: at })
  } catch {
    return ''
  }
}

/** A header good enough for checkMessage; the node writes the real one. */
export function placeholderHeader(mrn: string, type = 'DeclarationLodged'): Message['Header'] {
  return {
    messageIdentification: 'adapter-check',
    messageType: type,
    preparationDateAndTime: '2026-01-01T00:00:00Z',
    documentId: mrn,
    authorCountry: mrn.slice(2, 4) || 'CN',
    authorKeyId: 'adapter',
    sequenceNumber: '1',
    ruleVersion: '1',
  } as Message['Header']
}

export { nctsDateTime }
