/**
 * `sis token create|list|revoke` against a real node process, each command run as the sis process
 * an operator runs: a token created while the node runs authenticates on the next request, a
 * revoked one is refused on the next request, listings never show a secret or a hash, a running
 * node's tokens are not changed behind its back, and the state survives kill -9 and a restart.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashToken } from '../node/api/auth.ts'
import { createFederation, sis } from '../test-network/index.ts'
import type { LocalNode } from '../test-network/index.ts'

const base = mkdtempSync(join(tmpdir(), 'sis-token-'))
let kz: LocalNode

interface Issued {
  id: string
  token: string
  principal: { role: string; name: string }
  created: string
  live: boolean
}
interface Listed {
  tokens: { id: string; principal: { role: string; name: string; office?: string } }[]
}

function sisJson<T>(status: number, ...args: string[]): T {
  const r = sis(...args, '--json')
  expect(r.status, `sis ${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(status)
  return JSON.parse(r.stdout) as T
}

const as = async (token: string): Promise<number> =>
  (await fetch(`${kz.api}/v1/search`, { headers: { authorization: `Bearer ${token}` } })).status

beforeAll(async () => {
  // Set up offline, as before: `sis token create` on a stopped node writes the data folder.
  ;[kz] = (await createFederation(base, ['KZ'])) as [LocalNode]
  await kz.start()
}, 120_000)

afterAll(async () => {
  await kz.kill()
  rmSync(base, { recursive: true, force: true })
})

describe('sis token on a running node', () => {
  let officer: Issued
  let trader: Issued

  it('create: the token works on the next request, without a restart', async () => {
    officer = sisJson<Issued>(
      0,
      'token',
      'create',
      '--data',
      kz.dir,
      '--token',
      kz.adminToken,
      '--role',
      'officer',
      '--name',
      'a.nurlanov',
      '--office',
      'KZB00100',
    )
    expect(officer).toMatchObject({
      live: true,
      principal: { role: 'officer', name: 'a.nurlanov', office: 'KZB00100' },
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
    })
    expect(await as(officer.token)).toBe(200)
    trader = sisJson<Issued>(
      0,
      'token',
      'create',
      '--data',
      kz.dir,
      '--token',
      kz.adminToken,
      '--role',
      'trader',
      '--name',
      'holder',
      '--trader',
      'KZ123',
    )
    expect(await as(trader.token)).toBe(200)
  }, 60_000)

  it('list: ids, roles, names and scopes, never a secret or a hash', () => {
    const listed = sisJson<Listed>(0, 'token', 'list', '--data', kz.dir, '--token', kz.adminToken)
    expect(listed.tokens.map((t) => t.principal.name)).toEqual([
      'KZ national system',
      'KZ operator',
      'a.nurlanov',
      'holder',
    ])
    const human = sis('token', 'list', '--data', kz.dir, '--token', kz.adminToken)
    expect(human.status, human.stderr).toBe(0)
    expect(human.stdout).toMatch(new RegExp(`${officer.id}\\s+officer\\s+a\\.nurlanov\\s+office KZB00100`))
    for (const text of [JSON.stringify(listed), human.stdout]) {
      for (const secret of [officer.token, trader.token, kz.token, kz.adminToken]) {
        expect(text).not.toContain(secret)
        expect(text).not.toContain(hashToken(secret))
      }
    }
  })

  it('revoke: the token is refused on the next request', async () => {
    const r = sis('token', 'revoke', officer.id, '--data', kz.dir, '--token', kz.adminToken)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain(`revoked token ${officer.id} of a.nurlanov (officer)`)
    expect(await as(officer.token)).toBe(401)
    expect(await as(trader.token)).toBe(200)
    expect(
      sisJson<{ errors: { code: string }[] }>(
        1,
        'token',
        'revoke',
        officer.id,
        '--data',
        kz.dir,
        '--token',
        kz.adminToken,
      ).errors[0]?.code,
    ).toBe('API_NOT_FOUND')
  }, 60_000)

  it("a running node's tokens change only through its API, with an admin token", () => {
    const none = sis('token', 'create', '--data', kz.dir, '--role', 'admin', '--name', 'sneaky')
    expect(none.status).toBe(5)
    expect(none.stderr).toContain('the node is running')
    const forbidden = sis('token', 'list', '--data', kz.dir, '--token', trader.token)
    expect(forbidden.status).toBe(5)
    expect(forbidden.stderr).toContain('API_FORBIDDEN')
    expect(
      sisJson<Listed>(0, 'token', 'list', '--data', kz.dir, '--token', kz.adminToken).tokens.map(
        (t) => t.principal.name,
      ),
    ).not.toContain('sneaky')
  })

  it('the tokens survive kill -9 and a restart; offline commands read the same list', async () => {
    await kz.kill()
    const offline = sisJson<Listed>(0, 'token', 'list', '--data', kz.dir)
    expect(offline.tokens.map((t) => t.principal.name)).toEqual(['KZ national system', 'KZ operator', 'holder'])
    const file = readFileSync(join(kz.dir, 'tokens.json'), 'utf8')
    expect(file).toContain(hashToken(trader.token))
    expect(file).not.toContain(trader.token)
    expect(statSync(join(kz.dir, 'tokens.json')).mode & 0o777).toBe(0o600)
    // node.json's list (written by the offline set-up) was moved into tokens.json.
    expect((JSON.parse(readFileSync(join(kz.dir, 'node.json'), 'utf8')) as { tokens: unknown[] }).tokens).toEqual([])
    await kz.start()
    expect(await as(trader.token)).toBe(200)
    expect(await as(officer.token)).toBe(401)
    expect(await as(kz.token)).toBe(200)
  }, 60_000)
})
