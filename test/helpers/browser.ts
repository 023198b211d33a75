// Real-browser test plumbing: a real server on an ephemeral port, Debian's Chromium driven by
// playwright-core (never a downloaded browser), logged-in pages, and screenshots as test artifacts.
import fs from 'node:fs'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import type { Test } from 'tap'
import { PROJECT_ROOT } from '../../src/app.js'
import { testApp, TEST_PASSWORD, type TestApp } from './app.js'

/** Debian's Chromium (package `chromium`), or undefined when it is not installed. */
export const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => fs.existsSync(p))
export const NO_CHROMIUM = 'Chromium is not installed (apt-get install chromium; .ci/run does it): browser tests skipped'

export const SCREENSHOTS = path.join(PROJECT_ROOT, 'test-results', 'screenshots')

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--lang=ru-RU']

export interface Server extends TestApp { url: string }

/** The app of test/helpers/app.ts listening on 127.0.0.1:<ephemeral>. */
export async function startServer (t: Test, extra: Parameters<typeof testApp>[1] = {}): Promise<Server> {
  const ta = await testApp(t, extra)
  await ta.app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = ta.app.server.address() as AddressInfo
  return { ...ta, url: `http://127.0.0.1:${port}` }
}

export async function launchBrowser (t: Test): Promise<Browser> {
  if (CHROMIUM === undefined) throw new Error(NO_CHROMIUM)
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true })
  t.teardown(async () => { await browser.close() })
  return browser
}

/** A fresh browser context (its own cookies) in the center's language and zone. */
export async function newContext (browser: Browser, baseURL: string): Promise<BrowserContext> {
  const ctx = await browser.newContext({ baseURL, locale: 'ru-RU', timezoneId: 'Asia/Yekaterinburg', viewport: { width: 1360, height: 860 } })
  await ctx.grantPermissions(['notifications'], { origin: baseURL })
  return ctx
}

/** Logs in through the log-in screen and waits for the journal. */
export async function login (page: Page, username: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto('/')
  await page.getByLabel('Имя пользователя').fill(username)
  await page.getByLabel('Пароль').fill(password)
  await page.getByRole('button', { name: 'Войти' }).click()
  await page.getByTestId('me').waitFor()
}

/** Errors the page logged: a test asserts there are none. */
export function pageErrors (page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`))
  // a failed load is reported by the response itself (with its URL), so the console's copy is left out;
  // a 404 or a 5xx is an error of the page, a 401/403/409/422 may be a refusal the page shows
  page.on('console', (msg) => { if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) errors.push(`console: ${msg.text()}`) })
  page.on('response', (res) => { if (res.status() >= 500 || res.status() === 404) errors.push(`response: ${res.status()} ${res.request().method()} ${res.url()}`) })
  page.on('requestfailed', (req) => { if (!/ERR_ABORTED/.test(req.failure()?.errorText ?? '')) errors.push(`request failed: ${req.method()} ${req.url()} ${req.failure()?.errorText ?? ''}`) })
  return errors
}

export async function screenshot (page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  const file = path.join(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path: file, fullPage: false })
  return file
}

/**
 * Polls a condition from the test side. (page.waitForFunction evaluates its predicate with eval in
 * the page, which the app's Content-Security-Policy rightly refuses.)
 */
export async function until (what: string, cond: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now()
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
