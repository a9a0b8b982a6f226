import { describe, expect, it } from 'vitest'
import { exampleMessage } from '../../protocol/index.ts'
import type { MessageTypeName } from '../../protocol/index.ts'
import { ACTION_MESSAGE_TYPES } from '../contract.ts'
import { withoutPaths } from '../testing/lossy.ts'
import { xmllintNcts } from '../testing/xmllint.ts'
import { DESTINATION } from './catalogue-destination.ts'
import { inspectNcts } from './inspect.ts'
import type { LogBodies } from './mapping.ts'
import { validateNctsSchema } from './schema.ts'

const env = { sender: 'SIS-UZ', recipient: 'NTA.UZ', messageId: 'UZ-0001', preparedAt: '2026-11-26T09:30:00Z' }

function bodyOf(type: MessageTypeName): Record<string, unknown> {
  const { Header: _h, ...rest } = exampleMessage(type) as unknown as Record<string, unknown>
  return rest
}

/** The example transit's log: every example body, or only those named. */
const log = (only?: readonly string[]): LogBodies => ({
  last: (type) => (only === undefined || only.includes(type) ? (bodyOf(type) as never) : undefined),
})

async function schemaValid(type: string, xml: string): Promise<void> {
  const lint = xmllintNcts(type, xml)
  expect(lint.stderr).toContain('validates')
  expect(await validateNctsSchema(type, xml)).toEqual({ ok: true })
}

describe('destination messages: export from the example log is valid under the official XSD and reads back', () => {
  for (const entry of DESTINATION) {
    it(`${entry.type} (${entry.sis})`, async () => {
      const written = entry.write!.render(log(), env, { language: 'en' })
      if (!written.ok) throw new Error(JSON.stringify(written.errors))
      await schemaValid(entry.type, written.value)
      if (entry.read === undefined) return
      const inspected = await inspectNcts(written.value)
      expect(inspected.errors).toEqual([])
      const op = inspected.mapping?.ok ? inspected.mapping.value : undefined
      expect(op?.kind).toBe('act')
      if (op?.kind !== 'act') return
      expect(ACTION_MESSAGE_TYPES[op.action]).toBe(entry.sis)
      expect(op.documentId).toBe((bodyOf(entry.sis).TransitOperation as { MRN: string }).MRN)
      expect(withoutPaths(op.body, entry.lossy ?? [])).toEqual(withoutPaths(bodyOf(entry.sis), entry.lossy ?? []))
    })
  }

  it('a writer without its source in the log refuses with NCTS_NO_SOURCE', () => {
    for (const entry of DESTINATION) {
      const r = entry.write!.render(log([]), env, {})
      expect(r.ok || r.errors.map((e) => e.code)).toEqual(['NCTS_NO_SOURCE'])
    }
  })

  it('CC043C names the acceptance date and the trader at destination (of other log entries)', () => {
    const r = DESTINATION.find((e) => e.type === 'CC043C')!.write!.render(log(), env, {})
    const accepted = bodyOf('DeclarationAccepted').TransitOperation as { declarationAcceptanceDate: string }
    expect(r.ok && r.value).toContain(`<declarationAcceptanceDate>${accepted.declarationAcceptanceDate}<`)
    expect(r.ok && r.value).toMatch(new RegExp(`<TraderAtDestination>\\s*<identificationNumber>${TRADER}<`))
  })

  it('CC025C of a B1 result says no release (4), which import refuses by name', async () => {
    const control = { ...bodyOf('ControlResultsRecorded') }
    control.ControlResult = { code: 'B1', date: '2026-11-26' }
    control.Discrepancy = [{ sequenceNumber: '1', pointer: 'seal 2', description: [{ value: 'seal broken' }] }]
    const b1: LogBodies = { last: (t) => (t === 'ControlResultsRecorded' ? control : bodyOf(t)) as never }
    const r = DESTINATION.find((e) => e.type === 'CC025C')!.write!.render(b1, env, {})
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    expect(r.value).toContain('<releaseIndicator>4</releaseIndicator>')
    const back = await inspectNcts(r.value)
    expect(back.errors.map((e) => [e.path, e.code])).toEqual([
      ['/CC025C/TransitOperation/releaseIndicator', 'NCTS_RELEASE_WITHOUT_DISCREPANCIES'],
    ])
  })
})

