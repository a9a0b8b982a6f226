/**
 * Our declaration (DeclarationLodged, protocol/messages) as the NCTS phase 6 data groups of
 * CC015C and CC029C, which share them. Our single transit document has one consignment; NCTS
 * nests goods items in house consignments, so we write one HouseConsignment holding every item
 * (declarationGoodsItemNumber = goodsItemNumber). Where an NCTS field is narrower than ours the
 * Builder reports a field-level error instead of cutting the value.
 */
import type { Message } from '../../protocol/index.ts'
import type { LangText } from '../../protocol/messages/types/complex.ts'
import type { Builder, XNode } from './xml.ts'

export type DeclarationBody = Omit<Message<'DeclarationLodged'>, 'Header'>
type Trader = DeclarationBody['HolderOfTheTransitProcedure']
type Doc = NonNullable<DeclarationBody['Consignment']['PreviousDocument']>[number]
type Loc = NonNullable<DeclarationBody['Consignment']['PlaceOfLoading']>

/** Identifiers of traders are 17 characters in NCTS (EORI), 35 in our model. */
const ID17 = { max: 17 }
const TIN = { pattern: /^[A-Z]{2}[!-~]{1,15}$/ }

/** The one rendering NCTS keeps of a multilingual text: `prefer`, else English, else the first. */
export function pickText(texts: readonly LangText[], prefer?: string): string {
  return (texts.find((t) => t.lang === prefer) ?? texts.find((t) => t.lang === 'en') ?? texts[0])?.value ?? ''
}

function contact(b: Builder, c: Trader['ContactPerson'], path: string): XNode | undefined {
  if (c === undefined) return undefined
  return b.el(
    'ContactPerson',
    b.leaf('name', c.name, path),
    b.leaf('phoneNumber', c.phoneNumber, path),
    b.leaf('eMailAddress', c.eMailAddress, path),
  )
}

export function trader(b: Builder, name: string, t: Trader, path: string, withContact = true): XNode {
  const p = `${path}/${name}`
  return b.el(
    name,
    b.leaf('identificationNumber', t.identificationNumber, p, ID17),
    b.leaf('name', t.name, p),
    b.el(
      'Address',
      b.leaf('streetAndNumber', t.Address.streetAndNumber, p),
      b.leaf('postcode', t.Address.postcode, p, ID17),
      b.leaf('city', t.Address.city, p),
      b.leaf('country', t.Address.country, p),
    ),
    withContact ? contact(b, t.ContactPerson, p) : undefined,
  )
}

function docs(
  b: Builder,
  name: string,
  list: readonly Doc[] | undefined,
  path: string,
  withComplement: boolean,
): XNode[] {
  return (list ?? []).map((d, i) => {
    const p = `${path}/${name}[${i + 1}]`
    return b.el(
      name,
      b.leaf('sequenceNumber', d.sequenceNumber, p),
      b.leaf('type', d.type, p),
      b.leaf('referenceNumber', d.referenceNumber, p),
      withComplement ? b.leaf('complementOfInformation', d.complementOfInformation, p, { max: 35 }) : undefined,
    )
  })
}

function place(b: Builder, name: string, l: Loc | undefined, path: string): XNode | undefined {
  if (l === undefined) return undefined
  return b.el(
    name,
    b.leaf('UNLocode', l.UNLocode, path),
    b.leaf('country', l.country, path),
    b.leaf('location', l.location, path),
  )
}

