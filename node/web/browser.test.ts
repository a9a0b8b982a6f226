/**
 * The pages in a real browser: Debian's Chromium driven by playwright-core against a real
 * server on loopback. An officer signs in with the keyboard alone and out again; axe-core
 * finds no serious or critical violation on either page; screenshots in en, ru and zh are
 * written to test-artifacts/web/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApi } from '../api/fake-service.testkit.ts'
import type { TestApi } from '../api/fake-service.testkit.ts'
import { UserStore } from '../users.ts'
import { CATALOGUES, WEB_LANGS } from './messages.ts'
import { axeViolations, launchBrowser, screenshot } from './testing/browser.ts'
import type { TestBrowser } from './testing/browser.ts'

const PW = 'correct horse battery'
/** What the test reads of the page's document (the tests are typed without the DOM library). */
type Focus = { document: { activeElement: { id: string } | null } }
let api: TestApi
let browser: TestBrowser

beforeAll(async () => {
  const users = UserStore.inMemory()
  await users.add(
    { login: 'a.nurlanov', displayName: 'Aidos Nurlanov', principal: { role: 'officer', office: 'KZB00100' } },
    PW,
  )
  api = await startTestApi({ users })
  browser = await launchBrowser()
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await api?.close()
})

describe('the pages in Chromium', () => {
  it('an officer signs in with the keyboard alone, sees who is signed in, and signs out', async () => {
    const page = await browser.context.newPage()
    await page.goto(`${api.url}/login?lang=en`)
    // The login field has the focus when the page opens: no mouse needed.
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as Focus).document.activeElement?.id))
      .toBe('login')
    await page.keyboard.type('a.nurlanov')
    await page.keyboard.press('Tab')
    await page.keyboard.type(PW)
    await page.keyboard.press('Enter')
    await page.waitForSelector('form[action="/logout"]')
    expect(new URL(page.url()).pathname).toBe('/')
    expect(await page.textContent('main')).toContain('Signed in as Aidos Nurlanov (officer, office KZB00100)')
    expect(
      await axeViolations(page).then((v) => v.filter((x) => x.impact === 'serious' || x.impact === 'critical')),
    ).toEqual([])
    await screenshot(page, 'home-en')
    await page.getByRole('button', { name: CATALOGUES.en['logout.submit'] }).click()
    await page.waitForSelector('form[action="/login"]')
    expect(new URL(page.url()).pathname).toBe('/login')
    await page.close()
  }, 60_000)

  for (const lang of WEB_LANGS)
    it(`the sign-in page in ${lang}: its own words, no serious accessibility fault, a screenshot`, async () => {
      const page = await browser.context.newPage()
      await page.goto(`${api.url}/login?lang=${lang}`)
      expect(await page.getAttribute('html', 'lang')).toBe(lang)
      expect(await page.textContent('h1')).toBe(CATALOGUES[lang]['login.title'])
      expect(await page.textContent('main')).not.toMatch(/\b[a-z]+\.[a-z]+[A-Z]?\w*\b/)
      const bad = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical')
      expect(bad).toEqual([])
      await screenshot(page, `login-${lang}`)
      await page.close()
    }, 60_000)
})
