import { describe, expect, it } from 'vitest'
import { exampleMessage } from '../../protocol/index.ts'
import { xmllintNcts } from '../testing/xmllint.ts'
import { fromCC007C, fromCC015C, toCC007C, toCC015C, toCC025C, toCC029C, toCC056C } from './index.ts'
import type { DeclarationBody } from './index.ts'

function body<T extends { Header: unknown }>(m: T): Omit<T, 'Header'> {
  const { Header: _h, ...rest } = m
  return rest
}

const env = { sender: 'SIS-CN', recipient: 'NTA.CN', messageId: 'CN-0001', preparedAt: '2026-11-23T08:00:00Z' }
const decl = (): DeclarationBody => structuredClone(body(exampleMessage('DeclarationLodged')))
const carrierName = (id: string) => (id === 'KZ910340001234' ? 'Kazakh Trans Cargo LLP' : undefined)

function ok<T>(r: { ok: true; value: T } | { ok: false; errors: readonly unknown[] }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.errors, null, 2))
  return r.value
}

describe('NCTS export validates against the official XSDs (xmllint)', () => {
  const cases: [string, () => string][] = [
    ['CC015C', () => ok(toCC015C(decl(), env))],
    [
      'CC029C',
      () =>
        ok(
          toCC029C(
            decl(),
            body(exampleMessage('DeclarationAccepted')),
            body(exampleMessage('ReleasedForTransit')),
            env,
          ),
        ),
    ],
    ['CC007C', () => ok(toCC007C(body(exampleMessage('ArrivalNotified')), env))],
    [
      'CC025C',
      () => ok(toCC025C(body(exampleMessage('ControlResultsRecorded')), body(exampleMessage('ArrivalNotified')), env)),
    ],
    ['CC056C', () => ok(toCC056C(body(exampleMessage('DeclarationRejected')), decl(), env))],
  ]
  for (const [type, make] of cases) {
    it(type, () => {
      const xml = make()
      const lint = xmllintNcts(type, xml)
      expect(lint.stderr).toContain('validates')
      expect(lint.ok).toBe(true)
    })
  }

  it('a release without a place of loading names the country of dispatch (CC029C requires one)', () => {
    const xml = ok(
      toCC029C(decl(), body(exampleMessage('DeclarationAccepted')), body(exampleMessage('ReleasedForTransit')), env),
    )
    expect(xml).toMatch(/<PlaceOfLoading>\s*<country>CN<\/country>\s*<\/PlaceOfLoading>/)
  })

  it('a mutated message fails xmllint (the check can fail)', () => {
    const xml = ok(toCC015C(decl(), env)).replace('<grossMass>12480.5</grossMass>', '<grossMass>heavy</grossMass>')
    expect(xmllintNcts('CC015C', xml).ok).toBe(false)
  })
})

describe('CC015C round trip', () => {
  it('CC015C → our model → CC015C keeps every mapped field', () => {
    const first = ok(toCC015C(decl(), env))
    const imported = fromCC015C(first, { carrierName })
    const model = ok(imported)
    const again = ok(toCC015C(model, env))
    // supplementaryUnits is the one field CC015C carries without its unit: it is not imported.
    const withoutSupplementary = first
      .split('\n')
      .filter((l) => !l.includes('<supplementaryUnits>'))
      .join('\n')
    expect(again).toBe(withoutSupplementary)
    expect(imported.ok && imported.warnings.map((w) => w.path)).toEqual([
      '/CC015C/Consignment/HouseConsignment/ConsignmentItem[1]/Commodity/GoodsMeasure/supplementaryUnits',
      '/CC015C/Consignment/HouseConsignment/ConsignmentItem[2]/Commodity/GoodsMeasure/supplementaryUnits',
    ])
  })

  it('our model → CC015C → our model keeps the declaration but for what CC015C cannot carry', () => {
    const original = decl()
    const model = ok(
      fromCC015C(ok(toCC015C(original, env)), { carrierName, mrn: original.TransitOperation.MRN, language: 'en' }),
    )
    expect(model.TransitOperation).toEqual({
      ...original.TransitOperation,
      declarationDateAndTime: '2026-11-23T08:00:00Z',
    })
    expect(model.Consignment.Consignor).toEqual(original.Consignment.Consignor)
    expect(model.Consignment.TransportEquipment).toEqual(original.Consignment.TransportEquipment)
    expect(model.Guarantee).toEqual(original.Guarantee)
    expect(model.Consignment.ConsignmentItem[0]!.Commodity.descriptionOfGoods).toEqual([
      { lang: 'en', value: 'Cotton yarn, not for retail sale' },
    ])
  })

  it('the MRN is derived from the LRN and the office: the same CC015C gets the same MRN', () => {
    const xml = ok(toCC015C(decl(), env))
    const a = ok(fromCC015C(xml)).TransitOperation.MRN
    const b = ok(fromCC015C(xml)).TransitOperation.MRN
    expect(a).toBe(b)
    expect(a).toMatch(/^26CN[A-Z0-9]{12}J[0-9]$/)
    const other = ok(fromCC015C(xml.replace('<LRN>XJ-2026-000042</LRN>', '<LRN>XJ-2026-000043</LRN>'))).TransitOperation
      .MRN
    expect(other).not.toBe(a)
  })
})

