// The office widths in a real Chromium: the log-in screen and its error state checked like every
// screen (screens-*.test.ts walk the rest), the journal's ten regulation columns and «Срок» inside
// 1366 and 1024 px with nothing cut, all of them on an A4 landscape print, and «Модуль системы»
// inside its card.
import t from 'tap'
import { CHROMIUM, NO_CHROMIUM, launchBrowser, login, newContext, pageErrors, screenshot, startServer } from '../helpers/browser.js'
import { HAS_POPPLER, pdfText } from '../helpers/pdf.js'
import { WIDTHS, audit, check, seed } from '../helpers/screens.js'

if (CHROMIUM === undefined) {
  console.log(`# ${NO_CHROMIUM}`)
  t.plan(0, NO_CHROMIUM)
} else {
  const server = await startServer(t)
  const browser = await launchBrowser(t)
  const s = await seed(server)

  t.test('the log-in screen and its error state, at both widths', async (t) => {
    const page = await (await newContext(browser, server.url)).newPage()
    const errors = pageErrors(page)
    await page.goto('/')
    await page.getByLabel('Имя пользователя').waitFor()
    check(t, 'nobody', 'login', await audit(page, 'login'))
    await page.getByLabel('Имя пользователя').fill('ivanova')
    await page.getByLabel('Пароль').fill('wrong-password-1')
    await page.getByRole('button', { name: 'Войти' }).click()
    await page.getByTestId('login-error').waitFor()
    t.equal(await page.getByTestId('login-error').textContent(), 'Неверное имя пользователя или пароль', 'the refusal in Russian')
    check(t, 'nobody', 'login-refused', await audit(page, 'login-refused'))
    t.same(errors.filter((e) => !/ 401 /.test(e)), [], 'no errors in the page')
  })

  t.test('the journal at 1366 and 1024: ten regulation columns and «Срок» on screen, and all of them on an A4 landscape print', async (t) => {
    const page = await (await newContext(browser, server.url)).newPage()
    await login(page, 'ivanova')
    await page.goto('/journal')
    await page.getByTestId('journal-table').locator('tbody tr[data-entry-id]').first().waitFor()
    const columns = async () => await page.getByTestId('journal-table').locator('thead th').evaluateAll((ths) => ths.map((th) => {
      const r = th.getBoundingClientRect()
      return { text: (th.textContent ?? '').replace(/\u00ad/g, '').replace(/[▲▼]/g, '').trim(), left: r.left, right: r.right }
    }))
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 768 })
      const cols = await columns()
      t.same(cols.map((c) => c.text), ['Дата', '№ п/п', 'Тип запроса', 'Описание запроса', 'Наименование организации', 'ФИО, контактная информация', 'Дополнительная информация', 'Статус решения запроса', 'Дата решения запроса', 'Примечание', 'Срок'], `${width}: the regulation's columns and «Срок», in order`)
      const last = cols.at(-1)!
      t.ok(last.right <= width, `${width}: «Срок» ends at ${Math.round(last.right)} px, inside the window`)
      // no cell's text runs out of its column (a date, a number, a status is never cut)
      const cut = await page.getByTestId('journal-table').locator('tbody td, thead th').evaluateAll((cells) => cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => (c.textContent ?? '').slice(0, 30)))
      t.same(cut, [], `${width}: no cell's content is wider than its column`)
      // the dates stay whole: «02.12.2026» is on one line, never broken inside
      const broken = await page.evaluate(`[...document.querySelectorAll('[data-testid=journal-table] tbody tr[data-entry-id] td:first-child')].filter((td) => {
        const range = document.createRange(); range.selectNodeContents(td)
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1 && !/\\d \\d/.test(td.textContent)
      }).map((td) => td.textContent)`) as string[]
      t.same(broken, [], `${width}: every registration date on one line`)
      await screenshot(page, `journal-width-${width}`)
    }
    // print: A4 landscape is 297 mm − 2 × 10 mm margins = 277 mm ≈ 1047 CSS px
    await page.emulateMedia({ media: 'print' })
    await page.setViewportSize({ width: 1047, height: 740 })
    const printed = await columns()
    t.equal(printed.length, 11, 'every column printed')
    t.ok(printed.at(-1)!.right <= 1047, `the last column ends at ${Math.round(printed.at(-1)!.right)} px of 1047`)
    t.equal(await page.locator('header.top').isVisible(), false, 'the header is not printed')
    if (HAS_POPPLER) {
      const pdf = await page.pdf({ format: 'A4', landscape: true, preferCSSPageSize: true })
      const text = pdfText(pdf)
      t.match(text, /Срок/, 'the PDF of the page has «Срок»')
      t.match(text, /Повторное обращение/, 'and the note of an entry (the right-hand columns are not cut)')
    }
    await page.emulateMedia({ media: 'screen' })
  })

  t.test('the entry form at 1024: «Модуль системы» stays in its card', async (t) => {
    const page = await (await newContext(browser, server.url)).newPage()
    await login(page, 'ivanova')
    await page.setViewportSize({ width: 1024, height: 768 })
    await page.goto(`/entries/${s.registered}`)
    await page.getByTestId('entry-module').waitFor()
    const [select, card] = await Promise.all([page.getByTestId('entry-module').boundingBox(), page.locator('form.fields').boundingBox()])
    t.ok(select !== null && card !== null && select.x + select.width <= card.x + card.width, `the select ends at ${Math.round((select?.x ?? 0) + (select?.width ?? 0))} px, its card at ${Math.round((card?.x ?? 0) + (card?.width ?? 0))} px`)
  })
}
