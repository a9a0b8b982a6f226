import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { exampleMessage } from '../../protocol/index.ts'
import { xmllintNcts } from '../testing/xmllint.ts'
import { inspectNcts, NCTS_SCHEMA_INVALID, schemaTypes, toCC015C, validateNctsSchema } from './index.ts'
import { MAX_SCHEMA_FAULTS } from './schema.ts'
import type { DeclarationBody } from './index.ts'

const SAMPLES = join(import.meta.dirname, 'samples')
const sample = (file: string) => readFileSync(join(SAMPLES, file), 'utf8')
const typeOf = (file: string) => file.slice(0, 6).toUpperCase()

function exported(): string {
  const { Header: _h, ...body } = exampleMessage('DeclarationLodged')
  const env = { sender: 'SIS-CN', recipient: 'NTA.CN', messageId: 'CN-0001', preparedAt: '2026-11-23T08:00:00Z' }
  const r = toCC015C(structuredClone(body) as DeclarationBody, env)
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  return r.value
}

/** Replaces exactly one occurrence (a mutation that silently did nothing would pass vacuously). */
function mutate(xml: string, from: string | RegExp, to: string): string {
  const count = typeof from === 'string' ? xml.split(from).length - 1 : [...xml.matchAll(new RegExp(from, 'g'))].length
  if (count !== 1) throw new Error(`mutation target found ${count} times: ${String(from)}`)
  return xml.replace(from, to)
}

/** The 1-based line of the `nth` occurrence of `needle` in the mutated text. */
function lineOf(xml: string, needle: string, nth = 1): number {
  let at = -1
  for (let i = 0; i < nth; i++) {
    at = xml.indexOf(needle, at + 1)
    if (at < 0) throw new Error(`${needle} not found ${nth} times`)
  }
  return xml.slice(0, at).split('\n').length
}

interface Breakage {
  readonly name: string
  readonly type: string
  readonly xml: () => string
  readonly path: string
  /** Where the fault is: the text whose line libxml2 must report (and its occurrence). */
  readonly at: readonly [string, number?]
  /** The schema's own wording of this fault. */
  readonly message: string
}

const own = (name: string, from: string | RegExp, to: string, rest: Omit<Breakage, 'name' | 'type' | 'xml'>) => ({
  name,
  type: 'CC015C',
  xml: () => mutate(exported(), from, to),
  ...rest,
})
const of = (
  file: string,
  name: string,
  from: string | RegExp,
  to: string,
  rest: Omit<Breakage, 'name' | 'type' | 'xml'>,
) => ({
  name: `${name} (${file})`,
  type: typeOf(file),
  xml: () => mutate(sample(file), from, to),
  ...rest,
})

/** The issue's breakages of the adapter's own exported CC015C, plus a missing required element. */
const ISSUE: Breakage[] = [
  own('empty messageSender', '<messageSender>SIS-CN</messageSender>', '<messageSender></messageSender>', {
    path: '/CC015C/messageSender',
    at: ['<messageSender>'],
    message: "Element 'messageSender': [facet 'pattern'] The value '' is not accepted by the pattern '.{1,35}'.",
  }),
  own('messageRecipient before messageSender', /( {2}<messageSender>.*\n)( {2}<messageRecipient>.*\n)/, '$2$1', {
    path: '/CC015C/messageRecipient',
    at: ['<messageRecipient>'],
    message: "Element 'messageRecipient': This element is not expected. Expected is ( messageSender ).",
  }),
  own('duplicated messageType', /( {2}<messageType>.*\n)/, '$1$1', {
    path: '/CC015C/messageType[2]',
    at: ['<messageType>', 2],
    message:
      "Element 'messageType': This element is not expected. Expected is one of ( correlationIdentifier, TransitOperation ).",
  }),
  own('unknown element in TransitOperation', '<LRN>XJ-2026-000042</LRN>', '<LRN>XJ-2026-000042</LRN><colour/>', {
    path: '/CC015C/TransitOperation/colour',
    at: ['<colour/>'],
    message: "Element 'colour': This element is not expected. Expected is ( declarationType ).",
  }),
  own('reducedDatasetIndicator 7', '<reducedDatasetIndicator>0<', '<reducedDatasetIndicator>7<', {
    path: '/CC015C/TransitOperation/reducedDatasetIndicator',
    at: ['<reducedDatasetIndicator>'],
    message:
      "Element 'reducedDatasetIndicator': [facet 'enumeration'] The value '7' is not an element of the set {'0', '1'}.",
  }),
  own('over-long LRN', '<LRN>XJ-2026-000042</LRN>', '<LRN>XJ-2026-000042-00000000</LRN>', {
    path: '/CC015C/TransitOperation/LRN',
    at: ['<LRN>'],
    message:
      "Element 'LRN': [facet 'maxLength'] The value has a length of '23'; this exceeds the allowed maximum length of '22'.",
  }),
  own('missing required grossMass', /\n {4}<grossMass>.*<\/grossMass>(?=\n {4}<Carrier>)/, '', {
    path: '/CC015C/Consignment/Carrier',
    at: ['<Carrier>'],
    message: "Element 'Carrier': This element is not expected. Expected is ( grossMass ).",
  }),
]

