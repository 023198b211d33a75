// Several instances on one real PostgreSQL: fan-out through LISTEN/NOTIFY and the AMI leader.
import t from 'tap'
import pg from 'pg'
import { createService } from '../../src/service.js'
import { loadConfig } from '../../src/config.js'
import { openPostgres, type Database } from '../../src/db/database.js'
import { LeaderElection } from '../../src/cluster/leader.js'
import { testApp, TEST_PASSWORD } from '../helpers/app.js'
import { testDatabase, TEST_DATABASE_URL } from '../helpers/db.js'
import { connectWs, until } from '../helpers/ws.js'

const NO_PG = TEST_DATABASE_URL === undefined || TEST_DATABASE_URL === ''
  ? 'several instances need a real PostgreSQL: set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)'
  : false
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }
type Teardown = { teardown: (fn: () => unknown) => void }

/** Another instance: its own pool (as another process would have) on the same database. */
async function otherInstance (t: Teardown, database: Database) {
  const db2 = await openPostgres(database.url!)
  const service = await createService(loadConfig({ LOG_LEVEL: 'silent', LOGIN_RATE_LIMIT: '1000' }), { database: db2, clock: () => new Date(), logger: false })
  t.teardown(async () => { await service.close(); await db2.close() })
  await service.start()
  const app = service.app
  const login = async (username: string): Promise<Record<string, string>> => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: TEST_PASSWORD } })
    if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode}`)
    return { cookie: `sid=${res.cookies.find((c) => c.name === 'sid')?.value}`, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken }
  }
  return { app, push: service.push, database: db2, login }
}

async function killBackends (database: Database, applicationName: string): Promise<number> {
  const url = new URL(database.url!)
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await admin.connect()
  try {
    const r = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = $2', [url.pathname.slice(1), applicationName])
    return r.rowCount ?? 0
  } finally { await admin.end() }
}

t.test('push: a ring reaches the screens of both instances at once, live (no id, not stored, not replayed)', { skip: NO_PG }, async (t) => {
  const one = await testApp(t, { backend: 'pg' })
  const two = await otherInstance(t, one.database)
  const auth = await two.login('petrov')
  const onOne = await connectWs(one.app, '/ws', await one.as('specialist'))
  const onTwo = await connectWs(two.app, '/ws', auth)
  t.teardown(() => { onOne.close(); onTwo.close() })
  const hello = await onTwo.next('hello')
  await onOne.next('hello')
  const at = new Date()
  const call = { linkedId: '1795866724.0', uniqueId: '1795866724.0', callerNumber: '+79123456789', dialled: '73452000000', state: 'ringing', arrivedAt: at, answeredAt: null, endedAt: null, answeredBy: null, transferredTo: null, firstAnsweredBy: null, decision: 'open', outcome: null, rejectReason: null, hangupCause: null, hangupCauseText: null, recordingFile: null, callerHungUp: null, legs: [], approximate: false } as unknown as Parameters<typeof one.push.ring>[0]
  one.push.ring(call)
  const here = await onOne.next('call.ring')
  const there = await onTwo.next('call.ring')
  t.same([here.id, (here.call as { linkedId: string }).linkedId, (here.call as { callerNumber: string }).callerNumber], [undefined, '1795866724.0', '+79123456789'], 'the publishing instance\'s screen: the call with its number, no id')
  t.same([there.id, (there.call as { linkedId: string }).linkedId], [undefined, '1795866724.0'], 'the other instance\'s screen too, through NOTIFY')
  one.push.withdraw('1795866724.0')
  t.same((await onTwo.next('call.withdrawn')).call, { linkedId: '1795866724.0' }, 'taken back on the other instance')
  t.equal(onOne.frames.filter((f) => f.type === 'call.ring').length, 1, 'once on the publishing instance (its own NOTIFY is not sent again)')
  // nothing of it is stored: a screen reconnecting from the greeting's id gets no ring replayed
  const back = await connectWs(two.app, `/ws?since=${hello.id as number}`, auth)
  t.teardown(() => { back.close() })
  await back.next('hello')
  t.same(back.frames.filter((f) => f.type === 'call.ring' || f.type === 'call.withdrawn'), [], 'not replayed')
})

t.test('push: a message published on one instance reaches the screens of the other', { skip: NO_PG }, async (t) => {
  const one = await testApp(t, { backend: 'pg' })
  const two = await otherInstance(t, one.database)
  const onOne = await connectWs(one.app, '/ws', await one.as('specialist'))
  const onTwo = await connectWs(two.app, '/ws', await two.login('petrov'))
  t.teardown(() => { onOne.close(); onTwo.close() })
  await onOne.next('hello')
  await onTwo.next('hello')

  const id = await one.push.publish('entry.created', { entry: { id: 99, status: 'in_progress' } })
  const there = await onTwo.next('entry.created')
  t.same([there.id, there.entry], [id, { id: 99, status: 'in_progress' }], 'the other instance delivers it with the same id')
  const here = await onOne.next('entry.created')
  t.equal(here.id, id, 'and the publishing instance delivers it too')
  t.equal(onTwo.frames.filter((f) => f.id === id).length, 1, 'exactly once')

  // presence spans instances: ivanova (instance one) is online in petrov's list (instance two)
  const p = await onTwo.next('presence', (f) => (f.specialists as Array<{ userId: number, online: boolean }>).some((s) => s.userId === one.users.specialist.id && s.online))
  t.ok(p.id > 0, 'presence of a specialist connected to the other instance arrives')

  // a big payload goes by id: NOTIFY carries only the id, the row carries the message
  const big = 'ж'.repeat(20_000)
  const bigId = await two.push.publish('entry.updated', { entry: { id: 99, description: big } })
  const got = await onOne.next('entry.updated')
  t.same([got.id, (got.entry as { description: string }).description.length], [bigId, 20_000], 'a message far over 8000 bytes crosses instances whole')

  onOne.close()
  const gone = await onTwo.next('presence', (f) => f.id > bigId)
  t.equal((gone.specialists as Array<{ userId: number, online: boolean }>).find((s) => s.userId === one.users.specialist.id)?.online, false, 'when her last screen closes, the other instance sees her offline')
})

t.test('push: an instance whose LISTEN connection dropped catches up after reconnecting', { skip: NO_PG }, async (t) => {
  const one = await testApp(t, { backend: 'pg' })
  const two = await otherInstance(t, one.database)
  const ws = await connectWs(two.app, '/ws', await two.login('ivanova'))
  t.teardown(ws.close)
  await ws.next('hello')
  await until('instance two listens', () => two.push.listening)
  t.ok(await killBackends(one.database, 'hdj-push-listen') >= 2, 'the LISTEN connections were killed')
  const id = await one.push.publish('entry.created', { entry: { id: 5 } })
  const got = await ws.next('entry.created', () => true, 15_000)
  t.equal(got.id, id, 'the message published while instance two was not listening still reaches its screen')
  t.ok(two.push.listening, 'instance two listens again')
})

t.test('push: a call ringing on the leader pops up on both instances; the snapshot is shared', { skip: NO_PG }, async (t) => {
  const one = await testApp(t, { backend: 'pg' })
  const two = await otherInstance(t, one.database)
  const a = await connectWs(one.app, '/ws', await one.as('specialist'))
  const b = await connectWs(two.app, '/ws', await two.login('petrov'))
  t.teardown(() => { a.close(); b.close() })
  await a.next('hello'); await b.next('hello')
  const at = new Date()
  const call = {
    linkedId: '1700000100.7', callerNumber: '+73452111222', dialled: '73452290256', state: 'ringing' as const, arrivedAt: at,
    answeredAt: null, endedAt: null, answeredBy: null, transferredTo: null, decision: 'open', recordingFile: null,
    callerHungUp: false, legs: {}, hangupCause: null, hangupCauseText: null, outcome: null, rejectReason: null, approximate: false
  }
  await one.push.publishCall({ type: 'call.ringing', call, entry: { id: 3 } })
  void one.push.publishCall({ type: 'call.answered', call: { ...call, state: 'talking', answeredAt: at, answeredBy: '101' } })
  for (const ws of [a, b]) {
    await ws.next('call.ringing')
    const ans = await ws.next('call.answered')
    t.equal((ans.answeredBy as { userId: number }).userId, one.users.specialist.id, 'both instances learn who answered')
  }
  const late = await connectWs(two.app, '/ws', await two.login('sidorova'))
  t.teardown(late.close)
  const hello = await late.next('hello')
  const calls = hello.calls as Array<{ type: string, draft: { id: number }, answeredBy: { userId: number } }>
  t.same(calls.map((c) => [c.type, c.draft.id, c.answeredBy.userId]), [['call.answered', 3, one.users.specialist.id]], 'a screen opened later on the other instance gets the call in progress')
})

t.test('leader: exactly one of two instances leads; the other takes over when it closes', { skip: NO_PG }, async (t) => {
  const database = await testDatabase(t, 'pg')
  const started: string[] = []
  const stopped: string[] = []
  const elect = (name: string): LeaderElection => {
    const e = new LeaderElection({ database, log: silent, retryMs: 200, checkMs: 500, key: 42 })
    e.onLeader(() => { started.push(name) }, () => { stopped.push(name) })
    t.teardown(async () => { await e.close() })
    return e
  }
  const a = elect('a')
  const b = elect('b')
  await a.start()
  await b.start()
  await a.settled()
  t.same([a.isLeader, b.isLeader], [true, false], 'the first to try leads, the other follows')
  await new Promise((resolve) => setTimeout(resolve, 700))
  t.same([a.isLeader, b.isLeader, started], [true, false, ['a']], 'the follower keeps retrying without taking over')

  await a.close()
  t.same(stopped, ['a'], 'the leader stops its work when it closes')
  await until('b takes over (its next try, retryMs 200)', () => b.isLeader, 10_000)
  await b.settled()
  t.same(started, ['a', 'b'], 'and starts its work')
})

async function killLockHolder (database: { url: string | undefined }, key: number): Promise<void> {
  const url = new URL(database.url!)
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL })
  await admin.connect()
  await admin.query(`select pg_terminate_backend(pid) from pg_locks l join pg_stat_activity s using (pid)
    where l.locktype = 'advisory' and l.objid = $2 and s.datname = $1`, [url.pathname.slice(1), key])
  await admin.end()
}

t.test('leader: when the leader\'s lock connection dies it takes the lock again without stepping down (no AMI gap)', { skip: NO_PG }, async (t) => {
  const database = await testDatabase(t, 'pg')
  const events: string[] = []
  const log = { ...silent, lines: [] as string[] }
  const a = new LeaderElection({ database, log: { ...silent, info: (_o: object, m: string) => { log.lines.push(m) } }, retryMs: 300, checkMs: 300, key: 44 })
  const b = new LeaderElection({ database, log: silent, retryMs: 5000, checkMs: 300, key: 44 })
  a.onLeader(() => { events.push('a start') }, () => { events.push('a stop') })
  b.onLeader(() => { events.push('b start') }, () => { events.push('b stop') })
  t.teardown(async () => { await a.close(); await b.close() })
  await a.start()
  await a.settled()
  await b.start()
  await killLockHolder(database, 44) // the PostgreSQL side of a's lock connection goes away
  await until('a took the lock again', () => log.lines.includes('leader: took the lock again; the AMI was read all along'), 5000)
  await a.settled(); await b.settled()
  t.same(events, ['a start'], 'a never stopped its work, b never started')
  t.ok(a.isLeader && !b.isLeader, 'a still leads')
})

t.test('leader: a leader that lost its lock connection steps down when another instance took the lock first', { skip: NO_PG }, async (t) => {
  const database = await testDatabase(t, 'pg')
  const events: string[] = []
  const a = new LeaderElection({ database, log: silent, retryMs: 300, checkMs: 300, graceRetryMs: 1500, key: 43 })
  const b = new LeaderElection({ database, log: silent, retryMs: 100, checkMs: 300, key: 43 })
  a.onLeader(() => { events.push('a start') }, () => { events.push('a stop') })
  b.onLeader(() => { events.push('b start') }, () => { events.push('b stop') })
  t.teardown(async () => { await a.close(); await b.close() })
  await a.start()
  await a.settled()
  await b.start()
  t.ok(a.isLeader, 'a leads')
  await killLockHolder(database, 43)
  await until('a stepped down', () => b.isLeader && events.includes('a stop'), 5000)
  await a.settled(); await b.settled()
  t.same(events, ['a start', 'b start', 'a stop'], 'b took over; a stopped at its next try (the overlap is one try of a)')
  t.ok(a.isLeader !== b.isLeader, 'exactly one leads afterwards')
  t.equal(events.filter((e) => e.endsWith('start')).length - events.filter((e) => e.endsWith('stop')).length, 1, 'and exactly one instance is running the work')
})

t.test('leader: on the embedded database the only instance leads at once', async (t) => {
  const database = await testDatabase(t, 'pglite')
  const e = new LeaderElection({ database, log: silent })
  let running = false
  e.onLeader(() => { running = true }, () => { running = false })
  await e.start()
  await e.settled()
  t.ok(e.isLeader && running, 'leader, work started')
  await e.close()
  t.notOk(running || e.isLeader, 'closing stops the work')
})

t.test('push: ids committed out of order reach the screens in id order; a rolled-back id is not waited for long', { skip: NO_PG }, async (t) => {
  const { app, push, as, database } = await testApp(t, { backend: 'pg' })
  const ws = await connectWs(app, '/ws', await as('specialist'))
  t.teardown(ws.close)
  await ws.next('hello')
  await new Promise((resolve) => setTimeout(resolve, 300)) // let the greeting's presence message pass
  const other = new pg.Client({ connectionString: database.url })
  await other.connect()
  t.teardown(async () => { await other.end() })

  // another instance takes an id first but commits after us
  await other.query('begin')
  const early = Number((await other.query(`insert into push_message (type, payload) values ('entry.created', '{"entry":{"id":1}}') returning id`)).rows[0].id)
  await other.query("select pg_notify('hdj_push', $1)", [String(early)])
  const later = await push.publish('entry.created', { entry: { id: 2 } })
  t.ok(later > early, 'our id is the later one')
  await new Promise((resolve) => setTimeout(resolve, 80))
  await other.query('commit')
  await ws.next('entry.created', (f) => f.id === later)
  const order = ws.frames.filter((f) => f.type === 'entry.created').map((f) => f.id)
  t.same(order, [early, later], 'the screen got the earlier id first although it was committed last')

  // a transaction that rolls back leaves a hole: the next message waits only briefly
  await other.query('begin')
  await other.query(`insert into push_message (type, payload) values ('entry.created', '{"entry":{"id":3}}')`)
  const after = await push.publish('entry.created', { entry: { id: 4 } })
  await other.query('rollback')
  // a hole that never fills would hold it for ever; the hold is about a second (latency is the benchmark's)
  const next = await ws.next('entry.created', (f) => f.id === after, 15_000)
  t.equal(next.id, after, 'the message after a rolled-back id arrives though the hole stays')
})

t.test('leader: an unreachable database is retried, never thrown at start', async (t) => {
  const database = { kind: 'pg', url: 'postgres://postgres@127.0.0.1:1/nowhere' } as unknown as Database
  const warnings: string[] = []
  const e = new LeaderElection({ database, log: { ...silent, warn: (_o: object, msg: string) => { warnings.push(msg) } }, retryMs: 50, checkMs: 500 })
  let started = false
  e.onLeader(() => { started = true }, () => {})
  await e.start()
  await until('a retry', () => warnings.length >= 2, 3000)
  t.notOk(e.isLeader || started, 'no leadership without the database')
  t.equal(warnings[0], 'leader: could not try the lock', 'each failed try is logged')
  await e.close()
})