const { TransitOperation, CustomsOfficeOfDestinationActual, TraderAtDestination } = exampleMessage('ArrivalNotified')
const [MRN, OFFICE] = [TransitOperation.MRN, CustomsOfficeOfDestinationActual.referenceNumber]
const TRADER = TraderAtDestination.identificationNumber

/** A partner's message of `type`: the MESSAGE group, then `rest`; proven schema-valid by native xmllint. */
function partner(type: string, rest: string): string {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<ncts:${type} xmlns:ncts="http://ncts.dgtaxud.ec" PhaseID="NCTS5.1">
<messageSender>NTA.UZ</messageSender><messageRecipient>SIS-UZ</messageRecipient>
<preparationDateAndTime>2026-11-26T09:05:00</preparationDateAndTime><messageIdentification>P-1</messageIdentification>
<messageType>${type}</messageType>
${rest}
</ncts:${type}>
`
  const lint = xmllintNcts(type, xml)
  if (!lint.ok) throw new Error(`test input is not schema-valid: ${lint.stderr}`)
  return xml
}

const cc007c = (location: string, head = '<simplifiedProcedure>0</simplifiedProcedure>', between = '') =>
  partner(
    'CC007C',
    `<TransitOperation><MRN>${MRN}</MRN><arrivalNotificationDateAndTime>2026-11-26T09:00:00</arrivalNotificationDateAndTime>${head}</TransitOperation>${between}
<CustomsOfficeOfDestinationActual><referenceNumber>${OFFICE}</referenceNumber></CustomsOfficeOfDestinationActual>
<TraderAtDestination><identificationNumber>${TRADER}</identificationNumber></TraderAtDestination>
<Consignment><LocationOfGoods>${location}</LocationOfGoods></Consignment>`,
  )

async function mapped(xml: string): Promise<{ body: Record<string, unknown>; warnings: string[] }> {
  const r = await inspectNcts(xml)
  expect(r.errors).toEqual([])
  if (!r.mapping?.ok || r.mapping.value.kind !== 'act') throw new Error('not mapped')
  return { body: r.mapping.value.body, warnings: r.warnings.map((w) => `${w.code} ${w.path}`).sort() }
}

async function refused(xml: string): Promise<[string, string][]> {
  const r = await inspectNcts(xml)
  expect(r.mapping?.ok).not.toBe(true)
  expect(r.errors.map((e) => e.code)).not.toContain('NCTS_MISSING_ELEMENT')
  return r.errors.map((e) => [e.path, e.code])
}

const LG = '/CC007C/Consignment/LocationOfGoods'
const loc = (type: string, q: string, el: string) =>
  `<typeOfLocation>${type}</typeOfLocation><qualifierOfIdentification>${q}</qualifierOfIdentification>${el}`

describe('CC007C from partners: every location NCTS allows is mapped or refused by name', () => {
  it('type A, qualifier Z: the address becomes the location, its country the country', async () => {
    const { body, warnings } = await mapped(
      cc007c(
        loc(
          'A',
          'Z',
          '<Address><streetAndNumber>Bunyodkor 7</streetAndNumber><postcode>100043</postcode><city>Tashkent</city><country>UZ</country></Address><ContactPerson><name>A. Karimov</name><phoneNumber>+998 71 000</phoneNumber></ContactPerson>',
        ),
      ),
    )
    expect(body.LocationOfGoods).toEqual({
      qualifierOfIdentification: 'Z',
      country: 'UZ',
      location: 'Bunyodkor 7, 100043 Tashkent',
    })
    expect(warnings).toEqual([`NCTS_NOT_MAPPED ${LG}/ContactPerson`, `NCTS_NOT_MAPPED ${LG}/typeOfLocation`])
  })

  it('type B, qualifier V: a customs office, written back as the same CustomsOffice', async () => {
    const xml = cc007c(loc('B', 'V', `<CustomsOffice><referenceNumber>${OFFICE}</referenceNumber></CustomsOffice>`))
    const { body } = await mapped(xml)
    expect(body.LocationOfGoods).toEqual({
      qualifierOfIdentification: 'V',
      country: OFFICE.slice(0, 2),
      location: OFFICE,
    })
    const again = DESTINATION[0]!.write!.render({ last: () => body as never }, env, {})
    expect(again.ok && again.value).toMatch(
      new RegExp(`<CustomsOffice>\\s*<referenceNumber>${OFFICE}</referenceNumber>`),
    )
  })

  it('type C, qualifier W: GNSS with its padding dropped; simplified procedure and authorisations', async () => {
    const { body, warnings } = await mapped(
      cc007c(
        loc('C', 'W', '<GNSS><latitude>41.31100</latitude><longitude>69.2790000</longitude></GNSS>'),
        '<simplifiedProcedure>1</simplifiedProcedure>',
        '<Authorisation><sequenceNumber>1</sequenceNumber><type>C522</type><referenceNumber>UZACE0001</referenceNumber></Authorisation>',
      ),
    )
    expect(body.LocationOfGoods).toEqual({
      qualifierOfIdentification: 'W',
      country: OFFICE.slice(0, 2),
      GNSS: { latitude: '41.311', longitude: '69.279' },
    })
    expect((body.TransitOperation as { simplifiedProcedure: string }).simplifiedProcedure).toBe('1')
    expect(warnings).toEqual(['NCTS_NOT_MAPPED /CC007C/Authorisation', `NCTS_NOT_MAPPED ${LG}/typeOfLocation`])
  })

  it('qualifiers Y, X, T and U: authorisation number, economic operator, postcode address, UN/LOCODE', async () => {
    const place = async (q: string, el: string) => (await mapped(cc007c(loc('D', q, el)))).body.LocationOfGoods
    expect(await place('Y', '<authorisationNumber>UZACE0001</authorisationNumber>')).toMatchObject({
      location: 'UZACE0001',
    })
    expect(
      await place('X', '<EconomicOperator><identificationNumber>UZ301234567</identificationNumber></EconomicOperator>'),
    ).toMatchObject({ location: 'UZ301234567' })
    expect(
      await place(
        'T',
        '<PostcodeAddress><houseNumber>7</houseNumber><postcode>100043</postcode><country>KZ</country></PostcodeAddress>',
      ),
    ).toEqual({ qualifierOfIdentification: 'T', country: 'KZ', location: '7 100043' })
    expect(await place('U', '<UNLocode>UZTAS</UNLocode>')).toEqual({
      qualifierOfIdentification: 'U',
      UNLocode: 'UZTAS',
      country: 'UZ',
    })
  })

  it('refusals name the field: an address over 35 characters, seven GNSS decimals, a UN/LOCODE of seven', async () => {
    const street = 'Mustaqillik maydoni, building 5, entrance B'
    expect(
      await refused(
        cc007c(
          loc(
            'A',
            'Z',
            `<Address><streetAndNumber>${street}</streetAndNumber><city>Tashkent</city><country>UZ</country></Address>`,
          ),
        ),
      ),
    ).toEqual([[`${LG}/Address`, 'NCTS_LOCATION_TOO_LONG']])
    expect(
      await refused(
        cc007c(loc('C', 'W', '<GNSS><latitude>41.3110001</latitude><longitude>69.27900</longitude></GNSS>')),
      ),
    ).toEqual([[`${LG}/GNSS/latitude`, 'NCTS_GNSS_PRECISION']])
    const unl = loc('D', 'U', '')
    expect(await refused(cc007c(`${unl}<UNLocode>UZTAS01</UNLocode>`))).toEqual([
      [`${LG}/UNLocode`, 'MSG_INVALID_VALUE'],
    ])
  })
})

const destination = `<CustomsOfficeOfDestinationActual><referenceNumber>${OFFICE}</referenceNumber></CustomsOfficeOfDestinationActual>
<TraderAtDestination><identificationNumber>${TRADER}</identificationNumber></TraderAtDestination>`

describe('CC025C from partners: a full release is control result A1; other indicators are refused by name', () => {
  const cc025c = (indicator: string, tail = '') =>
    partner(
      'CC025C',
      `<TransitOperation><MRN>${MRN}</MRN><releaseDate>2026-11-26</releaseDate><releaseIndicator>${indicator}</releaseIndicator></TransitOperation>${destination}${tail}`,
    )
  it('indicator 1, with the house consignment release types left out', async () => {
    const { body, warnings } = await mapped(
      cc025c(
        '1',
        '<Consignment><HouseConsignment><sequenceNumber>1</sequenceNumber><releaseType>2</releaseType></HouseConsignment></Consignment>',
      ),
    )
    expect(body).toEqual({
      TransitOperation: { MRN },
      CustomsOfficeOfDestinationActual: { referenceNumber: OFFICE },
      ControlResult: { code: 'A1', date: '2026-11-26' },
    })
    expect(warnings).toEqual(['NCTS_NOT_MAPPED /CC025C/Consignment'])
  })
  it('indicators 2, 3, 4 and 0', async () => {
    const release = ['PARTIAL_RELEASE', 'PARTIAL_RELEASE', 'RELEASE_WITHOUT_DISCREPANCIES', 'RELEASE_INDICATOR_UNKNOWN']
    for (const [v, code] of ['2', '3', '4', '0'].map((v, i) => [v, `NCTS_${release[i]!}`] as const)) {
      expect(await refused(cc025c(v))).toEqual([['/CC025C/TransitOperation/releaseIndicator', code]])
    }
  })
})

describe('CC044C from partners: unloading remarks as control results', () => {
  const cc044c = (conform: string, completion: string, remark = '', other = '') =>
    partner(
      'CC044C',
      `<TransitOperation><MRN>${MRN}</MRN>${other}</TransitOperation>${destination}<UnloadingRemark><conform>${conform}</conform><unloadingCompletion>${completion}</unloadingCompletion><unloadingDate>2026-11-26</unloadingDate>${remark}</UnloadingRemark>`,
    )
  const U = '/CC044C/UnloadingRemark'
  it('conform: A1 with the remark', async () => {
    const { body } = await mapped(
      cc044c('1', '1', '<stateOfSeals>1</stateOfSeals><unloadingRemark>All in order</unloadingRemark>'),
    )
    expect(body.ControlResult).toEqual({ code: 'A1', date: '2026-11-26', remarks: [{ value: 'All in order' }] })
    expect(body.Discrepancy).toBeUndefined()
  })
  it('not conform, or seals not in order: B1 with each discrepancy and where it was said', async () => {
    const { body } = await mapped(
      cc044c(
        '0',
        '1',
        '<stateOfSeals>0</stateOfSeals><unloadingRemark>2 packages missing</unloadingRemark>',
        '<otherThingsToReport>Trailer swapped</otherThingsToReport>',
      ),
    )
    expect(body.ControlResult).toEqual({ code: 'B1', date: '2026-11-26', remarks: [{ value: 'Trailer swapped' }] })
    const said = (body.Discrepancy as { sequenceNumber: string; pointer: string; description: unknown }[]).map((d) => [
      d.sequenceNumber,
      d.pointer,
      d.description,
    ])
    expect(said).toEqual([
      ['1', `${U}/stateOfSeals`, [{ value: 'Seals not in order at unloading' }]],
      ['2', `${U}/unloadingRemark`, [{ value: '2 packages missing' }]],
    ])
  })
  it('refused: an unloading not complete, goods not conform without a remark', async () => {
    expect(await refused(cc044c('1', '0'))).toEqual([[`${U}/unloadingCompletion`, 'NCTS_UNLOADING_INCOMPLETE']])
    expect(await refused(cc044c('0', '1'))).toEqual([[`${U}/unloadingRemark`, 'NCTS_DISCREPANCY_NOT_DESCRIBED']])
  })
})
