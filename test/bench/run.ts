// npm run bench: each figure is a ratio against a baseline measured in the same run, on the same
// machine, so the numbers mean something on a busy laptop and on CI alike.
//   tracking   — AMI events → fromRaw → normalize → step, against splitting the same text into header maps
//   calendar   — dueAt (5 working days with holidays) against luxon's plain plus({ days: 5 })
//   journal    — create + register a draft over HTTP (inject, PGlite), against GET /health (one select 1)
//   search     — Russian full-text search over 2 000 entries, against GET /health
//   journal-pdf — the monthly journal of 3 000 entries as PDF (PostgreSQL), against reading its rows
//   statistics — a year's statistics (36 000 entries, 40 000 calls; PostgreSQL), against GET /health
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { DateTime } from 'luxon'
import { fromRaw } from '../../src/ami/message.js'
import { normalize } from '../../src/ami/normalize.js'
import { step } from '../../src/calls/step.js'
import type { Call } from '../../src/calls/call.js'
import { defaultCalendar, dueAt, registrationDate } from '../../src/calendar/index.js'
import { testApp } from '../helpers/app.js'
import { backends } from '../helpers/db.js'
import { reportsRepository } from '../../src/db/reports.repository.js'
import { sql } from 'kysely'
import { seedStatisticsYear } from './seed.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const teardowns: Array<() => unknown> = []
const t = { teardown: (fn: () => unknown) => { teardowns.push(fn) } }

/** Median ms per run of fn over `rounds` rounds (after one warm-up round). */
async function measure (fn: () => unknown, rounds = 7): Promise<number> {
  await fn()
  const times: number[] = []
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint()
    await fn()
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}

function splitBlocks (text: string): Array<Record<string, string>> {
  const blocks: Array<Record<string, string>> = []
  for (const block of text.split('\r\n\r\n')) {
    const obj: Record<string, string> = {}
    for (const line of block.split('\r\n')) {
      const i = line.indexOf(': ')
      if (i > 0) obj[line.slice(0, i).toLowerCase()] = line.slice(i + 2)
    }
    if (Object.keys(obj).length > 0) blocks.push(obj)
  }
  return blocks
}

const rows: Array<{ name: string, what: string, baseline: string, ms: number, baseMs: number }> = []
async function compare (name: string, what: string, baseline: string, fn: () => unknown, base: () => unknown, rounds?: number): Promise<void> {
  const baseMs = await measure(base, rounds)
  const ms = await measure(fn, rounds)
  rows.push({ name, what, baseline, ms, baseMs })
  console.log(`${name.padEnd(10)} ${(ms / baseMs).toFixed(2).padStart(7)}×  (${ms.toFixed(2)} ms vs ${baseMs.toFixed(2)} ms) ${what} / ${baseline}`)
}

// tracking: the two-concurrent-calls transcript, 50 times over (23 400 events), new Linkedids each copy
const transcript = fs.readFileSync(path.join(here, '../fixtures/ami/two-concurrent-calls.recv.raw'), 'latin1')
const text = Array.from({ length: 50 }, (_, i) => transcript.replaceAll('1795866796.', `${1795866796 + i}.`)).join('')
await compare('tracking', 'split + fromRaw + normalize + step per event', 'split into header maps only', () => {
  const calls = new Map<string, Call>()
  const at = new Date()
  for (const raw of splitBlocks(text)) {
    const m = fromRaw(raw)
    if (!m.ok) continue
    const ev = normalize(m.message, at)
    if (ev === undefined) continue
    const r = step(calls.get(ev.linkedId), ev, { helpdeskDid: '73452290256' })
    if (r.call !== undefined) calls.set(ev.linkedId, r.call)
  }
}, () => splitBlocks(text))

// calendar: 300 arrivals spread over 2026, registration date and deadline of each
const cal = defaultCalendar()
const starts = Array.from({ length: 300 }, (_, i) => DateTime.fromMillis(Date.UTC(2026, 0, 1) + i * 4.37 * 3600_000, { zone: 'Asia/Yekaterinburg' }))
await compare('calendar', 'registrationDate + dueAt(5 working days)', 'luxon plus({ days: 5 })', () => {
  for (const s of starts) dueAt({ registeredOn: registrationDate(s, cal) }, cal)
}, () => { for (const s of starts) s.plus({ days: 5 }) })

