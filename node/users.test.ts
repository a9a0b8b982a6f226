import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { hashPassword, passwordProblems, verifyPassword } from './password.ts'
import { UserError, UserStore } from './users.ts'

const dirs: string[] = []
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'sis-users-'))
  dirs.push(d)
  return d
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))
const FAST = { N: 2 ** 10, r: 8, p: 1 }
const PW = 'correct horse battery'

describe('password hashing (scrypt)', () => {
  it('verifies the password it hashed and no other; each hash has its own salt', async () => {
    const a = await hashPassword(PW, FAST)
    const b = await hashPassword(PW, FAST)
    expect(a).not.toBe(b)
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$/)
    expect(await verifyPassword(PW, a)).toBe(true)
    expect(await verifyPassword(`${PW}!`, a)).toBe(false)
    expect(
      await verifyPassword(
        PW,
        a.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      ),
    ).toBe(false)
  })

  it('an unknown login or a malformed hash never verifies', async () => {
    expect(await verifyPassword(PW, undefined)).toBe(false)
    expect(await verifyPassword(PW, 'scrypt$1$1$1$x$y')).toBe(false)
  })

  it('names every problem of a weak password', () => {
    expect(passwordProblems('short\n')).toEqual([
      'at least 12 characters',
      'no control characters (a line break, a tab)',
    ])
    expect(passwordProblems('二十个字符的密码二十个字符的密码')).toEqual([])
  })
})

describe('UserStore (users.json)', () => {
  it('adds, lists without hashes, authenticates, disables and changes a password, durably', async () => {
    const d = dir()
    const s = UserStore.open(d)
    await s.add(
      { login: 'a.nurlanov', displayName: 'Aidos Nurlanov', principal: { role: 'officer', office: 'KZB00100' } },
      PW,
    )
    expect(s.list()).toEqual([
      expect.objectContaining({
        login: 'a.nurlanov',
        principal: { role: 'officer', name: 'a.nurlanov', office: 'KZB00100' },
      }),
    ])
    expect(JSON.stringify(s.list())).not.toContain('scrypt')
    expect(statSync(join(d, 'users.json')).mode & 0o777).toBe(0o600)
    expect(await s.authenticate('a.nurlanov', PW)).toMatchObject({ ok: true })
    expect(await s.authenticate('a.nurlanov', 'wrong password!!')).toEqual({ ok: false, reason: 'wrong-password' })
    expect(await s.authenticate('nobody', PW)).toEqual({ ok: false, reason: 'unknown' })
    s.setDisabled('a.nurlanov', true)
    expect(await UserStore.open(d).authenticate('a.nurlanov', PW)).toEqual({ ok: false, reason: 'disabled' })
    s.setDisabled('a.nurlanov', false)
    await s.setPassword('a.nurlanov', 'a new long password')
    const fresh = UserStore.open(d)
    expect(await fresh.authenticate('a.nurlanov', PW)).toEqual({ ok: false, reason: 'wrong-password' })
    expect(await fresh.authenticate('a.nurlanov', 'a new long password')).toMatchObject({ ok: true })
  })

  it('sees a change another process made to the file (sis user on a running node)', async () => {
    const d = dir()
    const node = UserStore.open(d)
    expect(node.find('t.trader')).toBeUndefined()
    await UserStore.open(d).add(
      { login: 't.trader', displayName: 'Trader', principal: { role: 'trader', traderId: 'CN6501000000123' } },
      PW,
    )
    expect(node.find('t.trader')?.principal).toEqual({ role: 'trader', name: 't.trader', traderId: 'CN6501000000123' })
  })

  it('refuses a bad account with every problem at once, a second account of a login, an unknown login', async () => {
    const s = UserStore.inMemory()
    const bad = await s
      .add({ login: 'A B', displayName: '', principal: { role: 'officer', office: 'nowhere' } }, PW)
      .catch((e: unknown) => e)
    expect(bad).toBeInstanceOf(UserError)
    expect((bad as UserError).code).toBe('USER_INVALID')
    expect((bad as UserError).problems).toHaveLength(3)
    await s.add({ login: 'admin', displayName: 'Operator', principal: { role: 'admin' } }, PW)
    await expect(
      s.add({ login: 'admin', displayName: 'Again', principal: { role: 'admin' } }, PW),
    ).rejects.toMatchObject({ code: 'USER_EXISTS' })
    await expect(
      s.add({ login: 'weak', displayName: 'W', principal: { role: 'admin' } }, 'short'),
    ).rejects.toMatchObject({ code: 'PASSWORD_WEAK' })
    expect(() => s.setDisabled('nobody', true)).toThrow(expect.objectContaining({ code: 'USER_UNKNOWN' }))
  })

  it('refuses a malformed users.json rather than reading it as no accounts', () => {
    const d = dir()
    writeFileSync(join(d, 'users.json'), JSON.stringify({ version: 1, users: [{ login: 'x' }] }))
    expect(() => UserStore.open(d)).toThrow(expect.objectContaining({ code: 'USERS_FILE_INVALID' }))
    writeFileSync(join(d, 'users.json'), '{')
    expect(() => UserStore.open(d)).toThrow(expect.objectContaining({ code: 'USERS_FILE_INVALID' }))
    expect(readFileSync(join(d, 'users.json'), 'utf8')).toBe('{')
  })
})
