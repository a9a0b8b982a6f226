/**
 * `sis adapter validate`: a real process for the exit status and the human form, in process for
 * the JSON report. The NCTS files are the adapter's own export of the example declaration, one
 * left valid and one broken twice (two schema faults, each reported once with its line).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { toCC015C } from '../../adapters/ncts/index.ts'
import { exampleMessage } from '../../protocol/index.ts'
import { sisInProcess, sisProcess } from '../cli.testkit.ts'
import type { ValidateReport } from './adapter-validate.ts'

const dir = mkdtempSync(join(tmpdir(), 'sis-validate-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const sis = sisProcess({ timeoutMs: 60_000, env: { ...process.env, NO_COLOR: '1' } })

const { Header: _h, ...declaration } = exampleMessage('DeclarationLodged')
const exported = toCC015C(declaration, {
  sender: 'NTA.CN',
  recipient: 'SIS-CN',
  messageId: 'CN-0001',
  preparedAt: '2026-11-23T08:00:00Z',
})
if (!exported.ok) throw new Error(JSON.stringify(exported.errors))
const valid = join(dir, 'cc015c.xml')
writeFileSync(valid, exported.value)
const broken = join(dir, 'cc015c-broken.xml')
writeFileSync(
  broken,
  exported.value
    .replace(/<messageSender>[^<]*</, '<messageSender><')
    .replace('<reducedDatasetIndicator>0<', '<reducedDatasetIndicator>7<'),
)
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length
const samples = join(import.meta.dirname, '..', '..', 'adapters', 'edifact', 'samples')
const ncts = (f: string) => join(import.meta.dirname, '..', '..', 'adapters', 'ncts', 'samples', f)

describe('sis adapter validate', () => {
  it('passes a valid CC015C: both verdicts PASS, the lodge it would make, exit 0', () => {
    const r = sis('adapter', 'validate', '--format', 'ncts', valid)
    expect(r.status, r.stderr + r.stdout).toBe(0)
    expect(r.stdout).toContain('NCTS CC015C → SIS DeclarationLodged')
    expect(r.stdout).toMatch(/^schema +PASS +cc015c\.xsd/m)
    expect(r.stdout).toMatch(new RegExp(`^mapping +PASS +lodge LRN ${declaration.TransitOperation.LRN}`, 'm'))
  })

  it('names each schema fault once with its line and path, does not map, exit 1', async () => {
    const r = await sisInProcess('adapter', 'validate', '--format', 'ncts', broken, '--json')
    expect(r.code, r.out).toBe(1)
    const report = JSON.parse(r.out) as ValidateReport
    const text = readFileSync(broken, 'utf8')
    expect(report).toMatchObject({ ok: false, type: 'CC015C', schema: { ran: true, ok: false } })
    expect(report.mapping.ran).toBe(false)
    expect(report.schema.errors.map((e) => [e.code, e.path, e.line])).toEqual([
      ['NCTS_SCHEMA_INVALID', '/CC015C/messageSender', lineOf(text, '<messageSender>')],
      [
        'NCTS_SCHEMA_INVALID',
        '/CC015C/TransitOperation/reducedDatasetIndicator',
        lineOf(text, '<reducedDatasetIndicator>'),
      ],
    ])
    expect(report.schema.errors[1]!.message).toContain("[facet 'enumeration']")
  })

  it('judges a CUSDEC interchange: syntax passes, the mapping names the field, exit 1', async () => {
    const r = await sisInProcess(
      'adapter',
      'validate',
      '--format',
      'cusdec',
      join(samples, 'cusdec-error-code-list.edi'),
      '--json',
    )
    expect(r.code, r.out).toBe(1)
    const report = JSON.parse(r.out) as ValidateReport
    expect(report).toMatchObject({ type: 'CUSDEC', schema: { ok: true }, mapping: { ran: true, ok: false } })
    expect(report.mapping.errors[0]).toMatchObject({ code: 'CODE_UNKNOWN', path: expect.stringContaining('NAD') })
    const good = await sisInProcess(
      'adapter',
      'validate',
      '--format',
      'cusdec',
      join(samples, 'cusdec-declaration.edi'),
    )
    expect(good.code, good.out).toBe(0)
    const syntax = await sisInProcess(
      'adapter',
      'validate',
      '--format',
      'cusdec',
      join(samples, 'cusdec-error-segment-count.edi'),
      '--json',
    )
    expect(syntax.code).toBe(1)
    expect((JSON.parse(syntax.out) as ValidateReport).schema.ok).toBe(false)
  })

  it('exits 3 for a file it cannot read and 2 without a format', () => {
    expect(sis('adapter', 'validate', '--format', 'ncts', join(dir, 'missing.xml')).status).toBe(3)
    expect(sis('adapter', 'validate', valid).status).toBe(2)
  })

  it('completes a CC170C from the --declaration that stands for the log; without it, names what is missing', async () => {
    const alone = await sisInProcess('adapter', 'validate', '--format', 'ncts', ncts('cc170c.xml'), '--json')
    expect(alone.code).toBe(1)
    const refused = JSON.parse(alone.out) as ValidateReport
    expect(refused.schema.ok).toBe(true)
    expect(refused.mapping.errors.map((e) => [e.path, e.code])).toEqual([
      ['/CC170C/TransitOperation/MRN', 'NCTS_UNKNOWN_TRANSIT'],
    ])
    const args = ['adapter', 'validate', '--format', 'ncts', ncts('cc170c.xml'), '--declaration', ncts('cc015c.xml')]
    const completed = await sisInProcess(...args, '--json')
    expect(completed.code).toBe(0)
    expect((JSON.parse(completed.out) as ValidateReport).mapping.operation).toMatchObject({
      kind: 'act',
      action: 'amend',
      documentId: '26CN652100000042J8',
    })
    const notADeclaration = await sisInProcess(...args.slice(0, -1), ncts('cc028c.xml'), '--json')
    expect(notADeclaration.code).toBe(2)
  })
})
