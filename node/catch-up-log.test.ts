import { describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { CatchUpLog } from './catch-up-log.ts'

function logged(): { lines: Record<string, unknown>[]; log: CatchUpLog; tick(ms: number): void } {
  const lines: Record<string, unknown>[] = []
  const logger = pino({ base: null }, { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) })
  let now = 1_000_000
  const log = new CatchUpLog(() => logger, { everyMs: 2_000, clock: () => now })
  return { lines, log, tick: (ms) => (now += ms) }
}

describe('catch-up progress as log lines', () => {
  it('a percentage and an estimate, at most every 2 s, then one line when complete', () => {
    const { lines, log, tick } = logged()
    log.report('KZ', { entries: 1000, documentsDone: 10, documentsTotal: 100, done: false })
    tick(1_000)
    log.report('KZ', { entries: 2000, documentsDone: 20, documentsTotal: 100, done: false })
    tick(1_500)
    log.report('KZ', { entries: 2500, documentsDone: 25, documentsTotal: 100, done: false })
    tick(500)
    log.report('KZ', { entries: 9000, documentsDone: 100, documentsTotal: 100, done: true })
    expect(lines.map((l) => [l.msg, l.percent, l.etaSeconds])).toEqual([
      ['catch-up in progress', 10, undefined],
      ['catch-up in progress', 25, 7.5],
      ['catch-up complete', 100, undefined],
    ])
    expect(lines[2]).toMatchObject({ peer: 'KZ', entries: 9000, documents: 100, of: 100, seconds: 3 })
  })
})
