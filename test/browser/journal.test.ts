// The journal in a real Chromium: a new entry completed and registered through the form (organization
// from the directory by autocomplete), the status rules enforced with the server's refusal shown,
// found again by Russian full-text search, overdue entries highlighted and filtered, the history kept.
import t from 'tap'
import { sql } from 'kysely'
import type { Page } from 'playwright-core'
import { CHROMIUM, NO_CHROMIUM, launchBrowser, login, newContext, pageErrors, screenshot, startServer, until } from '../helpers/browser.js'

async function apiPost (page: Page, url: string, body: unknown): Promise<{ status: number, json: Record<string, unknown> }> {
  const csrf = (await page.context().cookies()).find((c) => c.name === 'csrf')?.value ?? ''
  const res = await page.request.post(url, { data: body, headers: { 'x-csrf-token': csrf } })
  return { status: res.status(), json: await res.json() as Record<string, unknown> }
}

if (CHROMIUM === undefined) {
  console.log(`# ${NO_CHROMIUM}`)
  t.plan(0, NO_CHROMIUM)
} else {
  t.test('journal: complete and register an entry, change its status, find it, see overdue ones', async (t) => {
    let shiftMs = 0 // the server's clock, moved back to register an entry that is overdue today
    const server = await startServer(t, { clock: () => new Date(Date.now() + shiftMs) })
    const browser = await launchBrowser(t)
    const page = await (await newContext(browser, server.url)).newPage()
    const errors = pageErrors(page)
    await login(page, 'ivanova')
    const org = await apiPost(page, '/api/organizations', { name: 'МАОУ СОШ № 5 г. Тюмени', kind: 'educational' })
    t.equal(org.status, 201, 'an organization in the directory')

    // an old request, registered 30 days ago and still «В работе»: overdue now
    shiftMs = -30 * 86400_000
    const old = await apiPost(page, '/api/entries', { channel: 'email', type: 'support', module: 'navigator', description: 'Не приходит письмо для восстановления пароля', organizationName: 'МАУ ДО ЦДТ «Радуга»', contactText: 'Петрова Н. В.', callerEmail: 'school@example.ru' })
    t.equal((await apiPost(page, `/api/entries/${String(old.json.id)}/register`, {})).status, 200, 'an entry registered a month ago')
    shiftMs = 0

    // a new entry through the form
    await page.getByRole('button', { name: '+ Новая запись' }).click()
    // the channel is asked, never assumed
    const ask = page.getByTestId('new-entry-dialog')
    t.equal(await ask.getByRole('radio', { checked: true }).count(), 0, 'no channel is chosen for the specialist')
    await ask.getByRole('button', { name: 'Создать черновик' }).click()
    t.equal(await page.getByTestId('entry-title').count(), 0, 'without a channel no draft is made')
    await ask.getByLabel('Электронная почта').check()
    await ask.getByRole('button', { name: 'Создать черновик' }).click()
    await page.getByTestId('entry-title').getByText('Черновик записи').waitFor()
    t.ok(await page.getByTestId('entry-type').evaluate((el) => el === el.ownerDocument.activeElement), 'the cursor is in «Тип запроса»')
    await page.getByTestId('entry-type').selectOption('error')
    await page.getByTestId('entry-module').selectOption('navigator')
    await page.getByTestId('entry-description').fill('Не отображается расписание занятий в Навигаторе после обновления')
    await page.getByTestId('entry-organization').fill('СОШ № 5')
    await page.getByRole('option', { name: /МАОУ СОШ № 5 г\. Тюмени/ }).click()
    t.equal(await page.getByTestId('entry-organization').inputValue(), 'МАОУ СОШ № 5 г. Тюмени', 'the organization picked from the autocomplete')
    await page.getByTestId('entry-contact').fill('Кузнецова Ольга Петровна, заместитель директора')
    await page.getByTestId('entry-phone').fill('+79123456789')
    await screenshot(page, 'entry-draft')
    await page.getByTestId('register').click()
    await page.getByTestId('entry-title').getByText(/Запись № \d{4}-\d+$/).waitFor()
    t.equal(await page.getByTestId('entry-status').textContent(), 'В работе', 'a registered request starts «В работе»')
    t.match(await page.getByTestId('entry-due').textContent(), /Срок: \d\d\.\d\d\.\d{4} \d\d:\d\d/, 'with its due date')

    // «Передано разработчику» needs the agreement first (reg. 3.5): the server refuses, the form says why
    await page.getByTestId('to-to_developer').click()
    await page.getByTestId('status-dialog').getByRole('button', { name: 'Передать разработчику' }).click()
    const refusal = page.getByTestId('status-dialog').getByRole('alert')
    await refusal.waitFor()
    t.match(await refusal.textContent(), /согласование/i, `the refusal is shown: ${await refusal.textContent()}`)
    await page.getByTestId('status-dialog').getByRole('button', { name: 'Отмена' }).click()

    await page.getByRole('button', { name: 'Записать согласование' }).click()
    await page.getByTestId('agreement-dialog').getByLabel('Решение').selectOption('agreed')
    await page.getByTestId('agreement-dialog').getByLabel('Кто согласовал').fill('Департамент, Соколов И. И.')
    await page.getByTestId('agreement-dialog').getByRole('button', { name: 'Сохранить' }).click()
    await page.getByTestId('agreement').getByText('Согласовано').waitFor()
    await page.getByTestId('to-to_developer').click()
    await page.getByTestId('status-dialog').getByRole('button', { name: 'Передать разработчику' }).click()
    await page.getByTestId('entry-status').getByText('Передано разработчику').waitFor()
    t.pass('agreed, then handed to the developer')

    // «Решен» needs the resolution comment (reg. 3.4.1)
    await page.getByTestId('to-resolved').click()
    await page.getByTestId('status-dialog').getByRole('button', { name: 'Решен' }).click()
    await page.getByTestId('status-dialog').getByRole('alert').waitFor()
    t.match(await page.getByTestId('status-dialog').getByRole('alert').textContent(), /комментарий о решении/, 'no resolution comment: refused with the reason')
    await page.getByTestId('resolution').fill('Ошибка исправлена разработчиком, расписание отображается')
    await page.getByTestId('status-dialog').getByRole('button', { name: 'Решен' }).click()
    await page.getByTestId('entry-status').getByText('Решен').waitFor()
    await page.locator('details.history summary').click()
    const lines = await page.getByTestId('history').locator(':scope > li .what').allTextContents()
    t.ok(lines.includes('Статус: Передано разработчику → Решен, комментарий: Ошибка исправлена разработчиком, расписание отображается'), `one line per action, in Russian: ${lines.join(' | ')}`)
    t.ok(lines.some((l) => /^Зарегистрирована как № \d{4}-\d+, срок — до \d\d\.\d\d\.\d{4} \d\d:\d\d$/.test(l)), 'the registration with its number and deadline')
    t.match(await page.getByTestId('status-comments').textContent(), /комментарий: Ошибка исправлена разработчиком/, 'the status comment is in the entry, not only in the history')
    await screenshot(page, 'entry-resolved')
    await page.locator('details.history').scrollIntoViewIfNeeded()
    await screenshot(page, 'entry-history')

    // the journal: Russian full-text search («навигатор» finds «Навигаторе»)
    await page.getByRole('link', { name: '← Журнал' }).click()
    await page.getByTestId('journal-search').fill('навигатор')
    await page.getByRole('button', { name: 'Найти' }).click()
    await page.waitForURL(/q=/)
    const rows = page.getByTestId('journal-table').locator('tbody tr[data-entry-id]')
    await rows.first().waitFor()
    // the unfiltered list stays on screen until the search answers: wait for the answer, not a moment
    await until('the search result', async () => (await rows.count()) <= 1, 20_000).catch(() => {})
    t.equal(await rows.count(), 1, 'one entry found')
    const cells = await rows.first().locator('td').allTextContents()
    t.match(cells[2], /Ошибка/, 'Тип запроса')
    t.match(cells[3], /Не отображается расписание/, 'Описание запроса')
    t.match(cells[4], /МАОУ СОШ № 5/, 'Наименование организации')
    t.match(cells[5], /Кузнецова Ольга Петровна.*\+7 \(912\) 345-67-89/, 'ФИО, контактная информация')
    t.match(cells[7], /Решен/, 'Статус решения запроса')
    t.match(cells[8], /\d\d\.\d\d\.\d{4}/, 'Дата решения запроса')

    // sorting and filters, kept in the address
    await page.goto('/journal')
    const numbers = async (): Promise<string[]> => await page.getByTestId('journal-table').locator('tbody tr[data-entry-id] td:nth-child(2)').allTextContents()
    const listed = page.getByTestId('journal-table').locator('tbody tr[data-entry-id]')
    await until('two entries listed', async () => await listed.count() === 2)
    // the sortable headers are buttons: reached by Tab, pressed with Enter or Space, aria-sort says the order
    const byNumber = page.getByRole('button', { name: /№ п\/п/ })
    await byNumber.focus()
    await page.keyboard.press('Enter')
    await page.waitForURL(/sort=number&order=desc/)
    t.equal(await page.getByRole('columnheader', { name: /№ п\/п/ }).getAttribute('aria-sort'), 'descending', 'aria-sort descending')
    await byNumber.focus()
    await page.keyboard.press('Space')
    await page.waitForURL(/sort=number&order=asc/)
    t.equal(await page.getByRole('columnheader', { name: /№ п\/п/ }).getAttribute('aria-sort'), 'ascending', 'aria-sort ascending')
    await until('№ 1 first', async () => (await numbers())[0]?.endsWith('-1') === true)
    t.match((await numbers()).join(' '), /^\d{4}-1 \d{4}-2$/, 'sorted by № ascending')
    await page.getByRole('combobox').filter({ hasText: 'Все типы' }).selectOption('error')
    await page.waitForURL(/type=error/)
    await until('one entry listed', async () => await listed.count() === 1)
    t.match((await numbers()).join(' '), /^\d{4}-2$/, 'the type filter leaves the Ошибка')

    // overdue: highlighted, and the filter shows only those
    await page.goto('/journal')
    await page.locator('tr.overdue').first().waitFor()
    t.match(await page.locator('tr.overdue').first().textContent(), /восстановления пароля/, 'the month-old request is highlighted overdue')
    await screenshot(page, 'journal')
    await page.getByTestId('filter-overdue').check()
    await page.waitForURL(/overdue=1/)
    await until('only the overdue entry', async () => await page.getByTestId('journal-table').locator('tbody tr[data-entry-id]').count() === 1)
    t.pass('the overdue filter leaves only the overdue entry')

    // the deadline extended by a recorded agreement (reg. 3.4.3): no longer overdue
    await page.locator('tr.overdue').first().click()
    await page.getByTestId('entry-due').getByText('просрочен').waitFor()
    const later = (await (await page.request.get('/api/calendar/deadline?days=10')).json() as { due: string }).due.slice(0, 10)
    await page.getByTestId('extend').click()
    await page.getByTestId('extension-dialog').getByLabel('Новый срок (рабочий день)').fill(later)
    await page.getByTestId('extension-dialog').getByLabel('Причина').fill('Нужны сведения от разработчика о сроках исправления')
    await page.getByTestId('extension-dialog').getByLabel('Кто согласовал').fill('Оператор Системы, Иванов П. П.')
    await page.getByTestId('extension-dialog').getByRole('button', { name: 'Продлить' }).click()
    await page.getByTestId('entry-notice').getByText('Срок продлён').waitFor()
    t.notMatch(await page.getByTestId('entry-due').textContent(), /просрочен/, `extended to ${later}: not overdue any more`)

    // annulled with a reason, never deleted
    await page.getByTestId('annul').click()
    await page.getByTestId('annul-dialog').getByLabel(/Причина/).fill('Зарегистрирована повторно по ошибке')
    await page.getByTestId('annul-dialog').getByRole('button', { name: 'Аннулировать' }).click()
    await page.getByText('Аннулирована', { exact: false }).first().waitFor()
    t.match(await page.locator('.banner.bad').textContent(), /Зарегистрирована повторно по ошибке/, 'the annulment and its reason are shown')
    await screenshot(page, 'entry-annulled')
    t.same(errors, [], 'no errors in the page')
  })

  t.test('journal: more than 1 000 entries — «более 1 000 записей», and «Вперёд» while more pages exist', async (t) => {
    const server = await startServer(t)
    await sql`insert into journal_entry (registered_on, year, number, status, type, channel, module, description, resolved_on, created_at, updated_at)
      select date '2026-02-27' - g / 40, 2026, g, 'resolved', 'support', 'email', 'navigator', 'Запрос ' || g, date '2026-02-27', now(), now()
        from generate_series(1, 1020) g`.execute(server.db)
    await sql`insert into entry_number_counter (year, last_number) values (2026, 1020)`.execute(server.db)
    const browser = await launchBrowser(t)
    const page = await (await newContext(browser, server.url)).newPage()
    const errors = pageErrors(page)
    await login(page, 'ivanova')
    const total = page.getByTestId('journal-total')
    const next = page.getByRole('button', { name: 'Вперёд →' })
    await total.getByText('более 1\u00a0000 записей').waitFor()
    t.equal(await page.getByTestId('journal-page').textContent(), 'Стр. 1', 'no page count while the total is capped')
    t.ok(await next.isEnabled(), '«Вперёд» enabled')
    await page.goto('/journal?page=20')
    await page.locator('tr[data-entry-id]').first().waitFor()
    t.equal(await total.textContent(), 'более 1\u00a0000 записей', 'page 20: still more than 1 000 (a non-breaking space between the thousands)')
    t.ok(await next.isEnabled(), 'and more pages after it')
    await next.click()
    await total.getByText('1\u00a0020 записей').waitFor()
    t.equal(await page.getByTestId('journal-page').textContent(), 'Стр. 21 из 21', 'page 21: the exact total and the page count')
    t.equal(await page.locator('tr[data-entry-id]').count(), 20, 'the last 20 entries')
    t.ok(await next.isDisabled(), '«Вперёд» disabled on the last page')
    t.same(errors, [], 'no errors in the page')
  })
}
