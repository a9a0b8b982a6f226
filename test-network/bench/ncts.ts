/**
 * NCTS import throughput on the adapter's own CC015C (about 8 KB): the official phase 6 schema
 * check in process (libxml2 compiled to WebAssembly, one worker per message, the XSD set
 * compiled each time), one at a time and two at once, and the whole import (strict parse,
 * schema, federation rules, mapping and our own checks). The ceiling is the native libxml2 doing
 * the same schema check: the `xmllint` program run once per message, as a partner would check
 * a file.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exampleMessage } from '../../protocol/messages/index.ts'
import { inspectNcts, toCC015C, validateNctsSchema } from '../../adapters/ncts/index.ts'
import type { Measurement, Row } from './measure.ts'
import { measureAsync, rate } from './measure.ts'

const XSD = join(import.meta.dirname, '..', '..', 'adapters', 'ncts', 'xsd', 'cc015c.xsd')

export async function benchNcts(seconds = 2): Promise<Row[]> {
  const { Header: _h, ...declaration } = exampleMessage('DeclarationLodged')
  const env = { sender: 'SIS-CN', recipient: 'NTA.CN', messageId: 'CN-0001', preparedAt: '2026-11-23T08:00:00Z' }
  const written = toCC015C(declaration, env)
  if (!written.ok) throw new Error('the benchmark message must be writable')
  const xml = written.value
  const dir = mkdtempSync(join(tmpdir(), 'sis-bench-ncts-'))
  const file = join(dir, 'cc015c.xml')
  writeFileSync(file, xml)
  const mrn = declaration.TransitOperation.MRN
  try {
    const m = await measureAsync(
      {
        native: () => {
          const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', XSD, file], { encoding: 'utf8' })
          if (r.status !== 0) throw new Error(`xmllint refused the benchmark message: ${r.stderr}`)
        },
        schema: async () => {
          if (!(await validateNctsSchema('CC015C', xml)).ok) throw new Error('the benchmark message must be valid')
        },
        pair: () => Promise.all([validateNctsSchema('CC015C', xml), validateNctsSchema('CC015C', xml)]),
        full: async () => {
          if ((await inspectNcts(xml, { mrn })).errors.length > 0) throw new Error('the benchmark message must map')
        },
      },
      seconds,
    )
    const of = (x: Measurement) => `${Math.round((100 * x.opsPerSecond) / m.native.opsPerSecond)}%`
    const pairRate = { ...m.pair, opsPerSecond: m.pair.opsPerSecond * 2 }
    return [
      {
        what: `schema check in process (${xml.length} B CC015C)`,
        figure: rate(m.schema),
        ceiling: rate(m.native),
        ratio: of(m.schema),
        note: 'xmllint-wasm in a worker; the ceiling is native xmllint run once per file (both compile the XSD set each time)',
      },
      {
        what: 'schema check, two at once',
        figure: rate(pairRate),
        ceiling: rate(m.native),
        ratio: of(pairRate),
        note: 'two workers in parallel: the check does not hold the event loop',
      },
      {
        what: 'whole import (parse, schema, federation, mapping)',
        figure: rate(m.full),
        ceiling: rate(m.native),
        ratio: of(m.full),
      },
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
