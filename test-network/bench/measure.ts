/**
 * A small benchmark harness: warm up, then run a function in batches until a time budget is
 * spent, and report operations per second. Figures are printed beside a ceiling measured in the
 * same run on the same machine, never against a hard-coded number.
 */
import { performance } from 'node:perf_hooks'

export interface Measurement {
  readonly name: string
  readonly opsPerSecond: number
  readonly iterations: number
  readonly seconds: number
}

export function measure(name: string, fn: () => unknown, opts: { seconds?: number; warmup?: number } = {}): Measurement {
  const budget = (opts.seconds ?? 2) * 1000
  for (let i = 0; i < (opts.warmup ?? 200); i++) fn()
  let iterations = 0
  let batch = 16
  const start = performance.now()
  let elapsed = 0
  while (elapsed < budget) {
    for (let i = 0; i < batch; i++) fn()
    iterations += batch
    elapsed = performance.now() - start
    if (elapsed < budget / 10) batch *= 2
  }
  return { name, opsPerSecond: (iterations * 1000) / elapsed, iterations, seconds: elapsed / 1000 }
}

export interface Row {
  readonly what: string
  readonly figure: string
  readonly ceiling: string
  readonly ratio: string
  readonly note?: string
}

export function rate(m: Measurement): string {
  return `${Math.round(m.opsPerSecond).toLocaleString('en-US')}/s`
}

export function printTable(title: string, rows: readonly Row[], write: (s: string) => void = (s) => process.stdout.write(s)): void {
  const header = ['what', 'figure', 'ceiling (same run)', 'of ceiling']
  const cells = rows.map((r) => [r.what, r.figure, r.ceiling, r.ratio])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)))
  const line = (c: readonly string[]) => c.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ')
  write(`\n${title}\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`)
  for (const c of cells) write(line(c) + '\n')
  for (const r of rows) if (r.note !== undefined) write(`  ${r.what}: ${r.note}\n`)
}
