import { describe, expect, it } from 'vitest'
import { exampleMessage, parseXml } from '../../protocol/index.ts'
import type { MessageTypeName } from '../../protocol/index.ts'
import type { FieldError } from '../contract.ts'
import { ACTION_MESSAGE_TYPES } from '../contract.ts'
import { withoutPaths } from '../testing/lossy.ts'
import { xmllintNcts } from '../testing/xmllint.ts'
import { INVALIDATION } from './catalogue-invalidation.ts'
import { federationErrors } from './federation.ts'
import { locateElements } from './locate.ts'
import type { LogBodies, NctsMapping } from './mapping.ts'
import { inspectNcts } from './inspect.ts'
import { validateNctsSchema } from './schema.ts'

const env = { sender: 'SIS-CN', recipient: 'NTA.CN', messageId: 'CN-0009', preparedAt: '2026-11-23T09:31:00Z' }
const entry = (type: string): NctsMapping => INVALIDATION.find((e) => e.type === type)!

function bodyOf(type: MessageTypeName): Record<string, unknown> {
  const { Header: _h, ...rest } = exampleMessage(type) as unknown as Record<string, unknown>
  return rest
}

const log = (only?: readonly string[]): LogBodies => ({
  last: (type) => (only === undefined || only.includes(type) ? (bodyOf(type) as never) : undefined),
})

/** The import pipeline for an entry not yet in NCTS_CATALOGUE: official schema, federation rules, mapping. */
async function pipeline(
  type: string,
  xml: string,
): Promise<{ errors: readonly FieldError[]; warnings: string[]; body?: Record<string, unknown>; action?: string }> {
  const schema = await validateNctsSchema(type, xml)
  if (!schema.ok) return { errors: schema.errors, warnings: [] }
  const federation = federationErrors(parseXml(xml), locateElements(xml))
  if (federation.length > 0) return { errors: federation, warnings: [] }
  const r = await entry(type).read!(xml, { language: 'en' })
  const warnings = r.warnings.map((w) => `${w.code} ${w.path}`)
  if (!r.ok) return { errors: r.errors, warnings }
  if (r.value.kind !== 'act') throw new Error('not an action')
  return { errors: [], warnings, body: r.value.body, action: r.value.action }
}

describe('invalidation messages: export from the example log is valid under the official XSD and reads back', () => {
  for (const e of INVALIDATION) {
    it(`${e.type} (${e.sis})`, async () => {
      const written = e.write!.render(log(), env, { language: 'en' })
      if (!written.ok) throw new Error(JSON.stringify(written.errors))
      expect(xmllintNcts(e.type, written.value).stderr).toContain('validates')
      expect(await validateNctsSchema(e.type, written.value)).toEqual({ ok: true })
      const r = await pipeline(e.type, written.value)
      expect(r.errors).toEqual([])
      expect(ACTION_MESSAGE_TYPES[r.action as keyof typeof ACTION_MESSAGE_TYPES]).toBe(e.sis)
      expect(withoutPaths(r.body!, e.lossy ?? [])).toEqual(withoutPaths(bodyOf(e.sis), e.lossy ?? []))
    })
  }

  it('the justification travels in the language asked for', async () => {
    const written = entry('CC014C').write!.render(log(), env, { language: 'en' })
    const r = await pipeline('CC014C', written.ok ? written.value : '')
    const asked = (bodyOf('InvalidationRequested').Invalidation as { justification: { lang: string }[] }).justification
    expect((r.body!.Invalidation as { justification: unknown }).justification).toEqual([
      asked.find((t) => t.lang === 'en'),
    ])
  })

  it('without the declaration the holder group is empty and the message still valid', async () => {
    for (const e of INVALIDATION) {
      const r = e.write!.render(log([e.sis]), env, {})
      if (!r.ok) throw new Error(JSON.stringify(r.errors))
      expect(r.value).toContain('<HolderOfTheTransitProcedure>\n  </HolderOfTheTransitProcedure>')
      expect(xmllintNcts(e.type, r.value).ok).toBe(true)
    }
  })

  it('a writer without its source in the log refuses with NCTS_NO_SOURCE', () => {
    for (const e of INVALIDATION)
      expect(e.write!.render(log([]), env, {})).toMatchObject({ ok: false, errors: [{ code: 'NCTS_NO_SOURCE' }] })
  })
})

const request = bodyOf('InvalidationRequested') as {
  TransitOperation: { MRN: string }
  CustomsOfficeOfDeparture: { referenceNumber: string }
}
const MRN = request.TransitOperation.MRN
const OFFICE = request.CustomsOfficeOfDeparture.referenceNumber