/** One breakage per kind of schema rule, on the hand-written samples of several types. */
const KINDS: Breakage[] = [
  of(
    'cc007c.xml',
    'order',
    /( {2}<CustomsOfficeOfDestinationActual>[\s\S]*?\n)( {2}<TraderAtDestination>[\s\S]*?<\/TraderAtDestination>\n)/,
    '$2$1',
    {
      path: '/CC007C/TraderAtDestination',
      at: ['<TraderAtDestination>'],
      message:
        "Element 'TraderAtDestination': This element is not expected. Expected is one of ( Authorisation, CustomsOfficeOfDestinationActual ).",
    },
  ),
  of(
    'cc007c-rich.xml',
    'cardinality (a tenth Authorisation, at most 9)',
    '  <CustomsOfficeOfDestinationActual>',
    Array.from(
      { length: 8 },
      (_, i) =>
        `  <Authorisation>\n    <sequenceNumber>${i + 3}</sequenceNumber>\n    <type>C522</type>\n    <referenceNumber>UZ${i}</referenceNumber>\n  </Authorisation>\n`,
    ).join('') + '  <CustomsOfficeOfDestinationActual>',
    {
      path: '/CC007C/Authorisation[10]',
      at: ['<Authorisation>', 10],
      message:
        "Element 'Authorisation': This element is not expected. Expected is ( CustomsOfficeOfDestinationActual ).",
    },
  ),
  of('cc014c.xml', 'length', '<name>Xinjiang Silk Road Logistics Co.</name>', `<name>${'X'.repeat(71)}</name>`, {
    path: '/CC014C/HolderOfTheTransitProcedure/name',
    at: ['<name>'],
    message:
      "Element 'name': [facet 'maxLength'] The value has a length of '71'; this exceeds the allowed maximum length of '70'.",
  }),
  of('cc044c.xml', 'pattern', '<MRN>26CN652100000042J8</MRN>', '<MRN>26cn652100000042J8</MRN>', {
    path: '/CC044C/TransitOperation/MRN',
    at: ['<MRN>'],
    message:
      "Element 'MRN': [facet 'pattern'] The value '26cn652100000042J8' is not accepted by the pattern '([2][4-9]|[3-9][0-9])[A-Z]{2}[A-Z0-9]{12}[J-M][0-9]'.",
  }),
  of('cc025c.xml', 'enumeration', 'PhaseID="NCTS5.1"', 'PhaseID="NCTS9.9"', {
    path: '/CC025C',
    at: ['<ncts:CC025C'],
    message:
      "Element '{http://ncts.dgtaxud.ec}CC025C', attribute 'PhaseID': [facet 'enumeration'] The value 'NCTS9.9' is not an element of the set {'NCTS5.1', 'NCTS5.1', 'NCTS5.0', 'NCTS6'}.",
  }),
  of(
    'cc025c.xml',
    'missing (the last child, named on its parent)',
    /\n {4}<releaseIndicator>.*<\/releaseIndicator>/,
    '',
    {
      path: '/CC025C/TransitOperation',
      at: ['<TransitOperation>'],
      message: "Element 'TransitOperation': Missing child element(s). Expected is ( releaseIndicator ).",
    },
  ),
  of('cc044c.xml', 'unknown', '</unloadingDate>', '</unloadingDate>\n    <remark>fine</remark>', {
    path: '/CC044C/UnloadingRemark/remark',
    at: ['<remark>'],
    message: "Element 'remark': This element is not expected. Expected is one of ( stateOfSeals, unloadingRemark ).",
  }),
  of('cc009c.xml', 'empty', '<city>Urumqi</city>', '<city></city>', {
    path: '/CC009C/HolderOfTheTransitProcedure/Address/city',
    at: ['<city>'],
    message: "Element 'city': [facet 'pattern'] The value '' is not accepted by the pattern '.{1,35}'.",
  }),
  of('cc015c-rich.xml', 'repeat on the same line', /(<messageType>CC015C<\/messageType>)/, '$1$1', {
    path: '/CC015C/messageType[2]',
    at: ['<messageType>', 2],
    message:
      "Element 'messageType': This element is not expected. Expected is one of ( correlationIdentifier, TransitOperation ).",
  }),
]

