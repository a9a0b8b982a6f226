/**
 * The parts of a declaration that several NCTS messages share, read into our model: traders,
 * documents, places and guarantees. Each reports what has no place in the single transit
 * document (a warning) and what the document needs but the message lacks (an error).
 */
import type { DeclarationBody } from './declaration.ts'
import { opt, seq } from './read.ts'
import type { Node } from './xml.ts'

type Trader = DeclarationBody['HolderOfTheTransitProcedure']

export function readTrader(n: Node | undefined): Trader | undefined {
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

export function readDocs(nodes: Node[]) {
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

export function readPlace(n: Node | undefined) {
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

export function readGuarantees(nodes: Node[]): DeclarationBody['Guarantee'] {
  return nodes.map((g) => {
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
}

export function readEquipment(nodes: Node[]): DeclarationBody['Consignment']['TransportEquipment'] {
  return seq(nodes, (eq) => {
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
}

/** Means of transport, numbered again in order when they come from several house consignments. */
export function readMeans(nodes: Node[]): DeclarationBody['Consignment']['DepartureTransportMeans'] {
  return nodes.map((m, i) => ({
    sequenceNumber: String(i + 1),
    typeOfIdentification: m.needText('typeOfIdentification'),
    identificationNumber: m.needText('identificationNumber'),
    nationality: m.needText('nationality'),
  }))
}
