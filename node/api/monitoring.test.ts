// docs/monitoring cannot drift from the node: every metric its alert rules and its Grafana
// dashboard name is one a node's registry exposes, every alert is explained in its README, and
// promtool (Debian package `prometheus`) checks and unit-tests the rules when it is installed.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createMetrics } from './metrics.ts'

const FOLDER = join(import.meta.dirname, '..', '..', 'docs', 'monitoring')
const read = (name: string) => readFileSync(join(FOLDER, name), 'utf8')
const PROMTOOL = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0

interface Panel {
  readonly type: string
  readonly title: string
  readonly targets?: { readonly expr?: string }[]
}

const dashboard = JSON.parse(read('grafana-dashboard.json')) as {
  uid: string
  title: string
  panels: Panel[]
  templating: { list: { definition?: string }[] }
}
const alerts = read('alerts.yml')
const alertNames = [...alerts.matchAll(/^\s*- alert: (\S+)$/gm)].map((m) => m[1] ?? '')
const alertExprs = [...alerts.matchAll(/^\s*expr: (.+)$/gm)].map((m) => m[1] ?? '')

/** The metric names a scrape of a node's registry offers, with a histogram's or summary's series suffixes. */
async function exposedNames(): Promise<Set<string>> {
  const text = await createMetrics({ peers: () => ['CN'] }).registry.metrics()
  const names = new Set<string>()
  for (const [, name = '', type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name)
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s)
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name + s)
  }
  return names
}

const metricsIn = (expr: string) => [...expr.matchAll(/\bsis_[a-z0-9_]+/g)].map((m) => m[0])

describe('docs/monitoring', () => {
  const panels = dashboard.panels.filter((p) => p.type !== 'row')
  const dashboardExprs = [
    ...panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')),
    ...dashboard.templating.list.map((v) => v.definition ?? ''),
  ].filter((e) => e !== '')

  it('the dashboard is a Grafana dashboard whose every panel queries a node metric', () => {
    expect(dashboard.uid).toBe('carec-sis-node')
    expect(panels.length).toBeGreaterThan(10)
    for (const p of panels) {
      expect(p.targets?.length, p.title).toBeGreaterThan(0)
      for (const t of p.targets ?? []) expect(metricsIn(t.expr ?? ''), p.title).not.toEqual([])
    }
  })

  it('every metric the alerts and the dashboard name is exposed by a node', async () => {
    const exposed = await exposedNames()
    const used = new Set([...alertExprs, ...dashboardExprs].flatMap(metricsIn))
    expect(used.size).toBeGreaterThan(10)
    expect([...used].filter((n) => !exposed.has(n))).toEqual([])
    // What the issue asks the dashboard to show.
    for (const name of [
      'sis_peer_up',
      'sis_outbox_depth',
      'sis_replication_lag_seconds',
      'sis_rejects_total',
      'sis_http_requests_total',
      'sis_http_request_duration_seconds_bucket',
      'sis_membership_valid_until_seconds',
    ])
      expect(used).toContain(name)
  })

  it('every alert has an expression naming a node metric and is explained in the README', () => {
    expect(alertNames).toEqual(expect.arrayContaining(['SisPeerDown', 'SisOutboxGrowing', 'SisMembershipExpiring']))
    expect(alertExprs).toHaveLength(alertNames.length)
    for (const e of alertExprs) expect(metricsIn(e), e).not.toEqual([])
    const readme = read('README.md')
    for (const name of alertNames) expect(readme, name).toContain(`\`${name}\``)
  })

  it.skipIf(!PROMTOOL)(
    `promtool checks the rules and runs their unit tests${PROMTOOL ? '' : ' (skipped: promtool not installed; apt-get install prometheus)'}`,
    () => {
      const check = spawnSync('promtool', ['check', 'rules', 'alerts.yml'], { cwd: FOLDER, encoding: 'utf8' })
      expect(check.status, check.stdout + check.stderr).toBe(0)
      expect(check.stdout).toContain(`SUCCESS: ${alertNames.length} rules found`)
      const test = spawnSync('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: FOLDER, encoding: 'utf8' })
      expect(test.status, test.stdout + test.stderr).toBe(0)
    },
  )
})
