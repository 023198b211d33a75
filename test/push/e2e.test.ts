// The realtime path end to end on two instances sharing one PostgreSQL: the AMI simulator plays a
// recorded call, only the elected instance consumes AMI, every screen on both instances sees the
// popup; when the leader goes, the other instance connects to the PBX and the popups go on.
import t from 'tap'
import { createService, type Service } from '../../src/service.js'
import { loadConfig } from '../../src/config.js'
import { openPostgres } from '../../src/db/database.js'
import { AmiSimulator, loadTranscript, relabel } from '../../src/ami/simulator.js'
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
  // what main.ts does per instance (createService + start): a leader election, the telephony started on leadership
  const tuning = { leader: { retryMs: 300, checkMs: 500 }, telephony: { log: silent, client: { minBackoffMs: 20, maxBackoffMs: 200 } } }
  const one = await testApp(t, { backend: 'pg', env: { AMI_URL: sim.url() }, ...tuning })
  const db2 = await openPostgres(one.database.url!)
  const two = await createService(loadConfig({ LOG_LEVEL: 'silent', LOGIN_RATE_LIMIT: '1000', AMI_URL: sim.url() }), { database: db2, clock: () => new Date(), logger: false, ...tuning })
  t.teardown(async () => { await two.close(); await db2.close() })
  await two.start()
  const app2 = two.app
  const instance = (service: Service) => ({ leader: service.leader!, telephony: service.telephony })
  const a = instance(one.service)
  const b = instance(two)
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
