// The incoming-call popup in a real Chromium, fed by the realtime hub the AMI pipeline publishes to:
// it appears by itself, says who is calling, survives a dropped websocket and a
// reload, and on two specialists' screens the one whose extension answered keeps it while the
// other sees it taken; once the call is over no popup stays.
import t from 'tap'
import type { Page } from 'playwright-core'
import type { Call } from '../../src/calls/call.js'
import { usersRepository } from '../../src/db/users.repository.js'
import { hashPassword } from '../../src/auth/passwords.js'
import { CHROMIUM, NO_CHROMIUM, launchBrowser, login, newContext, pageErrors, screenshot, startServer, until } from '../helpers/browser.js'
import { TEST_PASSWORD } from '../helpers/app.js'

function ringingCall (linkedId: string, callerNumber: string, at = new Date()): Call {
  return {
    linkedId, callerNumber, dialled: '73452290256', state: 'ringing', arrivedAt: at, answeredAt: null, endedAt: null,
    answeredBy: null, transferredTo: null, decision: 'open', recordingFile: null, callerHungUp: false, legs: {},
    hangupCause: null, hangupCauseText: null, outcome: null, rejectReason: null, approximate: false
  }
}

const popup = (page: Page, linkedId: string) => page.locator(`[data-testid="call-popup"][data-call-id="${linkedId}"]`)

