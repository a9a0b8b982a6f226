/**
 * node/api: the node's local HTTP API (the internal platform) for officers, traders, the
 * national system's adapter and the operator. See README.md for routes, roles and errors.
 */
export { createApi, startApi } from './server.ts'
export type { ApiOptions } from './server.ts'
export { ROLES, createAuthenticator, hashToken } from './auth.ts'
export type { ApiToken, Role } from './auth.ts'
export { createMetrics, LOCAL_PEER, METRIC_NAMES } from './metrics.ts'
export type { MetricSources, Metrics } from './metrics.ts'
export { API_ERROR_CODES, ApiError, statusForCode } from './errors.ts'
export type { ApiErrorCode } from './errors.ts'
export type { Problem } from '../../shared/problem.ts'
export { buildOpenApi } from './openapi.ts'
export { apiRoutes } from './routes.ts'
export { DEFAULT_SSE } from './sse.ts'
export type { SseOptions } from './sse.ts'
