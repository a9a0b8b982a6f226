/**
 * Search semantics shared by both stores, so that they answer every query identically: the
 * query is checked once, one equality key is chosen to drive the scan, and every candidate is
 * matched against the whole query (the other keys and the time bounds).
 */
import { StoreError, checkString, timeKey } from './validate.ts'
import type { DocumentRecord, SearchQuery } from './types.ts'

export type SearchField = 'mrn' | 'lrn' | 'status' | 'office' | 'trader' | 'vehicle' | 'container'

/**
 * The order an equality key is picked to drive the scan: the rarest values first (an MRN names
 * one document; a status names thousands), so the scan reads few candidates.
 */
export const SEARCH_FIELDS: readonly SearchField[] = ['mrn', 'lrn', 'container', 'vehicle', 'trader', 'office', 'status']

export interface PlannedQuery {
  readonly query: SearchQuery
  /** The key that drives the scan, or undefined to scan by updatedAt alone. */
  readonly driver?: { readonly field: SearchField; readonly value: string }
  /** timeKey() of the bounds. */
  readonly from?: string
  readonly to?: string
  readonly limit: number
}

export function planQuery(query: SearchQuery): PlannedQuery {
  let driver: PlannedQuery['driver']
  for (const field of SEARCH_FIELDS) {
    const value = query[field]
    if (value === undefined) continue
    checkString(value, `query.${field}`)
    driver ??= { field, value }
  }
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
  if (q.mrn !== undefined && ix.mrn !== q.mrn) return false
  if (q.lrn !== undefined && ix.lrn !== q.lrn) return false
  if (q.status !== undefined && ix.status !== q.status) return false
  if (q.office !== undefined && !ix.offices.includes(q.office)) return false
  if (q.trader !== undefined && !ix.traders.includes(q.trader)) return false
  if (q.vehicle !== undefined && !ix.vehicles.includes(q.vehicle)) return false
  if (q.container !== undefined && !ix.containers.includes(q.container)) return false
  const at = timeKey(d.updatedAt, 'document.updatedAt')
  if (plan.from !== undefined && at < plan.from) return false
  if (plan.to !== undefined && at > plan.to) return false
  return true
}
