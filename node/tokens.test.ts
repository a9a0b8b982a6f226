// The token store of a data folder: what it writes, what a reopen reads back, node.json's older
// list moved in exactly once (a revoked one does not come back), and a damaged file refused.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAuthenticator, hashToken } from './api/auth.ts'
import { TokenStore } from './tokens.ts'

let dir: string
const nodeJson = (tokens: unknown[]) =>
  writeFileSync(join(dir, 'node.json'), JSON.stringify({ country: 'KZ', keyId: 'kz-1', tokens }, null, 2))
const readJson = (name: string) =>
  JSON.parse(readFileSync(join(dir, name), 'utf8')) as { tokens: { id: string; tokenSha256: string }[] }

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sis-tokens-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('TokenStore', () => {
  it('create and revoke are on disk when they return, and a reopened store reads them back', () => {
    nodeJson([])
    const store = TokenStore.open(dir)
    const a = store.create({ role: 'officer', name: 'a', office: 'KZB00100' })
    const b = store.create({ role: 'admin', name: 'b' })
    expect(readJson('tokens.json').tokens.map((t) => t.tokenSha256)).toEqual([hashToken(a.token), hashToken(b.token)])
    expect(readFileSync(join(dir, 'tokens.json'), 'utf8')).not.toContain(a.token)
    expect(store.revoke(a.id)).toEqual({ id: a.id, principal: a.principal, created: a.created })
    expect(store.revoke(a.id)).toBeUndefined()
    const again = TokenStore.open(dir)
    expect(again.list()).toEqual([{ id: b.id, principal: b.principal, created: b.created }])
    const authenticate = createAuthenticator(again)
    expect(authenticate(`Bearer ${b.token}`)).toEqual(b.principal)
    expect(() => authenticate(`Bearer ${a.token}`)).toThrow(/bearer token/)
    // No temporary file is left beside it.
    expect(readdirSync(dir).sort()).toEqual(['node.json', 'tokens.json'])
  })

  it('an authenticator over the store sees a change on the next call', () => {
    nodeJson([])
    const store = TokenStore.open(dir)
    const authenticate = createAuthenticator(store)
    const t = store.create({ role: 'integration', name: 'asycuda' })
    expect(authenticate(`Bearer ${t.token}`)).toEqual(t.principal)
    store.revoke(t.id)
    expect(() => authenticate(`Bearer ${t.token}`)).toThrow(/bearer token/)
  })

  it('moves node.json tokens into tokens.json once; a revoked one does not come back', () => {
    const legacy = [
      { tokenSha256: hashToken('old-admin'), principal: { role: 'admin', name: 'ops' } },
      { tokenSha256: hashToken('old-trader').toUpperCase(), principal: { role: 'trader', name: 't', traderId: 'T1' } },
    ]
    nodeJson(legacy)
    const store = TokenStore.open(dir)
    expect(store.list().map((t) => t.principal.name)).toEqual(['ops', 't'])
    expect(readJson('node.json').tokens).toEqual([])
    expect(JSON.parse(readFileSync(join(dir, 'node.json'), 'utf8'))).toMatchObject({ country: 'KZ', keyId: 'kz-1' })
    const authenticate = createAuthenticator(store)
    expect(authenticate('Bearer old-trader')).toMatchObject({ traderId: 'T1' })
    store.revoke(store.list()[1]!.id)
    expect(
      TokenStore.open(dir)
        .list()
        .map((t) => t.principal.name),
    ).toEqual(['ops'])
    // A crash between the two writes leaves the tokens in both files: the next open keeps one of each.
    nodeJson(legacy)
    expect(
      TokenStore.open(dir)
        .list()
        .map((t) => t.principal.name),
    ).toEqual(['ops', 't'])
  })

  it('refuses a damaged tokens.json rather than reading it as no tokens', () => {
    nodeJson([])
    writeFileSync(join(dir, 'tokens.json'), '{"version":1,"tokens":[{"id":"x"}]}')
    expect(() => TokenStore.open(dir)).toThrow(/tokens\.json/)
    writeFileSync(join(dir, 'tokens.json'), '{"version":1,"tok')
    expect(() => TokenStore.open(dir)).toThrow()
  })

  it('in memory: the same behaviour, nothing written', () => {
    const store = TokenStore.inMemory([{ tokenSha256: hashToken('fixed'), principal: { role: 'admin', name: 'ops' } }])
    const t = store.create({ role: 'admin', name: 'second' })
    expect(createAuthenticator(store)(`Bearer ${t.token}`)).toEqual(t.principal)
    expect(() => TokenStore.inMemory([{ tokenSha256: 'abc', principal: { role: 'admin', name: 'x' } }])).toThrow(
      /64 hex digits/,
    )
  })
})