/** TransitOperation, offices, holder, representative and guarantees: the head of CC015C/CC029C. */
export function declarationHead(
  b: Builder,
  d: DeclarationBody,
): { offices: XNode[]; holder: XNode; representative: XNode | undefined; guarantees: XNode[] } {
  const offices: XNode[] = [
    b.el(
      'CustomsOfficeOfDeparture',
      b.leaf('referenceNumber', d.CustomsOfficeOfDeparture.referenceNumber, '/CustomsOfficeOfDeparture'),
    ),
    b.el(
      'CustomsOfficeOfDestinationDeclared',
      b.leaf(
        'referenceNumber',
        d.CustomsOfficeOfDestinationDeclared.referenceNumber,
        '/CustomsOfficeOfDestinationDeclared',
      ),
    ),
    ...(d.CustomsOfficeOfTransitDeclared ?? []).map((o) =>
      b.el(
        'CustomsOfficeOfTransitDeclared',
        b.leaf('sequenceNumber', o.sequenceNumber, ''),
        b.leaf('referenceNumber', o.referenceNumber, ''),
        b.leaf('arrivalDateAndTimeEstimated', o.arrivalDateAndTimeEstimated?.replace(/(\.\d+)?Z$/, ''), ''),
      ),
    ),
    ...(d.CustomsOfficeOfExitForTransitDeclared ?? []).map((o) =>
      b.el(
        'CustomsOfficeOfExitForTransitDeclared',
        b.leaf('sequenceNumber', o.sequenceNumber, ''),
        b.leaf('referenceNumber', o.referenceNumber, ''),
      ),
    ),
  ]
  const r = d.Representative
  return {
    offices,
    holder: trader(b, 'HolderOfTheTransitProcedure', d.HolderOfTheTransitProcedure, ''),
    representative:
      r === undefined
        ? undefined
        : b.el(
            'Representative',
            b.leaf('identificationNumber', r.identificationNumber, '/Representative', ID17),
            b.leaf('status', r.status, ''),
          ),
    guarantees: d.Guarantee.map((g, i) =>
      b.el(
        'Guarantee',
        b.leaf('sequenceNumber', g.sequenceNumber, ''),
        b.leaf('guaranteeType', g.guaranteeType, ''),
        ...g.GuaranteeReference.map((ref, j) =>
          b.el(
            'GuaranteeReference',
            b.leaf('sequenceNumber', ref.sequenceNumber, ''),
            b.leaf('GRN', ref.GRN, `/Guarantee[${i + 1}]/GuaranteeReference[${j + 1}]`),
            b.leaf('amountToBeCovered', ref.amountToBeCovered, ''),
            b.leaf('currency', ref.currency, ''),
          ),
        ),
      ),
    ),
  }
}

