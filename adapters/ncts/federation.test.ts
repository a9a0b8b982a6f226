import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseXmlText } from '../../protocol/index.ts'
import { xmllintNcts } from '../testing/xmllint.ts'
import { federationErrors } from './federation.ts'
import { FEDERATION_CODES, importableTypes, inspectNcts } from './index.ts'
import { locateElements } from './locate.ts'

const sample = (file: string) => readFileSync(join(import.meta.dirname, 'samples', file), 'utf8')
const MRN = '26CN652100000042J8'
/** A well-formed MRN of Germany, its check digit right (ISO 6346 over the first 17). */
const GERMAN_MRN = '26DE000000000042J3'
const WRONG_DIGIT = '26CN652100000042J7'

function nthReplaced(xml: string, from: string, to: string, nth: number): { xml: string; line: number } {
  let at = -1
  for (let i = 0; i < nth; i++) {
    at = xml.indexOf(from, at + 1)
    if (at < 0) throw new Error(`${from} not found ${nth} times`)
  }
  return { xml: xml.slice(0, at) + to + xml.slice(at + from.length), line: xml.slice(0, at).split('\n').length }
}

interface Case {
  readonly name: string
  readonly file: string
  readonly from: string
  readonly to: string
  /** What the message must say of this fault. */
  readonly says: string
  readonly code: string
  readonly path: string
  readonly value: string
}

const CASES: Case[] = [
  {
    name: 'an office of destination outside CAREC',
    file: 'cc007c.xml',
    from: '<referenceNumber>UZI00100</referenceNumber>',
    to: '<referenceNumber>DE004058</referenceNumber>',
    code: FEDERATION_CODES.office,
    path: '/CC007C/CustomsOfficeOfDestinationActual/referenceNumber',
    value: 'DE004058',
    says: 'DE004058 is not a customs office of the federation',
  },
  {
    name: 'the second of four offices of transit outside CAREC',
    file: 'cc015c.xml',
    from: '<referenceNumber>KZB00100</referenceNumber>',
    to: '<referenceNumber>DE004058</referenceNumber>',
    code: FEDERATION_CODES.office,
    path: '/CC015C/CustomsOfficeOfTransitDeclared[2]/referenceNumber',
    value: 'DE004058',
    says: 'DE004058 is not a customs office of the federation',
  },
  {
    name: 'an MRN of a country outside CAREC',
    file: 'cc007c-rich.xml',
    from: `<MRN>${MRN}</MRN>`,
    to: `<MRN>${GERMAN_MRN}</MRN>`,
    code: FEDERATION_CODES.mrnCountry,
    path: '/CC007C/TransitOperation/MRN',
    value: GERMAN_MRN,
    says: 'the MRN is of DE',
  },
  {
    name: 'an MRN with a wrong check digit',
    file: 'cc007c.xml',
    from: `<MRN>${MRN}</MRN>`,
    to: `<MRN>${WRONG_DIGIT}</MRN>`,
    code: FEDERATION_CODES.mrnCheckDigit,
    path: '/CC007C/TransitOperation/MRN',
    value: WRONG_DIGIT,
    says: 'the check digit is 7, expected 8',
  },
  {
    name: 'a messageType that is not the root',
    file: 'cc015c.xml',
    from: '<messageType>CC015C</messageType>',
    to: '<messageType>CC013C</messageType>',
    code: FEDERATION_CODES.messageType,
    path: '/CC015C/messageType',
    value: 'CC013C',
    says: 'messageType CC013C in a CC015C message',
  },
  {
    name: 'an office of departure outside CAREC in a release (not imported: the federation check alone)',
    file: 'cc029c.xml',
    from: '<referenceNumber>CNI00100</referenceNumber>',
    to: '<referenceNumber>DE004058</referenceNumber>',
    code: FEDERATION_CODES.office,
    path: '/CC029C/CustomsOfficeOfDeparture/referenceNumber',
    value: 'DE004058',
    says: 'DE004058 is not a customs office of the federation',
  },
  {
    name: 'an MRN with a wrong check digit in unloading remarks (not imported: the federation check alone)',
    file: 'cc044c.xml',
    from: `<MRN>${MRN}</MRN>`,
    to: `<MRN>${WRONG_DIGIT}</MRN>`,
    code: FEDERATION_CODES.mrnCheckDigit,
    path: '/CC044C/TransitOperation/MRN',
    value: WRONG_DIGIT,
    says: 'the check digit is 7, expected 8',
  },
]

describe('what NCTS allows and the federation does not: refused once with its own code, path and line', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const type = c.file.slice(0, 6).toUpperCase()
      const { xml, line } = nthReplaced(sample(c.file), c.from, c.to, 1)
      // The message is schema-valid: the fault is the federation's alone.
      expect(xmllintNcts(type, xml).ok).toBe(true)
      const expected = { code: c.code, path: c.path, line, value: c.value }
      const parsed = parseXmlText(xml)
      const direct = federationErrors(parsed.root, locateElements(parsed.text))
      expect(direct).toHaveLength(1)
      expect(direct[0]).toMatchObject(expected)
      expect(direct[0]!.message).toContain(c.says)
      if (!importableTypes().includes(type)) return
      const r = await inspectNcts(xml)
      expect(r.schema).toEqual({ ok: true })
      expect(r.mapping).toBeUndefined()
      expect(r.errors).toHaveLength(1)
      expect(r.errors[0]).toMatchObject(expected)
    })
  }

  it('every sample passes the federation rules', () => {
    for (const file of ['cc004c.xml', 'cc009c.xml', 'cc013c.xml', 'cc015c-rich.xml', 'cc025c.xml', 'cc043c.xml']) {
      const parsed = parseXmlText(sample(file))
      expect(federationErrors(parsed.root, locateElements(parsed.text))).toEqual([])
    }
  })

  it('two faults are two errors, each on its own line', () => {
    const once = nthReplaced(sample('cc007c.xml'), `<MRN>${MRN}</MRN>`, `<MRN>${WRONG_DIGIT}</MRN>`, 1)
    const twice = nthReplaced(
      once.xml,
      '<referenceNumber>UZI00100</referenceNumber>',
      '<referenceNumber>DE004058</referenceNumber>',
      1,
    )
    const parsed = parseXmlText(twice.xml)
    expect(federationErrors(parsed.root, locateElements(parsed.text)).map((e) => [e.code, e.line])).toEqual([
      [FEDERATION_CODES.mrnCheckDigit, once.line],
      [FEDERATION_CODES.office, twice.line],
    ])
  })
})
