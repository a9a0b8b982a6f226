/**
 * `sis adapter conformance` and `sis adapter list`, run as real processes (the exit status is
 * part of the contract) and in process for the JSON forms.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { sisInProcess, sisProcess } from '../cli.testkit.ts'

const dir = mkdtempSync(join(tmpdir(), 'sis-adapter-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const sis = sisProcess({ timeoutMs: 60_000, env: { ...process.env, NO_COLOR: '1' } })

describe('sis adapter conformance', () => {
  it('passes a shipped adapter: one aligned row per step, exit 0', () => {
    const r = sis('adapter', 'conformance', '--adapter', 'file-drop', '--format', 'cusres', '--input', 'cusdec')
    expect(r.status, r.stderr + r.stdout).toBe(0)
    const rows = r.stdout.split('\n').filter((l) => / {2}(PASS|FAIL) {2}/.test(l))
    expect(rows).toHaveLength(12)
    expect(new Set(rows.map((l) => l.search(/PASS|FAIL/))).size).toBe(1)
    expect(rows.every((l) => l.includes('PASS'))).toBe(true)
    expect(r.stdout).toMatch(/^step +result +detail$/m)
    expect(r.stdout).toContain('conformance passed: 12 of 12 steps passed')
  })

  it('reports as JSON for scripts', async () => {
    const r = await sisInProcess('adapter', 'conformance', '--adapter', 'webhook', '--format', 'ncts', '--json')
    expect(r.code, r.out).toBe(0)
    const report = JSON.parse(r.out) as {
      ok: boolean
      adapter: string
      steps: { step: string; ok: boolean }[]
      summary: { passed: number; failed: number }
    }
    expect(report).toMatchObject({ ok: true, adapter: 'webhook', summary: { passed: 12, failed: 0 } })
    expect(report.steps.map((s) => s.step)).toContain('passage (after two 503s)')
  })

  it("runs a third party's module and exits 1 when a step fails", () => {
    const kit = pathToFileURL(join(import.meta.dirname, '..', '..', 'adapters', 'conformance', 'index.ts')).href
    const mod = join(dir, 'lossy-adapter.ts')
    // An adapter that says yes to every record and hands nothing to the node.
    writeFileSync(
      mod,
      [
        `import { fileDropTarget } from '${kit}'`,
        `export const conformanceTarget = async (client) => ({ ...(await fileDropTarget({ format: 'sis' })(client)), submit: async () => ({ accepted: true }) })`,
        '',
      ].join('\n'),
    )
    const r = sis('adapter', 'conformance', '--module', mod)
    expect(r.status, r.stderr).toBe(1)
    expect(r.stdout).toMatch(/^declare +FAIL /m)
    expect(r.stdout).toMatch(/^malformed input +FAIL /m)
    expect(r.stdout).toContain('conformance FAILED')
    const good = join(dir, 'good-adapter.ts')
    writeFileSync(
      good,
      `import { fileDropTarget } from '${kit}'\nexport const conformanceTarget = fileDropTarget({ format: 'ncts' })\n`,
    )
    expect(sis('adapter', 'conformance', '--module', good).status).toBe(0)
    const none = join(dir, 'no-export.ts')
    writeFileSync(none, 'export const somethingElse = 1\n')
    const missing = sis('adapter', 'conformance', '--module', none)
    expect(missing.status).toBe(1)
    expect(missing.stderr).toContain('does not export conformanceTarget')
  })

  it('refuses combinations it does not offer with a usage error', async () => {
    expect((await sisInProcess('adapter', 'conformance', '--adapter', 'webhook', '--format', 'cusres')).code).toBe(2)
    expect((await sisInProcess('adapter', 'conformance', '--adapter', 'webhook', '--input', 'cusdec')).code).toBe(2)
    expect((await sisInProcess('adapter', 'conformance')).code).toBe(2)
    expect((await sisInProcess('adapter', 'conformance', '--adapter', 'file-drop', '--module', 'x.ts')).code).toBe(2)
    expect((await sisInProcess('adapter', 'conformance', '--adapter', 'ftp')).code).toBe(2)
  })
})

describe('sis adapter list', () => {
  it('shows the configured adapters with what waits in their folders', async () => {
    const data = join(dir, 'node')
    mkdirSync(data, { recursive: true })
    writeFileSync(
      join(data, 'node.json'),
      JSON.stringify({
        country: 'KZ',
        keyId: 'kz-2026-1',
        adapters: [
          { kind: 'file-drop', name: 'asycuda', folder: 'drop', format: 'ncts' },
          { kind: 'webhook', name: 'national', url: 'https://customs.example/sis', secretFile: 'national.secret' },
        ],
      }),
    )
    for (const f of [
      'inbox/a.xml',
      'inbox/b.edi',
      'inbox/.c.tmp',
      'failed/d.xml',
      'failed/d.xml.error.json',
      '.sis-adapter/dead-letter/x.json',
    ]) {
      mkdirSync(join(data, 'drop', f, '..'), { recursive: true })
      writeFileSync(join(data, 'drop', f), 'x')
    }
    const human = sis('adapter', 'list', '--data', data)
    expect(human.status, human.stderr).toBe(0)
    const lines = human.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^name +kind +format +inbox +failed +dead letters +where$/)
    expect(lines[2]).toMatch(/^asycuda +file-drop +ncts +2 +1 +1 +\S+drop$/)
    expect(lines[3]).toMatch(/^national +webhook +sis +- +- +0 +https:\/\/customs\.example\/sis$/)
    const json = await sisInProcess('adapter', 'list', '--data', data, '--json')
    expect(JSON.parse(json.out)).toMatchObject([
      { name: 'asycuda', waiting: 2, failed: 1, deadLetters: 1, folder: join(data, 'drop') },
      { name: 'national', folder: join(data, 'adapters', 'national') },
    ])
  })

  it('says when none are configured, and refuses an invalid section', async () => {
    const empty = join(dir, 'empty')
    mkdirSync(empty, { recursive: true })
    writeFileSync(join(empty, 'node.json'), JSON.stringify({ country: 'KZ', keyId: 'kz-2026-1' }))
    expect((await sisInProcess('adapter', 'list', '--data', empty)).out).toContain('no adapters configured')
    writeFileSync(
      join(empty, 'node.json'),
      JSON.stringify({ country: 'KZ', keyId: 'kz-2026-1', adapters: [{ kind: 'file-drop', name: 'a' }] }),
    )
    const bad = await sisInProcess('adapter', 'list', '--data', empty)
    expect(bad.code).toBe(1)
    expect(bad.out).toContain('adapters.0.folder')
    expect((await sisInProcess('adapter', 'list', '--data', join(dir, 'nowhere'))).code).toBe(3)
  })
})
