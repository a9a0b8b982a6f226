import { afterAll, describe, expect, it } from 'vitest'
import { encodeMessage, exampleMessage, validateMessage, SIS_NS } from './index.ts'
import type { CheckResult, TypedMessage } from './index.ts'
import { Xmllint } from '../testing/xmllint.ts'

const xmllint = new Xmllint()
afterAll(() => xmllint[Symbol.dispose]())

const declaration = encodeMessage('DeclarationLodged', exampleMessage('DeclarationLodged'))

function errorsOf(result: CheckResult<TypedMessage>) {
  if (result.ok) throw new Error('expected the message to be refused')
  return result.errors
}

/** Refused by us with `code` (and the given details); `xsd` says whether xmllint refuses it too. */
function expectRefused(
  xml: string,
  code: string,
  details: Record<string, unknown>,
  xsd: 'refuses' | 'accepts',
  type = 'DeclarationLodged',
) {
  const errors = errorsOf(validateMessage(xml))
  expect(errors[0]?.code).toBe(code)
  expect(errors[0]?.details).toMatchObject(details)
  expect(xmllint.validate(type, xml).ok).toBe(xsd === 'accepts')
}

describe('structure, as the XSD sees it', () => {
  it('a missing required element names the element and its path', () => {
    const xml = declaration.replace(/<Consignor>[\s\S]*?<\/Consignor>/, '')
    expectRefused(
      xml,
      'MSG_MISSING_ELEMENT',
      { element: 'Consignor', path: 'DeclarationLodged/Consignment/Consignor' },
      'refuses',
    )
  })

  it('a duplicated element where one is expected (two amounts) is refused', () => {
    const xml = declaration.replace(/(<amountToBeCovered>[^<]*<\/amountToBeCovered>)/, '$1$1')
    expectRefused(xml, 'MSG_DUPLICATE_ELEMENT', { element: 'amountToBeCovered', max: 1 }, 'refuses')
  })

  it('elements out of order are refused', () => {
    const xml = declaration.replace(
      /(<CustomsOfficeOfDeparture>[\s\S]*?<\/CustomsOfficeOfDeparture>)(\s*)(<CustomsOfficeOfDestinationDeclared>[\s\S]*?<\/CustomsOfficeOfDestinationDeclared>)/,
      '$3$2$1',
    )
    expectRefused(xml, 'MSG_ELEMENT_ORDER', {}, 'refuses')
  })

  it('an element the schema does not know is refused', () => {
    const xml = declaration.replace(
      '<grossMass>12480.5</grossMass>',
      '<grossMass>12480.5</grossMass><secretField>1</secretField>',
    )
    expectRefused(xml, 'MSG_UNEXPECTED_ELEMENT', { element: 'secretField' }, 'refuses')
  })

  it('text between elements, and attributes on values, are refused', () => {
    expectRefused(declaration.replace('<Consignment>', '<Consignment>stray text'), 'MSG_UNEXPECTED_TEXT', {}, 'refuses')
    expectRefused(
      declaration.replace('<grossMass>12480.5', '<grossMass unit="t">12480.5'),
      'MSG_UNEXPECTED_ATTRIBUTE',
      { attribute: 'unit' },
      'refuses',
    )
  })
})

describe('namespaces are compared by URI, never by prefix', () => {
  it('the same namespace under a prefix is the same message', () => {
    const prefixed = declaration
      .replace(`<DeclarationLodged xmlns="${SIS_NS}">`, `<s:DeclarationLodged xmlns:s="${SIS_NS}">`)
      .replace(/<(\/?)([A-Za-z]+)([ >])/g, (m, slash: string, name: string, end: string) =>
        name === 'xml' ? m : `<${slash}s:${name}${end}`,
      )
      .replace('<s:?xml', '<?xml')
    const result = validateMessage(prefixed)
    expect(result.ok).toBe(true)
    expect(xmllint.validate('DeclarationLodged', prefixed).ok).toBe(true)
  })

  it('an element in another namespace is refused, even with the familiar prefix', () => {
    const xml = declaration.replace('<Consignor>', '<Consignor xmlns="urn:evil">')
    expectRefused(xml, 'MSG_WRONG_NAMESPACE', { namespace: 'urn:evil' }, 'refuses')
  })

  it('a root element without namespace, or of an unknown type, is refused', () => {
    expect(errorsOf(validateMessage(declaration.replace(` xmlns="${SIS_NS}"`, '')))[0]?.code).toBe(
      'MSG_WRONG_NAMESPACE',
    )
    expect(errorsOf(validateMessage(`<Payment xmlns="${SIS_NS}"/>`))[0]?.code).toBe('MSG_UNKNOWN_TYPE')
  })
})

