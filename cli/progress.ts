/**
 * A one-line progress indicator on standard error, drawn only when standard error is a terminal
 * (never in logs, pipes or --json runs) and at most ten times a second.
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

export function progress(
  label: string,
  unit: 'bytes' | 'records',
  stream: { isTTY?: boolean; write(s: string): unknown } = process.stderr,
): Progress {
  if (stream.isTTY !== true) return { update: () => undefined, end: () => undefined }
  const started = Date.now()
  let last = 0
  let drawn = false
  const draw = (done: number) => {
    const seconds = Math.max(0.001, (Date.now() - started) / 1000)
    const amount =
      unit === 'bytes'
        ? `${formatBytes(done)}  ${formatBytes(done / seconds)}/s`
        : `${done} records  ${Math.round(done / seconds)}/s`
    stream.write(`\r\x1b[2K${label}  ${amount}`)
    drawn = true
  }
  let latest = 0
  return {
    update(done) {
      latest = done
      const now = Date.now()
      if (now - last < 100) return
      last = now
      draw(done)
    },
    end() {
      if (drawn) {
        draw(latest)
        stream.write('\n')
      }
    },
  }
}
