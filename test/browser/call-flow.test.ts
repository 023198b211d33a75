// Issue 10 as two specialists meet it in real Chromium: the recorded PBX session of two calls at
// once (the simulator → the AMI client → the pipeline → /ws) on two screens. Each specialist's
// popup and Enter open only the call their own extension answered; the colleague's call shows who
// took it and leaves; each known caller's draft arrives filled with the cursor in «Тип запроса»;
// each registers their own in a few keys (counted) without touching the other's, and no popup
// outlives its call. Then a call nobody answers: Enter opens nothing, the call goes to the callback
// list (not the drafts) and is marked called back; an answered call left unregistered collapses into
// «Незарегистрированные звонки (N)» and is dismissed with a reason.
import t from 'tap'
import type { Page } from 'playwright-core'
import { usersRepository } from '../../src/db/users.repository.js'
import { organizationsRepository } from '../../src/db/organizations.repository.js'
import { callsRepository } from '../../src/db/calls.repository.js'
import { hashPassword } from '../../src/auth/passwords.js'
import { AmiSimulator } from '../../src/ami/simulator.js'
import { TEST_PASSWORD } from '../helpers/app.js'
import { memoryLogger } from '../helpers/ami.js'
import { CHROMIUM, NO_CHROMIUM, launchBrowser, login, newContext, pageErrors, screenshot, startServer, until } from '../helpers/browser.js'

const popupOf = (page: Page, linkedId: string) => page.locator(`[data-testid="call-popup"][data-call-id="${linkedId}"]`)
const A_CALL = '1795866796.17' // +79123456789, answered by 101 (Иванова)
const B_CALL = '1795866796.20' // +79220001122, answered by 102 (Смирнова)

/** Presses keys one by one, counting them: what a specialist's hands do. */
function keyboard (page: Page) {
  let count = 0
  return {
    press: async (key: string) => { count++; await page.keyboard.press(key) },
    /** a text typed is one step, however long */
    type: async (text: string) => { count++; await page.keyboard.type(text) },
    get count () { return count }
  }
}

