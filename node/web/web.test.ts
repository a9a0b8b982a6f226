/**
 * The pages over a real server on loopback (fetch, as a browser without JavaScript would):
 * sign in and out, the cookie's attributes, CSRF on every form, the throttle and lock, the
 * audit lines without a password, the language, and no unescaped input in a page.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { startTestApi } from '../api/fake-service.testkit.ts'
import type { TestApi } from '../api/fake-service.testkit.ts'
import { UserStore } from '../users.ts'
import { CATALOGUES, WEB_LANGS } from './messages.ts'
import { LoginThrottle } from './throttle.ts'

const PW = 'correct horse battery'
let api: TestApi | undefined
afterEach(async () => {
  await api?.close()
  api = undefined
})

async function start(throttle = new LoginThrottle()): Promise<TestApi> {
  const users = UserStore.inMemory()
  await users.add(
    { login: 'a.nurlanov', displayName: 'Aidos <Nurlanov>', principal: { role: 'officer', office: 'KZB00100' } },
    PW,
  )
  await users.add({ login: 'off', displayName: 'Off', principal: { role: 'admin' } }, PW)
  users.setDisabled('off', true)
  api = await startTestApi({ users, web: { throttle } })
  return api
}

/** A browser's cookie jar, reduced to what these pages set. */
class Browser {
  readonly jar = new Map<string, string>()
  readonly base: string
  constructor(base: string) {
    this.base = base
  }
  async go(path: string, init: RequestInit = {}): Promise<Response> {
    const r = await fetch(this.base + path, {
      redirect: 'manual',
      ...init,
      headers: { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(init.headers ?? {}) },
    })
    for (const c of r.headers.getSetCookie()) {
      const [pair = ''] = c.split(';')
      const [k = '', v = ''] = pair.split('=')
      if (/Max-Age=0/.test(c)) this.jar.delete(k)
      else this.jar.set(k, v)
    }
    return r
  }
  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.go(path, {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    })
  }
  async csrf(path: string): Promise<string> {
    const text = await (await this.go(path)).text()
    return /name="csrf" value="([^"]+)"/.exec(text)![1]!
  }
  async login(login: string, password: string): Promise<Response> {
    return this.post('/login', { csrf: await this.csrf('/login'), login, password })
  }
}

describe('signing in to the pages', () => {
  it('signs in, shows who is signed in (escaped), signs out; the session cookie is HttpOnly and SameSite=Strict', async () => {
    const { url, logs } = await start()
    const b = new Browser(url)
    expect((await b.go('/')).headers.get('location')).toBe('/login')
    const r = await b.login('a.nurlanov', PW)
    expect(r.status).toBe(303)
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith('sis_session='))!
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    const home = await b.go('/')
    expect(home.status).toBe(200)
    expect(home.headers.get('content-security-policy')).toContain("default-src 'none'")
    const text = await home.text()
    expect(text).toContain('Aidos &lt;Nurlanov&gt;')
    expect(text).not.toContain('<Nurlanov>')
    expect(text).toContain('office KZB00100')
    const out = await b.post('/logout', { csrf: /name="csrf" value="([^"]+)"/.exec(text)![1]! })
    expect(out.headers.get('location')).toBe('/login')
    expect((await b.go('/')).headers.get('location')).toBe('/login')
    const audit = logs.filter((l) => l.includes('"component":"audit"'))
    expect(audit.map((l) => (JSON.parse(l) as { event: string; ok?: boolean }).event)).toEqual(['login', 'logout'])
    expect(logs.join('')).not.toContain(PW)
  })

  it('refuses a wrong password and a disabled account with the same words, and a form without its token', async () => {
    const { url, logs } = await start()
    const b = new Browser(url)
    const wrong = await b.login('a.nurlanov', 'not the password')
    const disabled = await b.login('off', PW)
    expect([wrong.status, disabled.status]).toEqual([401, 401])
    const words = CATALOGUES.en['login.failed']
    expect(await wrong.text()).toContain(words)
    expect(await disabled.text()).toContain(words)
    const reasons = logs
      .filter((l) => l.includes('"event":"login"'))
      .map((l) => (JSON.parse(l) as { reason: string }).reason)
    expect(reasons).toEqual(['wrong-password', 'disabled'])
    const forged = await new Browser(url).post('/login', { login: 'a.nurlanov', password: PW })
    expect(forged.status).toBe(403)
    // Signed in, a sign-out without the session's token is not carried out.
    await b.login('a.nurlanov', PW)
    await b.post('/logout', { csrf: 'guess' })
    expect((await b.go('/')).status).toBe(200)
  })

  it('locks a login after repeated failures, even with the right password, until the lock ends', async () => {
    let now = 1_000_000
    const { url } = await start(new LoginThrottle({ maxFailures: 3, lockMs: 60_000, now: () => now }))
    const b = new Browser(url)
    for (let i = 0; i < 3; i++) expect((await b.login('a.nurlanov', 'wrong wrong wrong')).status).toBe(401)
    const locked = await b.login('a.nurlanov', PW)
    expect(locked.status).toBe(429)
    expect(await locked.text()).toContain('1 min')
    now += 61_000
    expect((await b.login('a.nurlanov', PW)).status).toBe(303)
  })

  it('speaks the browser’s language, and the one chosen, which it remembers', async () => {
    const { url } = await start()
    const b = new Browser(url)
    const ru = await (await b.go('/login', { headers: { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.5' } })).text()
    expect(ru).toContain('<html lang="ru"')
    expect(ru).toContain(CATALOGUES.ru['login.submit'])
    await b.go('/login?lang=zh')
    const zh = await (await b.go('/login', { headers: { 'accept-language': 'ru' } })).text()
    expect(zh).toContain(CATALOGUES.zh['login.title'])
  })
})

describe('the pages’ words', () => {
  it('every language has every key, and no message is left empty', () => {
    const keys = Object.keys(CATALOGUES.en).sort()
    for (const l of WEB_LANGS) {
      expect(Object.keys(CATALOGUES[l]).sort()).toEqual(keys)
      for (const k of keys) expect(CATALOGUES[l][k as keyof typeof CATALOGUES.en].trim()).not.toBe('')
    }
  })
})
