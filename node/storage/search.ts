/**
 * Search semantics shared by both stores, so that they answer every query identically: the
 * query is checked once, one equality key is chosen to drive the scan, and every candidate is
 * matched against the whole query (the other keys and the time bounds).
 */
import { StoreError, checkString, timeKey } from './validate.ts'
import type { DocumentRecord, SearchQuery } from './types.ts'

/**
 * Keys that name many documents (an officer's office, a trader): a scan is driven by any other
 * key of the query first (the rarer kind: a document's own identifier names one), by status last.
 */
const BROAD_KEYS: readonly string[] = ['office', 'trader']

export interface PlannedQuery {
  readonly query: SearchQuery
  /** The key that drives the scan, or undefined to scan by updatedAt alone. */
  readonly driver?: { readonly field: string; readonly value: string }
  /** timeKey() of the bounds. */
  readonly from?: string
  readonly to?: string
  readonly limit: number
}

export function planQuery(query: SearchQuery): PlannedQuery {
  const keys = Object.entries(query.keys ?? {})
  for (const [field, value] of keys) {
    checkString(field, 'query.keys')
    checkString(value, `query.keys.${field}`)
    if (field === 'status')
      throw new StoreError('STORE_INVALID', 'query.keys.status', 'status is not a key (query.status)')
  }
  if (query.status !== undefined) checkString(query.status, 'query.status')
  if (query.kind !== undefined) checkString(query.kind, 'query.kind')
  const pick = keys.find(([f]) => !BROAD_KEYS.includes(f)) ?? keys[0]
  const driver: PlannedQuery['driver'] =
    pick !== undefined
      ? { field: pick[0], value: pick[1] }
      : query.status !== undefined
        ? { field: 'status', value: query.status }
        : undefined
  const limit = query.limit ?? Number.POSITIVE_INFINITY
  if (query.limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new StoreError('STORE_INVALID', 'query.limit', 'not a non-negative integer')
  }
  return {
    query,
    ...(driver === undefined ? {} : { driver }),
    ...(query.updatedFrom === undefined ? {} : { from: timeKey(query.updatedFrom, 'query.updatedFrom') }),
    ...(query.updatedTo === undefined ? {} : { to: timeKey(query.updatedTo, 'query.updatedTo') }),
    limit,
  }
}

/** Whether a document satisfies every key and bound of the query. */
export function matches(plan: PlannedQuery, d: DocumentRecord): boolean {
  const q = plan.query
  const ix = d.index
  if (q.status !== undefined && ix.status !== q.status) return false
  if (q.kind !== undefined && d.kind !== q.kind) return false
  for (const [field, value] of Object.entries(q.keys ?? {}))
    if (!((Object.hasOwn(ix.keys, field) ? ix.keys[field] : undefined) ?? []).includes(value)) return false
  const at = timeKey(d.updatedAt, 'document.updatedAt')
  if (plan.from !== undefined && at < plan.from) return false
  if (plan.to !== undefined && at > plan.to) return false
  return true
}
