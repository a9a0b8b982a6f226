/**
 * The query of GET /v1/search: the search keys every registered kind declares (node/kinds/), each
 * with its own format, plus kind, status, a time range and a limit. Unknown parameters are refused.
 */
import { z } from 'zod'
import { KIND_NAMES } from '../../protocol/kinds/index.ts'
import { searchKeys } from '../kinds/registry.ts'
import type { SearchQuery } from '../storage/types.ts'
import { ApiError } from './errors.ts'
import { Limit, SEARCH_DEFAULT_LIMIT, Time } from './schemas.ts'

const FIXED = {
  kind: z
    .enum(KIND_NAMES as [string, ...string[]])
    .optional()
    .describe('Only documents of this kind'),
  status: z
    .string()
    .regex(/^[a-z][a-z-]{0,31}$/)
    .optional()
    .describe('Document status, e.g. released'),
  from: Time.optional(),
  to: Time.optional(),
  limit: Limit.optional().describe(`At most this many records (1 to 500, default ${SEARCH_DEFAULT_LIMIT})`),
}

const KEYS = searchKeys()

export const SearchParams = z
  .object({
    ...Object.fromEntries([...KEYS].map(([name, key]) => [name, key.schema.optional().describe(key.description)])),
    ...FIXED,
  })
  .strict()

export type SearchParams = {
  readonly [key: string]: string | number | undefined
  readonly kind?: string
  readonly status?: string
  readonly from?: string
  readonly to?: string
  readonly limit?: number
}

export function toSearchQuery(q: SearchParams): SearchQuery {
  // Stored times are UTC ISO strings compared as text, so bounds are normalised to UTC first.
  const from = q.from === undefined ? undefined : new Date(q.from).toISOString()
  const to = q.to === undefined ? undefined : new Date(q.to).toISOString()
  if (from !== undefined && to !== undefined && from > to) {
    throw new ApiError('API_BAD_REQUEST', 'query.from: is later than query.to', { field: 'query.from' })
  }
  const keys = Object.fromEntries([...KEYS.keys()].flatMap((k) => (typeof q[k] === 'string' ? [[k, q[k]]] : [])))
  return {
    ...(q.kind === undefined ? {} : { kind: q.kind }),
    ...(Object.keys(keys).length === 0 ? {} : { keys }),
    ...(q.status === undefined ? {} : { status: q.status }),
    ...(from === undefined ? {} : { updatedFrom: from }),
    ...(to === undefined ? {} : { updatedTo: to }),
    limit: q.limit ?? SEARCH_DEFAULT_LIMIT,
  }
}
