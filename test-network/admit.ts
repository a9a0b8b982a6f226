/**
 * Admitting a country into a running test network, as docs/operator-guide.md (section 9) has an
 * operator do it: the newcomer's data folder (`sis init`), the next membership version adding
 * its card, signed by a quorum of the members and posted to one member's admin API, adopted by
 * every member (the time it took is measured), then `sis federation join --from` that member
 * (run as the process an operator runs) and `sis start`. The newcomer becomes one of the
 * network's nodes: teardown stops it with the rest.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DATA_FILES, NodeFile } from '../node/config.ts'
import { initDataFolder } from '../node/data-folder.ts'
import { readSigningKey } from '../node/keys.ts'
import { eventually, freePort } from '../node/testing/helpers.ts'
import { membershipHash, signMembership, SignedMembership } from '../protocol/membership/index.ts'
import { issueTestTokens, NODE_BIN, SIS_BIN, TestNode } from './network.ts'
import type { TestNetwork } from './network.ts'

/** Waits until every node in `nodes` has `version` in force (its /health/ready says so). */
export function versionEverywhere(
  nodes: readonly TestNode[],
  version: number,
  ms: number,
  every?: number,
): Promise<true> {
  return eventually(
    `every node to adopt version ${version}`,
    async () => {
      const versions = await Promise.all(
        nodes.map(async (n) => (await n.get<{ membershipVersion?: number }>('/health/ready')).body.membershipVersion),
      )
      return versions.every((v) => v === version) ? true : undefined
    },
    ms,
    every,
  )
}

export interface Admission {
  /** The newcomer's node, started. */
  readonly node: TestNode
  /** The version that admitted it. */
  readonly version: number
  /** From the post of that version to its adoption at every member, in ms. */
  readonly adoptedMs: number
  /** Signatures it carried (the quorum of the version before). */
  readonly signers: readonly string[]
}

/** Admits `country` by the next membership version and starts its node from that version. */
export async function admitMember(net: TestNetwork, country: string): Promise<Admission> {
  const members = net.nodes
  const dir = join(net.base, country)
  const [p2pPort, apiPort] = [await freePort(), await freePort()]
  const now = new Date().toISOString()
  const card = await initDataFolder(dir, { country, listen: [`/ip4/127.0.0.1/tcp/${p2pPort}`], apiPort, now })
  const current = net.membership().document
  const next = {
    ...current,
    version: current.version + 1,
    issuedAt: now.replace(/\.\d+Z$/, 'Z'),
    previous: membershipHash(current),
    members: [
      ...current.members,
      { country, name: card.name, peerId: card.peerId, addresses: card.addresses, keys: card.keys },
    ],
  }
  const signers = members.slice(0, current.quorum)
  let signed = SignedMembership.parse({ document: next, signatures: [] })
  for (const n of signers) {
    const file = NodeFile.parse(JSON.parse(readFileSync(join(n.dir, DATA_FILES.config), 'utf8')))
    signed = signMembership(signed, n.country, file.keyId, readSigningKey(join(n.dir, DATA_FILES.signingKey)))
  }
  const posted = performance.now()
  const answer = await members[0]!.postAsAdmin('/v1/membership', signed)
  if (answer.status !== 201) throw new Error(`POST /v1/membership: ${answer.status} ${JSON.stringify(answer.body)}`)
  await versionEverywhere(members, next.version, 30_000, 25)
  const adoptedMs = performance.now() - posted

  const from = members[0]!
  const fromCard = net.membership().document.members.find((m) => m.country === from.country)!
  const joined = spawnSync(
    NODE_BIN,
    [SIS_BIN, 'federation', 'join', '--data', dir, '--from', `${fromCard.addresses![0]}/p2p/${fromCard.peerId}`],
    { encoding: 'utf8', timeout: 60_000 },
  )
  if (joined.status !== 0) throw new Error(`sis federation join: ${joined.stderr}`)

  const { token, adminToken } = issueTestTokens(dir, country)
  const node = new TestNode({ country, dir, api: `http://127.0.0.1:${apiPort}`, token, adminToken })
  members.push(node)
  await node.start()
  return { node, version: next.version, adoptedMs, signers: signers.map((n) => n.country) }
}
