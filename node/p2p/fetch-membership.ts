/**
 * Fetching the membership chain from one member, for a country that joins a federation at a
 * later version (`sis federation join --from`): the joining node dials the member's multiaddr
 * (which must name its PeerId: Noise then proves the member holds that key), asks the
 * membership protocol for every version from the first, and hangs up. The member admits the
 * newcomer because the version in force there lists the newcomer's PeerId.
 *
 * Nothing fetched here is trusted: the caller verifies the chain (protocol/membership/judge.ts)
 * and the operator confirms the founding hash with a member by a second channel.
 */
import type { PrivateKey } from '@libp2p/interface'
import { CODE_P2P, multiaddr } from '@multiformats/multiaddr'
import { P2PError } from './errors.ts'
import { P2PHost } from './host.ts'
import { staticMemberDirectory } from './members.ts'

/** Versions per answer of the membership handler (node/handlers/membership.ts). */
const BATCH = 16
/** A chain longer than this is refused rather than fetched for ever. */
const MAX_VERSIONS = 4096

/** The member's PeerId and its address without it, from a multiaddr ending in /p2p/<PeerId>. */
export function splitMemberAddress(address: string): { peerId: string; address: string } {
  let ma
  try {
    ma = multiaddr(address)
  } catch (e) {
    throw new P2PError('UNREACHABLE', `${JSON.stringify(address)} is not a multiaddr: ${String(e)}`)
  }
  const peerId = ma.getComponents().findLast((c) => c.name === 'p2p')?.value
  if (peerId === undefined)
    throw new P2PError('UNREACHABLE', `${address} names no member: end it with /p2p/<PeerId of the member>`)
  return { peerId, address: ma.decapsulateCode(CODE_P2P).toString() }
}

/** Every signed version the member at `address` holds up to the one in force there, oldest first (JSON bytes). */
export async function fetchMembershipChain(
  privateKey: PrivateKey,
  address: string,
  opts: { timeoutMs?: number } = {},
): Promise<Uint8Array[]> {
  const member = splitMemberAddress(address)
  const label = 'member'
  const host = await P2PHost.create({
    privateKey,
    listen: [],
    members: staticMemberDirectory([{ country: label, peerId: member.peerId, addresses: [member.address] }]),
    // One request, no redials: a member that cannot be reached is reported, not retried for ever.
    reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
  })
  await host.start()
  try {
    const chain: Uint8Array[] = []
    for (;;) {
      const answer = await host.request(
        label,
        'membership',
        [new TextEncoder().encode(JSON.stringify({ version: chain.length }))],
        { timeoutMs: opts.timeoutMs ?? 15_000 },
      )
      chain.push(...answer)
      if (answer.length < BATCH || chain.length >= MAX_VERSIONS) return chain
    }
  } finally {
    await host.stop()
  }
}
