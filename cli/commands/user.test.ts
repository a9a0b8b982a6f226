/** `sis user`: accounts in a data folder, as an operator runs it (in process, real files). */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { UserStore } from '../../node/users.ts'
import { sisInProcess } from '../cli.testkit.ts'

const dir = mkdtempSync(join(tmpdir(), 'sis-user-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('sis user', () => {
  it('adds an officer with a password made and printed once, which then logs in', async () => {
    const r = await sisInProcess(
      'user',
      'add',
      'a.nurlanov',
      '--role',
      'officer',
      '--office',
      'KZB00100',
      '--data',
      dir,
      '--json',
    )
    expect(r.code).toBe(0)
    const { password, user } = JSON.parse(r.out) as { password: string; user: { principal: unknown } }
    expect(user.principal).toEqual({ role: 'officer', name: 'a.nurlanov', office: 'KZB00100' })
    expect(await UserStore.open(dir).authenticate('a.nurlanov', password)).toMatchObject({ ok: true })
    const listed = await sisInProcess('user', 'list', '--data', dir)
    expect(listed.out).toMatch(/a\.nurlanov\s+officer\s+office KZB00100/)
    expect(listed.out).not.toContain(password)
  })

  it('refuses an officer of an office the federation does not list, naming it, exit 1', async () => {
    const r = await sisInProcess(
      'user',
      'add',
      'x.y',
      '--role',
      'officer',
      '--office',
      'DE004058',
      '--data',
      dir,
      '--json',
    )
    expect(r.code).toBe(1)
    expect(r.out).toContain('DE004058 is not a customs office of the federation')
  })

  it('disables and enables an account, and changes its password', async () => {
    expect((await sisInProcess('user', 'disable', 'a.nurlanov', '--data', dir)).code).toBe(0)
    expect(UserStore.open(dir).find('a.nurlanov')?.disabled).toBe(true)
    expect((await sisInProcess('user', 'enable', 'a.nurlanov', '--data', dir)).code).toBe(0)
    const r = await sisInProcess('user', 'passwd', 'a.nurlanov', '--data', dir, '--json')
    const { password } = JSON.parse(r.out) as { password: string }
    expect(await UserStore.open(dir).authenticate('a.nurlanov', password)).toMatchObject({ ok: true })
    expect((await sisInProcess('user', 'disable', 'nobody', '--data', dir)).code).toBe(1)
  })
})