if (CHROMIUM === undefined) {
  console.log(`# ${NO_CHROMIUM}`)
  t.plan(0, NO_CHROMIUM)
} else {
  const sim = await AmiSimulator.start({ loginFailDelayMs: 50 })
  t.teardown(async () => { await sim.close() })
  const server = await startServer(t, { env: { AMI_URL: sim.url() }, telephony: { log: memoryLogger(), client: { minBackoffMs: 20, maxBackoffMs: 200 } } })
  const smirnova = await usersRepository(server.db).create({ username: 'smirnova', fullName: 'Смирнова Елена Викторовна', passwordHash: await hashPassword(TEST_PASSWORD), role: 'specialist', extension: '102' })
  const ivanova = server.users.specialist
  const browser = await launchBrowser(t)
  const calls = callsRepository(server.db)

  // the directory knows A's caller; B's caller is known from a request registered and closed before
  const orgs = organizationsRepository(server.db)
  const school = await orgs.create({ name: 'МАОУ СОШ № 5 г. Тюмени', kind: 'educational' })
  await orgs.createContact({ fullName: 'Кузнецова Ольга Петровна', position: 'заместитель директора', phones: ['+7 912 345-67-89'], emails: ['kuznetsova@school5.ru'], organizationId: school.id })
  const journal = server.service.app
  const head = await server.as('head')
  const post = async (url: string, payload: object) => {
    const res = await journal.inject({ method: 'POST', url, headers: head, payload })
    if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`)
    return res.json() as { id: number, numberLabel: string }
  }
  const before = await post('/api/entries', { channel: 'phone', callerNumber: '8 922 000-11-22', type: 'support', module: 'talents', description: 'Не выгружается список одарённых детей', organizationName: 'МАОУ ДО ЦДТ г. Тюмени', contactText: 'Петров Иван Сергеевич, директор' })
  const earlier = await post(`/api/entries/${before.id}/register`, {})
  await post(`/api/entries/${before.id}/status`, { status: 'resolved', comment: 'Выгрузка восстановлена' })
  await post(`/api/entries/${before.id}/status`, { status: 'closed' })

  const pages = async () => {
    const a = await (await newContext(browser, server.url)).newPage()
    const b = await (await newContext(browser, server.url)).newPage()
    await login(a, 'ivanova')
    await login(b, 'smirnova')
    for (const p of [a, b]) await p.locator('[data-testid="pbx-status"][data-state="connected"]').waitFor({ timeout: 20_000 })
    return { a, b }
  }

  t.test('call flow: two calls at once, two specialists; each registers their own in a few keys', async (t) => {
    const { a, b } = await pages()
    const errors = [...pageErrors(a), ...pageErrors(b)]
    const playing = sim.play('two-concurrent-calls', { speed: 1 })
    for (const p of [a, b]) await Promise.all([popupOf(p, A_CALL).waitFor({ timeout: 20_000 }), popupOf(p, B_CALL).waitFor({ timeout: 20_000 })])
    t.pass('both calls pop up on both screens')
    // while a call only rings, nobody's Enter opens it: the draft is for who answers
    const ringing = a.locator('[data-testid="call-popup"][data-state="ringing"]')
    if (await ringing.count() > 0) {
      t.equal(await ringing.getByTestId('open-draft').count(), 0, 'a ringing popup offers no draft')
      await a.locator('body').press('Enter')
      t.notMatch(a.url(), /\/entries\//, 'and Enter on a ringing call opens nothing')
    }

    // each keeps their own call; the colleague's shows who took it and leaves
    await popupOf(a, A_CALL).and(a.locator('[data-mine="yes"]')).waitFor({ timeout: 20_000 })
    await popupOf(b, B_CALL).and(b.locator('[data-mine="yes"]')).waitFor({ timeout: 20_000 })
    t.pass('each specialist\'s popup of the call their extension answered says it is theirs')
    await popupOf(a, B_CALL).getByTestId('taken').waitFor({ timeout: 20_000 })
    t.match(await popupOf(a, B_CALL).getByTestId('taken').textContent(), /Смирнова Елена Викторовна/, 'A sees B took the other call')
    t.equal(await popupOf(a, B_CALL).getByTestId('open-draft').count(), 0, 'and cannot open its draft from the popup')
    await screenshot(a, 'flow-two-calls')
    await popupOf(a, B_CALL).waitFor({ state: 'detached', timeout: 10_000 })
    t.pass('the colleague\'s call leaves after a few seconds')

    const draftOf = async (linkedId: string) => (await calls.byLinkedId(linkedId))!.entryId!
    const [draftA, draftB] = [await draftOf(A_CALL), await draftOf(B_CALL)]

    const register = async (p: Page, draft: number, description: string) => {
      const keys = keyboard(p)
      await keys.press('Enter')
      await p.getByTestId('entry-title').getByText('Черновик записи').waitFor()
      t.match(p.url(), new RegExp(`/entries/${draft}$`), 'Enter opened the specialist\'s own call\'s draft')
      await p.locator('[data-testid="entry-type"]:focus').waitFor({ timeout: 5000 })
      t.pass('the cursor is in «Тип запроса»')
      await keys.press('ArrowDown') // Поддержка
      await keys.press('Tab')
      await keys.press('ArrowDown') // Навигатор дополнительного образования
      await keys.press('Tab')
      await keys.type(description)
      await keys.press('Control+Enter')
      await p.getByTestId('entry-title').getByText(/Запись № \d{4}-\d+$/).waitFor({ timeout: 10_000 })
      return keys.count
    }

    // both at the same time: A's caller is in the directory, B's called before
    const [aKeys, bKeys] = await Promise.all([register(a, draftA, 'Не отображается расписание кружка'), register(b, draftB, 'Как добавить программу в каталог')])
    t.ok(aKeys <= 7 && bKeys <= 7, `from ring to registered: ${aKeys} and ${bKeys} steps (Enter, type, Tab, module, Tab, the description typed, Ctrl+Enter)`)

    const get = async (id: number) => (await journal.inject({ method: 'GET', url: `/api/entries/${id}`, headers: head })).json() as Record<string, unknown>
    const [ea, eb] = [await get(draftA), await get(draftB)]
    t.match(ea, { registeredBy: ivanova.id, assignedTo: ivanova.id, organizationName: 'МАОУ СОШ № 5 г. Тюмени', callerNumber: '79123456789', type: 'support', module: 'navigator' }, 'A\'s entry: hers, with the directory\'s organization')
    t.match(ea.contactText, /^Кузнецова Ольга Петровна, заместитель директора, kuznetsova@school5\.ru$/, 'the contact from the directory, without the number calling')
    t.match(eb, { registeredBy: smirnova.id, assignedTo: smirnova.id, organizationName: 'МАОУ ДО ЦДТ г. Тюмени', contactText: 'Петров Иван Сергеевич, директор', callerNumber: '79220001122' }, 'B\'s entry: hers, filled from the caller\'s last registered entry')
    t.match(await b.getByTestId('earlier-requests').textContent(), new RegExp(`${earlier.numberLabel}.*Закрыт`), 'B\'s entry lists the caller\'s earlier closed request')
    t.match(await a.getByTestId('entry-phone').inputValue(), /79123456789/, 'the number is in the phone field')

    await playing
    for (const p of [a, b]) {
      await until('the popups gone', async () => await p.locator('[data-testid="call-popup"]').count() === 0, 10_000)
      await until('nothing left in the tray', async () => await p.getByTestId('tray-drafts').count() === 0, 10_000)
    }
    t.pass('no popup outlives its call, and nothing is left unregistered')
    await screenshot(a, 'flow-registered')
    t.same(errors, [], 'no errors in the pages')
  })

  t.test('call flow: a call nobody answers is a callback, not a draft; an answered call left unregistered waits in one quiet item', async (t) => {
    const { a } = await pages()
    const errors = pageErrors(a)
    const abandoned = sim.play('abandoned-ringing', { speed: 1 })
    await popupOf(a, '1795866740.6').waitFor({ timeout: 20_000 })
    await a.locator('body').press('Enter')
    t.notMatch(a.url(), /\/entries\//, 'Enter never opens the draft of a call nobody answered')
    await abandoned
    await popupOf(a, '1795866740.6').waitFor({ state: 'detached', timeout: 20_000 })
    t.pass('its popup leaves with the call')
    await a.getByTestId('tray-missed').waitFor({ timeout: 10_000 })
    t.match(await a.getByTestId('tray-missed').textContent(), /Перезвонить \(1\)/, 'the quiet item: one call to call back')
    await a.getByTestId('tray-missed').click()
    const rows = a.getByTestId('calls-table').locator('tbody tr[data-call-id]')
    await until('the callback list', async () => await rows.count() === 1 && /Абонент не дождался/.test(await rows.first().textContent() ?? ''), 10_000)
    t.pass('the callback list has it')
    await rows.first().getByTestId('mark-called-back').click()
    await until('it leaves the callback list', async () => await rows.count() === 0, 10_000)
    await a.getByTestId('show-called-back').check()
    await until('the settled ones', async () => await rows.count() === 1, 10_000)
    t.match(await rows.first().getByTestId('called-back').textContent(), /Перезвонили \d\d\.\d\d\.\d{4}.*Иванова Анна Сергеевна \(отмечено вручную\)/, 'marked called back by hand, with who and when')
    await until('the tray empty', async () => await a.getByTestId('tray-missed').count() === 0, 10_000)

    await a.goto('/journal?drafts=1')
    await a.getByTestId('journal-table').waitFor()
    await until('the drafts list', async () => /Записей не найдено/.test(await a.getByTestId('journal-table').textContent() ?? ''), 10_000)
    t.pass('the missed call did not pile up as a draft')

    // an answered call, its draft never opened: it collapses into «Незарегистрированные звонки (1)»
    const answered = sim.play('answered', { speed: 2 })
    await popupOf(a, '1795866724.0').and(a.locator('[data-mine="yes"]')).waitFor({ timeout: 20_000 })
    await answered
    await popupOf(a, '1795866724.0').waitFor({ state: 'detached', timeout: 20_000 })
    await a.getByTestId('tray-drafts').waitFor({ timeout: 10_000 })
    t.match(await a.getByTestId('tray-drafts').textContent(), /Незарегистрированные звонки \(1\)/, 'the ended call leaves its popup for one quiet item')
    t.equal(await a.locator('[data-testid="call-popup"]').count(), 0, 'no popup covers the page')
    await a.getByTestId('tray-drafts').click()
    await a.getByTestId('tray-list').getByRole('link', { name: /Все мои черновики/ }).click()
    await a.locator('[data-testid="filter-mine"]:checked').waitFor()
    const draftRows = a.getByTestId('journal-table').locator('tbody tr[data-entry-id]')
    await until('my drafts', async () => await draftRows.count() === 1, 10_000)
    t.pass('the list of them: «Мои» drafts in the journal')
    await a.getByTestId('pick-all').check()
    await a.getByTestId('dismiss-drafts').click()
    await a.getByTestId('dismiss-dialog').locator('textarea[name="reason"]').fill('Звонок по ошибке')
    await a.getByTestId('dismiss-dialog').getByRole('button', { name: 'Отклонить' }).click()
    await a.getByTestId('journal-notice').getByText('Отклонено черновиков: 1').waitFor()
    await until('the drafts gone', async () => await draftRows.count() === 0, 10_000)
    await until('the tray empty', async () => await a.getByTestId('call-tray').count() === 0, 10_000)
    t.pass('dismissed with a reason: the list and the tray are empty')
    t.same(errors, [], 'no errors in the page')
  })
}
