// Issue 10 on the entry and the journal, in real Chromium: the search box finds an entry by any
// spelling of its phone number, by e-mail and by the printed number; the deadline as the rules say
// (paused since…, none once resolved or annulled, «Аннулирована»); a colleague's draft warns and is
// registered only when taken over knowingly; a number that called before is not «Новый абонент»;
// a draft opened mid-call refreshes its call line when the call ends.
import t from 'tap'
import type { Page } from 'playwright-core'
import type { Call } from '../../src/calls/call.js'
import { usersRepository } from '../../src/db/users.repository.js'
import { callsRepository } from '../../src/db/calls.repository.js'
import { hashPassword } from '../../src/auth/passwords.js'
import { TEST_PASSWORD } from '../helpers/app.js'
import { CHROMIUM, NO_CHROMIUM, launchBrowser, login, newContext, pageErrors, screenshot, startServer, until } from '../helpers/browser.js'

const call = (linkedId: string, callerNumber: string, arrivedAt: Date, patch: Partial<Call> = {}): Call => ({
  linkedId, callerNumber, dialled: '73452290256', state: 'ringing', arrivedAt, answeredAt: null, endedAt: null, answeredBy: null, transferredTo: null,
  decision: 'open', recordingFile: null, callerHungUp: false, legs: {}, hangupCause: null, hangupCauseText: null, outcome: null, rejectReason: null, approximate: false, ...patch
})
const DATE = /\d\d\.\d\d\.\d{4}/

