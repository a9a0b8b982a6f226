/**
 * runNode (node/run.ts) on a real data folder: LevelDB, libp2p on loopback, the HTTP API on a
 * port the system picks. The folder is what `sis init` and `sis federation create|sign` make,
 * here for a federation of one.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { SignedMembership, signMembership } from '../protocol/membership/index.ts'
import { DATA_FILES } from './config.ts'
import type { NodeConfig } from './config.ts'
import { initDataFolder, readNodeConfig } from './data-folder.ts'
import { readSigningKey } from './keys.ts'
import { runNode } from './run.ts'
import type { RunningNode } from './run.ts'
import { StartError } from './start-checks.ts'
import { TokenStore } from './tokens.ts'

const silent = pino({ level: 'silent' })
const ADMIN = { role: 'admin', name: 'run test' } as const

let dir: string
let running: RunningNode[]

/** A node's folder and its signed membership, valid from a minute ago for a day. */
async function dataFolder(): Promise<NodeConfig> {
  const from = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z')
  const card = await initDataFolder(dir, { country: 'KZ', listen: ['/ip4/127.0.0.1/tcp/0'], apiPort: 0, now: from })
  const document = {
    federation: 'CAREC Single Information Space (run test)',
    version: 1,
    validFrom: from,
    validUntil: new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z'),
    quorum: 1,
    members: [
      { country: card.country, name: card.name, peerId: card.peerId, addresses: card.addresses, keys: card.keys },
    ],
  }
  const key = readSigningKey(join(dir, DATA_FILES.signingKey))
  const signed = signMembership(SignedMembership.parse({ document, signatures: [] }), 'KZ', card.keys[0]!.keyId, key)
  writeFileSync(join(dir, DATA_FILES.membership), JSON.stringify(signed, null, 2) + '\n')
  return readNodeConfig(dir, () => new Date().toISOString())
}

async function run(...args: Parameters<typeof runNode>): Promise<RunningNode> {
  const r = await runNode(...args)
  running.push(r)
  return r
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sis-run-'))
  running = []
})
afterEach(async () => {
  for (const r of running) await r.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('runNode', () => {
  it("starts a node whose API answers, with the data folder's tokens, and stops it so that the folder starts again", async () => {
    const config = await dataFolder()
    const admin = TokenStore.open(dir).create(ADMIN).token
    const first = await run(config, { logger: silent })
    expect(first.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(first.addresses().every((a) => a.endsWith(`/p2p/${first.peerId}`))).toBe(true)
    const ready = await fetch(`${first.apiUrl}/health/ready`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toMatchObject({ live: true, ready: true, members: 1 })
    expect((await fetch(`${first.apiUrl}/v1/status`)).status).toBe(401)
    const status = await fetch(`${first.apiUrl}/v1/status`, { headers: { authorization: `Bearer ${admin}` } })
    expect(status.status).toBe(200)
    expect(await status.json()).toMatchObject({ country: 'KZ' })
    expect(await (await fetch(`${first.apiUrl}/metrics`)).text()).toContain('sis_peers_connected 0')

    // While it runs, its store is locked: a second node on the folder fails and leaves the first as it was.
    await expect(runNode(config, { logger: silent })).rejects.toThrow()
    expect((await fetch(`${first.apiUrl}/health/ready`)).status).toBe(200)

    await first.stop()
    await first.stop()
    await expect(fetch(`${first.apiUrl}/health/ready`)).rejects.toThrow()
    const second = await run(config, { logger: silent })
    expect((await fetch(`${second.apiUrl}/health/ready`)).status).toBe(200)
  })

  it('stops what attach started first, while the node is still open, then the node', async () => {
    const config = await dataFolder()
    const order: string[] = []
    const r = await run(config, {
      logger: silent,
      attach: (node) => {
        order.push(`attached ${node.country}`)
        return async () => {
          // The store is still open: the adapters' last calls reach the node.
          order.push(`outbox ${(await node.outbox(ADMIN, { limit: 10 })).total}`)
        }
      },
    })
    expect(order).toEqual(['attached KZ'])
    await r.stop()
    expect(order).toEqual(['attached KZ', 'outbox 0'])
    await expect(r.node.outbox(ADMIN, { limit: 10 })).rejects.toThrow()
  })

  it('closes what it opened when the start fails, so the folder starts again', async () => {
    const config = await dataFolder()
    await expect(
      runNode(config, {
        logger: silent,
        attach: () => {
          throw new Error('no adapters today')
        },
      }),
    ).rejects.toThrow('no adapters today')
    const r = await run(config, { logger: silent })
    expect((await fetch(`${r.apiUrl}/health/ready`)).status).toBe(200)
  })
})

describe('runNode refusing to start', () => {
  it('names the process holding the store, and leaves it running', async () => {
    const config = await dataFolder()
    const first = await run(config, { logger: silent })
    const refused = await runNode(config, { logger: silent }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(StartError)
    expect(refused).toMatchObject({
      problem: 'store-locked',
      message: `the store is locked by process ${process.pid} (another sis start on this data folder)`,
    })
    expect((await fetch(`${first.apiUrl}/health/ready`)).status).toBe(200)
    expect(readFileSync(join(dir, DATA_FILES.pid), 'utf8')).toBe(`${process.pid}\n`)
  })

  it('removes the store a failed start created before its API opened, and keeps one that was there', async () => {
    const config = await dataFolder()
    // The membership has expired by then: the node opens the store, reads its membership and fails closed.
    const later = { ...config, now: () => '2099-01-01T00:00:00Z' }
    const refused = await runNode(later, { logger: silent }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(Error)
    expect(refused).not.toBeInstanceOf(StartError)
    expect(existsSync(join(dir, DATA_FILES.store))).toBe(false)
    expect(existsSync(join(dir, DATA_FILES.pid))).toBe(false)

    await (await run(config, { logger: silent })).stop()
    await expect(runNode(later, { logger: silent })).rejects.toThrow()
    expect(existsSync(join(dir, DATA_FILES.store))).toBe(true)
  })
})
