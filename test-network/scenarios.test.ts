/**
 * The scenarios CI runs (issue 5): the basic transit with its faults (kill -9, SIGSTOP, a
 * byzantine member) on four real nodes, and, where network namespaces are available (root), the
 * invalidation racing an arrival across a real partition. Both run through `sis testnet run`, as
 * an operator would; a scenario whose expectations are wrong must fail, so the verdict can fail.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { NODE_BIN, SIS_BIN, netnsAvailable } from './network.ts'
import { readScenario } from './scenario.ts'

const scenarios = join(import.meta.dirname, 'scenarios')

interface RunResult {
  ok: boolean
  results: {
    name: string
    ok: boolean
    checks: { ok: boolean; what: string; detail?: string }[]
    transits: Record<string, { holders: string[]; audience: string[]; status?: string }>
  }[]
}

function testnetRun(...args: string[]): { status: number | null; result: RunResult | undefined; stderr: string } {
  const r = spawnSync(NODE_BIN, [SIS_BIN, 'testnet', 'run', '--json', ...args], { encoding: 'utf8', timeout: 240_000 })
  let result: RunResult | undefined
  try {
    result = JSON.parse(r.stdout) as RunResult
  } catch {
    result = undefined
  }
  return { status: r.status, result, stderr: r.stderr + (result === undefined ? r.stdout : '') }
}

const failed = (r: RunResult | undefined) =>
  JSON.stringify(r?.results.flatMap((x) => x.checks.filter((c) => !c.ok)) ?? r)

describe('scenario files', () => {
  it('every shipped scenario parses', () => {
    for (const name of ['transit', 'incident', 'diversion', 'dispute', 'guarantee'])
      expect(readScenario(join(scenarios, `${name}.json`)).name).toBe(name)
  })

  it('a malformed scenario is refused with the path of the fault', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sis-scn-'))
    try {
      const file = join(dir, 'bad.json')
      writeFileSync(file, JSON.stringify({ name: 'bad', steps: [{ do: 'act', at: 'CN', on: 'T1', action: 'fly' }] }))
      expect(() => readScenario(file)).toThrow(/steps\.0\.action/)
      const r = spawnSync(NODE_BIN, [SIS_BIN, 'testnet', 'run', file], { encoding: 'utf8' })
      expect(r.status).toBe(1)
      expect(r.stderr).toMatch(/steps\.0\.action/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('sis testnet run, real node processes', () => {
  it('the basic transit with kill -9, SIGSTOP and a byzantine member passes every check', () => {
    const { status, result, stderr } = testnetRun(join(scenarios, 'transit.json'))
    expect(status, stderr + failed(result)).toBe(0)
    const run = result!.results[0]!
    expect(run.ok).toBe(true)
    expect(run.transits.T1).toMatchObject({
      status: 'written-off',
      holders: ['CN', 'KZ', 'UZ'],
      audience: ['CN', 'KZ', 'UZ'],
    })
    // The byzantine acts are judged, not merely performed.
    for (const what of [
      /forged entry .* is held nowhere/,
      /unauthorised entry .* held and ineffective/,
      /equivocation at seq \d+ is proven/,
    ]) {
      expect(
        run.checks.some((c) => c.ok && what.test(c.what)),
        String(what),
      ).toBe(true)
    }
  }, 240_000)

  it('a scenario that expects the wrong outcome fails, with the check that failed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sis-scn-'))
    try {
      const file = join(dir, 'wrong.json')
      writeFileSync(
        file,
        JSON.stringify({
          name: 'wrong',
          nodes: ['CN', 'KZ', 'UZ'],
          steps: [
            { do: 'declare', at: 'CN', as: 'T1' },
            { do: 'act', at: 'CN', on: 'T1', action: 'accept', expect: 'ineffective' },
          ],
        }),
      )
      const { status, result, stderr } = testnetRun(file)
      expect(status, stderr).toBe(1)
      expect(result?.ok).toBe(false)
      expect(result?.results[0]?.checks.find((c) => !c.ok)?.what).toMatch(/as effective as the scenario expects/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  it('an incident, a diversion through a country off the route, and a guarantee exhausted by concurrent transits pass', () => {
    const { status, result, stderr } = testnetRun(
      ...['incident', 'diversion', 'guarantee'].map((n) => join(scenarios, `${n}.json`)),
    )
    expect(status, stderr + failed(result)).toBe(0)
    const [incident, diversion, guarantee] = result!.results
    expect(incident?.transits.T1?.status).toBe('written-off')
    // Kyrgyzstan joined the audience by the diversion; Tajikistan, off the route, holds nothing.
    expect(diversion?.transits.T1).toMatchObject({
      holders: ['CN', 'KZ', 'UZ', 'KG'],
      audience: ['CN', 'KG', 'KZ', 'UZ'],
    })
    expect(guarantee?.transits.G1?.status).toBe('registered')
  }, 300_000)

  it.runIf(netnsAvailable())(
    'an invalidation racing an arrival across a real partition opens the same dispute everywhere, until resolved',
    () => {
      const { status, result, stderr } = testnetRun(join(scenarios, 'dispute.json'))
      expect(status, stderr + failed(result)).toBe(0)
      expect(result!.results[0]!.transits.T1?.status).toBe('arrived')
    },
    240_000,
  )
})
