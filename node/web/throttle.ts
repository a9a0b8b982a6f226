/**
 * Login throttling: failures are counted per login and per address over a window; after
 * `maxFailures` the login (or the address) is locked for `lockMs`. A success clears the
 * login's count. What is locked is refused before the password is even checked, so guessing
 * costs the guesser the lock time, not the node an scrypt per guess.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, { count: number; first: number; lockedUntil: number }>()
  readonly #max: number
  readonly #windowMs: number
  readonly #lockMs: number
  readonly #now: () => number

  constructor(opts: { maxFailures?: number; windowMs?: number; lockMs?: number; now?: () => number } = {}) {
    this.#max = opts.maxFailures ?? 5
    this.#windowMs = opts.windowMs ?? 15 * 60_000
    this.#lockMs = opts.lockMs ?? 15 * 60_000
    this.#now = opts.now ?? Date.now
  }

  /** Milliseconds until this login from this address may try again; 0 when it may now. */
  waitMs(login: string, address: string): number {
    const now = this.#now()
    return Math.max(
      0,
      ...[`login:${login}`, `addr:${address}`].map((k) => (this.#failures.get(k)?.lockedUntil ?? 0) - now),
    )
  }

  failed(login: string, address: string): void {
    const now = this.#now()
    // An address may mistype several logins; it is locked after more failures than one login is.
    for (const [key, max] of [
      [`login:${login}`, this.#max],
      [`addr:${address}`, this.#max * 4],
    ] as const) {
      const f = this.#failures.get(key)
      const current = f === undefined || now - f.first > this.#windowMs ? { count: 0, first: now, lockedUntil: 0 } : f
      current.count++
      if (current.count >= max) current.lockedUntil = now + this.#lockMs
      this.#failures.set(key, current)
    }
    if (this.#failures.size > 100_000) this.#prune(now)
  }

  succeeded(login: string): void {
    this.#failures.delete(`login:${login}`)
  }

  #prune(now: number): void {
    for (const [k, f] of this.#failures)
      if (now - f.first > this.#windowMs && f.lockedUntil < now) this.#failures.delete(k)
  }
}
