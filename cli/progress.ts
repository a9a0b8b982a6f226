/**
 * Progress of long work (backup, restore, verifying a file): on a terminal, one line on standard
 * error redrawn at most ten times a second, with the amount, the rate and — when the total is
 * known — a percentage and an estimate of the time left. Off a terminal (a pipe, a log, CI), a
 * plain line every `everyMs` (default 5 s) for work that lasts that long, and a last line when
 * it ends: quick work prints nothing there. --json runs pass a stream that drops it all.
 */

export interface Progress {
  /** `done` so far, in units of `unit` (bytes are shown in MiB). */
  update(done: number): void
  end(): void
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`
  return `${(n / 1024 ** 3).toFixed(2)} GiB`
}

export interface ProgressOptions {
  /** The amount the work will reach, when known: then a percentage and an estimate are shown. */
  readonly total?: number
  /** Off a terminal, a line this often (default 5,000 ms). */
  readonly everyMs?: number
  readonly clock?: () => number
}

/** "1.2 MiB  3.4 MiB/s  40%  about 12 s left", from the amount done after `seconds`. */
export function describeProgress(done: number, seconds: number, unit: 'bytes' | 'records', total?: number): string {
  const s = Math.max(0.001, seconds)
  const amount =
    unit === 'bytes' ? `${formatBytes(done)}  ${formatBytes(done / s)}/s` : `${done} records  ${Math.round(done / s)}/s`
  if (total === undefined || total <= 0) return amount
  const fraction = Math.min(1, done / total)
  const left = fraction > 0 ? Math.max(0, Math.round(s / fraction - s)) : undefined
  return `${amount}  ${Math.floor(fraction * 100)}%${left === undefined ? '' : `  about ${left} s left`}`
}

export function progress(
  label: string,
  unit: 'bytes' | 'records',
  stream: { isTTY?: boolean; write(s: string): unknown } = process.stderr,
  opts: ProgressOptions = {},
): Progress {
  const clock = opts.clock ?? Date.now
  const started = clock()
  const tty = stream.isTTY === true
  const every = tty ? 100 : (opts.everyMs ?? 5_000)
  let last = started
  let drawn = false
  let latest = 0
  const line = (done: number) => describeProgress(done, (clock() - started) / 1000, unit, opts.total)
  const draw = (done: number) => {
    stream.write(tty ? `\r\x1b[2K${label}  ${line(done)}` : `${label}: ${line(done)}\n`)
    drawn = true
  }
  return {
    update(done) {
      latest = done
      const now = clock()
      if (now - last < every) return
      last = now
      draw(done)
    },
    end() {
      if (!drawn) return
      if (tty) {
        draw(latest)
        stream.write('\n')
      } else stream.write(`${label}: done, ${line(latest)}\n`)
    },
  }
}