describe("a schema-invalid NCTS message is refused once per fault, with its path, line and the schema's message", () => {
  for (const b of [...ISSUE, ...KINDS]) {
    it(b.name, async () => {
      const xml = b.xml()
      const line = lineOf(xml, b.at[0], b.at[1])
      const native = xmllintNcts(b.type, xml)
      expect(native.ok).toBe(false)
      expect(native.stderr).toContain(`:${line}: element `)
      const r = await inspectNcts(xml)
      expect(r.type).toBe(b.type)
      expect(r.mapping).toBeUndefined()
      expect(r.schema?.ok).toBe(false)
      expect(r.errors).toEqual([{ path: b.path, code: NCTS_SCHEMA_INVALID, message: b.message, line }])
      // libxml2 in process says what native libxml2 says, word for word.
      expect(native.stderr).toContain(b.message)
    })
  }
})

describe('every sample is valid under its official XSD, natively and in process', () => {
  const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.xml'))

  it('there is a sample of every vendored type', () => {
    expect(new Set(files.map(typeOf))).toEqual(schemaTypes())
  })

  for (const file of files) {
    it(file, async () => {
      const xml = sample(file)
      const native = xmllintNcts(typeOf(file), xml)
      expect(native.stderr).toContain('validates')
      expect(native.ok).toBe(true)
      expect(await validateNctsSchema(typeOf(file), xml)).toEqual({ ok: true })
    })
  }
})

describe('faults in a file written on one line, several faults of one element, and very many faults', () => {
  const oneLine = (xml: string) => xml.replace(/>\s+</g, '><')

  it('places each fault of a one-line file on its own element, once, as native xmllint counts them', async () => {
    const xml = oneLine(sample('cc015c.xml'))
      .replace('<goodsItemNumber>1<', '<goodsItemNumber>X<')
      .replace('<goodsItemNumber>2<', '<goodsItemNumber>X<')
      .replace('<grossMass>8240.5<', '<grossMass>-1<')
    expect(xml.trimEnd().split('\n')).toHaveLength(1)
    const lint = xmllintNcts('CC015C', xml)
    expect(lint.ok).toBe(false)
    const r = await validateNctsSchema('CC015C', xml)
    if (r.ok) throw new Error('must be refused')
    const items = '/CC015C/Consignment/HouseConsignment/ConsignmentItem'
    expect(r.errors.map((e) => [e.path, e.line])).toEqual([
      [`${items}[1]/goodsItemNumber`, 1],
      [`${items}[1]/Commodity/GoodsMeasure/grossMass`, 1],
      [`${items}[2]/goodsItemNumber`, 1],
    ])
    // Native libxml2 sees the same faults: both item numbers and the item's gross mass.
    const native = lint.stderr.split('\n').filter((l) => / Schemas validity error : /.test(l))
    expect(native.filter((l) => l.includes("Element 'goodsItemNumber'"))).toHaveLength(2)
    expect(native.filter((l) => l.includes("Element 'grossMass'"))).toHaveLength(1)
  })

  it('reports an element value failing two facets once, and an attribute fault beside it on its own', async () => {
    const xml = mutate(sample('cc015c.xml'), 'PhaseID="NCTS5.1"', 'PhaseID="NCTS9" bogus="1"')
    const r = await validateNctsSchema('CC015C', xml)
    if (r.ok) throw new Error('must be refused')
    expect(r.errors.map((e) => e.message)).toEqual([
      expect.stringContaining("attribute 'PhaseID'"),
      expect.stringContaining("attribute 'bogus'"),
    ])
  })

  it('lists at most MAX_SCHEMA_FAULTS faults and says how many more there were', async () => {
    // Sixty goods items, each with two faults of value: 120 faults.
    const xml = sample('cc015c.xml')
    const item = /<ConsignmentItem>[\s\S]*?<\/ConsignmentItem>/.exec(xml)![0]
    const bad = item
      .replace(/<goodsItemNumber>\d+</, '<goodsItemNumber>X<')
      .replace(/<grossMass>[^<]+</, '<grossMass>-1<')
    const many = xml.replace(/(\s*<ConsignmentItem>[\s\S]*<\/ConsignmentItem>)/, '\n' + bad.repeat(60))
    expect(xmllintNcts('CC015C', many).ok).toBe(false)
    const r = await validateNctsSchema('CC015C', many)
    if (r.ok) throw new Error('must be refused')
    expect(r.errors).toHaveLength(MAX_SCHEMA_FAULTS + 1)
    expect(r.errors.at(-1)!.message).toBe('and 20 more schema fault(s); the first 100 are listed')
  })
})
