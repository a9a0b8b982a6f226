/**
 * Peer routing through the members-only Kademlia: a member whose address a node does not
 * know is found through another member's routing table, then dialed (whichever of KZ and UZ
 * looks first finds the other through KG). Three real hosts on loopback in one process.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { P2PHost } from './host.ts'
import type { Member, MemberDirectory } from './members.ts'
import { generatePeerKey, peerIdOfKey } from './peer-key.ts'

function directory(list: () => Member[]): MemberDirectory {
  return {
    countryOf: (peerId) => list().find((m) => m.peerId === peerId)?.country,
    members: () => list(),
  }
}

describe('P2PHost peer routing', () => {
  const hosts: P2PHost[] = []
  afterAll(async () => {
    await Promise.all(hosts.map((host) => host.stop()))
  })

  it('finds a member without a known address through the DHT and connects to it', async () => {
    const [kgKey, kzKey, uzKey] = await Promise.all([generatePeerKey(), generatePeerKey(), generatePeerKey()])
    const addresses = new Map<string, string[]>()
    // What each node's membership says: KZ knows where KG listens, KG knows where UZ listens,
    // and nobody gives KZ an address for UZ.
    const view = (known: string[]) => (): Member[] => [
      { country: 'KG', peerId: peerIdOfKey(kgKey), addresses: known.includes('KG') ? (addresses.get('KG') ?? []) : [] },
      { country: 'KZ', peerId: peerIdOfKey(kzKey), addresses: [] },
      { country: 'UZ', peerId: peerIdOfKey(uzKey), addresses: known.includes('UZ') ? (addresses.get('UZ') ?? []) : [] },
    ]
    const reconnect = { initialDelayMs: 100, maxDelayMs: 400 }
    const listen = ['/ip4/127.0.0.1/tcp/0']
    const uz = await P2PHost.create({ privateKey: uzKey, listen, members: directory(view([])), reconnect })
    const kg = await P2PHost.create({ privateKey: kgKey, listen, members: directory(view(['UZ'])), reconnect })
    const kz = await P2PHost.create({ privateKey: kzKey, listen, members: directory(view(['KG'])), reconnect })
    hosts.push(uz, kg, kz)
    await uz.handle('echo', async (request) => request)
    await uz.start()
    addresses.set('UZ', uz.addresses())
    await kg.start()
    addresses.set('KG', kg.addresses())
    await kz.start()
    const deadline = Date.now() + 15_000
    while (!kz.connectedMembers().includes('UZ') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50))
    expect(kz.connectedMembers()).toEqual(['KG', 'UZ'])
    const frame = new TextEncoder().encode('found through the DHT')
    expect(await kz.request('UZ', 'echo', [frame])).toEqual([frame])
  })
})
