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
import { AmiBlockReader } from '../../src/ami/reader.js'
import { libraryReader } from '../helpers/library-reader.js'
import { normalize } from '../../src/ami/normalize.js'
import { step } from '../../src/calls/step.js'
import type { Call } from '../../src/calls/call.js'
import { defaultCalendar, dueAt, registrationDate } from '../../src/calendar/index.js'
import { testApp } from '../helpers/app.js'
import { backends } from '../helpers/db.js'
import { reportsRepository } from '../../src/db/reports.repository.js'
import { sql } from 'kysely'
import pg from 'pg'
import { runLoad, type LoadResult } from './load.js'
import { generate, measure as measureQueries, baseline as pkBaseline, type QueryFigure } from './journal-scale.js'
import { testDatabase } from '../helpers/db.js'
import { usersRepository } from '../../src/db/users.repository.js'

/** `npm run bench -- --quick`: the same rows at small sizes (a few minutes); without it the full run. */
const quick = process.argv.includes('--quick')
/** `-- --only=ratios|load|journal|soak`: one part of the run (`--soak-minutes=N`: the soak's length) */
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length)
const part = (name: string): boolean => only === undefined || only === name
const size = quick
  ? { searchEntries: 500, calls: 150, floodCalls: 400, clients: 200, pgEntries: 100_000, pgliteEntries: 20_000, rounds: 20 }
  : { searchEntries: 2000, calls: 500, floodCalls: 2000, clients: 200, pgEntries: 1_000_000, pgliteEntries: 100_000, rounds: 60 }
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const json: Record<string, unknown> = { quick, startedAt: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length, loadAverage: (await import('node:os')).loadavg() }
import { seedStatisticsYear } from './seed.js'
import { runSoak } from './soak.js'

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

if (part('ratios')) {
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

  // the AMI reader: the same stream in the 64 KiB pieces a socket read hands over, ours and the library's
  const pieces = Array.from({ length: Math.ceil(text.length / 65_536) }, (_, i) => text.slice(i * 65_536, (i + 1) * 65_536))
  let blocksRead = 0
  await compare('ami-reader', 'our block reader (src/ami/reader.ts), 64 KiB pieces', 'asterisk-manager\'s reader, the same pieces', () => {
    const reader = new AmiBlockReader(() => { blocksRead++ })
    for (const p of pieces) reader.push(p)
  }, () => {
    const reader = libraryReader(() => { blocksRead++ })
    for (const p of pieces) reader.push(p)
  })

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
      const d = await app.inject({ method: 'POST', url: '/api/entries', headers: h, payload: { channel: 'phone', callerNumber: '+79123456789', contactText: 'Петрова Ольга Ивановна, методист', organizationName: 'МАУ ДО ЦДТ г. Тюмени', type: 'support', module: 'navigator', description: `Вопрос по работе ${words[i % words.length]} № ${i}` } })
      const id = (d.json() as { id: number }).id
      const r = await app.inject({ method: 'POST', url: `/api/entries/${id}/register`, headers: h })
      if (r.statusCode !== 200) throw new Error(`register failed: ${r.body}`)
    }
  }
  await compare('journal', 'create + register a draft (HTTP, PGlite)', 'GET /health', () => createAndRegister(20), () => health(20), 5)
  await createAndRegister(size.searchEntries - 20 * 6)
  await compare('search', `GET /api/entries?q=навигатор over ${size.searchEntries} entries`, 'GET /health', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await app.inject({ method: 'GET', url: `/api/entries?q=${encodeURIComponent('навигатор')}&limit=50`, headers: h })
      if (r.statusCode !== 200) throw new Error(r.body)
    }
  }, () => health(20), 5)

  // reports on a real PostgreSQL: a year of 36 000 entries (3 000 a month) and 40 000 calls
  if (backends().includes('pg') && await reachable(PG_URL)) {
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
    if (!quick) await compare('statistics', 'GET /api/reports/statistics for 2026 (with 2025 beside it; 36 000 entries, 40 000 calls, PostgreSQL)', 'GET /health', async () => {
      const r = await pg.app.inject({ method: 'GET', url: '/api/reports/statistics?from=2026-01-01&to=2026-12-31', headers: head })
      if (r.statusCode !== 200) throw new Error(r.body)
    }, () => pg.app.inject({ method: 'GET', url: '/health' }), 7)
    if (!quick) console.log(`             statistics: ${rows.at(-1)!.ms.toFixed(0)} ms a request`)
  } else {
    console.log('journal-pdf, statistics: skipped (set TEST_DATABASE_URL to a PostgreSQL server)')
  }

}
for (const fn of teardowns.reverse()) await fn()
console.log('\n| benchmark | measured | baseline | ratio |\n|---|---|---|---|')
for (const r of rows) console.log(`| ${r.name} | ${r.what} | ${r.baseline} | ${(r.ms / r.baseMs).toFixed(2)}× |`)
json.ratios = rows

