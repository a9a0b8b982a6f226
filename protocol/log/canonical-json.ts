/** Canonical JSON (sorted keys, no spaces, undefined dropped): the input of the state hash (L12). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  // Loops rather than entries/map/join: this runs over every entry of a state on each intake.
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ','
      // A hole stays empty (as join renders it), an undefined element is null (as JSON.stringify).
      if (i in value) out += value[i] === undefined ? 'null' : canonicalJson(value[i])
    }
    return `${out}]`
  }
  const record = value as Record<string, unknown>
  // The default sort compares UTF-16 code units, as `a < b` does.
  const keys = Object.keys(record).sort()
  let out = '{'
  for (const key of keys) {
    const v = record[key]
    if (v === undefined) continue
    if (out.length > 1) out += ','
    out += `${JSON.stringify(key)}:${canonicalJson(v)}`
  }
  return `${out}}`
}
