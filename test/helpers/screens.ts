// The checks of every screen (test/browser/screens-*.test.ts): at the office widths 1366×768 and
// 1024×768, no Latin words outside a short list (e-mail addresses, URLs, numbers, file names, key
// caps, the users' log-in names), no WCAG 2 A/AA violation found by axe-core (contrast included),
// nothing wider than the window or cut; the screens and their error states, and the data they show.
import fs from 'node:fs'
import { createRequire } from 'node:module'
import type { Test } from 'tap'
import type { Page } from 'playwright-core'
import { login, newContext, pageErrors, screenshot, type Server } from './browser.js'
import type { Browser } from 'playwright-core'
import type { Call } from '../../src/calls/call.js'

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
export const WIDTHS = [1366, 1024] as const
const LOGINS = ['ivanova', 'petrov', 'sidorova', 'smirnova']
// Latin a person may meet on a Russian screen: key caps as printed on the keyboard, file formats of
// the downloads, the PBX's channel technologies (shown with the АТС's line names)
const ALLOWED = new Set(['Ctrl', 'Enter', 'Esc', 'PDF', 'XLSX', 'ZIP', 'SIP', 'PJSIP', 'IAX', ...LOGINS])

interface Audit { latin: string[], axe: string[], overflow: string[] }

// The checks run in the page as plain scripts (the test's TypeScript has no DOM types, and a
// transpiled function would carry the transpiler's helpers into the page).
const VISIBLE_WORDS = `(() => {
  const parts = [document.body.innerText, document.title]
  for (const el of document.querySelectorAll('[title], [placeholder], [aria-label], [alt], option')) {
    for (const a of ['title', 'placeholder', 'aria-label', 'alt']) { const v = el.getAttribute(a); if (v !== null) parts.push(v) }
    if (el.tagName === 'OPTION') parts.push(el.textContent || '')
  }
  return parts.join('\\n')
})()`

const AXE_RUN = `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] }, resultTypes: ['violations'] })
  .then((r) => r.violations.map((v) => v.id + ' (' + v.help + '): ' + v.nodes.slice(0, 4)
    .map((n) => n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 160)).join('; ')))`

// elements wider than the window, the journal's table needing a sideways scroll, a header pill cut by its row
const OVERFLOW = `(() => {
  const out = []
  const vw = document.documentElement.clientWidth
  if (document.documentElement.scrollWidth > vw + 1) out.push('the page is ' + document.documentElement.scrollWidth + ' px wide in a ' + vw + ' px window')
  function name (el) { return el.tagName.toLowerCase() + (el.getAttribute('data-testid') ? '[' + el.getAttribute('data-testid') + ']' : '') + ' «' + (el.textContent || '').trim().slice(0, 30) + '»' }
  for (const el of document.querySelectorAll('main *, header *')) {
    const r = el.getBoundingClientRect()
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).position === 'fixed') continue
    if (r.right > vw + 1 && out.length < 6) out.push(name(el) + ' ends at ' + Math.round(r.right) + ' px')
    if (el.classList.contains('table-wrap') && el.scrollWidth > el.clientWidth + 1) out.push(name(el) + ' scrolls sideways: ' + el.scrollWidth + ' > ' + el.clientWidth)
  }
  for (const pill of document.querySelectorAll('header .pill, header button')) {
    const r = pill.getBoundingClientRect()
    const row = pill.closest('.status-row, .top-row')
    if (row === null) continue
    const rr = row.getBoundingClientRect()
    if (r.right > rr.right + 1 || r.bottom > rr.bottom + 1) out.push(name(pill) + ' is cut by the header')
  }
  return out
})()`

async function visibleWords (page: Page): Promise<string> { return await page.evaluate(VISIBLE_WORDS) }