// ---- the full path under load (test/bench/load.ts), each side in its own process, one after the other
const havePg = backends().includes('pg') && await reachable(PG_URL) // npm run bench sets TEST_DATABASE_URL to the local server by default
async function reachable (url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
  try { await c.connect(); await c.end(); return true } catch { return false }
}
async function freshDatabase (): Promise<{ url: string, drop: () => Promise<void> }> {
  const name = `hdj_bench_${process.pid}_${Date.now()}`
  const admin = new pg.Client({ connectionString: PG_URL })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const u = new URL(PG_URL)
  u.pathname = `/${name}`
  return {
    url: u.toString(),
    drop: async () => { const a = new pg.Client({ connectionString: PG_URL }); await a.connect(); await a.query(`drop database if exists ${name} with (force)`); await a.end() }
  }
}
const sides: Array<{ name: string, instances: number, db?: 'pg', bare?: true }> = !part('load') ? [] : [
  { name: 'bare asterisk-manager + ws', instances: 1, bare: true },
  { name: 'service, PGlite', instances: 1 },
  ...(havePg ? [{ name: 'service, PostgreSQL', instances: 1, db: 'pg' as const }, { name: 'service ×2, one PostgreSQL', instances: 2, db: 'pg' as const }] : [])
]
if (!havePg) console.log(`\nload on PostgreSQL: skipped (${PG_URL} not reachable)`)
const load: Array<{ side: string } & LoadResult> = []
let epoch = 1_900_000_000
for (const side of sides) {
  console.log(`\nload: ${side.name}`)
  const fresh = side.db === 'pg' ? await freshDatabase() : undefined
  try {
    const r = await runLoad({ calls: size.calls, rate: 50, clients: size.clients, floodCalls: size.floodCalls, instances: side.instances, bare: side.bare === true, databaseUrl: fresh?.url, epoch, log: console.log })
    load.push({ side: side.name, ...r })
  } finally { await fresh?.drop() }
  epoch += 1_000_000
}
json.load = load
const bare = load[0] ?? { popup: { p99: NaN }, flood: { eventsPerSecond: NaN } }
const mb = (b: number): string => `${Math.round(b / 1048576)} MiB`
console.log(`\n| load, ${size.clients} screens | ring on the screens p50 / p99 at 50 calls/s | × bare p99 | of the p99: read → handed to the sockets / → on a screen | popup with its draft p50 / p99 | ringing frames lost | calls stored / lost / doubled | flood of ${size.floodCalls} calls: events/s stored | × bare parse | every draft opened after | flood calls stored | peak RSS (calls in progress) |`)
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|')
for (const r of load) {
  const p = r.popup
  const f = r.flood
  const stored = r === bare || p.stats.length === 0 ? '—' : `${p.stats[0]!.ended} / ${p.calls - p.stats[0]!.ended} / ${p.stats[0]!.rows - p.stats[0]!.distinct}`
  console.log(`| ${r.side} | ${p.p50.toFixed(1)} / ${p.p99.toFixed(1)} ms | ${(p.p99 / bare.popup.p99).toFixed(2)}× | ${p.inTargetP99.toFixed(1)} / ${p.toScreensP99.toFixed(1)} ms | ${r === bare ? '—' : `${p.draftP50.toFixed(0)} / ${p.draftP99.toFixed(0)} ms`} | ${p.framesExpected - p.framesReceived} of ${p.framesExpected}${p.framesDoubled > 0 ? ` (${p.framesDoubled} twice)` : ''} | ${stored} | ${Math.round(f.eventsPerSecond)} | ${(f.eventsPerSecond / bare.flood.eventsPerSecond).toFixed(2)}× | ${r === bare ? '—' : `${f.followedUpSeconds.toFixed(1)} s (${(f.seconds / f.followedUpSeconds * f.eventsPerSecond / bare.flood.eventsPerSecond).toFixed(2)}×)`} | ${r === bare ? '—' : `${f.stored} of ${f.calls}, ${f.rows - f.distinct} doubled, drafts ${f.drafts}/${f.draftsExpected}${f.timedOut ? ', timed out' : ''}`} | ${mb(p.peakRss)} (${p.concurrent}) |`)
}

