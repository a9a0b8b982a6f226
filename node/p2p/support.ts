/**
 * Small helpers of the host: the logger interface, listener sets that survive a throwing
 * listener, and turning the membership's address strings into multiaddrs libp2p can dial.
 */
import { CODE_P2P, multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Member } from './members.ts'

/**
 * The logging the p2p layer needs: structured fields first, then a message, which is pino's
 * calling convention, so the node passes its pino logger as is. The default drops everything:
 * libp2p's own debug logs stay available through DEBUG=libp2p:*.
 */
export interface P2PLogger {
  debug(fields: Record<string, unknown>, message: string): void
  info(fields: Record<string, unknown>, message: string): void
  warn(fields: Record<string, unknown>, message: string): void
}

export const silentLogger: P2PLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
}

export class Listeners<A extends unknown[]> {
  readonly #listeners = new Set<(...args: A) => void>()

  /** Returns the function that removes the listener again. */
  add(listener: (...args: A) => void): () => void {
    // Wrapped so the same function added twice is called twice and removed one at a time.
    const entry = (...args: A): void => listener(...args)
    this.#listeners.add(entry)
    return () => {
      this.#listeners.delete(entry)
    }
  }

  /** A listener's failure is logged and does not stop the others, nor libp2p's event dispatch. */
  emit(logger: P2PLogger, ...args: A): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(...args)
      } catch (error) {
        logger.warn({ error: String(error) }, 'p2p: a listener failed')
      }
    }
  }
}

/**
 * The member's addresses as multiaddrs without the /p2p/ part (libp2p adds the PeerId it
 * expects). An address naming another PeerId, or not parsing, is skipped and logged: one bad
 * entry must not keep the node from dialing the member's other addresses.
 */
export function memberMultiaddrs(member: Member, logger: P2PLogger): Multiaddr[] {
  const out: Multiaddr[] = []
  for (const text of member.addresses) {
    try {
      let address = multiaddr(text)
      const named = address
        .getComponents()
        .filter((c) => c.name === 'p2p')
        .map((c) => c.value)
      if (named.some((id) => id !== member.peerId)) throw new Error(`names another PeerId than ${member.peerId}`)
      if (named.length > 0) address = address.decapsulateCode(CODE_P2P)
      out.push(address)
    } catch (error) {
      logger.warn({ country: member.country, address: text, error: String(error) }, 'p2p: skipped a member address')
    }
  }
  return out
}

/**
 * At most `limit` concurrent holders per key; the rest wait in order. Used for outbound requests
 * per member: a burst (an outbox flushed when a member reconnects) then queues here instead of
 * being answered BUSY by the member's per-peer limit.
 */
export class KeyedLimiter {
  readonly #limit: number
  readonly #active = new Map<string, number>()
  readonly #waiting = new Map<string, (() => void)[]>()

  constructor(limit: number) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new TypeError(`limit must be a positive integer, got ${limit}`)
    this.#limit = limit
  }

  /** Resolves with the release function once a slot is free; rejects if `signal` aborts first. */
  async acquire(key: string, signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted()
    if ((this.#active.get(key) ?? 0) >= this.#limit) {
      await new Promise<void>((resolve, reject) => {
        const queue = this.#waiting.get(key) ?? []
        this.#waiting.set(key, queue)
        const onAbort = (): void => {
          queue.splice(queue.indexOf(wake), 1)
          reject(signal.reason)
        }
        // A released slot is handed straight to the next waiter, so the count never dips.
        const wake = (): void => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        }
        queue.push(wake)
        signal.addEventListener('abort', onAbort, { once: true })
      })
    } else {
      this.#active.set(key, (this.#active.get(key) ?? 0) + 1)
    }
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.#waiting.get(key)?.shift()
      if (next !== undefined) return next()
      if (this.#waiting.get(key)?.length === 0) this.#waiting.delete(key)
      const left = (this.#active.get(key) ?? 1) - 1
      if (left === 0) this.#active.delete(key)
      else this.#active.set(key, left)
    }
  }
}
