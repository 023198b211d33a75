// Forward-only plain-SQL migrations from migrations/*.sql, applied in name order at start.
// An advisory lock makes two instances starting together take turns; each file runs in
// one transaction and is recorded, so running twice is a no-op.
import fs from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'kysely'
import type { Database } from './database.js'

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations')
const LOCK_KEY = 7345229025 // any constant shared by all instances of the service

export interface Migration { name: string, sql: string }

export async function readMigrations (dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await fs.readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort()
  return await Promise.all(files.map(async (name) => ({ name, sql: await fs.readFile(path.join(dir, name), 'utf8') })))
}

export async function migrateToLatest (database: Database, migrations?: Migration[]): Promise<string[]> {
  const list = migrations ?? await readMigrations()
  const { db } = database
  const applied: string[] = []
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${LOCK_KEY})`.execute(conn)
    try {
      await sql`create table if not exists schema_migration (name text primary key, applied_at timestamptz not null default now())`.execute(conn)
      const done = new Set((await sql<{ name: string }>`select name from schema_migration`.execute(conn)).rows.map((r) => r.name))
      for (const m of list) {
        if (done.has(m.name)) continue
        await database.execScript(`${m.sql}\n;insert into schema_migration (name) values ('${m.name.replace(/'/g, "''")}');`)
        applied.push(m.name)
      }
    } finally {
      await sql`select pg_advisory_unlock(${LOCK_KEY})`.execute(conn)
    }
  })
  return applied
}