/** A partner's CC014C or CC009C; proven schema-valid by native xmllint. */
function partner(type: string, op: string, invalidation: string, office = OFFICE): string {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<ncts:${type} xmlns:vc="http://www.w3.org/2007/XMLSchema-versioning" xmlns:ncts="http://ncts.dgtaxud.ec">
<messageSender>NTA.CN</messageSender><messageRecipient>SIS-CN</messageRecipient>
<preparationDateAndTime>2026-11-23T09:00:00</preparationDateAndTime><messageIdentification>P-14</messageIdentification>
<messageType>${type}</messageType>
<TransitOperation>${op}</TransitOperation><Invalidation>${invalidation}</Invalidation>
<CustomsOfficeOfDeparture><referenceNumber>${office}</referenceNumber></CustomsOfficeOfDeparture>
<HolderOfTheTransitProcedure><identificationNumber>CN6501000000123</identificationNumber><name>Xinjiang Textile Export Co.</name></HolderOfTheTransitProcedure>
</ncts:${type}>
`
  const lint = xmllintNcts(type, xml)
  if (!lint.ok) throw new Error(`test input is not schema-valid: ${lint.stderr}`)
  return xml
}

const codes = (r: { errors: readonly FieldError[] }) => r.errors.map((e) => [e.path, e.code])

describe('CC014C from partners', () => {
  const why = '<justification>Goods did not leave</justification>'
  it('mapped: a request without its time takes the preparation time; decision elements are left out', async () => {
    const r = await pipeline(
      'CC014C',
      partner('CC014C', `<MRN>${MRN}</MRN>`, `<decision>1</decision><initiatedByCustoms>1</initiatedByCustoms>${why}`),
    )
    expect(r.errors).toEqual([])
    expect(r.action).toBe('invalidation-request')
    expect(r.body).toEqual({
      TransitOperation: { MRN },
      Invalidation: {
        requestDateAndTime: '2026-11-23T09:00:00Z',
        initiatedByCustoms: '1',
        justification: [{ lang: 'en', value: 'Goods did not leave' }],
      },
      CustomsOfficeOfDeparture: { referenceNumber: OFFICE },
    })
    expect(r.warnings).toEqual([
      'NCTS_NOT_MAPPED /CC014C/Invalidation/decision',
      'NCTS_DEFAULTED /CC014C/Invalidation/requestDateAndTime',
    ])
  })

  it('refused by name: an LRN the adapter did not lodge, no justification, an office outside the federation', async () => {
    const lrnOnly = partner('CC014C', '<LRN>XJ-2026-000042</LRN>', `<initiatedByCustoms>0</initiatedByCustoms>${why}`)
    expect(codes(await pipeline('CC014C', lrnOnly))).toEqual([['/CC014C/TransitOperation/MRN', 'NCTS_MISSING_VALUE']])
    // An LRN the adapter lodged names the transit it lodged.
    const known = await inspectNcts(lrnOnly, { mrnOfLrn: (l) => (l === 'XJ-2026-000042' ? MRN : undefined) })
    expect(
      known.mapping?.ok && known.mapping.value.kind === 'act' ? known.mapping.value.documentId : known.errors,
    ).toBe(MRN)
    const silent = partner('CC014C', `<MRN>${MRN}</MRN>`, '<initiatedByCustoms>0</initiatedByCustoms>')
    expect(codes(await pipeline('CC014C', silent))).toEqual([
      ['/CC014C/Invalidation/justification', 'NCTS_JUSTIFICATION_REQUIRED'],
    ])
    const abroad = partner(
      'CC014C',
      `<MRN>${MRN}</MRN>`,
      `<initiatedByCustoms>0</initiatedByCustoms>${why}`,
      'DE004058',
    )
    expect(codes(await pipeline('CC014C', abroad))).toEqual([
      ['/CC014C/CustomsOfficeOfDeparture/referenceNumber', 'NCTS_OFFICE_NOT_IN_FEDERATION'],
    ])
  })
})

describe('CC009C from partners', () => {
  const decided = '<decisionDateAndTime>2026-11-23T09:30:00</decisionDateAndTime>'
  it('mapped: a refusal with its justification; the request time is left out', async () => {
    const r = await pipeline(
      'CC009C',
      partner(
        'CC009C',
        `<MRN>${MRN}</MRN>`,
        `<requestDateAndTime>2026-11-23T09:00:00</requestDateAndTime>${decided}<decision>0</decision><initiatedByCustoms>0</initiatedByCustoms><justification>Goods already released</justification>`,
      ),
    )
    expect(r.action).toBe('invalidation-decision')
    expect(r.body!.Invalidation).toEqual({
      decisionDateAndTime: '2026-11-23T09:30:00Z',
      decision: '0',
      initiatedByCustoms: '0',
      justification: [{ lang: 'en', value: 'Goods already released' }],
    })
    expect(r.warnings).toEqual(['NCTS_NOT_MAPPED /CC009C/Invalidation/requestDateAndTime'])
  })

  it('refused by name: a decision that says neither grant nor refusal', async () => {
    const r = await pipeline(
      'CC009C',
      partner('CC009C', `<MRN>${MRN}</MRN>`, `${decided}<initiatedByCustoms>0</initiatedByCustoms>`),
    )
    expect(codes(r)).toEqual([['/CC009C/Invalidation/decision', 'NCTS_DECISION_REQUIRED']])
  })
})