function latinWords (text: string): string[] {
  const cleaned = text
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, ' ') // e-mail addresses
    .replace(/\S+\.(pdf|xlsx|zip|wav|mp3|ogg|eml|txt|png|jpe?g|docx?)\b/gi, ' ') // file names
    .replace(/\b[0-9a-f]{16,}\b/g, ' ') // checksums are numbers
  const iso = cleaned.match(/\b\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?\b/g) ?? [] // a date the center never writes so
  return [...new Set([...(cleaned.match(/[A-Za-z][A-Za-z-]*/g) ?? []).filter((w) => !ALLOWED.has(w)), ...iso.map((d) => `ISO date ${d}`)])]
}

async function axe (page: Page): Promise<string[]> {
  if (!await page.evaluate('typeof window.axe === "object"')) await page.evaluate(AXE_SOURCE)
  return await page.evaluate(AXE_RUN)
}

async function overflow (page: Page): Promise<string[]> { return await page.evaluate(OVERFLOW) }

export async function audit (page: Page, screen: string): Promise<Audit> {
  const result: Audit = { latin: [], axe: [], overflow: [] }
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 768 })
    await page.waitForTimeout(100) // one layout after the resize (no wall-clock assertion)
    result.latin.push(...latinWords(await visibleWords(page)).map((w) => `${width}: ${w}`))
    result.axe.push(...(await axe(page)).map((v) => `${width}: ${v}`))
    result.overflow.push(...(await overflow(page)).map((v) => `${width}: ${v}`))
    await screenshot(page, `screen-${screen}-${width}`)
  }
  return result
}

export function check (t: Test, who: string, screen: string, a: Audit): void {
  t.same(a.latin, [], `${who}, ${screen}: no Latin words or ISO dates${a.latin.length > 0 ? `: ${a.latin.join(', ')}` : ''}`)
  t.same(a.axe, [], `${who}, ${screen}: no WCAG 2 A/AA violation${a.axe.length > 0 ? `:\n${a.axe.join('\n')}` : ''}`)
  t.same(a.overflow, [], `${who}, ${screen}: nothing wider than the window or cut${a.overflow.length > 0 ? `: ${a.overflow.join('; ')}` : ''}`)
}

export function ringingCall (linkedId: string, callerNumber: string): Call {
  return {
    linkedId, callerNumber, dialled: '73452290256', state: 'ringing', arrivedAt: new Date(), answeredAt: null, endedAt: null,
    answeredBy: null, transferredTo: null, decision: 'open', recordingFile: null, callerHungUp: false, legs: {},
    hangupCause: null, hangupCauseText: null, outcome: null, rejectReason: null, approximate: false
  }
}

export interface Seed { registered: number, email: number, draft: number, org: number }

export async function seed (server: Server): Promise<Seed> {
  const h = await server.as('specialist')
  const call = async (method: 'POST' | 'PUT' | 'PATCH', url: string, payload: object): Promise<Record<string, unknown>> => {
    const res = await server.app.inject({ method, url, headers: h, payload })
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
    return res.json()
  }
  const org = await call('POST', '/api/organizations', { name: 'МАОУ СОШ № 5 г. Тюмени', kind: 'educational', inn: '7203000005', note: 'Школа в Калининском округе' })
  await call('POST', `/api/organizations/${String(org.id)}/contacts`, { fullName: 'Кузнецова Ольга Петровна', position: 'заместитель директора', phones: ['+7 912 345-67-89'], emails: ['kuznetsova@school5.ru'] })
  const registered = await call('POST', '/api/entries', {
    channel: 'phone', type: 'error', module: 'talents', description: 'Не загружаются дипломы в Региональную базу данных талантливых детей после обновления', organizationId: org.id,
    contactText: 'Кузнецова Ольга Петровна, заместитель директора', callerNumber: '+79123456789', additionalInfo: 'Файлы формата PDF до 5 МБ', note: 'Повторное обращение'
  })
  await call('POST', `/api/entries/${String(registered.id)}/register`, {})
  await call('POST', `/api/entries/${String(registered.id)}/status`, { status: 'feedback', comment: 'Запрошен снимок экрана с ошибкой' })
  const email = await call('POST', '/api/entries', { channel: 'email', type: 'support', module: 'navigator', description: 'Как добавить программу в каталог Навигатора', organizationName: 'МАУ ДО ЦДТ «Радуга»', contactText: 'Петрова Н. В.', callerEmail: 'raduga@example.ru' })
  await call('POST', `/api/entries/${String(email.id)}/register`, {})
  await call('POST', `/api/entries/${String(email.id)}/status`, { status: 'resolved', comment: 'Отправлена инструкция по добавлению программы' })
  const draft = await call('POST', '/api/entries', { channel: 'phone', callerNumber: '83452290256' })
  return { registered: Number(registered.id), email: Number(email.id), draft: Number(draft.id), org: Number(org.id) }
}

