// The UI in a real Chromium: served at /, log-in and log-out, the SPA's routes survive a reload,
// the PBX state is shown, the head's pages are there for the head only.
import t from 'tap'
import { CHROMIUM, NO_CHROMIUM, launchBrowser, login, newContext, pageErrors, screenshot, startServer } from '../helpers/browser.js'

if (CHROMIUM === undefined) {
  console.log(`# ${NO_CHROMIUM}`)
  t.plan(0, NO_CHROMIUM)
} else {
  // one server and one browser for the file; each test gets fresh browser contexts (own cookies)
  const server = await startServer(t)
  const browser = await launchBrowser(t)

  t.test('web UI: log in, see the journal and the PBX state, log out', async (t) => {
    const ctx = await newContext(browser, server.url)
    const page = await ctx.newPage()
    const errors = pageErrors(page)

    await page.goto('/')
    await page.getByRole('heading', { name: 'Журнал специалиста' }).waitFor()
    await screenshot(page, 'login')

    await page.getByLabel('Имя пользователя').fill('ivanova')
    await page.getByLabel('Пароль').fill('wrong-password')
    await page.getByRole('button', { name: 'Войти' }).click()
    t.match(await page.getByTestId('login-error').textContent(), /Неверное имя пользователя или пароль/, 'a wrong password is refused in Russian')

    await login(page, 'ivanova')
    t.match(await page.getByTestId('me').textContent(), /Иванова Анна Сергеевна/, 'the specialist is named in the header')
    t.equal(await page.getByTestId('pbx-status').getAttribute('data-state'), 'disabled', 'no AMI_URL: the PBX is shown as not configured')
    t.match(await page.getByTestId('pbx-status').textContent(), /АТС не настроена/, 'in Russian')
    t.equal(await page.getByTestId('mail-status').getAttribute('data-state'), 'disabled', 'no IMAP_URL: the mailbox is shown as not configured')
    t.match(await page.getByTestId('mail-status').textContent(), /Почта не настроена/, 'in Russian')
    t.notOk(await page.getByRole('link', { name: 'Пользователи' }).isVisible(), 'a specialist has no users page')
    await screenshot(page, 'journal-empty')

    await page.goto('/calls')
    await page.getByRole('heading', { name: 'Звонки' }).waitFor()
    t.ok(await page.getByTestId('me').isVisible(), 'a reload of an app route keeps the session and shows the page')

    const api404 = await page.request.get('/api/nothing-here')
    t.equal(api404.status(), 404, 'an unknown API path is still a JSON 404, not the app')
    t.equal((await page.request.get('/vendor/preact.js')).status(), 200, 'Preact is served by the service, no CDN')

    await page.getByTestId('logout').click()
    await page.getByLabel('Имя пользователя').waitFor()
    const me = await page.request.get('/api/auth/me')
    t.equal(me.status(), 401, 'after log-out the session is gone')
    t.same(errors, [], 'no errors in the page')
  })

  t.test('web UI: the head sees users and extensions and the calendar', async (t) => {
    const ctx = await newContext(browser, server.url)
    const page = await ctx.newPage()
    const errors = pageErrors(page)
    await login(page, 'petrov')
    await page.getByRole('link', { name: 'Пользователи' }).click()
    await page.getByTestId('users-table').getByText('Иванова Анна Сергеевна').waitFor()
    const ext = page.getByTestId('users-table').locator('tr', { hasText: 'Иванова Анна Сергеевна' }).locator('input.ext')
    t.equal(await ext.inputValue(), '101', 'the specialist\'s extension is shown')
    t.ok(await ext.isEditable(), 'and can be edited')
    await screenshot(page, 'users')

    await page.getByRole('button', { name: '+ Добавить пользователя' }).click()
    await page.getByLabel('Имя для входа (латиница)').fill('smirnova')
    await page.getByLabel('ФИО').fill('Смирнова Елена Викторовна')
    await page.getByLabel('Внутренний номер').fill('102')
    await page.getByLabel('Пароль (не короче 8 символов)').fill('long-enough-pass')
    await page.getByRole('button', { name: 'Создать' }).click()
    await page.getByTestId('users-table').getByText('Смирнова Елена Викторовна').waitFor()
    t.pass('the head created a specialist with extension 102')

    await page.getByRole('link', { name: 'Календарь' }).click()
    const year = Number(await page.getByTestId('calendar-year').textContent())
    await page.locator('.months .day').first().waitFor()
    await screenshot(page, 'calendar')
    // a working Wednesday of next March becomes a holiday, and back
    const wed = await page.evaluate((y) => { const d = new Date(Date.UTC(y + 1, 2, 1)); while (d.getUTCDay() !== 3) d.setUTCDate(d.getUTCDate() + 1); d.setUTCDate(d.getUTCDate() + 7); return d.toISOString().slice(0, 10) }, year)
    await page.getByRole('button', { name: `${year + 1} →` }).click()
    await page.getByTestId('calendar-year').getByText(String(year + 1)).waitFor()
    const day = page.locator(`.months .day[data-date="${wed}"]`)
    t.match(await day.getAttribute('class'), /working/, `${wed} is a working day`)
    await day.click()
    await page.getByTestId('day-kind').selectOption('holiday')
    await page.getByTestId('day-dialog').getByRole('button', { name: 'Сохранить' }).click()
    await page.locator(`.months .day.holiday.manual[data-date="${wed}"]`).waitFor()
    t.pass('the head made it a holiday; it is marked as changed by the head')
    const api = await page.request.get(`/api/calendar?year=${year + 1}`)
    t.equal((await api.json() as { days: Array<{ date: string, working: boolean }> }).days.find((d) => d.date === wed)?.working, false, 'the service has it as non-working')

    // the Thursday after it becomes a shortened day without typing hours: one hour shorter
    const thu = new Date(Date.parse(`${wed}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10)
    await page.locator(`.months .day[data-date="${thu}"]`).click()
    await page.getByTestId('day-kind').selectOption('shortened')
    await page.getByTestId('day-dialog').getByRole('button', { name: 'Сохранить' }).click()
    await page.locator(`.months .day.manual[data-date="${thu}"]`).waitFor()
    const days = (await (await page.request.get(`/api/calendar?year=${year + 1}`)).json() as { days: Array<{ date: string, shortened: boolean, hours: { from: string, to: string } | null }> }).days
    t.match(days.find((d) => d.date === thu), { shortened: true, hours: { from: '09:00', to: '16:00' } }, 'shortened to 16:00 by the rule, not saved with the usual hours')

    // a year with no decree entered is flagged unconfirmed
    for (let y = year + 1; y <= year + 3; y++) {
      const info = await (await page.request.get(`/api/calendar?year=${y}`)).json() as { confirmed: boolean }
      if (info.confirmed) continue
      while (Number(await page.getByTestId('calendar-year').textContent()) < y) await page.getByRole('button', { name: /→$/ }).click()
      await page.getByTestId('calendar-year').getByText(String(y)).waitFor()
      await page.getByTestId('calendar-unconfirmed').waitFor()
      t.match(await page.getByTestId('calendar-unconfirmed').textContent(), new RegExp(`Календарь ${y} года не подтверждён`), `${y} is flagged unconfirmed`)
      await screenshot(page, 'calendar-unconfirmed')
      break
    }

    t.same(errors, [], 'no errors in the page')
  })

  t.test('web UI: the auditor reads the journal and writes nothing', async (t) => {
    const page = await (await newContext(browser, server.url)).newPage()
    const errors = pageErrors(page)
    await login(page, 'sidorova')
    await page.getByTestId('journal-table').waitFor()
    t.equal(await page.getByRole('button', { name: '+ Новая запись' }).count(), 0, 'no new-entry button')
    t.equal(await page.getByRole('link', { name: 'Пользователи' }).count(), 0, 'no users page')
    t.same(errors, [], 'no errors in the page')
  })
}
