/**
 * A small RFC 4180 CSV parser for the vendored reference files (used by the generator and its
 * drift test; run-time code reads the generated JSON, never CSV).
 *
 * It handles what the files contain and what a naive split(',') gets wrong: quoted fields with
 * commas ("Horses, asses, mules and hinnies; live"), doubled quotes inside quotes (the Rec 20
 * symbol for the arc second is `"`, written `""""`), line breaks inside quotes, CRLF or LF line
 * ends (the Rec 20 levels file uses CRLF), and a leading byte-order mark (the HS sections file
 * starts with one, which would otherwise end up in the first header name). Every field stays a
 * string: "01" must never become the number 1.
 */

export type CsvRow = readonly string[]

/** Parses CSV text into rows of string fields. Throws on a quote that is never closed. */
export function parseCsv(text: string): CsvRow[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let i = 0
  // A quoted field may only open at the start of a field; after a closing quote only a
  // separator or a line end may follow. `quotedDone` records that state.
  let quotedDone = false
  const endField = (): void => {
    row.push(field)
    field = ''
    quotedDone = false
  }
  const endRow = (): void => {
    endField()
    rows.push(row)
    row = []
  }
  while (i < src.length) {
    const c = src[i]
    if (c === '"' && field === '' && !quotedDone) {
      // Quoted field: read to the closing quote; "" inside stands for one quote.
      i++
      for (;;) {
        if (i >= src.length) throw new SyntaxError(`CSV: unterminated quoted field in row ${rows.length + 1}`)
        const q = src[i]
        if (q === '"') {
          if (src[i + 1] === '"') {
            field += '"'
            i += 2
            continue
          }
          i++
          break
        }
        field += q
        i++
      }
      quotedDone = true
      continue
    }
    if (c === ',') {
      endField()
      i++
    } else if (c === '\r' && src[i + 1] === '\n') {
      endRow()
      i += 2
    } else if (c === '\n') {
      endRow()
      i++
    } else {
      if (quotedDone) throw new SyntaxError(`CSV: text after a closing quote in row ${rows.length + 1}`)
      field += c
      i++
    }
  }
  // A last line without a line end still counts; an empty trailing line does not.
  if (field !== '' || row.length > 0 || quotedDone) endRow()
  return rows
}

/**
 * Parses CSV with a header row into records keyed by the header names, checking that the header
 * is exactly `expected` (a renamed or reordered column in a new upstream release should stop the
 * generator, not shift every value one column over) and that every row has that many fields.
 */
export function parseCsvRecords<K extends string>(text: string, expected: readonly K[]): Record<K, string>[] {
  const [header, ...rows] = parseCsv(text)
  if (header === undefined || header.join(',') !== expected.join(',')) {
    throw new Error(`CSV: header is ${JSON.stringify(header)}, expected ${JSON.stringify(expected)}`)
  }
  return rows.map((fields, n) => {
    if (fields.length !== expected.length) {
      throw new Error(`CSV: row ${n + 2} has ${fields.length} fields, expected ${expected.length}`)
    }
    const record = Object.create(null) as Record<K, string>
    expected.forEach((name, k) => {
      record[name] = fields[k] ?? ''
    })
    return record
  })
}