// ---- the journal at scale: PostgreSQL (a million entries) and PGlite (the default)
const scale: Array<{ backend: string, entries: number, generateSeconds: number, baseline: { p50: number, p95: number }, queries: QueryFigure[] }> = []
for (const backend of !part('journal') ? [] : [...(havePg ? ['pg' as const] : []), 'pglite' as const]) {
  const entries = backend === 'pg' ? size.pgEntries : size.pgliteEntries
  console.log(`\njournal at ${entries} entries (${backend}): generating…`)
  const own: Array<() => unknown> = []
  const database = await testDatabase({ teardown: (fn) => { own.push(fn) } }, backend)
  try {
    const u = await usersRepository(database.db).create({ username: 'ivanova', fullName: 'Иванова Анна Сергеевна', passwordHash: 'x', role: 'specialist', extension: '101' })
    const generateSeconds = await generate(database.db, entries, u.id)
    console.log(`  generated in ${generateSeconds.toFixed(0)} s`)
    const base = await pkBaseline(database, size.rounds)
    console.log(`  ${backend} baseline (one row by primary key) p50 ${base.p50.toFixed(2)} ms p95 ${base.p95.toFixed(2)} ms`)
    scale.push({ backend, entries, generateSeconds, baseline: base, queries: await measureQueries(database, size.rounds, backend) })
  } finally { for (const fn of own.reverse()) await fn() }
}
json.journal = scale
console.log('\n| journal | entries | read | p50 | p95 | × primary-key read p95 |\n|---|---|---|---|---|---|')
for (const s of scale) for (const q of s.queries) console.log(`| ${s.backend} | ${s.entries} | ${q.name} | ${q.p50.toFixed(1)} ms | ${q.p95.toFixed(1)} ms | ${(q.p95 / s.baseline.p95).toFixed(0)}× |`)

// ---- an hour of calls (the full run; --quick: two minutes): memory over time, nothing lost
if (part('soak')) {
  const minutes = Number(process.argv.find((a) => a.startsWith('--soak-minutes='))?.slice('--soak-minutes='.length) ?? (quick ? 2 : 60))
  console.log(`\nsoak: ${minutes} min of calls at 1 a second, PGlite, ${size.clients} screens`)
  const soak = await runSoak({ minutes, rate: 1, clients: size.clients, epoch: 1_950_000_000, log: console.log })
  json.soak = soak
  const first = soak.samples[0]
  const last = soak.samples.at(-1)
  console.log(`\n| soak | calls | stored / doubled | popups lost | RSS after the first chunk → at the end | heap | peak RSS |\n|---|---|---|---|---|---|---|`)
  console.log(`| ${soak.minutes} min at ${soak.rate}/s, PGlite | ${soak.calls} | ${soak.stored} / ${soak.doubled} | ${soak.framesExpected - soak.framesReceived} of ${soak.framesExpected} | ${mb(first?.rss ?? NaN)} → ${mb(last?.rss ?? NaN)} | ${mb(first?.heapUsed ?? NaN)} → ${mb(last?.heapUsed ?? NaN)} | ${mb(soak.peakRss)} |`)
}

json.finishedAt = new Date().toISOString()
const out = path.resolve(here, '../../bench-results.json')
fs.writeFileSync(out, JSON.stringify(json, null, 1))
console.log(`\nwritten: ${path.relative(process.cwd(), out)} (with the query plans)`)