/** The Consignment group, in the order of ConsignmentType20 (CC015C) and ConsignmentType04 (CC029C). */
export function consignment(
  b: Builder,
  d: DeclarationBody,
  opts: { language?: string; placeOfLoadingRequired: boolean; supplementaryUnits: boolean },
): XNode {
  const c = d.Consignment
  const P = '/Consignment'
  if (c.grossMass !== undefined && Number(c.grossMass) === 0)
    b.errors.push({
      path: `${P}/grossMass`,
      code: 'NCTS_INVALID_VALUE',
      message: 'NCTS takes a gross mass above zero',
      value: c.grossMass,
    })
  // CC029C requires a place of loading; without one we name the country of dispatch, which is
  // what the declaration says about where the goods start.
  const loading =
    c.PlaceOfLoading ??
    (opts.placeOfLoadingRequired ? { qualifierOfIdentification: 'Z', country: c.countryOfDispatch } : undefined)
  if (c.PlaceOfLoading?.GNSS !== undefined || c.PlaceOfUnloading?.GNSS !== undefined) {
    b.errors.push({
      path: `${P}/PlaceOfLoading/GNSS`,
      code: 'NCTS_NO_FIELD',
      message: 'NCTS places of loading and unloading carry no GNSS coordinates',
    })
  }
  const items = c.ConsignmentItem.map((item, i) => {
    const p = `${P}/HouseConsignment/ConsignmentItem[${i + 1}]`
    const cm = item.Commodity
    return b.el(
      'ConsignmentItem',
      b.leaf('goodsItemNumber', item.goodsItemNumber, p),
      b.leaf('declarationGoodsItemNumber', item.goodsItemNumber, p, { pattern: /^([1-9][0-9]{0,2}|1[0-9]{3})$/ }),
      b.leaf('countryOfDispatch', item.countryOfDispatch, p),
      b.leaf('countryOfDestination', item.countryOfDestination, p),
      b.el(
        'Commodity',
        b.leaf('descriptionOfGoods', pickText(cm.descriptionOfGoods, opts.language), `${p}/Commodity`),
        b.el(
          'CommodityCode',
          b.leaf('harmonizedSystemSubHeadingCode', cm.CommodityCode.harmonizedSystemSubHeadingCode, p),
        ),
        ...(cm.DangerousGoods ?? []).map((g) =>
          b.el('DangerousGoods', b.leaf('sequenceNumber', g.sequenceNumber, p), b.leaf('UNNumber', g.UNNumber, p)),
        ),
        b.el(
          'GoodsMeasure',
          b.leaf('grossMass', cm.GoodsMeasure.grossMass, p),
          cm.GoodsMeasure.netMass === undefined || Number(cm.GoodsMeasure.netMass) === 0
            ? undefined
            : b.leaf('netMass', cm.GoodsMeasure.netMass, p),
          !opts.supplementaryUnits ||
            cm.GoodsMeasure.supplementaryUnits === undefined ||
            Number(cm.GoodsMeasure.supplementaryUnits) === 0
            ? undefined
            : b.leaf('supplementaryUnits', cm.GoodsMeasure.supplementaryUnits, p),
        ),
      ),
      ...item.Packaging.map((pk) =>
        b.el(
          'Packaging',
          b.leaf('sequenceNumber', pk.sequenceNumber, p),
          b.leaf('typeOfPackages', pk.typeOfPackages, p),
          b.leaf('numberOfPackages', pk.numberOfPackages, p),
          b.leaf('shippingMarks', pk.shippingMarks, p),
        ),
      ),
      ...docs(b, 'PreviousDocument', item.PreviousDocument, p, true),
      ...docs(b, 'SupportingDocument', item.SupportingDocument, p, true),
    )
  })
  return b.el(
    'Consignment',
    b.leaf('countryOfDispatch', c.countryOfDispatch, P),
    b.leaf('countryOfDestination', c.countryOfDestination, P),
    b.leaf('containerIndicator', c.containerIndicator, P),
    b.leaf('inlandModeOfTransport', c.inlandModeOfTransport, P),
    b.leaf('modeOfTransportAtTheBorder', c.modeOfTransportAtTheBorder, P),
    b.leaf('grossMass', c.grossMass, P),
    b.leaf('referenceNumberUCR', c.referenceNumberUCR, P),
    c.Carrier === undefined
      ? undefined
      : b.el(
          'Carrier',
          b.leaf('identificationNumber', c.Carrier.identificationNumber, `${P}/Carrier`, TIN),
          contact(b, c.Carrier.ContactPerson, `${P}/Carrier`),
        ),
    trader(b, 'Consignor', c.Consignor, P),
    trader(b, 'Consignee', c.Consignee, P, false),
    ...(c.TransportEquipment ?? []).map((eq, i) => {
      const p = `${P}/TransportEquipment[${i + 1}]`
      return b.el(
        'TransportEquipment',
        b.leaf('sequenceNumber', eq.sequenceNumber, p),
        b.leaf('containerIdentificationNumber', eq.containerIdentificationNumber, p),
        b.leaf('numberOfSeals', eq.numberOfSeals, p),
        ...(eq.Seal ?? []).map((s, j) =>
          b.el(
            'Seal',
            b.leaf('sequenceNumber', s.sequenceNumber, p),
            b.leaf('identifier', s.identifier, `${p}/Seal[${j + 1}]`, { max: 20 }),
          ),
        ),
      )
    }),
    ...c.DepartureTransportMeans.map((m) =>
      b.el(
        'DepartureTransportMeans',
        b.leaf('sequenceNumber', m.sequenceNumber, P),
        b.leaf('typeOfIdentification', m.typeOfIdentification, P),
        b.leaf('identificationNumber', m.identificationNumber, P),
        b.leaf('nationality', m.nationality, P),
      ),
    ),
    ...c.CountryOfRoutingOfConsignment.map((r) =>
      b.el(
        'CountryOfRoutingOfConsignment',
        b.leaf('sequenceNumber', r.sequenceNumber, P),
        b.leaf('country', r.country, P),
      ),
    ),
    place(b, 'PlaceOfLoading', loading, `${P}/PlaceOfLoading`),
    place(b, 'PlaceOfUnloading', c.PlaceOfUnloading, `${P}/PlaceOfUnloading`),
    ...docs(b, 'PreviousDocument', c.PreviousDocument, P, true),
    ...docs(b, 'SupportingDocument', c.SupportingDocument, P, true),
    ...docs(b, 'TransportDocument', c.TransportDocument, P, false),
    b.el('HouseConsignment', b.leaf('sequenceNumber', '1', P), b.leaf('grossMass', c.grossMass, P), ...items),
  )
}
