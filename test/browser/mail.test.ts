// The e-mail channel in a real Chromium, with a real Dovecot and an SMTP sink: a message arrives,
// its draft pops up, the specialist registers and resolves it, and the reply reaches the sender.
import fs from 'node:fs'
import t from 'tap'
import type { Page } from 'playwright-core'
import { CHROMIUM, NO_CHROMIUM, launchBrowser, login, newContext, pageErrors, screenshot, startServer, until } from '../helpers/browser.js'
import { DOVECOT, NO_DOVECOT, startDovecot } from '../helpers/dovecot.js'
import { startSmtpSink } from '../helpers/smtp-sink.js'
import * as s from '../mail/samples.js'

async function apiPost (page: Page, url: string, body: unknown): Promise<{ status: number, json: Record<string, unknown> }> {
  const csrf = (await page.context().cookies()).find((c) => c.name === 'csrf')?.value ?? ''
  const res = await page.request.post(url, { data: body, headers: { 'x-csrf-token': csrf } })
  return { status: res.status(), json: await res.json() as Record<string, unknown> }
}

const skip = CHROMIUM === undefined ? NO_CHROMIUM : DOVECOT === undefined ? NO_DOVECOT : false

t.test('mail in the browser: the message pops up as a draft, is registered and resolved, and the reply is sent', { skip }, async (t) => {
  const dc = await startDovecot(t)
  const sink = await startSmtpSink(t)
  const server = await startServer(t, {
    env: { IMAP_URL: dc.url(), IMAP_TLS_CA_FILE: dc.caFile, SMTP_URL: sink.url, MAIL_FROM: 'Ситуационный центр <aisedo@pioner72.ru>' },
    mail: { reader: { pollMs: 1000, minBackoffMs: 100, maxBackoffMs: 500 }, sender: { everyMs: 500 } }
  })
  const ch = server.service.mail
  await until('the mailbox connected', async () => ch.status() === 'connected', 15_000)
  const browser = await launchBrowser(t)
  const page = await (await newContext(browser, server.url)).newPage()
  const errors = pageErrors(page)
  await login(page, 'ivanova')
  t.equal(await page.getByTestId('mail-status').getAttribute('data-state'), 'connected', 'the status bar says the mailbox is connected')
  await apiPost(page, '/api/organizations', { name: 'МАОУ СОШ № 5 г. Тюмени', kind: 'educational' })

  await dc.deliver(s.plainRequest({ body: 'Здравствуйте! Не открывается каталог.\nВ поле поиска видно <img src=x onerror="window.__xss=1"> вместо текста.' }), { internalDate: new Date(Date.now() - 60_000) })
  const popup = page.getByTestId('mail-popup')
  await popup.waitFor({ timeout: 20_000 })
  t.match(await popup.textContent(), /Новое письмо.*Петрова Ольга.*Не открывается каталог Навигатора/s, 'the popup: who wrote and the subject')
  await screenshot(page, 'mail-popup')
  await page.getByTestId('open-mail-draft').click()
  await page.getByTestId('entry-title').getByText('Черновик записи').waitFor()
  t.match(await page.getByTestId('entry-description').inputValue(), /^Не открывается каталог Навигатора\n\nЗдравствуйте!/, 'the draft\'s description from the message')
  t.equal(await page.getByTestId('entry-contact').inputValue(), 'Петрова Ольга', 'the contact from the sender')
  const item = page.getByTestId('mail-item').first()
  await item.waitFor()
  t.match(await item.locator('.mail-body').textContent(), /<img src=x onerror="window.__xss=1">/, 'the message shown as text, markup and all')
  t.equal(await item.locator('.mail-body img').count(), 0, 'never rendered as HTML')
  t.equal(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss), undefined, 'nothing in it ran')

  await page.getByTestId('entry-type').selectOption('support')
  await page.getByTestId('entry-module').selectOption('navigator')
  await page.getByTestId('entry-organization').fill('СОШ № 5')
  await page.getByRole('option', { name: /МАОУ СОШ № 5 г\. Тюмени/ }).click()
  await page.getByTestId('register').click()
  await page.getByTestId('entry-title').getByText(/Запись № \d{4}-\d+$/).waitFor()
  const number = (await page.getByTestId('entry-title').textContent())!.replace('Запись № ', '')

  await page.getByTestId('to-resolved').click()
  t.match(await page.getByTestId('mail-notice').textContent(), /petrova@school5\.ru/, 'the dialog says the comment goes to the sender')
  await page.getByTestId('resolution').fill('Каталог восстановлен. Обновите страницу (Ctrl+F5).')
  await page.getByTestId('status-dialog').getByRole('button', { name: 'Решен' }).click()
  await until('«Решен»', async () => (await page.getByTestId('entry-status').textContent()) === 'Решен')
  const [reply] = await sink.waitFor(1)
  t.same(reply?.to, ['petrova@school5.ru'], 'the reply reached the sender')
  t.equal(reply?.parsed.subject, `Re: Не открывается каталог Навигатора [№ ${number}]`, 'in her thread, with the number')
  t.match(reply?.parsed.text, /Каталог восстановлен\. Обновите страницу \(Ctrl\+F5\)\./, 'the resolution comment')
  const delivery = page.getByTestId('mail-delivery')
  await delivery.waitFor()
  await until('shown as sent', async () => (await delivery.getAttribute('data-state')) === 'sent')
  t.equal(await page.getByTestId('mail-item').count(), 2, 'the correspondence: the request and our answer')
  await screenshot(page, 'mail-entry')

  // a message with attachments: the entry page offers them as downloads with their Cyrillic names
  await dc.deliver(s.withAttachments(), { internalDate: new Date(Date.now() - 30_000) })
  let withFiles: { id: number } | undefined
  await until('the draft with attachments', async () => {
    const r = await page.request.get('/api/entries?draft=true')
    withFiles = ((await r.json()) as { items: Array<{ id: number, callerEmail: string | null }> }).items.find((e) => e.callerEmail === 'ivanova@school7.ru')
    return withFiles !== undefined
  }, 20_000)
  await page.goto(`/entries/${withFiles!.id}`)
  const links = page.getByTestId('mail-attachment')
  await links.first().waitFor()
  t.same(await links.allTextContents(), ['отчёт № 5.pdf', 'список учеников.txt', 'big.bin'], 'the attachments listed by name')
  const [download] = await Promise.all([page.waitForEvent('download'), links.first().click()])
  t.equal(download.suggestedFilename(), 'отчёт № 5.pdf', 'downloaded under its Cyrillic name')
  t.equal(fs.readFileSync((await download.path())!, 'utf8'), '%PDF-1.4 отчёт', 'the bytes of the attachment')
  t.same(errors, [], 'no errors in the page')
})
