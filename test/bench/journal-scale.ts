// The journal at scale: `entries` generated entries over ten years (2016–2025, Russian texts built
// from the helpdesk's own vocabulary, two history lines each, a contact directory), generated in
// SQL (insert … select generate_series), then the five reads a specialist's screen makes, each
// timed through the service's own repositories (p50/p95 over `rounds` runs with varied arguments)
// with the plan PostgreSQL chose (EXPLAIN ANALYZE of the exact statements the repository sent).
import { Kysely, PostgresDialect, sql, type LogEvent } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import pg from 'pg'
import type { Database } from '../../src/db/database.js'
import type { DB } from '../../src/db/types.js'
import { journalRepository } from '../../src/db/journal.repository.js'
import { organizationsRepository } from '../../src/db/organizations.repository.js'
import { callerIdentifier } from '../../src/intake/identify.js'

export interface QueryFigure { name: string, what: string, p50: number, p95: number, rows: number, plans: string[] }
export interface ScaleResult { backend: string, entries: number, history: number, generateSeconds: number, queries: QueryFigure[], baseline: { p50: number, p95: number } }

const DESCRIPTIONS = [
  'Не отображается программа в каталоге Навигатора после модерации',
  'Ошибка при выгрузке списка обучающихся в формате Excel',
  'Не приходит письмо для подтверждения регистрации в личном кабинете',
  'Как продлить сертификат дополнительного образования на новый учебный год',
  'Не сохраняется расписание занятий группы, появляется сообщение об ошибке',
  'Родитель не может записать ребенка на программу: кнопка «Записаться» неактивна',
  'Требуется сменить ответственного за организацию в системе',
  'Не рассчитывается стоимость платной услуги по договору',
  'Просьба добавить новый вид деятельности в справочник направленностей',
  'Зачисление по заявке зависло в статусе «Ожидает подтверждения»',
  'Не загружается фотография педагога в карточку программы',
  'Расхождение числа обучающихся в отчете и в журнале посещаемости',
  'Вопрос по работе модуля «Таланты»: не отображаются результаты олимпиады',
  'Не работает вход через Госуслуги для сотрудника организации',
  'Сертификат ребенка заблокирован, номер сертификата не найден'
]
const ADDITIONS = ['Скриншот ошибки приложен к письму', 'Повторное обращение', 'Перезвонить после обновления', 'Браузер Яндекс, Windows 10', 'Обращение передано разработчику']
const NOTES = ['Проверено на тестовом стенде', 'Ответ дан по телефону', 'Требуется уточнение у муниципального координатора']
const ORGS = ['МАОУ СОШ № {n} г. Тюмени', 'МАУ ДО ЦДТ «Дзержинец» г. Тюмени', 'МАОУ гимназия № {n} г. Тюмени', 'МАУ ДО ДЮСШ № {n} г. Тобольска', 'МАДОУ д/с № {n} г. Ишима', 'МАОУ Тюменская СОШ № {n}']
const PEOPLE = ['Петрова Ольга Ивановна', 'Сидоров Андрей Павлович', 'Кузнецова Марина Сергеевна', 'Иванов Дмитрий Олегович', 'Смирнова Елена Викторовна', 'Федорова Анна Николаевна', 'Морозов Игорь Валентинович']

const pgArray = (xs: string[]): string => `{${xs.map((x) => `"${x.replaceAll('"', '\\"')}"`).join(',')}}`

