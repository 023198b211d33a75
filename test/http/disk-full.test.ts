// A full disk: the embedded database in a DATA_DIR on a small tmpfs that is then filled for real.
// Writes are refused with 503 STORAGE_UNAVAILABLE (nothing stored, try again), never a 500; /health
// says the database is failing although `select 1` still answers; once there is room, writes work
// and /health is ok again. And a change that was committed while the screens' message could not be
// stored (PostgreSQL's own disk_full, raised for the push table only) reaches the screens afterwards.
import t, { type Test } from 'tap'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { sql } from 'kysely'
import { testApp } from '../helpers/app.js'
import { openPglite } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { backends, testDatabase } from '../helpers/db.js'
import { connectWs, until } from '../helpers/ws.js'

const ENTRY = { channel: 'walk_in', type: 'support', description: 'вопрос о зачислении', organizationName: 'ИП Иванов', contactText: 'Иванов', module: 'other' }

/** A tmpfs of `mb` megabytes (unmounted at the end). */
function smallDisk (t: Test, mb: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hdj-full-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${mb}m`, 'tmpfs', dir], { stdio: 'ignore' })
  t.teardown(() => {
    try { execFileSync('umount', ['-l', dir], { stdio: 'ignore' }) } catch {}
    fs.rmSync(dir, { recursive: true, force: true })
  })
  return dir
}

function fill (dir: string): string {
  const filler = path.join(dir, 'filler')
  try { execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1M', 'count=4096'], { stdio: 'ignore' }) } catch { /* dd stops at ENOSPC */ }
  return filler
}

/** false when a tmpfs can be mounted here, else why not (it needs root). */
const cannotMount = ((): string | false => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hdj-mount-probe-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' })
    execFileSync('umount', [dir], { stdio: 'ignore' })
    return false
  } catch {
    return 'a small disk to fill needs `mount -t tmpfs` (root)'
  } finally { fs.rmSync(dir, { recursive: true, force: true }) }
})()

t.test('disk full (PGlite on a filled tmpfs): 503 STORAGE_UNAVAILABLE, /health failing, all well once there is room', { skip: cannotMount }, async (t) => {
  const disk = smallDisk(t, 160)
  const database = await openPglite(path.join(disk, 'data'))
  await migrateToLatest(database)
  const { app, as } = await testApp(t, { database })
  const h = await as('specialist')
  t.equal((await app.inject({ method: 'POST', url: '/api/entries', headers: h, payload: ENTRY })).statusCode, 201, 'a write works while there is room')

  const filler = fill(disk)
  const answers: number[] = []
  let refusal: { code?: string, message?: string } = {}
  let retryAfter: string | undefined
  for (let i = 0; i < 20; i++) {
    const res = await app.inject({ method: 'POST', url: '/api/entries', headers: h, payload: { ...ENTRY, description: `${'длинное описание '.repeat(300)} ${i}` } })
    answers.push(res.statusCode)
    if (res.statusCode === 503) { refusal = res.json(); retryAfter = res.headers['retry-after'] as string | undefined }
  }
  t.notOk(answers.some((s) => s === 500), `no 500 on a full disk (answers: ${answers.join(' ')})`)
  t.ok(answers.includes(503), 'writes are refused while the disk is full')
  t.equal(refusal.code, 'STORAGE_UNAVAILABLE', 'with the documented code')
  t.equal(retryAfter, '10', 'and when to try again')
  const list = await app.inject({ method: 'GET', url: '/api/entries', headers: h })
  t.equal(list.statusCode, 200, 'reading still works')
  const health = await app.inject({ method: 'GET', url: '/health' })
  t.same([health.statusCode, health.json().db], [503, 'error'], '/health says the database is failing, though select 1 answers')

  fs.rmSync(filler)
  const again = await app.inject({ method: 'POST', url: '/api/entries', headers: h, payload: ENTRY })
  t.equal(again.statusCode, 201, 'with room again, the same write succeeds')
  const healthy = await app.inject({ method: 'GET', url: '/health' })
  t.same([healthy.statusCode, healthy.json().db], [200, 'ok'], 'and /health is ok')
})

for (const backend of backends()) {
  t.test(`disk full for the screens' messages only (${backend}): a committed change reaches the screens once they can be stored`, async (t) => {
    const database = await testDatabase(t, backend)
    const { app, as, push } = await testApp(t, { database })
    const h = await as('specialist')
    const ws = await connectWs(app, '/ws', h)
    t.teardown(() => { ws.close() })
    await ws.next('hello')
    // PostgreSQL's own disk_full (SQLSTATE 53100), for the push log only: the entry commits, its message cannot
    await sql`create function hdj_test_full () returns trigger language plpgsql as $$ begin raise exception 'could not extend file "base/5/16400": No space left on device' using errcode = '53100'; end $$`.execute(database.db)
    await sql`create trigger hdj_test_full before insert on push_message for each row execute function hdj_test_full()`.execute(database.db)

    const created = await app.inject({ method: 'POST', url: '/api/entries', headers: h, payload: ENTRY })
    t.equal(created.statusCode, 201, 'the entry is saved')
    const id = (created.json() as { id: number }).id
    t.equal(push.waitingCount, 1, 'its message waits for the database')
    t.notOk(ws.frames.some((f) => (f.entry as { id?: number } | undefined)?.id === id), 'and has not reached the screens')

    await sql`drop trigger hdj_test_full on push_message`.execute(database.db)
    const frame = await ws.next('entry.created', (f) => (f.entry as { id: number }).id === id, 15_000)
    t.equal((frame.entry as { id: number }).id, id, 'the screens learn of the change once the database takes the message')
    t.equal(push.waitingCount, 0, 'nothing waits any more')
  })
}
