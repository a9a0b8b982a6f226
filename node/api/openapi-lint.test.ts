// The served OpenAPI document passes Redocly's linter (its recommended rules, as redocly.yaml at
// the repository root configures them): the document of a real API instance, fetched over HTTP.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApi } from './fake-service.testkit.ts'
import type { TestApi } from './fake-service.testkit.ts'

const ROOT = join(import.meta.dirname, '..', '..')
const REDOCLY = join(ROOT, 'node_modules', '.bin', 'redocly')

let api: TestApi
let dir: string
beforeAll(async () => {
  api = await startTestApi()
  dir = mkdtempSync(join(tmpdir(), 'sis-openapi-'))
})
afterAll(async () => {
  await api.close()
  rmSync(dir, { recursive: true, force: true })
})

interface LintProblem {
  readonly ruleId: string
  readonly severity: 'error' | 'warn'
  readonly message: string
  readonly location: readonly { readonly pointer: string }[]
}

describe('the OpenAPI document', () => {
  it('lints clean with Redocly (recommended rules): no error, no warning', async () => {
    const file = join(dir, 'openapi.json')
    writeFileSync(file, await (await fetch(`${api.url}/openapi.json`)).text())
    const run = await promisify(execFile)(
      REDOCLY,
      ['lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format', 'json'],
      { cwd: ROOT, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
    ).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '' }))
    const report = JSON.parse(run.stdout) as { problems: LintProblem[] }
    const found = report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`)
    expect(found).toEqual([])
  }, 60_000)
})
