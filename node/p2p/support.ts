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
      const named = address.getComponents().filter((c) => c.name === 'p2p').map((c) => c.value)
      if (named.some((id) => id !== member.peerId)) throw new Error(`names another PeerId than ${member.peerId}`)
      if (named.length > 0) address = address.decapsulateCode(CODE_P2P)
      out.push(address)
    } catch (error) {
      logger.warn({ country: member.country, address: text, error: String(error) }, 'p2p: skipped a member address')
    }
  }
  return out
}
