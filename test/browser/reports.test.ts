// The statistics screen in real Chromium: the head opens «Отчёты → Статистика» for the seeded
// November and reads the seeded figures, with the charts drawn by the service's own Chart.js
// under the page's own-origin CSP; the journal's PDF link downloads the month.
import t from 'tap'
import { DateTime } from 'luxon'
import { usersRepository } from '../../src/db/users.repository.js'
import { seedCalls, seedMonth } from '../helpers/reports-seed.js'
import { CHROMIUM, NO_CHROMIUM, launchBrowser, login, newContext, pageErrors, screenshot, startServer } from '../helpers/browser.js'

const NOW = new Date('2026-12-01T12:00:00+05:00')

if (CHROMIUM === undefined) {
  console.log(`# ${NO_CHROMIUM}`)
  t.plan(0, NO_CHROMIUM)
} else {
  t.test('statistics screen: the seeded month\'s figures, in Russian, with charts', async (t) => {
    const server = await startServer(t, { clock: () => NOW })
    const smirnov = await usersRepository(server.db).create({ username: 'smirnov', fullName: 'Смирнов Павел Андреевич', passwordHash: 'x', role: 'specialist', extension: '102' })
    const ids = { ivanova: server.users.specialist.id, smirnov: smirnov.id, head: server.users.head.id }
    await seedMonth(server.db, ids)
    await seedCalls(server.db, ids)
    // one of November's three missed calls was called back by hand (issue 10: counted for the head)
    await server.db.updateTable('call').set({ called_back_at: new Date('2026-11-10T17:00:00+05:00'), called_back_by: ids.ivanova, called_back_how: 'by-hand' }).where('outcome', '=', 'busy').execute()

    const browser = await launchBrowser(t)
    const page = await (await newContext(browser, server.url)).newPage()
    const errors = pageErrors(page)
    const csp: string[] = []
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) csp.push(m.text()) })
    await login(page, 'petrov')
    await page.getByRole('link', { name: 'Отчёты' }).click()
    await page.getByRole('link', { name: 'Статистика' }).click()
    await page.getByTestId('stat-from').fill('2026-11-01')
    await page.getByTestId('stat-from').dispatchEvent('change')
    await page.getByTestId('stat-to').fill('2026-11-30')
    await page.getByTestId('stat-to').dispatchEvent('change')
    await page.getByTestId('stat-periods').filter({ hasText: '01.11.2026 — 30.11.2026' }).waitFor()
    t.match(await page.getByTestId('stat-periods').textContent(), /для сравнения 01\.10\.2026 — 31\.10\.2026/, 'compared with October')

    const value = async (id: string) => (await page.getByTestId(`${id}-value`).textContent())?.trim()
    t.equal(await value('stat-requests'), '19', 'requests registered')
    t.match(await page.getByTestId('stat-requests').textContent(), /было 1 \(\+18\)/, 'against October')
    t.equal(await value('stat-ontime'), '11', 'resolved on time')
    t.equal(await value('stat-late'), '2', 'resolved late')
    t.equal(await value('stat-overdue'), '5', 'open and overdue')
    t.equal(await value('stat-resolve-median'), '1', 'median working days to resolve')
    t.equal(await value('stat-annulled'), '1', 'annulled')
    t.equal(await value('stat-calls-received'), '14', 'calls received')
    t.equal(await value('stat-calls-answered'), '6', 'answered')
    t.equal(await value('stat-calls-missed'), '2', 'missed')
    t.equal(await value('stat-calls-abandoned'), '1', 'abandoned')
    t.equal(await value('stat-calls-rejected'), '5', 'rejected')
    t.equal(await value('stat-calls-called-back'), '1 из 3', 'called back: one of the three missed (no answer, busy, gave up)')
    t.equal(await value('stat-calls-callback-pending'), '2', 'still waiting for a callback')
    t.equal(await value('stat-wait'), '12 / 32 с', 'waiting median / p90')
    t.equal(await value('stat-talk'), '160 / 270 с', 'talk median / p90')
    t.match(await page.getByTestId('stat-orgs').textContent(), /МАОУ СОШ № 5 г\. Тюмени9/, 'organizations')
    t.match(await page.getByTestId('stat-reasons').textContent(), /обеденный перерыв1/, 'rejected by reason')
    const rows = await page.getByTestId('stat-specialists').locator('tbody tr').allTextContents()
    t.same(rows, ['Иванова Анна Сергеевна127412.5', 'Смирнов Павел Андреевич7624.3'], 'per specialist')

    for (const id of ['chart-requests-period', 'chart-type', 'chart-status', 'chart-deadline', 'chart-channel', 'chart-module', 'chart-hours', 'chart-weekdays']) {
      const size = await page.getByTestId(id).locator('canvas').evaluate((el) => {
        // runs in the page: a canvas with some painted pixel
        const c = el as unknown as { width: number, height: number, getContext: (k: '2d') => { getImageData: (x: number, y: number, w: number, h: number) => { data: Uint8ClampedArray } } }
        return { w: c.width, h: c.height, drawn: c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v: number) => v !== 0) }
      })
      t.ok(size.w > 100 && size.h > 100 && size.drawn, `${id} is drawn (${size.w}×${size.h})`)
    }
    // the center's schedule (center.json: 09:00–17:00, Fridays to 16:00, lunch 12:30–13:30, Sat/Sun off) behind the bars
    const off = (n: number): string[] => Array.from({ length: n }, () => '-')
    t.equal(await page.getByTestId('chart-hours').getAttribute('data-bands'),
      [...off(9), 'work', 'work', 'work', 'lunch', 'lunch', 'work', 'work', 'work', ...off(7)].join(' '), 'the hour chart shades 9–12 and 14–17 as working, 12–14 as lunch')
    t.equal(await page.getByTestId('chart-hours-note').textContent(),
      'Рабочее время по графику центра: пн, вт, ср, чт 09:00–17:00; пт 09:00–16:00; обед 12:30–13:30. Зелёным выделены рабочие часы, жёлтым — обед.', 'and says so in words')
    t.equal(await page.getByTestId('chart-weekdays').getAttribute('data-bands'), '- - - - - off off', 'the weekday chart marks Saturday and Sunday as days off')
    const shaded = await page.getByTestId('chart-hours').locator('canvas').evaluate((el) => {
      // a pixel low in the 03:00 column (no calls, no band) and in the 10:00 column's band
      const c = el as unknown as { width: number, height: number, getContext: (k: '2d') => { getImageData: (x: number, y: number, w: number, h: number) => { data: Uint8ClampedArray } } }
      const ctx = c.getContext('2d')
      return { night: [...ctx.getImageData(Math.round(c.width * 0.2), 20, 1, 1).data], day: [...ctx.getImageData(Math.round(c.width * 0.47), 20, 1, 1).data] }
    })
    t.not(shaded.day.join(), shaded.night.join(), `the working hours' background differs from the night's (${shaded.day.join()} vs ${shaded.night.join()})`)
    const xlsx = await page.getByTestId('stat-xlsx').getAttribute('href')
    t.equal(xlsx, '/api/reports/statistics?from=2026-11-01&to=2026-11-30&format=xlsx', 'the XLSX export of the same period')
    await screenshot(page, 'reports-statistics')

    await page.getByRole('link', { name: 'Журнал за месяц' }).click()
    await page.getByTestId('journal-pdf').waitFor()
    await page.getByTestId('journal-specialist').locator('option', { hasText: 'Смирнов Павел Андреевич' }).waitFor({ state: 'attached' })
    // the browser's own clock: the month before today in the center's zone
    const last = DateTime.now().setZone('Asia/Yekaterinburg').startOf('month').minus({ months: 1 })
    t.equal(await page.getByTestId('journal-pdf').getAttribute('href'), `/api/reports/journal?year=${last.year}&month=${last.month}&format=pdf`, 'the 5th-of-the-month duty: last month\'s journal')
    await page.getByTestId('journal-month').selectOption('11')
    await page.getByTestId('journal-year').selectOption('2026')
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('journal-pdf').click()])
    t.equal(download.suggestedFilename(), 'journal-2026-11.pdf', 'the PDF downloads')

    // compliance: the figures and tables of the period
    await page.goto('/reports/compliance?from=2026-11-01&to=2026-11-30')
    await page.getByTestId('comp-title').waitFor()
    t.equal(await page.getByTestId('comp-title').textContent(), 'Соблюдение графика работы Ситуационного центра за период 01.11.2026 — 30.11.2026', 'the compliance report')
    t.equal(await page.getByTestId('comp-unanswered-value').textContent(), '3 (перезвонили: 1)', 'unanswered in hours; the busy one marked called back by hand above counts as followed up')
    t.equal(await page.getByTestId('comp-outside-value').textContent(), '5', 'out of hours')
    t.equal(await page.getByTestId('comp-late-res-value').textContent(), '2', 'resolved late')
    t.match(await page.getByTestId('comp-table-1').textContent(), /Всего 5: обеденный перерыв: 1; выходной день: 1; праздничный день: 1; до начала работы: 1; после окончания работы: 1\./, 'by reason')
    t.equal(await page.getByTestId('comp-pdf').getAttribute('href'), '/api/reports/compliance?from=2026-11-01&to=2026-11-30&format=pdf', 'its PDF')

    // the archive: November produced on request twice → two versions listed, the zip for the year
    await page.getByRole('link', { name: 'Архив' }).click()
    await page.getByTestId('archive-year').waitFor()
    await page.getByTestId('archive-year').selectOption('2026')
    await page.getByTestId('archive-table').getByText('За 2026 год в архиве пока нет журналов').waitFor()
    await page.getByTestId('archive-month').selectOption('11')
    await page.getByTestId('archive-produce').click()
    await page.getByTestId('archive-table').locator('tbody tr[data-archive-id]').first().waitFor()
    await page.getByTestId('archive-produce').click()
    await page.getByTestId('archive-table').locator('tbody tr[data-archive-id]').nth(1).waitFor()
    const archived = await page.getByTestId('archive-table').locator('tbody tr').allTextContents()
    t.equal(archived.length, 2, 'two versions')
    t.match(archived[0], /^ноябрь 20262.*Петров Олег Иванович20PDF/, 'the newest first: version 2 by the head, 20 entries')
    t.equal(await page.getByTestId('archive-zip').getAttribute('href'), '/api/reports/archive/year/2026', 'the year\'s folder')
    await screenshot(page, 'reports-archive')
    t.same(csp, [], 'no CSP violation')
    t.same(errors, [], 'no page errors')
  })
}
