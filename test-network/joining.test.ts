/**
 * A country joining a running federation, as docs/operator-guide.md walks an operator through
 * it, with real node processes and the sis commands an operator runs: China, Kazakhstan and
 * Uzbekistan found the federation and lodge two transits, one of which will pass through
 * Tajikistan; Tajikistan runs `sis init`, the quorum signs a version 2 that adds its card
 * (`sis federation propose --add-card`, `sign`, `show` before posting), an admin posts it, and
 * every member adopts it within a bound. Tajikistan's node then starts from version 2
 * (`sis federation join --from` a member's address), connects, and receives the transit that
 * names it — and nothing else: its store, read after it stops, holds only documents whose
 * audience includes TJ.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeMessage, exampleMessage, EXAMPLE_CONTEXT } from '../protocol/messages/index.ts'
import { LevelStore } from '../node/storage/index.ts'
import { declarationThrough, exampleGuaranteeBody } from './bodies.ts'
import { createFederation, eventually, freePort, sis } from './local-federation.ts'
import type { LocalNode } from './local-federation.ts'
import { TestNode } from './network.ts'
import { versionEverywhere } from './admit.ts'

const base = mkdtempSync(join(tmpdir(), 'sis-join-'))
let founders: LocalNode[] = []
let tj: TestNode | undefined
const at = (c: string) => founders.find((n) => n.country === c)!
const OFF_ROUTE = EXAMPLE_CONTEXT.mrn
const VIA_TJ = declarationThrough(['CN', 'KZ', 'TJ', 'UZ'], '652100000078')

function ok(...args: string[]): string {
  const r = sis(...args)
  expect(r.status, `sis ${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0)
  return r.stdout
}

beforeAll(async () => {
  founders = await createFederation(base, ['CN', 'KZ', 'UZ'])
  await Promise.all(founders.map((n) => n.start()))
  const cn = at('CN')
  expect((await cn.post('/v1/guarantees', { guarantee: exampleGuaranteeBody() })).status).toBe(201)
  for (const xml of [encodeMessage('DeclarationLodged', exampleMessage('DeclarationLodged')), VIA_TJ.xml]) {
    const r = await cn.post('/v1/transits', xml, 'application/xml')
    expect(r.status, JSON.stringify(r.body)).toBe(201)
  }
}, 120_000)

afterAll(async () => {
  await Promise.all([...founders, ...(tj === undefined ? [] : [tj])].map((n) => n.kill()))
  rmSync(base, { recursive: true, force: true })
})

describe('a fourth country admitted by quorum', () => {
  it('is proposed, checked before posting, and adopted by every member within a bound', async () => {
    const dir = join(base, 'TJ')
    const [p2p, api] = [await freePort(), await freePort()]
    ok(
      'init',
      '--country',
      'TJ',
      '--data',
      dir,
      '--listen',
      `/ip4/127.0.0.1/tcp/${p2p}`,
      '--api-port',
      String(api),
      '--card',
      join(base, 'TJ-card.json'),
    )
    const v1 = join(base, 'membership.json')
    const v2 = join(base, 'v2.json')
    ok('federation', 'propose', '--from', v1, '--add-card', join(base, 'TJ-card.json'), '--out', v2)
    ok('federation', 'sign', v2, '--data', join(base, 'CN'))
    // One signature of a quorum of two: show says so and exits 1, before anyone posts it.
    const short = sis('federation', 'show', v1, v2)
    expect(short.status).toBe(1)
    expect(short.stdout).toMatch(/v2 .* NOT valid: signed by CN, needs the quorum of v1 \(2\); not signed: KZ, UZ/)
    ok('federation', 'sign', v2, '--data', join(base, 'KZ'))
    expect(ok('federation', 'show', v1, v2)).toMatch(/^CAREC Single Information Space v2, quorum 2, .*\nin force\n/)

    const posted = Date.now()
    const adopted = await at('CN').postAsAdmin<{ version: number }>(
      '/v1/membership',
      JSON.parse(readFileSync(v2, 'utf8')),
    )
    expect(adopted.status, JSON.stringify(adopted.body)).toBe(201)
    await versionEverywhere(founders, 2, 20_000, 50)
    const seconds = (Date.now() - posted) / 1000
    console.log(`version 2 in force at all ${founders.length} members ${seconds.toFixed(2)} s after it was posted`)
    // Members that learn of a newer version fetch it at once (no wait for the 15 s sync round).
    expect(seconds).toBeLessThan(5)
  }, 120_000)

  it('starts from version 2 with the chain fetched from a member, and receives only the documents it is on', async () => {
    const dir = join(base, 'TJ')
    const card = JSON.parse(readFileSync(join(base, 'CN-card.json'), 'utf8')) as { peerId: string; addresses: string[] }
    const joined = ok('federation', 'join', '--data', dir, '--from', `${card.addresses[0]}/p2p/${card.peerId}`)
    expect(joined).toMatch(/TJ joins CAREC Single Information Space at version 2/)
    expect(joined).toMatch(/founding hash [0-9a-f]{64}/)
    // The chain is on disk: show judges it from the data folder alone.
    expect(ok('federation', 'show', '--data', dir)).toMatch(/v2, quorum 2, .*\nin force\n/)

    const token = JSON.parse(
      ok('token', 'create', '--data', dir, '--role', 'integration', '--name', 'TJ', '--json'),
    ) as { token: string }
    const admin = JSON.parse(ok('token', 'create', '--data', dir, '--role', 'admin', '--name', 'TJ op', '--json')) as {
      token: string
    }
    const node = JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8')) as { api: { port: number } }
    tj = new TestNode({
      country: 'TJ',
      dir,
      api: `http://127.0.0.1:${node.api.port}`,
      token: token.token,
      adminToken: admin.token,
    })
    await tj.start()
    const cn = await eventually(
      'TJ to receive the transit through Tajikistan',
      async () => {
        const r = await tj!.get<{ stateHash: string }>(`/v1/transits/${VIA_TJ.mrn}`)
        return r.status === 200 ? r.body : undefined
      },
      30_000,
    )
    expect((await at('CN').get<{ stateHash: string }>(`/v1/transits/${VIA_TJ.mrn}`)).body.stateHash).toBe(cn.stateHash)
    expect((await tj.get(`/v1/transits/${OFF_ROUTE}`)).status).toBe(404)
    await tj.stop()

    // Everything the newcomer holds is of a document whose audience includes it.
    const store = new LevelStore(join(dir, 'store'))
    await store.open()
    try {
      const held: { id: string; audience: readonly string[] }[] = []
      for await (const r of store.documents()) held.push({ id: r.documentId, audience: r.audience })
      expect(held.map((d) => d.id)).toContain(VIA_TJ.mrn)
      expect(held.filter((d) => !d.audience.includes('TJ'))).toEqual([])
      expect(await store.entryIdsOf(OFF_ROUTE)).toEqual([])
    } finally {
      await store.close()
    }
  }, 120_000)
})
