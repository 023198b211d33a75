// The realtime path end to end on two instances sharing one PostgreSQL: the AMI simulator plays a
// recorded call, only the elected instance consumes AMI, every screen on both instances sees the
// popup; when the leader goes, the other instance connects to the PBX and the popups go on.
import t from 'tap'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { openPostgres, type Database } from '../../src/db/database.js'
import { calendarRepository } from '../../src/db/calendar.repository.js'
import { createCalendarService } from '../../src/services/calendar.service.js'
import { LeaderElection } from '../../src/cluster/leader.js'
import { startTelephony } from '../../src/pipeline.js'
import { parseAmiUrl } from '../../src/config.js'
import { AmiSimulator, loadTranscript, relabel } from '../../src/ami/simulator.js'
import type { FastifyInstance } from 'fastify'
import { testApp, TEST_PASSWORD } from '../helpers/app.js'
import { TEST_DATABASE_URL } from '../helpers/db.js'
import { connectWs, until, type Frame } from '../helpers/ws.js'

const NO_PG = TEST_DATABASE_URL === undefined || TEST_DATABASE_URL === ''
  ? 'two instances need a real PostgreSQL: set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)'
  : false
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }
const DID = '73452290256'

t.test('push: a replayed call pops up on both instances; the AMI consumer fails over', { skip: NO_PG }, async (t) => {
  const sim = await AmiSimulator.start({ loginFailDelayMs: 50 })
  t.teardown(async () => { await sim.close() })
  const one = await testApp(t, { backend: 'pg' })
  const db2 = await openPostgres(one.database.url!)
  const app2 = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent', LOGIN_RATE_LIMIT: '1000' }), database: db2, clock: () => new Date(), logger: false })
  t.teardown(async () => { await app2.close(); await db2.close() })

  // what main.ts does per instance: a leader election and the telephony started on leadership
  const instance = async (app: FastifyInstance, database: Database) => {
    const calendar = await createCalendarService({ repo: calendarRepository(database.db), clock: () => new Date() })
    const leader = new LeaderElection({ database, log: silent, retryMs: 300, checkMs: 500 })
    const telephony = startTelephony({
      endpoint: parseAmiUrl(sim.url()), helpdeskDid: DID, database, calendar, clock: () => new Date(), log: silent, leader,
      publishCall: async (m) => await app.push.publishCall(m), client: { minBackoffMs: 20, maxBackoffMs: 200 }
    })
    t.teardown(async () => { await leader.close(); await telephony.stop() })
    await leader.start()
    return { leader, telephony }
  }
  const a = await instance(one.app, one.database)
  const b = await instance(app2, db2)
  t.same([a.leader.isLeader, b.leader.isLeader], [true, false], 'one instance leads')
  await sim.waitForLogin(1)
  await until('the leader is connected to the PBX', () => a.telephony.status() === 'connected')
  t.equal(sim.connections, 1, 'exactly one AMI connection for the two instances')

  const login2 = async (username: string): Promise<Record<string, string>> => {
    const res = await app2.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: TEST_PASSWORD } })
    return { cookie: `sid=${res.cookies.find((c) => c.name === 'sid')?.value}` }
  }
  const ivanova = await connectWs(one.app, '/ws', await one.as('specialist')) // extension 101, instance one
  const petrov = await connectWs(app2, '/ws', await login2('petrov')) // instance two
  t.teardown(() => { ivanova.close(); petrov.close() })
  await ivanova.next('hello'); await petrov.next('hello')

  await sim.play('answered')
  for (const [who, ws] of [['ivanova', ivanova], ['petrov', petrov]] as const) {
    const ring = await ws.next('call.ringing', () => true, 10_000)
    const ans = await ws.next('call.answered', () => true, 10_000)
    const end = await ws.next('call.ended', () => true, 10_000)
    const linkedId = (ring.call as { linkedId: string }).linkedId
    t.equal((ans.call as { linkedId: string }).linkedId, linkedId, `${who}: the answer is about the same call`)
    t.equal((ans.answeredBy as { userId: number } | null)?.userId, one.users.specialist.id, `${who}: answered by ivanova (extension 101)`)
    t.ok(ring.id < ans.id && ans.id < end.id, `${who}: ringing, answered, ended in order`)
    t.equal(end.missed, false, `${who}: not missed`)
    t.type((ring.draft as { id: number } | null)?.id, 'number', `${who}: the popup has the draft entry`)
  }

  // the leader goes away: the other instance takes the lock and connects to the PBX
  await a.leader.close()
  await until('instance two leads', () => b.leader.isLeader, 5000)
  await sim.waitForLogin(2)
  await until('instance two is connected to the PBX', () => b.telephony.status() === 'connected', 5000)
  t.equal(sim.connections, 1, 'still exactly one AMI connection')
  await sim.play(relabel(loadTranscript('abandoned-ringing'), 1795870000))
  for (const [who, ws] of [['ivanova', ivanova], ['petrov', petrov]] as const) {
    const ring = await ws.next('call.ringing', (f) => f.id > 0 && (f.call as { linkedId: string }).linkedId.startsWith('17958700'), 10_000)
    const end = await ws.next('call.ended', (f) => (f.call as { linkedId: string }).linkedId === (ring.call as { linkedId: string }).linkedId, 10_000)
    t.equal(end.missed, true, `${who}: the call nobody answered pops up and ends as missed after the failover`)
  }

  // a call outside working hours: rejected by the dialplan, it never rings and is not missed
  await sim.play(relabel(loadTranscript('out-of-hours'), 1795880000))
  for (const [who, ws] of [['ivanova', ivanova], ['petrov', petrov]] as const) {
    const ours = (f: Frame): boolean => (f.call as { linkedId: string }).linkedId.startsWith('17958800')
    const end = await ws.next('call.ended', ours, 10_000)
    t.same([end.missed, (end.call as { outcome: string }).outcome], [false, 'rejected'], `${who}: the rejected call ends, not missed`)
    t.notOk(ws.frames.some((f) => f.type === 'call.ringing' && ours(f)), `${who}: and never popped up`)
  }
})
