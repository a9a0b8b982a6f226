/**
 * The definition of done, over every hand-written sample (samples/, each valid under its
 * official XSD): no schema-valid message of a type the adapter reads is refused by the reader
 * for something the schema settles (a missing or repeated element), each is either mapped or
 * refused with a code of the federation naming the field, and the docs table lists every type
 * the catalogue or the schema set knows, as the catalogue has it.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { exampleMessage } from '../../protocol/index.ts'
import { xmllintNcts } from '../testing/xmllint.ts'
import { importableTypes, inspectNcts, NCTS_CATALOGUE, NCTS_SCHEMA_INVALID, nctsMapping, schemaTypes } from './index.ts'
import type { DeclarationBody, ImportOptions, LogBodies } from './index.ts'

function withoutHeader<T extends { Header: unknown }>(m: T): Omit<T, 'Header'> {
  const { Header: _h, ...body } = m
  return body
}

const DIR = join(import.meta.dirname, 'samples')
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.xml'))
const read = (f: string) => readFileSync(join(DIR, f), 'utf8')
const MRN = '26CN652100000042J8'
/** What the reader must never say of a schema-valid message: the schema already settled it. */
const SCHEMA_SETTLED = ['NCTS_MISSING_ELEMENT', 'NCTS_DUPLICATE_ELEMENT', 'NCTS_WRONG_MESSAGE', NCTS_SCHEMA_INVALID]

async function story(): Promise<ImportOptions> {
  const r = await inspectNcts(read('cc015c.xml'), { mrn: MRN })
  if (r.mapping?.ok !== true || r.mapping.value.kind !== 'lodge') throw new Error(JSON.stringify(r.errors))
  const d: DeclarationBody = r.mapping.value.declaration
  const declared = { ...d, TransitOperation: { ...d.TransitOperation, limitDate: '2026-12-07' } }
  return {
    mrn: MRN,
    declarationOf: async (m) => (m === MRN ? declared : undefined),
    mrnOfLrn: (lrn) => (lrn.startsWith('XJ-2026-') ? MRN : undefined),
    carrierName: () => 'Kazakh Trans Cargo LLP',
  }
}

describe('every schema-valid sample is mapped or refused by the federation, naming the field', () => {
  it('covers every vendored type, and every catalogue type has its official XSD', () => {
    const types = new Set(FILES.map((f) => f.slice(0, 6).toUpperCase()))
    expect([...schemaTypes()].filter((t) => !types.has(t))).toEqual([])
    expect(NCTS_CATALOGUE.map((m) => m.type).filter((t) => !schemaTypes().has(t))).toEqual([])
  })

  for (const file of FILES) {
    it(file, async () => {
      const type = file.slice(0, 6).toUpperCase()
      const r = await inspectNcts(read(file), await story())
      expect(r.schema).toEqual({ ok: true })
      if (!importableTypes().includes(type)) {
        expect(r.errors.map((e) => e.code)).toEqual(['NCTS_UNSUPPORTED_MESSAGE'])
        return
      }
      for (const e of r.errors) {
        expect(SCHEMA_SETTLED).not.toContain(e.code)
        // The field: an element below the root, not the message as a whole.
        expect(e.path).toMatch(new RegExp(`^/${type}/[A-Za-z]`))
        expect(e.message.length).toBeGreaterThan(10)
      }
      if (r.errors.length === 0) expect(r.mapping?.ok).toBe(true)
    })
  }

  it('every type the adapter reads has a sample that maps', async () => {
    const opts = await story()
    const mapped = new Set<string>()
    for (const f of FILES)
      if ((await inspectNcts(read(f), opts)).errors.length === 0) mapped.add(f.slice(0, 6).toUpperCase())
    expect(importableTypes().filter((t) => !mapped.has(t))).toEqual([])
  })
})

describe('import then export: every mapped sample, written back, is valid under its official XSD', () => {
  const env = { sender: 'SIS-CN', recipient: 'NTA.CN', messageId: 'CN-0001', preparedAt: '2026-11-23T08:00:00Z' }
  for (const file of FILES) {
    const m = nctsMapping(file.slice(0, 6).toUpperCase())
    if (m?.read === undefined || m.write === undefined) continue
    it(file, async () => {
      const r = await inspectNcts(read(file), await story())
      if (r.mapping?.ok !== true) return expect(r.errors.length).toBeGreaterThan(0)
      const op = r.mapping.value
      const imported = op.kind === 'lodge' ? op.declaration : op.body
      // The imported entry in the example transit's log, the other entries as the example has them.
      const log: LogBodies = {
        last: (t) => (t === m.sis ? imported : (withoutHeader(exampleMessage(t)) as never)) as never,
      }
      const written = m.write!.render(log, env, {})
      if (!written.ok) throw new Error(JSON.stringify(written.errors))
      expect(xmllintNcts(m.type, written.value).stderr).toContain('validates')
    })
  }
})

describe('docs/adapters.md lists every NCTS type as the catalogue has it', () => {
  const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'adapters.md'), 'utf8')
  const rows = new Map(
    [...doc.matchAll(/^\| (CC\d{3}C) \| ([^|]+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$/gm)].map((m) => [
      m[1]!,
      m.slice(2).map((c) => c.trim()),
    ]),
  )
  it('one row per vendored schema', () => {
    expect([...schemaTypes()].filter((t) => !rows.has(t))).toEqual([])
  })
  for (const m of NCTS_CATALOGUE) {
    it(`${m.type}: SIS message, in and out`, () => {
      const [, sis, inbound, outbound] = rows.get(m.type) ?? []
      expect(sis).toBe(m.sis)
      expect(inbound === '–').toBe(m.read === undefined)
      expect(outbound).toBe(m.write === undefined ? '–' : m.write.outbound ? 'out' : 'on request')
    })
  }
})