/** Generates the journal in the database (an empty migrated one). */
export async function generate (db: Kysely<DB>, entries: number, by: number): Promise<number> {
  const start = Date.now()
  const perYear = Math.ceil(entries / 10)
  const contacts = Math.max(100, Math.floor(entries / 50))
  await sql`insert into organization (name, kind)
    select replace(o, '{n}', g::text) || case when o not like '%{n}%' then ' (отделение ' || g || ')' else '' end, 'educational'
      from generate_series(1, 600) g, lateral (select (${pgArray(ORGS)}::text[])[1 + g % 6] as o) x
`.execute(db)
  await sql`insert into contact (full_name, phones, organization_id)
    select (${pgArray(PEOPLE)}::text[])[1 + g % 7], array['7912' || lpad(g::text, 7, '0')], 1 + g % 500
      from generate_series(1, ${contacts}::int) g`.execute(db)
  for (let year = 2016; year <= 2025; year++) {
    const n = Math.min(perYear, entries - (year - 2016) * perYear)
    if (n <= 0) break
    // 250 working days a year; the last weeks of 2025 still open, some of them overdue
    await sql`
      insert into journal_entry (registered_on, year, number, type, description, organization_name, contact_text, additional_info, status,
                                 resolved_on, resolved_at, resolved_by, channel, module, caller_number, registered_at, registered_by, due_at, note,
                                 created_at, updated_at, assigned_to)
      select d, ${year}::int, g, (array['support','support','support','error','improvement'])[1 + g % 5],
             (${pgArray(DESCRIPTIONS)}::text[])[1 + (g * 7) % 15] || ' (обращение ' || g || ')',
             replace((${pgArray(ORGS)}::text[])[1 + g % 6], '{n}', (1 + g % 90)::text),
             (${pgArray(PEOPLE)}::text[])[1 + g % 7] || ', +7 (912) ' || lpad((g % 1000)::text, 3, '0') || '-' || lpad((g % 100)::text, 2, '0') || '-00',
             case when g % 3 = 0 then (${pgArray(ADDITIONS)}::text[])[1 + g % 5] end,
             case when open then (array['in_progress','in_progress','feedback','to_developer'])[1 + g % 4] else 'resolved' end,
             case when not open then d + 1 end, case when not open then (d + 1) + time '15:00' - interval '5 hours' end, case when not open then ${by}::int end,
             (array['phone','phone','email','walk_in'])[1 + g % 4], (array['navigator','talents','paid_services','other'])[1 + g % 4],
             case when g % 4 <> 2 then '7912' || lpad((g % ${contacts}::int)::text, 7, '0') end,
             d + time '10:00' - interval '5 hours', ${by}::int, d + 7 + time '17:00' - interval '5 hours',
             case when g % 7 = 0 then (${pgArray(NOTES)}::text[])[1 + g % 3] end,
             d + time '09:55' - interval '5 hours', d + time '10:00' - interval '5 hours', ${by}::int
        from generate_series(1, ${n}::int) g,
             lateral (select make_date(${year}::int, 1, 9) + ((g - 1) * 355 / ${n}::int) as d) x,
             lateral (select (${year}::int = 2025 and g > ${n}::int * 0.97) or g % 997 = 0 as open) y`.execute(db)
  }
  await sql`insert into entry_number_counter (year, last_number) select year, max(number) from journal_entry group by year on conflict do nothing`.execute(db)
  await sql`insert into entry_history (entry_id, at, user_id, action, field, old, new)
    select id, created_at, ${by}::int, 'created', null::text, null::jsonb, null::jsonb from journal_entry
    union all
    select id, registered_at, ${by}::int, 'registered', 'status', null::jsonb, to_jsonb(status) from journal_entry`.execute(db)
  await sql`analyze`.execute(db)
  return (Date.now() - start) / 1000
}

function quantiles (xs: number[]): { p50: number, p95: number } {
  const s = [...xs].sort((a, b) => a - b)
  return { p50: s[Math.floor(s.length * 0.5)]!, p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]! }
}

