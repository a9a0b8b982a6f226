/**
 * A small benchmark harness: warm up, then run each function in turns until its time budget is
 * spent, and report operations per second. Figures are printed beside a ceiling measured in the
 * same run on the same machine, never against a hard-coded number.
 */
import { performance } from 'node:perf_hooks'

export interface Measurement {
  readonly name: string
  readonly opsPerSecond: number
  /** The rate of the fastest round, the least disturbed by the rest of the machine. */
  readonly bestOpsPerSecond: number
  readonly iterations: number
  readonly seconds: number
}

/**
 * Several figures measured in turns: `rounds` rounds, each giving every function an equal slice
 * of time, one after another; each figure is the median of its rounds, `seconds` the time each function gets in all. A figure and its ceiling
 * then share the machine's moments, so a burst of load elsewhere (a shared 2-core machine swings
 * figures 2x between runs) lowers both instead of only the one it happened to hit.
 */
export function measureTogether<K extends string>(
  fns: Record<K, () => unknown>,
  opts: { seconds?: number; warmup?: number; rounds?: number } = {},
): Record<K, Measurement> {
  const names = Object.keys(fns) as K[]
  const rounds = opts.rounds ?? 9
  const slice = ((opts.seconds ?? 2) * 1000) / rounds
  for (const name of names) for (let i = 0; i < (opts.warmup ?? 200); i++) fns[name]()
  const rates = new Map<K, number[]>(names.map((n) => [n, []]))
  const totals = new Map<K, { iterations: number; seconds: number }>(
    names.map((n) => [n, { iterations: 0, seconds: 0 }]),
  )
  for (let r = 0; r < rounds; r++) {
    for (const name of names) {
      const fn = fns[name]
      let iterations = 0
      const start = performance.now()
      let elapsed = 0
      while (elapsed < slice) {
        for (let i = 0; i < 8; i++) fn()
        iterations += 8
        elapsed = performance.now() - start
      }
      rates.get(name)?.push((iterations * 1000) / elapsed)
      const total = totals.get(name)
      if (total !== undefined) {
        total.iterations += iterations
        total.seconds += elapsed / 1000
      }
    }
  }
  const out = {} as Record<K, Measurement>
  for (const name of names) {
    const total = totals.get(name) ?? { iterations: 0, seconds: 0 }
    const all = rates.get(name) ?? []
    out[name] = {
      name,
      opsPerSecond: median(all),
      bestOpsPerSecond: Math.max(...all),
      iterations: total.iterations,
      seconds: total.seconds,
    }
  }
  return out
}

/** The median of a round's figures: the middle one, or the mean of the middle two. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

/** As measureTogether, for asynchronous work: rounds in turns, each figure the median of its rounds. */
export async function measureAsync<K extends string>(
  fns: Record<K, () => Promise<unknown> | unknown>,
  seconds: number,
  rounds = 5,
): Promise<Record<K, Measurement>> {
  const names = Object.keys(fns) as K[]
  for (const n of names) await fns[n]()
  const rates = new Map<K, number[]>(names.map((n) => [n, []]))
  const totals = new Map<K, number>(names.map((n) => [n, 0]))
  for (let r = 0; r < rounds; r++)
    for (const n of names) {
      const start = performance.now()
      let count = 0
      while (performance.now() - start < (seconds * 1000) / rounds || count === 0) {
        await fns[n]()
        count++
      }
      const elapsed = performance.now() - start
      rates.get(n)!.push((count * 1000) / elapsed)
      totals.set(n, totals.get(n)! + count)
    }
  const out = {} as Record<K, Measurement>
  for (const n of names) {
    const all = rates.get(n)!
    out[n] = {
      name: n,
      opsPerSecond: median(all),
      bestOpsPerSecond: Math.max(...all),
      iterations: totals.get(n)!,
      seconds,
    }
  }
  return out
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

export function printTable(
  title: string,
  rows: readonly Row[],
  write: (s: string) => void = (s) => process.stdout.write(s),
): void {
  const header = ['what', 'figure', 'ceiling (same run)', 'of ceiling']
  const cells = rows.map((r) => [r.what, r.figure, r.ceiling, r.ratio])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)))
  const line = (c: readonly string[]) => c.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ')
  write(`\n${title}\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`)
  for (const c of cells) write(line(c) + '\n')
  for (const r of rows) if (r.note !== undefined) write(`  ${r.what}: ${r.note}\n`)
}