if (CHROMIUM === undefined) {
  console.log(`# ${NO_CHROMIUM}`)
  t.plan(0, NO_CHROMIUM)
} else {
  const server = await startServer(t)
  const browser = await launchBrowser(t)
  const smirnova = await usersRepository(server.db).create({ username: 'smirnova', fullName: 'Смирнова Елена Викторовна', passwordHash: await hashPassword(TEST_PASSWORD), role: 'specialist', extension: '102' })
  const headers = await server.as('specialist')
  const api = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await server.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) })
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    return res.json() as { id: number, numberLabel: string }
  }
  const full = { channel: 'phone', type: 'support', module: 'navigator', organizationName: 'МАОУ СОШ № 5 г. Тюмени' }
  const registered = async (extra: object) => { const d = await api('POST', '/api/entries', { ...full, ...extra }); return await api('POST', `/api/entries/${d.id}/register`, {}) }
  const page = async (): Promise<Page> => { const p = await (await newContext(browser, server.url)).newPage(); await login(p, 'ivanova'); return p }

  t.test('entry flow: the search box finds an entry by any spelling of its number, by e-mail and by the printed number', async (t) => {
    const kuz = await registered({ callerNumber: '+7 912 345-67-89', contactText: 'Кузнецова Ольга Петровна', description: 'Не отображается расписание' })
    const mail = await registered({ channel: 'email', callerEmail: 'zavuch@school5.ru', contactText: 'Сидорова Мария', description: 'Вопрос по выгрузке' })
    const p = await page()
    const errors = pageErrors(p)
    const rows = p.getByTestId('journal-table').locator('tbody tr[data-entry-id]')
    const search = async (q: string): Promise<string[]> => {
      // from the whole list each time, so a result on screen is this query's, not the one before
      await p.goto('/journal')
      await until('the whole journal', async () => await rows.count() >= 2, 10_000)
      await p.getByTestId('journal-search').fill(q)
      await p.getByRole('button', { name: 'Найти' }).click()
      // the list answers the query in the address; wait until the table shows it
      await until(`the search for ${q}`, async () => decodeURIComponent(p.url().replace(/\+/g, ' ')).includes(`q=${q}`) && await rows.count() <= 1 && await p.getByTestId('journal-table').getByText('Загрузка…').count() === 0, 10_000)
      return await Promise.all((await rows.all()).map(async (r) => (await r.getAttribute('data-entry-id'))!))
    }
    for (const q of ['345-67-89', '79123456789', '+7 (912) 345-67-89', '8 912 345 67 89']) t.same(await search(q), [String(kuz.id)], `«${q}» finds the entry of +7 (912) 345-67-89`)
    t.same(await search('zavuch@school5.ru'), [String(mail.id)], 'an e-mail address')
    t.same(await search(kuz.numberLabel), [String(kuz.id)], `the printed number «${kuz.numberLabel}»`)
    t.same(await search(String(kuz.numberLabel.split('-')[1])), [String(kuz.id)], 'the number alone')
    await screenshot(p, 'search-by-phone')
    t.same(errors, [], 'no errors in the page')
  })

  t.test('entry flow: the deadline is shown as the rules say', async (t) => {
    const paused = await registered({ callerNumber: '79120000011', contactText: 'Орлова Н. В.', description: 'Нужен скриншот ошибки' })
    await api('POST', `/api/entries/${paused.id}/status`, { status: 'feedback', comment: 'Пришлите скриншот' })
    const resolved = await registered({ callerNumber: '79120000012', contactText: 'Белов П. П.', description: 'Сброс пароля' })
    await api('POST', `/api/entries/${resolved.id}/status`, { status: 'resolved', comment: 'Пароль сброшен' })
    const annulled = await registered({ callerNumber: '79120000013', contactText: 'Зайцев К. К.', description: 'Дубль' })
    await api('POST', `/api/entries/${annulled.id}/annul`, { reason: 'Повторная запись того же звонка' })
    const p = await page()
    const errors = pageErrors(p)

    await p.goto(`/entries/${paused.id}`)
    await p.getByTestId('entry-due').waitFor()
    t.match(await p.getByTestId('entry-due').textContent(), new RegExp(`^Срок приостановлен с ${DATE.source}$`), '«Обратная связь»: the deadline is paused since a date')
    t.equal(await p.getByTestId('extend').count(), 0, 'and cannot be extended meanwhile')

    await p.goto(`/entries/${resolved.id}`)
    await p.getByTestId('entry-status').getByText('Решен').waitFor()
    t.equal(await p.getByTestId('entry-due').count(), 0, '«Решен»: no deadline in the header')
    t.equal(await p.getByTestId('deadline-card').count(), 0, 'no deadline card, no «Продлить срок…»')

    await p.goto(`/entries/${annulled.id}`)
    await p.getByTestId('entry-status').waitFor()
    t.equal(await p.getByTestId('entry-status').textContent(), 'Аннулирована', 'an annulled entry says «Аннулирована», not «В работе»')
    t.equal(await p.getByTestId('entry-due').count(), 0, 'and has no deadline')
    await p.goto('/journal')
    const row = p.locator(`tr[data-entry-id="${annulled.id}"]`)
    await row.waitFor()
    t.match(await row.textContent(), /Аннулирована/, 'the journal list says so too')
    t.same(errors, [], 'no errors in the page')
  })

  t.test('entry flow: a colleague\'s draft warns, and is registered only when taken over', async (t) => {
    const theirs = await api('POST', '/api/entries', { ...full, callerNumber: '79120000021', contactText: 'Титова А. А.', description: 'Вопрос', assignedTo: smirnova.id })
    const p = await page()
    const errors = pageErrors(p)
    await p.goto(`/entries/${theirs.id}`)
    await p.getByTestId('foreign-draft').waitFor()
    t.match(await p.getByTestId('foreign-draft').textContent(), /Смирнова Елена Викторовна \(доб\. 102\)/, 'the draft says who took the call')
    await p.getByTestId('register').click()
    await p.getByTestId('takeover-dialog').waitFor()
    t.match(await p.getByTestId('takeover-dialog').textContent(), /Смирнова Елена Викторовна/, 'registering asks first, naming the colleague')
    await p.getByTestId('takeover-dialog').getByRole('button', { name: 'Отмена' }).click()
    t.equal(await p.getByTestId('entry-title').textContent(), 'Черновик записи', 'cancelled: still a draft')
    await p.getByTestId('register').click()
    await p.getByTestId('takeover-dialog').getByRole('button', { name: 'Взять на себя и зарегистрировать' }).click()
    await p.getByTestId('entry-title').getByText(/Запись № \d{4}-\d+$/).waitFor()
    const e = await (await server.app.inject({ method: 'GET', url: `/api/entries/${theirs.id}`, headers })).json() as { assignedTo: number }
    t.equal(e.assignedTo, server.users.specialist.id, 'taken over knowingly: registered, and hers now')
    t.same(errors.filter((x) => !/409/.test(x)), [], 'no errors in the page')
  })

  t.test('entry flow: a number that called before is not «Новый абонент»; a draft opened mid-call follows the call', async (t) => {
    const calls = callsRepository(server.db)
    const now = Date.now()
    for (const [i, min] of [180, 120, 60].entries()) await calls.save(call(`1772400000.${i}`, '+79225550011', new Date(now - min * 60_000), { state: 'ended', endedAt: new Date(now - min * 60_000 + 20_000), outcome: 'abandoned' }), new Date())
    const p = await page()
    const errors = pageErrors(p)
    await p.locator('[data-testid="live-status"][data-state="open"]').waitFor()
    const ringing = call('1772400000.9', '+79225550011', new Date())
    const stored = await calls.save(ringing, new Date())
    const draft = await api('POST', '/api/entries', { channel: 'phone', callerNumber: '+79225550011' })
    await calls.linkEntry(ringing.linkedId, draft.id, new Date())
    await server.push.publishCall({ type: 'call.ringing', call: ringing, callId: stored.id, entry: { id: draft.id } })
    const popup = p.locator(`[data-testid="call-popup"][data-call-id="${ringing.linkedId}"]`)
    await popup.waitFor({ timeout: 20_000 })
    t.notMatch(await popup.textContent(), /Новый абонент/, 'not «Новый абонент»')
    t.match(await popup.getByTestId('popup-calls').textContent(), new RegExp(`Звонил\\(а\\) [34] раза, последний раз ${DATE.source}`), 'how many calls, and when last')

    const talking = { ...ringing, state: 'talking' as const, answeredAt: new Date(), answeredBy: '101' }
    await calls.save(talking, new Date())
    await server.push.publishCall({ type: 'call.answered', call: talking, callId: stored.id, answeredBy: { userId: server.users.specialist.id, fullName: 'Иванова Анна Сергеевна', extension: '101' } })
    await popup.getByTestId('open-draft').waitFor({ timeout: 20_000 })
    await p.locator('body').press('Enter')
    await p.getByTestId('call-line').waitFor()
    t.match(await p.getByTestId('call-line').textContent(), /идёт разговор$/, 'mid-call the line says the talk goes on (no trailing «·»)')
    const ended = { ...talking, state: 'ended' as const, endedAt: new Date(talking.answeredAt.getTime() + 95_000), outcome: 'answered' as const }
    await calls.save(ended, new Date())
    await server.push.publishCall({ type: 'call.ended', call: ended, callId: stored.id, entry: { id: draft.id } })
    await until('the call line refreshed', async () => /Принят · 1:35$/.test(await p.getByTestId('call-line').textContent() ?? ''), 10_000)
    t.pass('when the call ends the line says so, with the talk\'s length')
    t.notMatch(await p.getByTestId('call-line').textContent(), /·\s*$/, 'never a trailing «·»')
    t.same(errors, [], 'no errors in the page')
  })
}
