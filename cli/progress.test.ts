import { describe, expect, it } from 'vitest'
import { describeProgress, progress } from './progress.ts'

function run(isTTY: boolean, total?: number): string[] {
  const out: string[] = []
  let now = 0
  const bar = progress(
    'restoring',
    'records',
    { isTTY, write: (s: string) => out.push(s) },
    {
      ...(total === undefined ? {} : { total }),
      clock: () => now,
    },
  )
  for (let i = 1; i <= 12; i++) {
    now += 1_000
    bar.update(i * 100)
  }
  bar.end()
  return out
}

describe('progress of long work', () => {
  it('a percentage and an estimate when the total is known', () => {
    expect(describeProgress(400, 4, 'records', 1000)).toBe('400 records  100/s  40%  about 6 s left')
    expect(describeProgress(400, 4, 'records')).toBe('400 records  100/s')
    expect(describeProgress(2 * 1024 * 1024, 2, 'bytes', 4 * 1024 * 1024)).toBe(
      '2.0 MiB  1.0 MiB/s  50%  about 2 s left',
    )
  })

  it('off a terminal: a plain line every 5 s and a last one; quick work prints nothing', () => {
    expect(run(false, 1200)).toEqual([
      'restoring: 500 records  100/s  41%  about 7 s left\n',
      'restoring: 1000 records  100/s  83%  about 2 s left\n',
      'restoring: done, 1200 records  100/s  100%  about 0 s left\n',
    ])
    const out: string[] = []
    const quick = progress('x', 'records', { isTTY: false, write: (s: string) => out.push(s) })
    quick.update(5)
    quick.end()
    expect(out).toEqual([])
  })

  it('on a terminal: one line redrawn in place', () => {
    const out = run(true, 1200)
    expect(out.every((s) => s.startsWith('\r\x1b[2Krestoring  ') || s === '\n')).toBe(true)
    expect(out.at(-2)).toContain('1200 records')
  })
})
