/**
 * The common shape of every code list, and the one check messages use against them.
 *
 * Lists are built once at import into a Map: lookups are O(1), and a Map has no prototype chain
 * to fall into, so hostile codes such as "__proto__" or "constructor" are simply not found.
 * Entries and their `names` are frozen, and `names` has a null prototype, so reading
 * `names[lang]` with a language tag taken from a peer can never return an inherited property.
 */

import { boundValue, SisError } from '../errors.ts'

export type CodeStatus = 'active' | 'deprecated' | 'deleted'

export interface CodeListEntry {
  readonly code: string
  /** Names by language tag (BCP 47 primary subtag: en, ru, zh, kk, ...). */
  readonly names: Readonly<Record<string, string>>
  readonly status: CodeStatus
}

export interface CodeList<E extends CodeListEntry = CodeListEntry> {
  /** Stable identifier, used in error details (machines read it). */
  readonly id: string
  /** Human title, used in error messages ("ISO 3166-1 alpha-2"). */
  readonly title: string
  /** Where the data comes from, and under which licence. */
  readonly source: string
  lookup(code: string): E | undefined
  codes(): Iterable<string>
}

export interface CodeListMeta {
  readonly id: string
  readonly title: string
  readonly source: string
}

/** Frozen, null-prototype copy of a names record, keeping only non-empty strings. */
export function freezeNames(names: Readonly<Record<string, string | undefined>>): Readonly<Record<string, string>> {
  const out = Object.create(null) as Record<string, string>
  for (const [lang, name] of Object.entries(names)) {
    if (typeof name === 'string' && name !== '') out[lang] = name
  }
  return Object.freeze(out)
}

/**
 * Builds a CodeList from entries. A duplicate code is a bug in the data (two rows would silently
 * shadow each other), so it throws at import rather than at the first unlucky lookup.
 */
export function makeCodeList<E extends CodeListEntry>(meta: CodeListMeta, entries: Iterable<E>): CodeList<E> {
  const map = new Map<string, E>()
  for (const entry of entries) {
    if (map.has(entry.code)) throw new Error(`code list ${meta.id}: duplicate code ${JSON.stringify(entry.code)}`)
    map.set(entry.code, Object.freeze(entry))
  }
  return Object.freeze({
    id: meta.id,
    title: meta.title,
    source: meta.source,
    // typeof guard: callers are typed, but values decoded from a peer may not be strings.
    lookup: (code: string): E | undefined => (typeof code === 'string' ? map.get(code) : undefined),
    codes: (): Iterable<string> => map.keys(),
  })
}

/**
 * Checks `value` against `list` for the message field `field` (a path such as
 * "Consignment/countryOfDestination") and returns the active entry. Throws SisError
 * CODE_UNKNOWN when the value is not in the list, CODE_DEPRECATED when it is but is deprecated
 * or deleted: a receiver names a retired code as retired, which helps the sender more than
 * "unknown". The value is quoted with JSON.stringify so control characters cannot forge log lines.
 */
export function checkCode<E extends CodeListEntry>(list: CodeList<E>, field: string, value: string): E {
  const entry = list.lookup(value)
  const quoted = JSON.stringify(boundValue(String(value)))
  if (entry === undefined) {
    throw new SisError('CODE_UNKNOWN', `${field}: ${quoted} is not in ${list.title}`, {
      field,
      value: boundValue(String(value)),
      list: list.id,
    })
  }
  if (entry.status !== 'active') {
    throw new SisError('CODE_DEPRECATED', `${field}: ${quoted} is ${entry.status} in ${list.title}`, {
      field,
      value: entry.code,
      list: list.id,
      status: entry.status,
    })
  }
  return entry
}
