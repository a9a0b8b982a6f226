/**
 * Who may connect. The node owns the membership (a signed document, later); the host only asks
 * this directory, on every decision, so a change of membership takes effect at the next
 * handshake, the next request and the next `syncMembers()` without restarting libp2p.
 */
import type { ConnectionGater, PeerId } from '@libp2p/interface'

export interface Member {
  /** ISO 3166-1 alpha-2 code of the customs service running the node. */
  readonly country: string
  /** libp2p PeerId (base58btc, '12D3KooW...') of the node's Ed25519 transport key. */
  readonly peerId: string
  /** Where to dial it (multiaddrs without /p2p/); may be empty: then only the DHT can find it. */
  readonly addresses: readonly string[]
}

export interface MemberDirectory {
  /** The member country of this PeerId, or undefined when it is not (or no longer) a member. */
  countryOf(peerId: string): string | undefined
  /** Every current member, this node included. */
  members(): Member[]
}

/** A fixed directory (a members JSON file, tests). Refuses a list that maps a PeerId or a country twice. */
export function staticMemberDirectory(list: readonly Member[]): MemberDirectory {
  const byPeer = new Map<string, string>()
  const countries = new Set<string>()
  for (const member of list) {
    if (byPeer.has(member.peerId)) throw new TypeError(`peerId ${member.peerId} is listed twice`)
    if (countries.has(member.country)) throw new TypeError(`country ${member.country} is listed twice`)
    byPeer.set(member.peerId, member.country)
    countries.add(member.country)
  }
  const frozen = list.map((m) => ({ country: m.country, peerId: m.peerId, addresses: [...m.addresses] }))
  return {
    countryOf: (peerId) => byPeer.get(peerId),
    members: () => frozen.map((m) => ({ ...m, addresses: [...m.addresses] })),
  }
}

/** Told about every refusal, so the node can log and count strangers knocking. */
export type DeniedListener = (peerId: string, direction: 'inbound' | 'outbound' | 'dial') => void

/**
 * The gate. Dials to non-members are refused before any socket opens (denyDialPeer). Connections
 * are judged after Noise has proven the remote's PeerId (the *EncryptedConnection hooks): before
 * that, an inbound peer has only claimed nothing and an address, which proves nothing. Multiaddr
 * dials without a PeerId still pass denyDialPeer, so the post-Noise check is the real gate.
 */
export function membershipGater(
  directory: MemberDirectory,
  selfPeerId: string,
  onDenied: DeniedListener,
): ConnectionGater {
  const refuse = (peerId: PeerId, direction: 'inbound' | 'outbound' | 'dial'): boolean => {
    const id = peerId.toString()
    // A node never connects to itself; libp2p refuses that already, this keeps it out of the count.
    if (id === selfPeerId || directory.countryOf(id) !== undefined) return false
    onDenied(id, direction)
    return true
  }
  return {
    denyDialPeer: (peerId) => refuse(peerId, 'dial'),
    denyInboundEncryptedConnection: (peerId) => refuse(peerId, 'inbound'),
    denyOutboundEncryptedConnection: (peerId) => refuse(peerId, 'outbound'),
    // Only plain TCP among members: no relays, so nobody can reach us through a third party.
    denyInboundRelayReservation: () => true,
    denyOutboundRelayedConnection: () => true,
    denyInboundRelayedConnection: () => true,
  }
}