describe('CC015C import: field-level errors', () => {
  const xml = () => ok(toCC015C(decl(), env))

  it('a country not in ISO 3166-1 is named by its NCTS path', () => {
    const r = fromCC015C(
      xml().replace('<country>UZ</country>\n      </Address>', '<country>XX</country>\n      </Address>'),
    )
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors).toContainEqual(
      expect.objectContaining({
        path: '/CC015C/Consignment/Consignee/Address/country',
        code: 'CODE_UNKNOWN',
        value: 'XX',
      }),
    )
  })

  it('a street longer than our 35 characters (NCTS allows 70) is refused, not cut', () => {
    const street = 'A'.repeat(60)
    const r = fromCC015C(
      xml().replace(
        '<streetAndNumber>15 Amir Temur Avenue</streetAndNumber>',
        `<streetAndNumber>${street}</streetAndNumber>`,
      ),
    )
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors).toContainEqual(
      expect.objectContaining({
        path: '/CC015C/Consignment/Consignee/Address/streetAndNumber',
        code: 'MSG_INVALID_VALUE',
      }),
    )
  })

  it('a guarantee without GRN and an item without a commodity code are each reported', () => {
    const r = fromCC015C(
      xml()
        .replace(/<GRN>[^<]*<\/GRN>/, '')
        .replace('<harmonizedSystemSubHeadingCode>845229</harmonizedSystemSubHeadingCode>', ''),
    )
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors.map((e) => [e.path, e.code])).toEqual([
      ['/CC015C/Guarantee/GuaranteeReference/GRN', 'NCTS_MISSING_VALUE'],
      [
        '/CC015C/Consignment/HouseConsignment/ConsignmentItem[2]/Commodity/CommodityCode/harmonizedSystemSubHeadingCode',
        'NCTS_MISSING_ELEMENT',
      ],
    ])
  })

  it('items of several house consignments become one consignment; a second consignor is refused', () => {
    const two = xml()
      .replace(
        /<\/HouseConsignment>/,
        '</HouseConsignment>\n    <HouseConsignment><sequenceNumber>2</sequenceNumber><grossMass>1</grossMass><ConsignmentItem><goodsItemNumber>1</goodsItemNumber><declarationGoodsItemNumber>3</declarationGoodsItemNumber><Commodity><descriptionOfGoods>Spare needles</descriptionOfGoods><CommodityCode><harmonizedSystemSubHeadingCode>845230</harmonizedSystemSubHeadingCode></CommodityCode><GoodsMeasure><grossMass>1</grossMass></GoodsMeasure></Commodity><Packaging><sequenceNumber>1</sequenceNumber><typeOfPackages>CT</typeOfPackages><numberOfPackages>1</numberOfPackages></Packaging></ConsignmentItem></HouseConsignment>',
      )
      .replace('<grossMass>12480.5</grossMass>', '<grossMass>12481.5</grossMass>')
    const m = ok(fromCC015C(two, { carrierName }))
    expect(m.Consignment.ConsignmentItem.map((i) => i.goodsItemNumber)).toEqual(['1', '2', '3'])
    const bad = two
      .replace(
        '<HouseConsignment><sequenceNumber>2</sequenceNumber><grossMass>1</grossMass>',
        '<HouseConsignment><sequenceNumber>2</sequenceNumber><grossMass>1</grossMass><Consignor><name>Other</name></Consignor>',
      )
      .replace(
        '<HouseConsignment>\n      <sequenceNumber>1</sequenceNumber>',
        '<HouseConsignment>\n      <sequenceNumber>1</sequenceNumber><Consignor><name>One</name></Consignor>',
      )
      .replace(/<Consignor>\s*<identificationNumber>CN6501000000123[\s\S]*?<\/Consignor>/, '')
    const r = fromCC015C(bad)
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.errors).toContainEqual(
        expect.objectContaining({
          path: '/CC015C/Consignment/HouseConsignment[2]/Consignor',
          code: 'NCTS_NOT_SUPPORTED',
        }),
      )
  })

  it('refuses a DOCTYPE and entities (our strict reader), and a message of another type', () => {
    const evil =
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><ncts:CC015C xmlns:ncts="http://ncts.dgtaxud.ec">&e;</ncts:CC015C>'
    const r = fromCC015C(evil)
    expect(r.ok || r.errors[0]!.code).toBe('XML_DOCTYPE_FORBIDDEN')
    const wrong = fromCC015C(ok(toCC007C(body(exampleMessage('ArrivalNotified')), env)))
    expect(wrong.ok || wrong.errors[0]!.code).toBe('NCTS_WRONG_MESSAGE')
  })

  it('export reports a value too long for NCTS instead of cutting it', () => {
    const d = decl()
    d.Consignment.TransportEquipment![0]!.Seal![0]!.identifier = 'SEAL-0123456789-ABCDEFG'
    const r = toCC015C(d, env)
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.errors).toEqual([
        expect.objectContaining({
          path: '/CC015C/Consignment/TransportEquipment[1]/Seal[1]/identifier',
          code: 'NCTS_VALUE_TOO_LONG',
        }),
      ])
  })
})

describe('CC007C import', () => {
  it('round trip keeps the arrival but for the free-text location', () => {
    const a = body(exampleMessage('ArrivalNotified'))
    const back = ok(fromCC007C(ok(toCC007C(a, env))))
    const { location: _l, ...loc } = a.LocationOfGoods
    expect(back).toEqual({ ...a, TransitOperation: { ...a.TransitOperation, incidentFlag: '0' }, LocationOfGoods: loc })
  })

  it('an unknown office is a field-level error', () => {
    const xml = ok(toCC007C(body(exampleMessage('ArrivalNotified')), env)).replace(
      /<CustomsOfficeOfDestinationActual>\s*<referenceNumber>[A-Z0-9]+/,
      '<CustomsOfficeOfDestinationActual><referenceNumber>UZZ99999',
    )
    const r = fromCC007C(xml)
    expect(r.ok).toBe(false)
    if (!r.ok)
      expect(r.errors).toContainEqual(
        expect.objectContaining({
          path: '/CC007C/CustomsOfficeOfDestinationActual/referenceNumber',
          code: 'CODE_UNKNOWN',
        }),
      )
  })
})
