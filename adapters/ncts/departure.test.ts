/**
 * The departure messages a national system sends, hand-written and schema-valid (samples/ and
 * variants of them checked with native xmllint): each mapped to its action, or refused with a
 * code of its own naming the field the federation needs.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { xmllintNcts } from '../testing/xmllint.ts'
import { inspectNcts } from './index.ts'
import type { DeclarationBody, ImportOptions, NctsInspection } from './index.ts'

const sample = (name: string) => readFileSync(join(import.meta.dirname, 'samples', name), 'utf8')
const MRN = '26CN652100000042J8'

/** A variant of a sample, proven schema-valid by xmllint so that any refusal is the mapping's. */
function valid(type: string, xml: string): string {
  const lint = xmllintNcts(type, xml)
  expect(lint.stderr).toContain('validates')
  return xml
}

async function declaration(): Promise<DeclarationBody> {
  const r = await inspectNcts(sample('cc015c.xml'), { mrn: MRN })
  if (r.mapping?.ok !== true || r.mapping.value.kind !== 'lodge') throw new Error(JSON.stringify(r.errors))
  return r.mapping.value.declaration
}

function action(r: NctsInspection): { action: string; documentId?: string; body: Record<string, unknown> } {
  if (r.mapping?.ok !== true || r.mapping.value.kind !== 'act') throw new Error(JSON.stringify(r.errors, null, 2))
  return r.mapping.value
}

const codes = (r: NctsInspection) => r.errors.map((e) => [e.path, e.code])

describe('NCTS departure messages in', () => {
  it('CC028C is the acceptance of its MRN; a holder named by identifier alone is refused by name', async () => {
    const a = action(await inspectNcts(sample('cc028c.xml')))
    expect([a.action, a.documentId]).toEqual(['accept', MRN])
    const nameless = valid('CC028C', sample('cc028c.xml').replace(/\s*<name>[^<]*<\/name>/, ''))
    expect(codes(await inspectNcts(nameless))).toEqual([
      ['/CC028C/HolderOfTheTransitProcedure/name', 'NCTS_MISSING_VALUE'],
    ])
  })

  it('CC056C of a declaration known by LRN only rejects the MRN the adapter lodged it under, else names the MRN', async () => {
    const xml = sample('cc056c.xml')
    const lrn = /<LRN>([^<]+)<\/LRN>/.exec(xml)![1]!
    const known: ImportOptions = { mrnOfLrn: (l) => (l === lrn ? MRN : undefined) }
    const r = action(await inspectNcts(xml, known))
    expect([r.action, r.documentId]).toEqual(['reject', MRN])
    expect(codes(await inspectNcts(xml))).toEqual([['/CC056C/TransitOperation/MRN', 'NCTS_MISSING_VALUE']])
  })

  it('CC029C is a release whose arrival record comes from the message and whose limit date from the declaration', async () => {
    const d = await declaration()
    const opts: ImportOptions = {
      declarationOf: async () => ({ ...d, TransitOperation: { ...d.TransitOperation, limitDate: '2026-12-07' } }),
    }
    const r = action(await inspectNcts(sample('cc029c.xml'), opts))
    expect(r.action).toBe('release')
    const body = r.body as {
      TransitOperation: { limitDate: string }
      AnticipatedArrivalRecord: Record<string, unknown>
    }
    expect(body.TransitOperation.limitDate).toBe('2026-12-07')
    expect(body.AnticipatedArrivalRecord).toMatchObject({
      totalGrossMass: '12480.5',
      totalNumberOfPackages: '100',
      Seal: [
        { sequenceNumber: '1', identifier: 'CN-XJ-558801' },
        { sequenceNumber: '2', identifier: 'CN-XJ-558802' },
      ],
    })
    // Without a declaration that gives a limit date, the release is refused naming it.
    expect(codes(await inspectNcts(sample('cc029c.xml')))).toEqual([
      ['/CC029C/TransitOperation/limitDate', 'NCTS_MISSING_VALUE'],
    ])
    const uncontrolled = valid(
      'CC029C',
      sample('cc029c.xml').replace(/\s*<ControlResult>[\s\S]*?<\/ControlResult>/, ''),
    )
    expect(codes(await inspectNcts(uncontrolled, opts))).toEqual([['/CC029C/ControlResult', 'NCTS_MISSING_VALUE']])
  })

  it('CC013C amends its MRN with the whole declaration it carries', async () => {
    const r = action(await inspectNcts(sample('cc013c.xml')))
    expect([r.action, r.documentId]).toEqual(['amend', MRN])
    const op = (r.body as { TransitOperation: Record<string, unknown> }).TransitOperation
    expect(op.LRN).toBe('XJ-2026-000042')
    expect(op.amendmentDateAndTime).toMatch(/^2026-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  })

  it('CC170C completes the declaration in the log with the presented transport; unknown transits and other offices are refused by name', async () => {
    const d = await declaration()
    const seen = await inspectNcts(sample('cc170c.xml'), { declarationOf: async (m) => (m === MRN ? d : undefined) })
    const r = action(seen)
    expect([r.action, r.documentId]).toEqual(['amend', MRN])
    const b = r.body as DeclarationBody & { TransitOperation: { limitDate?: string } }
    expect(b.TransitOperation.limitDate).toBe('2026-12-07')
    expect(b.Consignment.DepartureTransportMeans).toEqual([
      { sequenceNumber: '1', typeOfIdentification: '30', identificationNumber: '045 ABC 02', nationality: 'KZ' },
    ])
    expect(b.Consignment.ConsignmentItem).toEqual(d.Consignment.ConsignmentItem)
    // Our declaration has no location of goods at departure: said, not silently dropped.
    expect(seen.warnings.map((w) => [w.path, w.code])).toEqual([
      ['/CC170C/Consignment/LocationOfGoods', 'NCTS_NOT_MAPPED'],
    ])
    const none = await inspectNcts(sample('cc170c.xml'), { declarationOf: async () => undefined })
    expect(codes(none)).toEqual([['/CC170C/TransitOperation/MRN', 'NCTS_UNKNOWN_TRANSIT']])
    const elsewhere = { ...d, CustomsOfficeOfDeparture: { referenceNumber: 'KZB00100' } }
    const moved = await inspectNcts(sample('cc170c.xml'), { declarationOf: async () => elsewhere })
    expect(codes(moved)).toEqual([['/CC170C/CustomsOfficeOfDeparture/referenceNumber', 'NCTS_OFFICE_MISMATCH']])
  })

  it('a lookup that fails (the node down while the log is read) refuses the message with its reason, it does not throw', async () => {
    const r = await inspectNcts(sample('cc170c.xml'), {
      declarationOf: () => Promise.reject(new Error('the node did not answer')),
    })
    expect(r.errors).toEqual([{ path: '/CC170C', code: 'NCTS_MAPPING_FAILED', message: 'the node did not answer' }])
  })
})
