// A migrated database per test file: embedded PGlite (from a cached migrated template, so a
// file does not pay initdb) or, when TEST_DATABASE_URL is set, a fresh database on that server.
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite'
import { openPostgres, pgliteDatabase, type Database, type Db } from '../../src/db/database.js'
import { migrateToLatest, readMigrations } from '../../src/db/migrate.js'
import type { DB } from '../../src/db/types.js'

export type Backend = 'pglite' | 'pg'
interface Teardown { teardown: (fn: () => unknown) => void }

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL

/** The backends this run can test: PGlite always, the real server when its URL is given. */
export function backends (): Backend[] {
  return TEST_DATABASE_URL === undefined || TEST_DATABASE_URL === '' ? ['pglite'] : ['pglite', 'pg']
}

/** The real server when there is one (faster to create), else PGlite. */
export function defaultBackend (): Backend {
  return backends().includes('pg') ? 'pg' : 'pglite'
}

export async function testDatabase (t: Teardown, backend: Backend = defaultBackend()): Promise<Database> {
  const database = backend === 'pg' ? await freshPostgres() : await freshPglite()
  t.teardown(async () => { await database.close() })
  return database
}

export async function testDb (t: Teardown, backend: Backend = defaultBackend()): Promise<Db> {
  return (await testDatabase(t, backend)).db
}

let counter = 0
async function freshPostgres (): Promise<Database> {
  if (TEST_DATABASE_URL === undefined) throw new Error('TEST_DATABASE_URL is not set')
  const name = `hdj_test_${process.pid}_${++counter}_${crypto.randomBytes(3).toString('hex')}`
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await admin.connect()
  try { await admin.query(`create database ${name}`) } finally { await admin.end() }
  const url = new URL(TEST_DATABASE_URL)
  url.pathname = `/${name}`
  const database = await openPostgres(url.toString())
  await migrateToLatest(database)
  const close = database.close
  return {
    ...database,
    close: async () => {
      await close()
      const a = new pg.Client({ connectionString: TEST_DATABASE_URL })
      await a.connect()
      try { await a.query(`drop database if exists ${name} with (force)`) } finally { await a.end() }
    }
  }
}

const parsers = { [pgliteTypes.DATE]: (v: string) => v, [pgliteTypes.INT8]: (v: string) => Number(v) }

async function pgliteTemplate (): Promise<string> {
  const migrations = await readMigrations()
  const hash = crypto.createHash('sha256')
  for (const m of migrations) hash.update(m.name).update(m.sql)
  const file = path.join(os.tmpdir(), `hdj-pglite-template-${hash.digest('hex').slice(0, 16)}.tar.gz`)
  if (fs.existsSync(file)) return file
  const lite = await PGlite.create({ parsers })
  const database = wrapPglite(lite)
  await migrateToLatest(database, migrations)
  const dump = await lite.dumpDataDir('gzip')
  await lite.close()
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()))
  fs.renameSync(tmp, file) // atomic: parallel test files never read half a template
  return file
}

async function freshPglite (): Promise<Database> {
  const template = await pgliteTemplate()
  const lite = await PGlite.create({ parsers, loadDataDir: new Blob([fs.readFileSync(template)]) })
  return wrapPglite(lite)
}

function wrapPglite (lite: PGlite): Database {
  return pgliteDatabase(lite)
}