describe('values', () => {
  it('a code not in its list names the field, the value and the list (the XSD checks only the format)', () => {
    const xml = declaration.replace(
      '<countryOfDestination>UZ</countryOfDestination>',
      '<countryOfDestination>XX</countryOfDestination>',
    )
    expectRefused(
      xml,
      'CODE_UNKNOWN',
      { field: 'DeclarationLodged/Consignment/countryOfDestination', value: 'XX', list: 'iso-3166-1-alpha-2' },
      'accepts',
    )
    expect(errorsOf(validateMessage(xml))[0]?.message).toContain('"XX"')
  })

  it('HS codes, currencies, units and offices are checked against their lists', () => {
    const cases: [string, string, string, string][] = [
      ['<harmonizedSystemSubHeadingCode>520512<', '<harmonizedSystemSubHeadingCode>999999<', 'CODE_UNKNOWN', 'hs2022'],
      ['<currency>USD<', '<currency>XYZ<', 'CODE_UNKNOWN', 'iso-4217-alpha-3'],
      ['<referenceNumber>UZI00100<', '<referenceNumber>UZI99900<', 'CODE_UNKNOWN', 'carec-customs-offices'],
      ['<supplementaryUnitsCode>KGM<', '<supplementaryUnitsCode>05<', 'CODE_DEPRECATED', 'unece-rec20'],
    ]
    for (const [from, to, code, list] of cases) {
      const errors = errorsOf(validateMessage(declaration.replace(from, to)))
      expect(errors[0]?.code, to).toBe(code)
      expect(errors[0]?.details.list).toBe(list)
    }
  })

  it('an MRN with a wrong check digit is refused with MRN_INVALID', () => {
    const mrn = exampleMessage('WrittenOff').TransitOperation.MRN
    const bad = mrn.slice(0, 17) + String((Number(mrn[17]) + 1) % 10)
    const errors = errorsOf(
      validateMessage(encodeMessage('WrittenOff', exampleMessage('WrittenOff')).replaceAll(mrn, bad)),
    )
    expect(errors.map((e) => e.code)).toContain('MRN_INVALID')
  })

  it('a comment inside a value is refused rather than silently cutting the value', () => {
    // XSD validation ignores comments, so xmllint accepts this; a reader that took only the first
    // text node would see another GRN. We refuse it (THREATS 8).
    const xml = declaration.replace(/<GRN>(\w{8})/, '<GRN>$1<!-- -->')
    expectRefused(xml, 'MSG_MIXED_CONTENT', {}, 'accepts')
  })

  it('values are never coerced: leading zeros, dots and exponents stay as written', () => {
    const m = exampleMessage('DeclarationLodged')
    m.TransitOperation.LRN = '0012345'
    m.Consignment.referenceNumberUCR = '0101.21'
    m.Consignment.TransportDocument = [{ sequenceNumber: '1', type: 'N730', referenceNumber: '1e5' }]
    const result = validateMessage(encodeMessage('DeclarationLodged', m))
    if (!result.ok || result.message.type !== 'DeclarationLodged') throw new Error('expected valid')
    expect(result.message.message.TransitOperation.LRN).toBe('0012345')
    expect(result.message.message.Consignment.referenceNumberUCR).toBe('0101.21')
    expect(result.message.message.Consignment.TransportDocument?.[0]?.referenceNumber).toBe('1e5')
    expect(
      result.message.message.Consignment.ConsignmentItem[0]?.Commodity.CommodityCode.harmonizedSystemSubHeadingCode,
    ).toBe('520512')
  })

  it('free text carries several languages with xml:lang', () => {
    const result = validateMessage(declaration)
    if (!result.ok || result.message.type !== 'DeclarationLodged') throw new Error('expected valid')
    const desc = result.message.message.Consignment.ConsignmentItem[0]?.Commodity.descriptionOfGoods
    expect(desc?.map((d) => d.lang)).toEqual(['en', 'ru', 'zh'])
    expect(desc?.[2]?.value).toBe('棉纱线，非供零售用')
    expectRefused(
      declaration.replace('xml:lang="ru"', 'xml:lang="Russian language"'),
      'MSG_INVALID_VALUE',
      {},
      'refuses',
    )
  })
})

describe('what refusals print', () => {
  it("quotes and bounds a peer's value, so a value cannot forge a log line (THREATS 29)", () => {
    const forged = 'XX\n2026-11-23 INFO accepted everything ' + 'y'.repeat(5000)
    const xml = declaration.replace('<countryOfDestination>UZ<', `<countryOfDestination>${forged}<`)
    const errors = errorsOf(validateMessage(xml))
    for (const e of errors) {
      expect(e.message).not.toContain('\n')
      expect(String(e.details.value ?? '').length).toBeLessThanOrEqual(65)
    }
  })

  it('refuses C1 control characters in free text, as the XSD does', () => {
    expectRefused(declaration.replace('Cotton yarn', 'Cotton\u0085yarn'), 'MSG_INVALID_VALUE', {}, 'refuses')
  })

  it('non-XML white space between elements is text, refused as the XSD does', () => {
    expectRefused(declaration.replace('<Consignment>', '<Consignment>\u3000'), 'MSG_UNEXPECTED_TEXT', {}, 'refuses')
  })
})

describe('header and rules', () => {
  it('the header must name the root type and the document of the body', () => {
    expectRefused(
      declaration.replace('<messageType>DeclarationLodged<', '<messageType>WrittenOff<'),
      'MSG_HEADER_MISMATCH',
      {},
      'accepts',
    )
    const other = '26CN652100000043J6'
    const xml = declaration.replace(/<documentId>[^<]+</, `<documentId>${other}<`)
    expect(errorsOf(validateMessage(xml)).map((e) => e.code)).toContain('MSG_HEADER_MISMATCH')
  })

  it('cross-field rules: seals counted, masses consistent, route from departure to destination', () => {
    expectRefused(
      declaration.replace('<numberOfSeals>2<', '<numberOfSeals>3<'),
      'MSG_RULE_VIOLATION',
      { field: 'DeclarationLodged/Consignment/TransportEquipment[1]/numberOfSeals' },
      'accepts',
    )
    expectRefused(declaration.replace('<netMass>8000<', '<netMass>9000<'), 'MSG_RULE_VIOLATION', {}, 'accepts')
    const m = exampleMessage('DeclarationLodged')
    m.Consignment.CountryOfRoutingOfConsignment = [
      { sequenceNumber: '1', country: 'CN' },
      { sequenceNumber: '2', country: 'UZ' },
    ]
    expect(() => encodeMessage('DeclarationLodged', m)).toThrow(expect.objectContaining({ code: 'MSG_RULE_VIOLATION' }))
  })
})