/** A screen: where it is, what shows it is ready, and what to do to reach a state of it. */
export interface Screen { name: string, path: string, ready: (page: Page) => Promise<unknown>, roles?: Array<'head' | 'specialist' | 'auditor'>, then?: (page: Page) => Promise<unknown> }

export function screens (s: Seed): Screen[] {
  const tid = (id: string) => async (page: Page) => await page.getByTestId(id).first().waitFor()
  return [
    { name: 'journal', path: '/journal', ready: async (p) => await p.getByTestId('journal-table').locator('tbody tr[data-entry-id]').first().waitFor() },
    { name: 'journal-drafts', path: '/journal?drafts=1', ready: async (p) => await p.getByTestId('journal-table').locator('tbody tr[data-entry-id]').first().waitFor() },
    { name: 'new-entry', path: '/journal', roles: ['head', 'specialist'], ready: tid('journal-table'), then: async (p) => { await p.getByTestId('new-entry').click(); await p.getByTestId('new-entry-dialog').waitFor() } },
    { name: 'entry', path: `/entries/${s.registered}`, ready: tid('entry-status') },
    { name: 'entry-status-dialog', path: `/entries/${s.registered}`, roles: ['head', 'specialist'], ready: tid('entry-status'), then: async (p) => { await p.getByTestId('to-in_progress').click(); await p.getByTestId('status-dialog').waitFor() } },
    { name: 'entry-email', path: `/entries/${s.email}`, ready: tid('entry-status') },
    { name: 'entry-draft-refused', path: `/entries/${s.draft}`, roles: ['head', 'specialist'], ready: tid('entry-title'), then: async (p) => { await p.getByTestId('register').click(); await p.getByTestId('entry-error').waitFor() } },
    { name: 'entry-draft', path: `/entries/${s.draft}`, roles: ['auditor'], ready: tid('entry-title') },
    { name: 'popup', path: '/journal', roles: ['head', 'specialist'], ready: tid('journal-table'), then: async (p) => await p.getByTestId('call-popup').first().waitFor({ timeout: 20_000 }) },
    { name: 'mail-popup', path: '/journal', roles: ['head', 'specialist'], ready: tid('journal-table'), then: async (p) => await p.getByTestId('mail-popup').first().waitFor({ timeout: 20_000 }) },
    { name: 'calls', path: '/calls', ready: async (p) => await p.locator('main h1').first().waitFor() },
    { name: 'reports', path: '/reports', ready: async (p) => await p.locator('main h1').first().waitFor() },
    { name: 'reports-statistics', path: '/reports/statistics', roles: ['head', 'auditor'], ready: tid('stat-xlsx') },
    { name: 'reports-compliance', path: '/reports/compliance', roles: ['head', 'auditor'], ready: async (p) => await p.locator('main table').first().waitFor() },
    { name: 'reports-archive', path: '/reports/archive', roles: ['head', 'auditor'], ready: async (p) => await p.locator('main h1').first().waitFor() },
    { name: 'users', path: '/users', roles: ['head'], ready: tid('users-table') },
    { name: 'users-role-dialog', path: '/users', roles: ['head'], ready: tid('users-table'), then: async (p) => { await p.getByTestId('role-sidorova').selectOption('specialist'); await p.getByTestId('role-dialog').waitFor() } },
    { name: 'calendar', path: '/calendar', roles: ['head'], ready: tid('calendar-year') },
    { name: 'schedule', path: '/schedule', ready: async (p) => await p.getByRole('form', { name: 'График работы' }).waitFor() },
    { name: 'schedule-refused', path: '/schedule', roles: ['head'], ready: tid('schedule-save'), then: async (p) => { await p.getByLabel('Понедельник: конец').fill('08:00'); await p.getByTestId('schedule-save').click(); await p.getByTestId('schedule-error').waitFor() } },
    { name: 'directory', path: '/directory', ready: async (p) => await p.getByTestId('org-table').locator('tbody tr').first().waitFor() },
    { name: 'directory-organization', path: `/directory?org=${s.org}`, ready: tid('org-title') },
    { name: 'directory-contacts', path: '/directory?tab=contacts&q=' + encodeURIComponent('8 (912) 345-67-89'), ready: async (p) => await p.getByTestId('contacts-table').getByText('Кузнецова').waitFor() },
    { name: 'directory-refused', path: '/directory', roles: ['head', 'specialist'], ready: tid('org-table'), then: async (p) => {
      await p.getByTestId('org-new').click()
      const d = p.getByTestId('org-dialog')
      await d.getByLabel(/Наименование/).fill('МАОУ СОШ № 7')
      await d.getByLabel('ИНН').fill('12')
      await d.getByRole('button', { name: 'Добавить' }).click()
      await d.getByRole('alert').waitFor()
    } },
    { name: 'password', path: '/password', ready: tid('password-form') },
    { name: 'password-refused', path: '/password', ready: tid('password-form'), then: async (p) => {
      const f = p.getByTestId('password-form')
      await f.getByLabel('Текущий пароль').fill('correct-horse-battery')
      await f.getByLabel('Новый пароль', { exact: true }).fill('12345678')
      await f.getByLabel('Новый пароль ещё раз').fill('12345678')
      await f.getByRole('button', { name: 'Сменить пароль' }).click()
      await p.getByTestId('password-error').waitFor()
    } }
  ]
}