if (CHROMIUM === undefined) {
  console.log(`# ${NO_CHROMIUM}`)
  t.plan(0, NO_CHROMIUM)
} else {
  // one server and one browser for the file; each test gets fresh browser contexts (own cookies)
  const server = await startServer(t)
  const browser = await launchBrowser(t)

  t.test('popup: two specialists see the call; the one who answered keeps it, the other sees it taken', async (t) => {
    await usersRepository(server.db).create({ username: 'smirnova', fullName: 'Смирнова Елена Викторовна', passwordHash: await hashPassword(TEST_PASSWORD), role: 'specialist', extension: '102' })
    const [a, b] = [await (await newContext(browser, server.url)).newPage(), await (await newContext(browser, server.url)).newPage()]
    const errors = [...pageErrors(a), ...pageErrors(b)]
    await login(a, 'ivanova')
    await login(b, 'smirnova')
    for (const p of [a, b]) await p.locator('[data-testid="live-status"][data-state="open"]').waitFor()

    const call = ringingCall('1700000000.11', '79123456789')
    const sentAt = Date.now()
    await server.push.publishCall({ type: 'call.ringing', call, caller: { number: call.callerNumber, name: 'Кузнецова Ольга Петровна', organization: 'МАОУ СОШ № 5 г. Тюмени', contactId: null, organizationId: null, openRequests: [{ id: 7, number: 12, year: 2026, registeredOn: '2026-11-20', status: 'in_progress', description: 'Не отображается расписание в Навигаторе' }] } })
    await Promise.all([popup(a, call.linkedId).waitFor({ timeout: 20_000 }), popup(b, call.linkedId).waitFor({ timeout: 20_000 })])
    t.pass(`both popups appear by themselves, no reload (${Date.now() - sentAt} ms; latency is measured by npm run bench)`)
    t.match(await popup(a, call.linkedId).textContent(), /Кузнецова Ольга Петровна/, 'the caller is named')
    t.match(await popup(a, call.linkedId).textContent(), /МАОУ СОШ № 5/, 'with the organization')
    t.match(await popup(a, call.linkedId).textContent(), /2026-12.*В работе.*Не отображается расписание/, 'and the open request')
    t.match(await popup(a, call.linkedId).getByTestId('popup-number').textContent(), /\+7 \(912\) 345-67-89/, 'the number, formatted')
    await screenshot(a, 'popup-ringing')

    await server.push.publishCall({ type: 'call.answered', call: { ...call, state: 'talking', answeredAt: new Date(), answeredBy: '101' } })
    await popup(b, call.linkedId).getByTestId('taken').waitFor({ timeout: 20_000 })
    t.match(await popup(b, call.linkedId).getByTestId('taken').textContent(), /Иванова Анна Сергеевна/, 'the other specialist sees who took it')
    await popup(a, call.linkedId).getByText('Вы приняли звонок').waitFor({ timeout: 20_000 })
    t.pass('the specialist whose extension answered keeps the popup')
    await screenshot(b, 'popup-taken')

    await server.push.publishCall({ type: 'call.ended', call: { ...call, state: 'ended', answeredAt: new Date(), endedAt: new Date(), answeredBy: '101', outcome: 'answered' } })
    await popup(b, call.linkedId).waitFor({ state: 'detached', timeout: 20_000 })
    t.pass('a taken popup closes when the call ends')
    await popup(a, call.linkedId).waitFor({ state: 'detached', timeout: 20_000 })
    t.pass('the answerer\'s popup leaves with the call too: no popup outlives its call (an unregistered draft waits in the tray)')
    t.same(errors, [], 'no errors in the pages')
  })

  t.test('popup: a ring and a system notification when the tab is in the background', async (t) => {
    const ctx = await newContext(browser, server.url)
    // record what the page asks of the system: notifications, and the oscillators of the ring
    await ctx.addInitScript(`
      window.__notes = []
      window.__beeps = 0
      window.__hidden = false
      window.Notification = class { constructor (title, o) { window.__notes.push({ title, body: o.body }) } close () {} }
      window.Notification.permission = 'granted'
      window.Notification.requestPermission = async () => 'granted'
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => window.__hidden })
      const create = AudioContext.prototype.createOscillator
      AudioContext.prototype.createOscillator = function () { window.__beeps++; return create.call(this) }
    `)
    const page = await ctx.newPage()
    const errors = pageErrors(page)
    await login(page, 'ivanova')
    await page.locator('[data-testid="live-status"][data-state="open"]').waitFor()
    await page.evaluate('window.__hidden = true')
    const call = ringingCall('1700000000.31', '79220001122')
    await server.push.publishCall({ type: 'call.ringing', call })
    await popup(page, call.linkedId).waitFor({ timeout: 20_000 })
    await until('a notification', async () => await page.evaluate('window.__notes.length') as number > 0, 2000)
    const notes = await page.evaluate('window.__notes') as Array<{ title: string, body: string }>
    t.same(notes[0], { title: 'Входящий звонок', body: '+7 (922) 000-11-22' }, 'a system notification while the tab is hidden')
    t.ok(await page.evaluate('window.__beeps') as number > 0, 'a WebAudio ring')
    await server.push.publishCall({ type: 'call.ended', call: { ...call, state: 'ended', endedAt: new Date(), outcome: 'abandoned' } })
    t.same(errors, [], 'no errors in the page')
  })

  t.test('popup: survives a dropped websocket and a reload', async (t) => {
    const page = await (await newContext(browser, server.url)).newPage()
    const errors = pageErrors(page)
    await login(page, 'ivanova')
    await page.locator('[data-testid="live-status"][data-state="open"]').waitFor()

    // the connection drops; a call rings while it is down; the popup appears after the reconnect
    await page.evaluate('window.__live.drop(1500)')
    await page.locator('[data-testid="live-status"][data-state="waiting"]').waitFor()
    const call = ringingCall('1700000000.21', '73452123456')
    await server.push.publishCall({ type: 'call.ringing', call })
    await popup(page, call.linkedId).waitFor({ timeout: 20_000 })
    t.pass('a call that rang while the websocket was down pops up after the reconnect')
    t.equal(await page.locator('[data-testid="call-popup"]').count(), 1, 'once')

    // a reload (a fresh page, no memory) rebuilds the popup from the server's calls in progress
    await page.reload()
    await popup(page, call.linkedId).waitFor({ timeout: 20_000 })
    t.pass('after a reload the ringing call is still there')
    await page.evaluate('window.__live.drop(0)')
    await page.locator('[data-testid="live-status"][data-state="open"]').waitFor()
    await page.waitForTimeout(300)
    t.equal(await page.locator('[data-testid="call-popup"]').count(), 1, 'a replay after a reconnect does not duplicate the popup')

    await server.push.publishCall({ type: 'call.ended', call: { ...call, state: 'ended', endedAt: new Date(), outcome: 'abandoned' } })
    await popup(page, call.linkedId).waitFor({ state: 'detached', timeout: 20_000 })
    t.pass('a call nobody answered leaves its popup: it is on the callback list, not a popup')
    t.same(errors, [], 'no errors in the page')
  })
}
