/**
 * The demo's NCTS lines (sis demo, npm start): the example declaration as a partner's NCTS
 * phase 6 CC015C, judged by the official XSD in process and mapped to the lodge it becomes;
 * then the same file with messageRecipient before messageSender, refused once, by the schema,
 * with the line and path of the fault; then every type of the catalogue written from the
 * example transit and checked against its XSD, and every hand-written partner sample
 * (adapters/ncts/samples) mapped or refused by name. Returns whether all came out as they must.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { inspectNcts, NCTS_CATALOGUE, toCC015C, validateNctsSchema } from '../adapters/ncts/index.ts'
import type { LogBodies } from '../adapters/ncts/index.ts'
import { exampleMessage } from '../protocol/messages/index.ts'

const SAMPLES = join(import.meta.dirname, '..', 'adapters', 'ncts', 'samples')
const ENV = { sender: 'NTA.CN', recipient: 'SIS-CN', messageId: 'CN-DEMO-1', preparedAt: '2026-11-23T08:00:00Z' }

/** The example transit's log as the writers read it. */
const EXAMPLE_LOG: LogBodies = {
  last: (type) => {
    const { Header: _h, ...body } = exampleMessage(type)
    return body as never
  },
}

/** Every catalogue writer on the example transit: the types whose message is valid under its official XSD. */
async function writeAll(): Promise<{ valid: string[]; invalid: string[] }> {
  const valid: string[] = []
  const invalid: string[] = []
  for (const m of NCTS_CATALOGUE) {
    if (m.write === undefined) continue
    const w = m.write.render(EXAMPLE_LOG, ENV, {})
    const ok = w.ok && (await validateNctsSchema(m.type, w.value)).ok
    ;(ok ? valid : invalid).push(m.type)
  }
  return { valid, invalid }
}

/** Every partner sample through the whole import, completed from the example transit where it needs the log. */
async function readAll(say: (s: string) => void): Promise<boolean> {
  const { Header: _h, ...declaration } = exampleMessage('DeclarationLodged')
  const mrn = declaration.TransitOperation.MRN
  const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.xml'))
  let mapped = 0
  const refused: string[] = []
  for (const f of files) {
    const r = await inspectNcts(readFileSync(join(SAMPLES, f)), {
      declarationOf: async () => declaration,
      mrnOfLrn: () => mrn,
    })
    if (r.errors.length === 0) mapped++
    else refused.push(`${f} ${r.errors[0]!.code} ${r.errors[0]!.path}`)
  }
  say(`  ${files.length} hand-written partner messages: ${mapped} mapped, ${refused.length} refused by name:`)
  for (const line of refused) say(`    ${line}`)
  return refused.every((line) => !line.includes('NCTS_SCHEMA_INVALID'))
}

export async function nctsLayer(say: (s: string) => void): Promise<boolean> {
  const { Header: _h, ...declaration } = exampleMessage('DeclarationLodged')
  const exported = toCC015C(declaration, ENV)
  if (!exported.ok) {
    say(`  NCTS: the example declaration does not fit CC015C: ${exported.errors.map((e) => e.code).join(', ')}`)
    return false
  }
  const t0 = performance.now()
  const good = await inspectNcts(exported.value)
  const ms = performance.now() - t0
  const op = good.mapping?.ok === true ? good.mapping.value : undefined
  say(
    `  as an NCTS phase 6 CC015C from a partner: official XSD ${good.schema?.ok === true ? 'valid' : 'INVALID'} (libxml2 in process, ${ms.toFixed(0)} ms), ${op?.kind === 'lodge' ? `mapped to a lodge of LRN ${op.lrn}` : `NOT MAPPED ${good.errors.map((e) => e.code).join(', ')}`}`,
  )
  const swapped = exported.value.replace(
    /(<messageSender>[^<]*<\/messageSender>)(\s*)(<messageRecipient>[^<]*<\/messageRecipient>)/,
    '$3$2$1',
  )
  const bad = await inspectNcts(swapped)
  const fault = bad.errors[0]
  say(
    fault === undefined
      ? '  the same with messageRecipient before messageSender: ACCEPTED (wrong)'
      : `  the same with messageRecipient before messageSender: ${fault.code} at line ${fault.line ?? '?'} ${fault.path}: ${fault.message}`,
  )
  const written = await writeAll()
  say(
    `  the example transit written as NCTS: ${written.valid.join(' ')} valid under their official XSDs${written.invalid.length === 0 ? '' : `; INVALID: ${written.invalid.join(' ')}`}`,
  )
  const samples = await readAll(say)
  return (
    op !== undefined &&
    bad.errors.length === 1 &&
    fault?.code === 'NCTS_SCHEMA_INVALID' &&
    written.invalid.length === 0 &&
    samples
  )
}