/** The reads, timed, with the statements they sent explained. */
export async function measure (database: Database, rounds: number, backend: string): Promise<QueryFigure[]> {
  // a second Kysely on the same connection(s) that records every statement, for EXPLAIN
  let captured: Array<{ sql: string, parameters: readonly unknown[] }> = []
  const log = (e: LogEvent): void => { if (e.level === 'query') captured.push({ sql: e.query.sql, parameters: e.query.parameters }) }
  const db = database.kind === 'pg'
    ? new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 2 }) }), log })
    : new Kysely<DB>({ dialect: new PGliteDialect(database.pglite!), log })
  const journal = journalRepository(db)
  const identify = callerIdentifier({ byCallerNumber: journal.byCallerNumber, findByPhone: organizationsRepository(db).findByPhone })
  const [{ maxId }] = (await sql<{ maxId: number }>`select max(id)::int as "maxId" from journal_entry`.execute(db)).rows as [{ maxId: number }]
  const now = new Date('2025-12-26T10:00:00+05:00')
  const words = ['сертификат', 'выгрузка Excel', 'расписание занятий', 'Госуслуги', 'фотография педагога', 'олимпиады']
  const cases: Array<{ name: string, what: string, run: (i: number) => Promise<number> }> = [
    { name: 'search', what: 'full-text search, newest first, 50 a page with the total', run: async (i) => (await journal.list({ q: words[i % words.length]!, now, limit: 50, offset: 0 })).items.length },
    {
      name: 'filtered page', what: 'a quarter × status × module, sorted by registration date, page 3 with the total',
      run: async (i) => (await journal.list({ from: `${2016 + i % 10}-04-01`, to: `${2016 + i % 10}-06-30`, status: ['resolved'], module: ['navigator', 'talents'], sort: 'registered', order: 'desc', now, limit: 50, offset: 100 })).items.length
    },
    { name: 'overdue', what: 'the overdue list, by deadline', run: async () => (await journal.list({ overdue: true, sort: 'due', order: 'asc', now, limit: 50, offset: 0 })).items.length },
    {
      name: 'entry + history', what: 'one entry (its pauses and extensions) and its history',
      run: async (i) => { const id = 1 + ((i * 7919) % maxId); const e = await journal.byId(id); const h = await journal.history(id); return (e === undefined ? 0 : 1) + h.length }
    },
    { name: 'caller lookup', what: 'the popup\'s identification: contact by phone + the caller\'s last 50 entries', run: async (i) => { const c = await identify({ phone: `+7912${String((i * 31) % 1000).padStart(7, '0')}` }); return c.openRequests.length + (c.name === null ? 0 : 1) } }
  ]
  const figures: QueryFigure[] = []
  for (const c of cases) {
    await c.run(0) // warm
    const times: number[] = []
    let rows = 0
    for (let i = 0; i < rounds; i++) {
      const start = performance.now()
      rows = await c.run(i + 1)
      times.push(performance.now() - start)
    }
    captured = []
    await c.run(1)
    const plans: string[] = []
    for (const q of captured) {
      const explained = await explain(database, db, q.sql, q.parameters)
      plans.push(`${q.sql}\n${explained}`)
    }
    const { p50, p95 } = quantiles(times)
    figures.push({ name: c.name, what: c.what, p50, p95, rows, plans })
    console.log(`  ${backend} ${c.name.padEnd(16)} p50 ${p50.toFixed(1).padStart(7)} ms  p95 ${p95.toFixed(1).padStart(7)} ms  (${c.what})`)
  }
  // its own pg pool is ended; on PGlite destroying it would close the database's instance, which the
  // run's teardown closes (closing it twice threw, and the results file with the plans was never written)
  if (database.kind === 'pg') await db.destroy().catch(() => {})
  return figures
}

async function explain (database: Database, db: Kysely<DB>, text: string, parameters: readonly unknown[]): Promise<string> {
  if (database.kind === 'pglite') {
    const r = await database.pglite!.query<{ 'QUERY PLAN': string }>(`explain (analyze, costs off) ${text}`, [...parameters] as unknown[])
    return r.rows.map((x) => x['QUERY PLAN']).join('\n')
  }
  const client = new pg.Client({ connectionString: database.url })
  await client.connect()
  try {
    const r = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers, costs off) ${text}`, [...parameters] as unknown[])
    return r.rows.map((x) => x['QUERY PLAN']).join('\n')
  } finally { await client.end() }
}

/** A baseline on the same connection: a primary-key read of one entry row. */
export async function baseline (database: Database, rounds: number): Promise<{ p50: number, p95: number }> {
  const times: number[] = []
  for (let i = 0; i < rounds; i++) {
    const start = performance.now()
    await sql`select id from journal_entry where id = ${1 + i}`.execute(database.db)
    times.push(performance.now() - start)
  }
  return quantiles(times)
}
