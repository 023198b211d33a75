// The storage layer on both engines: migrations are idempotent and safe to run concurrently,
// the embedded data dir is held by one process only.
import t from 'tap'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { spawn } from 'node:child_process'
import { DataDirLockedError, lockDataDir, openDatabase, openPostgres } from '../../src/db/database.js'
import { migrateToLatest, readMigrations } from '../../src/db/migrate.js'
import { usersRepository } from '../../src/db/users.repository.js'
import { bootstrapAdmin } from '../../src/auth/bootstrap.js'
import { backends, testDatabase } from '../helpers/db.js'

for (const backend of backends()) {
  t.test(`migrate (${backend}): a second run applies nothing and keeps the data`, async (t) => {
    const database = await testDatabase(t, backend)
    const users = usersRepository(database.db)
    await users.create({ username: 'keep', fullName: 'Keep Me', passwordHash: 'x', role: 'specialist' })
    t.same(await migrateToLatest(database), [], 'nothing left to apply')
    t.equal(await users.count(), 1, 'the data is untouched')
    const names = (await sql<{ name: string }>`select name from schema_migration order by name`.execute(database.db)).rows.map((r) => r.name)
    t.same(names, (await readMigrations()).map((m) => m.name), 'every migration file is recorded once')
  })

  t.test(`users (${backend}): sessions expire, slide and can be revoked`, async (t) => {
    const { db } = await testDatabase(t, backend)
    const users = usersRepository(db)
    const u = await users.create({ username: 'anna', fullName: 'Анна', passwordHash: 'x', role: 'specialist', extension: '101' })
    const t0 = new Date('2026-12-01T04:00:00Z')
    const hour = 3600_000
    const s = await users.startSession(u.id, t0, hour, {})
    t.equal((await users.touchSession(s.token, new Date(t0.getTime() + 30 * 60_000), hour))?.user.id, u.id, 'valid within its lifetime')
    t.equal(await users.touchSession(s.token, new Date(t0.getTime() + 3 * hour), hour), undefined, 'expired after it (the 30-min touch slid it only to 1.5 h)')
    const s2 = await users.startSession(u.id, t0, hour, {})
    await users.revokeSession(s2.token, t0)
    t.equal(await users.touchSession(s2.token, t0, hour), undefined, 'revoked at once')
    const s3 = await users.startSession(u.id, t0, hour, {})
    await users.update(u.id, { active: false }, t0)
    t.equal(await users.touchSession(s3.token, t0, hour), undefined, 'a disabled user has no session')
    t.equal((await users.byExtension('101')), undefined, 'nor an extension for popups')
  })

  t.test(`bootstrap (${backend}): admin is created once, only when there is no user`, async (t) => {
    const database = await testDatabase(t, backend)
    t.equal(await bootstrapAdmin(database, undefined), false, 'no password, no admin')
    t.equal(await bootstrapAdmin(database, 'secret'), true, 'created with a password')
    t.equal(await bootstrapAdmin(database, 'other'), false, 'not twice')
    const admin = await usersRepository(database.db).credentials('admin')
    t.equal(admin?.user.role, 'head', 'admin has the role head')
  })
}

t.test('migrate (pg): two instances starting at once take turns', { skip: backends().includes('pg') ? false : 'TEST_DATABASE_URL is not set' }, async (t) => {
  const first = await testDatabase(t, 'pg')
  // a fresh database, then two connections racing to migrate it from scratch
  await sql`drop table if exists schema_migration`.execute(first.db)
  await sql`drop schema public cascade`.execute(first.db)
  await sql`create schema public`.execute(first.db)
  const second = await openPostgres(first.url!)
  t.teardown(async () => { await second.close() })
  const [a, b] = await Promise.all([migrateToLatest(first), migrateToLatest(second)])
  const all = (await readMigrations()).map((m) => m.name)
  t.same([...a, ...b].sort(), all, 'every migration applied exactly once between the two')
})

t.test('embedded: a second process on the same DATA_DIR is refused with a clear message', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hdj-lock-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  // another live process holds the lock
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'])
  t.teardown(() => holder.kill())
  fs.writeFileSync(path.join(dir, 'service.lock'), String(holder.pid))
  await t.rejects(openDatabase({ databaseUrl: undefined, dataDir: dir }), DataDirLockedError, 'refused while the other process lives')
  try { lockDataDir(dir) } catch (err) { t.match((err as Error).message, /already used by process \d+.*silently lose data/, 'the message says why') }
  holder.kill()
  await new Promise((resolve) => holder.once('exit', resolve))
  const unlock = lockDataDir(dir)
  t.equal(JSON.parse(fs.readFileSync(path.join(dir, 'service.lock'), 'utf8')).pid, process.pid, 'a stale lock of a dead process is taken over')
  unlock()
  t.notOk(fs.existsSync(path.join(dir, 'service.lock')), 'and released')
})

t.test('embedded: a lock whose pid now belongs to another process, or from before a reboot, is stale', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hdj-lock-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'])
  t.teardown(() => other.kill())
  await new Promise((resolve) => other.once('spawn', resolve))
  const boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
  const stat = fs.readFileSync(`/proc/${other.pid}/stat`, 'utf8')
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  const lock = path.join(dir, 'service.lock')
  const table: Array<[string, object, boolean]> = [
    ['the live holder itself', { pid: other.pid, boot, start }, true],
    ['its pid, but a process started at another time (the pid was reused)', { pid: other.pid, boot, start: '1' }, false],
    ['its pid, but written before the machine restarted', { pid: other.pid, boot: '00000000-0000-0000-0000-000000000000', start }, false]
  ]
  for (const [what, holder, refused] of table) {
    fs.writeFileSync(lock, JSON.stringify(holder))
    if (refused) {
      t.throws(() => lockDataDir(dir), DataDirLockedError, `${what}: refused`)
    } else {
      const unlock = lockDataDir(dir)
      t.pass(`${what}: taken over`)
      unlock()
    }
  }
})

t.test('embedded: a DATA_DIR that cannot hold the database is named in the error, not a stack', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hdj-datadir-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'not-a-folder')
  fs.writeFileSync(file, 'x')
  for (const dataDir of [file, path.join(file, 'below')]) {
    await t.rejects(openDatabase({ databaseUrl: undefined, dataDir }), { name: 'DataDirError', message: new RegExp(`^DATA_DIR=${JSON.stringify(dataDir).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} cannot hold the embedded database: E[A-Z]+`) }, `${path.basename(dataDir)}: DataDirError naming DATA_DIR and the system's reason`)
  }
})
