/**
 * Test helper: Debian's Chromium, driven by playwright-core, headless and cut off from the
 * outside (the flags keep it from calling home on a closed network), in a fresh profile; and
 * axe-core run inside a page. Screenshots go to test-artifacts/web/ (ignored by git).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import type { BrowserContext, Page } from 'playwright-core'

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export const ARTIFACTS = join(import.meta.dirname, '..', '..', '..', 'test-artifacts', 'web')

function chromiumPath(): string {
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim()
  } catch {
    throw new Error('Debian chromium is not installed: run ./setup.sh (apt-get install chromium)')
  }
}

export interface TestBrowser {
  readonly context: BrowserContext
  close(): Promise<void>
}

export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'sis-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: FLAGS,
  })
  return {
    context,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export interface AxeViolation {
  readonly id: string
  readonly impact: string | null
  readonly help: string
  readonly nodes: number
}

/** axe-core's violations on the page as it is now, serious and critical ones first. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Through the DevTools protocol, which the page's CSP (no inline script) rightly does not allow a tag for.
  await page.evaluate(AXE)
  const found = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run(): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: unknown[] }[] }> }
      }
    ).axe
    const r = await axe.run()
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }))
  })
  const rank = (v: AxeViolation) => ['critical', 'serious', 'moderate', 'minor'].indexOf(v.impact ?? 'minor')
  return found.sort((a, b) => rank(a) - rank(b))
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true })
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })
}
