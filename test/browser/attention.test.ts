// What tells a specialist that something needs them, in a real Chromium: the ring's state (after a
// reload the browser's autoplay rule keeps the page silent until a click, and the header says so with
// a one-click «Включить звук»), the «Нет связи» notices gone once the network is back, and the promise
// that a resolution is mailed made only where the mailbox sends it.
import t from 'tap'
import { chromium, type Page } from 'playwright-core'
import type { Call } from '../../src/calls/call.js'
import { CHROMIUM, NO_CHROMIUM, login, newContext, pageErrors, screenshot, startServer } from '../helpers/browser.js'

function ringingCall (linkedId: string): Call {
  return {
    linkedId, callerNumber: '79123456789', dialled: '73452290256', state: 'ringing', arrivedAt: new Date(), answeredAt: null, endedAt: null,
    answeredBy: null, transferredTo: null, decision: 'open', recordingFile: null, callerHungUp: false, legs: {},
    hangupCause: null, hangupCauseText: null, outcome: null, rejectReason: null, approximate: false
  }
}

async function apiPost (page: Page, url: string, body: unknown): Promise<Record<string, unknown>> {
  const csrf = (await page.context().cookies()).find((c) => c.name === 'csrf')?.value ?? ''
  const res = await page.request.post(url, { data: body, headers: { 'x-csrf-token': csrf } })
  if (!res.ok()) throw new Error(`${url}: ${res.status()} ${await res.text()}`)
  return await res.json() as Record<string, unknown>
}

if (CHROMIUM === undefined) {
  console.log(`# ${NO_CHROMIUM}`)
  t.plan(0, NO_CHROMIUM)
} else {
  const server = await startServer(t)
  // the desktop browser's rule: sound only after the user touched the page (headless would allow it)
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--lang=ru-RU', '--autoplay-policy=document-user-activation-required']
  })
  t.teardown(async () => { await browser.close() })

  t.test('sound: on after the log-in click; after a reload blocked, said so, and one click on «Включить звук» enables it', async (t) => {
    const page = await (await newContext(browser, server.url)).newPage()
    const errors = pageErrors(page)
    await login(page, 'ivanova')
    await page.getByTestId('sound-status').waitFor()
    t.equal(await page.getByTestId('sound-status').textContent(), 'Звук включён', 'the log-in click allowed the sound: the header says it is on')

    await page.reload()
    await page.getByTestId('me').waitFor()
    const enable = page.getByTestId('sound-enable')
    await enable.waitFor()
    t.equal(await enable.textContent(), 'Включить звук', 'after a reload the browser keeps the page silent, and a visible button says so')
    t.equal(await page.getByTestId('sound-status').count(), 0, 'no claim that the sound is on')

    await page.locator('[data-testid="live-status"][data-state="open"]').waitFor()
    await server.push.publishCall({ type: 'call.ringing', call: ringingCall('1900000000.1'), caller: { number: '79123456789', name: null, organization: null, contactId: null, organizationId: null, openRequests: [] } })
    await page.locator('[data-testid="sound-enable"].missed').waitFor({ timeout: 20_000 })
    t.pass('a call rang silently: the button stands out')
    await screenshot(page, 'sound-blocked')

    await enable.click()
    await page.getByTestId('sound-status').waitFor()
    t.equal(await page.getByTestId('sound-status').textContent(), 'Звук включён', 'one click and the ring sounds')
    t.same(errors, [], 'no errors in the page')
  })

  t.test('«Нет связи» goes away once the network is back', async (t) => {
    const ctx = await newContext(browser, server.url)
    const page = await ctx.newPage()
    await login(page, 'ivanova')
    const entry = await apiPost(page, '/api/entries', { channel: 'walk_in' })
    await page.goto(`/entries/${String(entry.id)}`)
    await page.locator('[data-testid="live-status"][data-state="open"]').waitFor()
    await ctx.setOffline(true)
    await page.evaluate('window.__live.drop(120000)') // the open socket breaks as a lost network breaks it (offline emulation spares it)
    await page.getByTestId('entry-note').fill('Позвонить после обеда')
    await page.getByRole('button', { name: 'Сохранить черновик' }).click()
    await page.getByTestId('entry-error').waitFor()
    t.equal(await page.getByTestId('entry-error').textContent(), 'Нет связи с сервером. Проверьте сеть и повторите.', 'offline: the save says why it failed, in Russian')
    await page.locator('[data-testid="live-status"][data-state="waiting"]').waitFor({ timeout: 20_000 })
    t.match(await page.getByTestId('live-status').textContent(), /Нет связи/, 'the header says the connection is lost')
    await ctx.setOffline(false)
    await page.locator('[data-testid="live-status"][data-state="open"]').waitFor({ timeout: 30_000 })
    t.equal(await page.getByTestId('live-status').textContent(), 'В сети', 'back online')
    await page.getByTestId('entry-error').waitFor({ state: 'detached', timeout: 10_000 })
    t.equal(await page.getByText('Нет связи').count(), 0, 'no «Нет связи» left anywhere on the screen, without a click')
    t.equal(await page.getByTestId('entry-note').inputValue(), 'Позвонить после обеда', 'the unsaved text is kept')
    await page.getByRole('button', { name: 'Сохранить черновик' }).click()
    await page.getByTestId('entry-notice').getByText('Сохранено').waitFor()
    t.pass('and it saves now')
  })

  t.test('«уйдёт на адрес отправителя» is never promised without a mailbox that sends, nor for a phone request', async (t) => {
    const page = await (await newContext(browser, server.url)).newPage()
    await login(page, 'ivanova')
    const fields = { type: 'support', module: 'navigator', description: 'Как войти в личный кабинет', organizationName: 'МАОУ СОШ № 1', contactText: 'Петрова Н. В.' }
    for (const [channel, extra] of [['email', { callerEmail: 'petrova@school1.ru' }], ['phone', { callerNumber: '+79123456789' }]] as const) {
      const e = await apiPost(page, '/api/entries', { channel, ...fields, ...extra })
      await apiPost(page, `/api/entries/${String(e.id)}/register`, {})
      await page.goto(`/entries/${String(e.id)}`)
      await page.getByTestId('to-resolved').click()
      await page.getByTestId('status-dialog').waitFor()
      t.equal(await page.getByTestId('mail-notice').count(), 0, `${channel}, no SMTP: no promise of an e-mail`)
      t.notMatch(await page.getByTestId('status-dialog').innerHTML(), /адрес отправителя|электронной почте/, `${channel}: not in the hint either`)
      await page.getByTestId('status-dialog').getByRole('button', { name: 'Отмена' }).click()
    }
  })
}
