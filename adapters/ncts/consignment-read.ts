/**
 * The Consignment group of a declaration message (CC015C, CC013C) read into our one
 * consignment: house consignments folded into one list of items, parties given once, the
 * carrier named from the register of carriers. `itemSources` says where each item came from,
 * so that our errors on items name the partner's element.
 */
import type { DeclarationBody } from './declaration.ts'
import { readDocs, readEquipment, readMeans, readPlace, readTrader } from './read-parts.ts'
import { opt, seq } from './read.ts'
import type { ImportOptions, Sink } from './read.ts'
import type { Node } from './xml.ts'

type Consignment = DeclarationBody['Consignment']

export function readConsignment(
  c: Node | undefined,
  sink: Sink,
  opts: ImportOptions,
  language: string | undefined,
): { consignment: Consignment; itemSources: string[] } {
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
      // NCTS makes the commodity code optional; the federation's document classifies every item.
      const cc = cm?.one('CommodityCode')
      if (cm !== undefined && cc === undefined)
        cm.error('CommodityCode', 'NCTS_MISSING_VALUE', 'the single transit document needs the HS code of each item')
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
        message:
          'the message gives no carrier name and none was found in the register of carriers: the carrier is left out',
        value: id,
      })
    else carrierValue = { identificationNumber: id, name }
  }
  const equipment = readEquipment(c?.all('TransportEquipment') ?? [])
  const routing = c?.all('CountryOfRoutingOfConsignment') ?? []
  if (routing.length === 0)
    c?.error(
      'CountryOfRoutingOfConsignment',
      'NCTS_MISSING_VALUE',
      'the single transit document needs the itinerary (countries of routing), which decides who receives it',
    )
  // NCTS lets each house consignment give its own means; ours is the consignment's one list.
  const own = c?.all('DepartureTransportMeans') ?? []
  const means = readMeans(own.length > 0 ? own : houses.flatMap((h) => h.all('DepartureTransportMeans')))
  if (means.length === 0)
    c?.error(
      'DepartureTransportMeans',
      'NCTS_MISSING_VALUE',
      'the single transit document needs the means of transport at departure',
    )
  const consignment: Consignment = {
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
    DepartureTransportMeans: means,
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
  return { consignment, itemSources }
}
