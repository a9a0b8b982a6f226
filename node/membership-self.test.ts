/**
 * A node whose own identity is not the one the membership lists refuses to start, saying which
 * and what to do, instead of starting and being refused by every member (the known issue of the
 * operator guide before issue 12): another p2p.key than the PeerId listed, a signing key the
 * version in force does not pin.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { SignedMembership, signMembership } from '../protocol/membership/index.ts'
import { DATA_FILES } from './config.ts'
import { initDataFolder, readNodeConfig } from './data-folder.ts'
import { generateSigningKey, readSigningKey } from './keys.ts'
import { generatePeerKey } from './p2p/peer-key.ts'
import { runNode } from './run.ts'

const silent = pino({ level: 'silent' })
let dir: string

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sis-self-'))
  const from = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z')
  const card = await initDataFolder(dir, { country: 'KZ', listen: ['/ip4/127.0.0.1/tcp/0'], apiPort: 0, now: from })
  const document = {
    federation: 'self test',
    version: 1,
    validFrom: from,
    validUntil: new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    quorum: 1,
    members: [{ country: 'KZ', name: card.name, peerId: card.peerId, addresses: card.addresses, keys: card.keys }],
  }
  const key = readSigningKey(join(dir, DATA_FILES.signingKey))
  const signed = signMembership(SignedMembership.parse({ document, signatures: [] }), 'KZ', card.keys[0]!.keyId, key)
  writeFileSync(join(dir, DATA_FILES.membership), JSON.stringify(signed))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const config = () => readNodeConfig(dir, () => new Date().toISOString())

describe('a node that is not the member the membership lists', () => {
  it('another p2p.key: refused at start, naming both PeerIds', async () => {
    const other = await generatePeerKey()
    await expect(runNode({ ...config(), p2pKey: other }, { logger: silent })).rejects.toThrow(
      /version 1 lists KZ with PeerId 12D3\w+, but this node's p2p.key is 12D3\w+: every member would refuse/,
    )
    // The folder is left as it was: the right key starts.
    const node = await runNode(config(), { logger: silent })
    await node.stop()
  })

  it('a signing key the membership does not pin: refused at start', async () => {
    await expect(runNode({ ...config(), signingKey: generateSigningKey() }, { logger: silent })).rejects.toThrow(
      /does not pin KZ's signing key kz-\d{4}-1 \(signing.pem\)/,
    )
  })
})
