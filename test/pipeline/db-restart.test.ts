// Fault: PostgreSQL restarts while calls arrive. The AMI leader keeps reading (it takes its lock
// again once the server answers), the call tracking holds the events while the database is away
// and writes them when it is back: the call log equals the one the events describe (a clean run),
// with no AMI reconnect, on a server of the test's own (the shared one is never restarted).
import t from 'tap'
import { simulator, waitFor } from '../helpers/ami.js'
import { testApp } from '../helpers/app.js'
import { flood } from '../helpers/flood.js'
import { postgresBin, privatePostgres } from '../helpers/private-pg.js'
import { openPostgres } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { callsRepository } from '../../src/db/calls.repository.js'

const NO_SERVER = postgresBin() === undefined ? 'needs PostgreSQL server binaries (apt-get install postgresql)' : false

t.test('fault: a PostgreSQL restart while calls arrive loses no call and opens no AMI gap', { skip: NO_SERVER }, async (t) => {
  const server = await privatePostgres(t)
  const database = await openPostgres(server.url)
  t.teardown(async () => { await database.close() })
  await migrateToLatest(database)
  const sim = await simulator(t)
  const { service } = await testApp(t, {
    database,
    env: { AMI_URL: sim.url() },
    telephony: { client: { minBackoffMs: 20, maxBackoffMs: 200 } },
    leader: { retryMs: 300, checkMs: 300 }
  })
  await sim.waitForLogin(1)
  const pipeline = service.telephony.pipeline!
  await pipeline.idle()
  // calls spread over a few seconds at their recorded pace, so the restart falls in the middle of many
  const f = flood(12, { spacingMs: 300 })
  const playing = sim.play(f.transcript, { speed: 1 })
  await new Promise((resolve) => setTimeout(resolve, 1500))
  const callsBefore = [...pipeline.tracked().keys()].length
  await server.restart('fast')
  await playing
  await waitFor('every call ended', () => [...f.expected.keys()].every((id) => pipeline.tracked().get(id)?.state === 'ended'), 60_000)
  await pipeline.idle()
  t.ok(callsBefore > 0 && callsBefore < f.expected.size, `the restart came mid-flood (${callsBefore} of ${f.expected.size} calls begun)`)
  t.equal(sim.connections, 1, 'the AMI connection stayed up')
  t.equal(sim.received.filter((a) => a.action === 'login').length, 1, 'no second login: no AMI gap')
  t.ok(service.leader?.isLeader, 'still the leader')

  const rows = await callsRepository(database.db).list({ limit: 10_000 })
  t.equal(rows.length, f.expected.size, 'one row per call: none lost, none doubled')
  const got = rows.map((r) => ({ id: r.linkedId, outcome: r.outcome, reason: r.rejectReason, by: r.answeredBy?.extension ?? null, caller: r.callerNumber, approximate: r.approximate, draft: r.entryId !== null }))
    .sort((a, b) => a.id.localeCompare(b.id))
  const want = [...f.expected.values()].map((c) => ({ id: c.linkedId, outcome: c.outcome, reason: c.rejectReason, by: c.answeredBy, caller: c.callerNumber, approximate: false, draft: f.rang.has(c.linkedId) }))
    .sort((a, b) => a.id.localeCompare(b.id))
  t.same(got, want, 'the call log equals the clean run: outcomes, specialists, drafts, nothing approximate')
})
