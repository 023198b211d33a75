// /health on any instance tells the AMI link of the elected one.
import t from 'tap'
import pg from 'pg'
import { sharedAmiStatus, type AmiLinkStatus } from '../src/cluster/ami-status.js'
import { clusterRepository } from '../src/db/cluster.repository.js'
import { backends, testDatabase, testDb } from './helpers/db.js'

for (const backend of backends()) {
  t.test(`sharedAmiStatus (${backend}): a standby reports the leader's link, and disconnected once the leader is gone`, async (t) => {
    const db = await testDb(t, backend)
    const cluster = clusterRepository(db)
    const clock = { now: new Date('2026-12-01T05:00:00Z') }
    let link: AmiLinkStatus = 'connected'
    const leader = sharedAmiStatus({ cluster, isLeader: () => true, own: () => link, clock: () => clock.now, everyMs: 60_000 })
    const standby = sharedAmiStatus({ cluster, isLeader: () => false, own: () => 'disconnected', clock: () => clock.now, everyMs: 60_000, staleMs: 30_000 })
    t.teardown(() => { leader.close(); standby.close() })

    t.equal(standby.status(), 'disconnected', 'nothing recorded yet: disconnected')
    await leader.refresh()
    await standby.refresh()
    t.equal(leader.status(), 'connected', 'the leader reports its own link')
    t.equal(standby.status(), 'connected', 'the standby reports the leader\'s link')

    link = 'disconnected'
    clock.now = new Date(clock.now.getTime() + 10_000)
    await leader.refresh()
    await standby.refresh()
    t.equal(standby.status(), 'disconnected', 'the PBX link dropped on the leader: the standby says so')

    link = 'connected'
    await leader.refresh()
    clock.now = new Date(clock.now.getTime() + 31_000)
    await standby.refresh()
    t.equal(standby.status(), 'disconnected', 'a record older than the staleness limit: the leader is gone')
  })
}

t.test('sharedAmiStatus (pg): a standby stops reporting a killed leader\'s link as soon as its lock is gone, fresh record or not', { skip: backends().includes('pg') ? false : 'the leader lock needs a real PostgreSQL (TEST_DATABASE_URL)' }, async (t) => {
  const database = await testDatabase(t, 'pg')
  const cluster = clusterRepository(database.db)
  const KEY = 7345229026 // above 2^32: both halves of the key matter
  const holder = new pg.Client({ connectionString: database.url })
  await holder.connect()
  holder.on('error', () => {})
  await holder.query('select pg_advisory_lock($1)', [KEY])
  t.teardown(async () => { await holder.end().catch(() => {}) })
  t.equal(await cluster.advisoryLockHeld(KEY), true, 'the lock is seen held')
  t.equal(await cluster.advisoryLockHeld(KEY + 1), false, 'another key is not')

  const clock = { now: new Date('2026-12-01T05:00:00Z') }
  const leader = sharedAmiStatus({ cluster, isLeader: () => true, own: () => 'connected', clock: () => clock.now, everyMs: 60_000 })
  const standby = sharedAmiStatus({ cluster, isLeader: () => false, own: () => 'disconnected', clock: () => clock.now, everyMs: 60_000, leaderAlive: async () => await cluster.advisoryLockHeld(KEY) })
  t.teardown(() => { leader.close(); standby.close() })
  await leader.refresh()
  await standby.refresh()
  t.equal(standby.status(), 'connected', 'the leader lives: its link is reported')

  // killed outright: the connection goes without a word, PostgreSQL lets go of its lock
  ;(holder as unknown as { connection: { stream: { destroy: () => void } } }).connection.stream.destroy()
  for (let i = 0; i < 100 && await cluster.advisoryLockHeld(KEY); i++) await new Promise((resolve) => setTimeout(resolve, 50))
  await standby.refresh()
  t.equal(standby.status(), 'disconnected', 'its record is fresh, but nobody leads: disconnected')
})