// journal and search over the HTTP API on the embedded database
const { app, as } = await testApp(t, { backend: 'pglite' })
const h = await as('specialist')
const health = async (n: number): Promise<void> => { for (let i = 0; i < n; i++) await app.inject({ method: 'GET', url: '/health' }) }
const words = ['Навигатора', 'сертификата', 'выгрузки', 'каталога программ', 'зачисления', 'платных услуг', 'личного кабинета', 'расписания']
const createAndRegister = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) {
    const d = await app.inject({ method: 'POST', url: '/api/entries', headers: h, payload: { channel: 'phone', callerNumber: '+79123456789', organizationName: 'МАУ ДО ЦДТ г. Тюмени', type: 'support', module: 'navigator', description: `Вопрос по работе ${words[i % words.length]} № ${i}` } })
    const id = (d.json() as { id: number }).id
    const r = await app.inject({ method: 'POST', url: `/api/entries/${id}/register`, headers: h })
    if (r.statusCode !== 200) throw new Error(`register failed: ${r.body}`)
  }
}
await compare('journal', 'create + register a draft (HTTP, PGlite)', 'GET /health', () => createAndRegister(20), () => health(20), 5)
await createAndRegister(2000 - 20 * 6)
await compare('search', 'GET /api/entries?q=навигатор over 2 000 entries', 'GET /health', async () => {
  for (let i = 0; i < 20; i++) {
    const r = await app.inject({ method: 'GET', url: `/api/entries?q=${encodeURIComponent('навигатор')}&limit=50`, headers: h })
    if (r.statusCode !== 200) throw new Error(r.body)
  }
}, () => health(20), 5)

// reports on a real PostgreSQL: a year of 36 000 entries (3 000 a month) and 40 000 calls
if (backends().includes('pg')) {
  const pg = await testApp(t, { backend: 'pg', clock: () => new Date('2027-01-10T10:00:00+05:00') })
  const head = await pg.as('head')
  const by = pg.users.specialist.id
  await seedStatisticsYear(pg.db, by)
  const november = await sql<{ n: number }>`select count(*)::int as n from journal_entry where registered_on between '2026-11-01' and '2026-11-30'`.execute(pg.db)
  const reports = reportsRepository(pg.db)
  const readRows = async (): Promise<void> => { let n = 0; for await (const _ of reports.journalRows({ year: 2026, month: 11, zone: 'Asia/Yekaterinburg' })) n++; if (n === 0) throw new Error('no rows') }
  let peak = 0
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss) }, 20)
  const rssBefore = process.memoryUsage().rss
  await compare('journal-pdf', `GET /api/reports/journal?format=pdf, ${november.rows[0]!.n} entries (PostgreSQL)`, 'reading the month\'s rows', async () => {
    const r = await pg.app.inject({ method: 'GET', url: '/api/reports/journal?year=2026&month=11&format=pdf', headers: head })
    if (r.statusCode !== 200) throw new Error(r.body)
  }, readRows, 3)
  clearInterval(sampler)
  console.log(`             PDF: ${(rows.at(-1)!.ms / 1000).toFixed(2)} s, RSS at most ${Math.round((peak - rssBefore) / 1048576)} MB above the start`)
  await compare('statistics', 'GET /api/reports/statistics for 2026 (with 2025 beside it; 36 000 entries, 40 000 calls, PostgreSQL)', 'GET /health', async () => {
    const r = await pg.app.inject({ method: 'GET', url: '/api/reports/statistics?from=2026-01-01&to=2026-12-31', headers: head })
    if (r.statusCode !== 200) throw new Error(r.body)
  }, () => pg.app.inject({ method: 'GET', url: '/health' }), 7)
  console.log(`             statistics: ${rows.at(-1)!.ms.toFixed(0)} ms a request`)
} else {
  console.log('journal-pdf, statistics: skipped (set TEST_DATABASE_URL to a PostgreSQL server)')
}

for (const fn of teardowns.reverse()) await fn()
console.log('\n| benchmark | measured | baseline | ratio |\n|---|---|---|---|')
for (const r of rows) console.log(`| ${r.name} | ${r.what} | ${r.baseline} | ${(r.ms / r.baseMs).toFixed(2)}× |`)
