/**
 * The one backoff formula of the project: the adapters' retries and reconnections
 * (adapters/isolation.ts re-exports it) and the node's redialling of members
 * (node/p2p/reconnect.ts). In shared/ because node/ may not import adapters/.
 */

/** The two figures the delay depends on (adapters' RetryPolicy and node/p2p's BackoffPolicy both map onto it). */
export interface BackoffCeiling {
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

/**
 * Delay before attempt `n` (1 = the first retry): "equal jitter", uniform between half and all of
 * min(max, base * 2^(n-1)). Never less than half the ceiling, so retries still slow down; never
 * more than the cap. The jitter keeps many clients that failed together (adapters, or nodes
 * redialling a member) from retrying in lockstep.
 */
export function backoffDelay(policy: BackoffCeiling, n: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(n - 1, 30))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}
