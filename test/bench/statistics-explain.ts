// Where a year's statistics spend their time (issue 12: under 200 ms on PostgreSQL): seeds the
// bench's year (36 000 entries, 40 000 calls), runs reportsRepository.statistics for 2026 and 2025
// as the route does, and prints each statement's time and EXPLAIN ANALYZE, against `select 1`.
// TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx test/bench/statistics-explain.ts [--plans]
import pg from 'pg'
import { Kysely, PostgresDialect, sql, type CompiledQuery } from 'kysely'
import { testDatabase } from '../helpers/db.js'
import { usersRepository } from '../../src/db/users.repository.js'
import { reportsRepository } from '../../src/db/reports.repository.js'
import type { DB } from '../../src/db/types.js'
import { seedStatisticsYear } from './seed.js'

const teardowns: Array<() => unknown> = []
const database = await testDatabase({ teardown: (fn: () => unknown) => { teardowns.push(fn) } }, 'pg')
const user = await usersRepository(database.db).create({ username: 'ivanova', fullName: 'Иванова Анна Сергеевна', passwordHash: 'x', role: 'specialist', extension: '101' })
await seedStatisticsYear(database.db, user.id)
const pool = new pg.Pool({ connectionString: database.url!, max: 10 })
const captured: CompiledQuery[] = []
const logged = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: (e) => { if (e.level === 'query') captured.push(e.query) } })
const reports = reportsRepository(logged)
const now = new Date('2027-01-10T10:00:00+05:00')
const zone = 'Asia/Yekaterinburg'

async function median (fn: () => Promise<unknown>, rounds = 9): Promise<number> {
  await fn()
  const times: number[] = []
  for (let i = 0; i < rounds; i++) {
    const s = process.hrtime.bigint()
    await fn()
    times.push(Number(process.hrtime.bigint() - s) / 1e6)
  }
  return times.sort((a, b) => a - b)[Math.floor(rounds / 2)]!
}

const base = await median(async () => { await sql`select 1`.execute(logged) })
const both = await median(async () => { await Promise.all([reports.statistics({ from: '2026-01-01', to: '2026-12-31' }, zone, now), reports.statistics({ from: '2025-01-01', to: '2025-12-31' }, zone, now)]) })
const year = await median(async () => { await reports.statistics({ from: '2026-01-01', to: '2026-12-31' }, zone, now) })
console.log(`select 1: ${base.toFixed(2)} ms; statistics 2026 + 2025 in parallel: ${both.toFixed(1)} ms (${(both / base).toFixed(0)}×); 2026 alone: ${year.toFixed(1)} ms`)
captured.length = 0
await reports.statistics({ from: '2026-01-01', to: '2026-12-31' }, zone, now)
for (const q of [...captured]) {
  const ms = await median(async () => { await pool.query(q.sql, q.parameters as unknown[]) }, 5)
  const plan = await pool.query(`explain (analyze, buffers, timing off) ${q.sql}`, q.parameters as unknown[])
  const lines = plan.rows.map((r: Record<string, string>) => r['QUERY PLAN'])
  console.log(`\n--- ${ms.toFixed(1)} ms: ${q.sql.replace(/\s+/g, ' ').slice(0, 110)}…`)
  console.log(process.argv.includes('--plans') ? lines.join('\n') : lines.filter((l: string) => /Sort|Scan|Aggregate|SubPlan|Execution/.test(l)).slice(0, 14).join('\n'))
}
await logged.destroy()
if (process.env.KEEP === undefined) for (const fn of teardowns.reverse()) await fn()
else { console.log(`kept: ${database.url!}`); process.exit(0) }
