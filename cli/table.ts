/**
 * Aligned plain-text tables for human output. Widths are terminal columns: colour codes take
 * none, and Chinese (and other East Asian wide) characters take two, so columns stay aligned
 * with coloured cells and with `--lang zh` headings.
 */

// eslint-disable-next-line no-control-regex -- ANSI escape sequences start with ESC
const ANSI = /\x1b\[[0-9;]*m/g

/** Code points a terminal draws two columns wide (East Asian Wide and Fullwidth, the common ranges). */
function wide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
}

/** The columns a string takes on a terminal. */
export function displayWidth(s: string): number {
  let n = 0
  for (const ch of s.replace(ANSI, '')) n += wide(ch.codePointAt(0) ?? 0) ? 2 : 1
  return n
}

function pad(s: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)))
  return right ? fill + s : s + fill
}

/**
 * A table with a heading line and a rule. `align` marks columns to right-align (numbers); the
 * last column is never padded, so lines carry no trailing spaces.
 */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ('left' | 'right')[] = [],
): string {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))))
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => {
        const right = align[i] === 'right'
        return i === cells.length - 1 && !right ? c : pad(c, widths[i] ?? 0, right)
      })
      .join('  ')
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')
}

/** Label/value lines with the values aligned, e.g. `sis status`. */
export function fields(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...pairs.map(([k]) => displayWidth(k)))
  return pairs.map(([k, v]) => `${pad(k, width, false)}  ${v}`).join('\n')
}
