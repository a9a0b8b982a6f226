/**
 * Keeps every member connected: dial at start, and while a member is unreachable keep retrying
 * with capped exponential backoff. The jitter spreads the retries of eleven nodes that all lost
 * the same member (a restart, a network cut), so it is not hit by all of them in the same instant
 * when it comes back.
 */
import { backoffDelay as retryDelay } from '../../shared/backoff.ts'

export interface BackoffPolicy {
  /** Delay before the first retry (the ceiling for attempt 0). */
  readonly initialDelayMs: number
  /** Ceiling for any retry, however many failed before. */
  readonly maxDelayMs: number
  /**
   * A connection that dropped sooner than this after opening does not reset the backoff. A peer
   * that removed us from its membership completes the handshake on our side and then hangs up;
   * without this we would redial it every half second forever.
   */
  readonly stableAfterMs: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialDelayMs: 500, maxDelayMs: 30_000, stableAfterMs: 10_000 }

/** Delay before retry number `attempt` (0-based): the equal-jitter backoff of shared/backoff.ts, from initialDelayMs. */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  return retryDelay({ baseDelayMs: policy.initialDelayMs, maxDelayMs: policy.maxDelayMs }, attempt + 1, random)
}

export interface MemberDialerOptions {
  /** Dial the peer; resolves once connected, rejects when the attempt failed. */
  dial(peerId: string): Promise<void>
  isConnected(peerId: string): boolean
  /** Checked before every attempt: a member removed from the directory is no longer dialed. */
  isMember(peerId: string): boolean
  policy: BackoffPolicy
  onAttemptFailed?(peerId: string, attempt: number, error: unknown, nextDelayMs: number): void
}

interface DialState {
  attempt: number
  timer?: NodeJS.Timeout
  dialing: boolean
}

export class MemberDialer {
  readonly #options: MemberDialerOptions
  readonly #states = new Map<string, DialState>()
  /** When each peer last connected, and at which attempt: to tell a stable link from a flapping one. */
  readonly #recent = new Map<string, { at: number; attempt: number }>()
  #stopped = false

  constructor(options: MemberDialerOptions) {
    this.#options = options
  }

  /** Make sure the peer gets connected: dial after `delayMs` unless an attempt is already pending. */
  ensure(peerId: string, delayMs = 0, attempt = 0): void {
    if (this.#stopped || this.#states.has(peerId)) return
    const state: DialState = { attempt, dialing: false }
    this.#states.set(peerId, state)
    this.#schedule(peerId, state, delayMs)
  }

  /**
   * A member dropped. After a stable connection, retry soon (the first backoff step): it was
   * reachable a moment ago. After a short-lived one, carry on backing off from where we were.
   */
  disconnected(peerId: string): void {
    const recent = this.#recent.get(peerId)
    const flapped = recent !== undefined && Date.now() - recent.at < this.#options.policy.stableAfterMs
    if (!flapped) this.#recent.delete(peerId)
    const attempt = flapped ? recent.attempt + 1 : 0
    this.ensure(peerId, backoffDelay(attempt, this.#options.policy), attempt)
  }

  /** Connected (either side dialed): no retry needed while it lasts. */
  connected(peerId: string): void {
    const state = this.#states.get(peerId)
    this.#recent.set(peerId, { at: Date.now(), attempt: state?.attempt ?? this.#recent.get(peerId)?.attempt ?? 0 })
    if (state === undefined || state.dialing) return
    clearTimeout(state.timer)
    this.#states.delete(peerId)
  }

  /** Peers with a retry pending or in flight. */
  pending(): string[] {
    return [...this.#states.keys()]
  }

  /** Accept work again after stop() (the host can be stopped and started again). */
  resume(): void {
    this.#stopped = false
  }

  stop(): void {
    this.#stopped = true
    for (const state of this.#states.values()) clearTimeout(state.timer)
    this.#states.clear()
    this.#recent.clear()
  }

  #schedule(peerId: string, state: DialState, delayMs: number): void {
    state.timer = setTimeout(() => void this.#attempt(peerId, state), delayMs)
  }

  async #attempt(peerId: string, state: DialState): Promise<void> {
    state.timer = undefined
    if (this.#stopped || this.#states.get(peerId) !== state) return
    if (!this.#options.isMember(peerId) || this.#options.isConnected(peerId)) {
      this.#states.delete(peerId)
      return
    }
    state.dialing = true
    let failure: unknown
    try {
      await this.#options.dial(peerId)
      // A peer that refuses us after the handshake lets the dial succeed and then hangs up,
      // perhaps before the dial resolved (and its disconnect was ignored): that is a failure.
      if (!this.#options.isConnected(peerId)) failure = new Error('the connection closed as soon as it opened')
    } catch (error) {
      failure = error
    } finally {
      state.dialing = false
    }
    if (this.#stopped || this.#states.get(peerId) !== state) return
    if (failure === undefined) {
      this.#states.delete(peerId)
      return
    }
    const delay = backoffDelay(state.attempt + 1, this.#options.policy)
    this.#options.onAttemptFailed?.(peerId, state.attempt, failure, delay)
    state.attempt += 1
    this.#schedule(peerId, state, delay)
  }
}
