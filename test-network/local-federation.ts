/**
 * Many real nodes on this machine: each country gets a data folder, keys and ports (`sis init`),
 * the founding membership is assembled and signed by every founder (`sis federation create`,
 * `sis federation sign`), each node gets an integration token (`sis token create`), and
 * `sis start` runs each as its own process. Everything goes through the CLI, as an operator would.
 */
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { NODE_BIN, SIS_BIN, TestNode } from './network.ts'
import { freePort } from '../node/testing/helpers.ts'

export { eventually, freePort } from '../node/testing/helpers.ts'

export interface SisRun {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/** A function that runs `sis ...args` as a process on the pinned Node, killed after `timeoutMs`. */
export function sisProcess(opts: { timeoutMs: number; env?: NodeJS.ProcessEnv }): (...args: string[]) => SisRun {
  return (...args) => {
    const r = spawnSync(NODE_BIN, [SIS_BIN, ...args], {
      encoding: 'utf8',
      timeout: opts.timeoutMs,
      ...(opts.env === undefined ? {} : { env: opts.env }),
    })
    return { status: r.status, stdout: r.stdout, stderr: r.stderr }
  }
}

export const sis = sisProcess({ timeoutMs: 60_000 })

/** A node of a federation made through the CLI: start, stop, kill -9, pause, and its API. */
export type LocalNode = TestNode

export async function createFederation(base: string, countries: readonly string[]): Promise<LocalNode[]> {
  const cards: string[] = []
  const setup: { country: string; dir: string; apiPort: number }[] = []
  for (const country of countries) {
    const dir = join(base, country)
    const [p2pPort, apiPort] = [await freePort(), await freePort()]
    const card = join(base, `${country}-card.json`)
    const r = sis(
      'init',
      '--country',
      country,
      '--data',
      dir,
      '--listen',
      `/ip4/127.0.0.1/tcp/${p2pPort}`,
      '--api-port',
      String(apiPort),
      '--card',
      card,
    )
    if (r.status !== 0) throw new Error(`sis init ${country}: ${r.stderr}`)
    cards.push(card)
    setup.push({ country, dir, apiPort })
  }
  mkdirSync(base, { recursive: true })
  const membership = join(base, 'membership.json')
  const created = sis('federation', 'create', '--card', ...cards, '--out', membership)
  if (created.status !== 0) throw new Error(`sis federation create: ${created.stderr}`)
  for (const s of setup) {
    const signed = sis('federation', 'sign', membership, '--data', s.dir)
    if (signed.status !== 0) throw new Error(`sis federation sign ${s.country}: ${signed.stderr}`)
  }
  return setup.map((s) => {
    copyFileSync(membership, join(s.dir, 'membership.json'))
    const t = sis(
      'token',
      'create',
      '--data',
      s.dir,
      '--role',
      'integration',
      '--name',
      `${s.country} national system`,
      '--json',
    )
    if (t.status !== 0) throw new Error(`sis token create: ${t.stderr}`)
    const token = (JSON.parse(t.stdout) as { token: string }).token
    const a = sis('token', 'create', '--data', s.dir, '--role', 'admin', '--name', `${s.country} operator`, '--json')
    if (a.status !== 0) throw new Error(`sis token create: ${a.stderr}`)
    const adminToken = (JSON.parse(a.stdout) as { token: string }).token
    return new TestNode({ country: s.country, dir: s.dir, api: `http://127.0.0.1:${s.apiPort}`, token, adminToken })
  })
}