export type Role = 'head' | 'specialist' | 'auditor'

/** Logs in as the role's user and checks each of its screens in turn. */
/** The head's own pages and the directory, walked in a file of their own (a file has 300 s). */
export const ADMIN_SCREENS = new Set(['users', 'users-role-dialog', 'calendar', 'schedule', 'schedule-refused', 'directory', 'directory-organization', 'directory-contacts', 'directory-refused', 'password', 'password-refused'])

export async function walk (t: Test, browser: Browser, server: Server, s: Seed, role: Role, username: string, only: (screen: string) => boolean = () => true): Promise<void> {
  const page = await (await newContext(browser, server.url)).newPage()
  const errors = pageErrors(page)
  await login(page, username)
  for (const screen of screens(s)) {
    if ((screen.roles !== undefined && !screen.roles.includes(role)) || !only(screen.name)) continue
    await page.setViewportSize({ width: 1366, height: 768 })
    await page.goto(screen.path)
    await screen.ready(page)
    if (screen.name === 'popup') {
      await server.push.publishCall({ type: 'call.ringing', call: ringingCall(`1800000000.${role.length}`, '79123456789'), caller: { number: '79123456789', name: 'Кузнецова Ольга Петровна', organization: 'МАОУ СОШ № 5 г. Тюмени', contactId: null, organizationId: s.org, openRequests: [] } })
    }
    if (screen.name === 'mail-popup') {
      const entry = (await server.app.inject({ method: 'GET', url: `/api/entries/${s.email}`, headers: await server.as('specialist') })).json()
      await server.push.publish('mail.received', { entry, mail: { id: 900 + role.length, kind: 'request', fromAddress: 'raduga@example.ru', fromName: 'Петрова Наталья Викторовна', subject: 'Не открывается каталог программ', receivedAt: new Date().toISOString(), created: true, resumed: false } })
    }
    await screen.then?.(page)
    check(t, role, screen.name, await audit(page, `${role}-${screen.name}`))
  }
  // the refusals (4xx) the screens showed are expected; nothing else went wrong
  t.same(errors.filter((e) => !/response: 40[0-9] /.test(e) || / 404 /.test(e)), [], 'no errors in the page')
}
