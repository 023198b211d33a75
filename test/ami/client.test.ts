import t from 'tap'
import net from 'node:net'
import { AmiActionError } from '../../src/ami/client.js'
import { simulator, client, waitFor } from '../helpers/ami.js'
import type { AmiMessage } from '../../src/ami/message.js'

t.test('client: logs in, reports connected, and delivers events with normalised keys', async (t) => {
  const sim = await simulator(t)
  const c = client(t, sim.url())
  const events: AmiMessage[] = []
  c.on('event', (m) => events.push(m))
  let connected = 0
  const order: string[] = []
  c.on('connected', () => { connected++; order.push('connected') })
  c.on('event', (m) => order.push(m.name))
  c.start()
  await waitFor('connected', () => c.status.state === 'connected' && events.length > 0)
  t.equal(connected, 1, "'connected' is emitted once after login")
  t.same(order, ['connected', 'FullyBooted'], "'connected' comes before the events that arrived with the login response")
  events.length = 0
  const login = sim.received.find((a) => a.action === 'login')
  t.equal(login?.fields.username, 'callog', 'logged in with the user from AMI_URL')
  await sim.inject('Event: VarSet\r\nPrivilege: dialplan,all\r\nChannel: PJSIP/trunk-00000000\r\nUniqueid: 1.0\r\nLinkedid: 1.0\r\nVariable: HD_STATUS\r\nValue: lunch\r\n\r\n')
  await waitFor('event', () => events.length === 1)
  t.equal(events[0]!.name, 'VarSet', 'event name keeps its Asterisk case')
  t.equal(events[0]!.headers.variable, 'HD_STATUS', 'VarSet variable is the name (the library mis-parse is fixed)')
  t.equal(events[0]!.headers.value, 'lunch', 'VarSet value')
  t.equal(events[0]!.headers.linkedid, '1.0', 'header keys are lower-cased')
  t.notOk(c.logs.lines.some((l) => JSON.stringify(l).includes(sim.secret)), 'the secret is never logged')
})

t.test('client: wrong credentials leave it disconnected with reason auth-failed and a clear log line', async (t) => {
  const sim = await simulator(t)
  const c = client(t, sim.url('wrong-secret'), { minBackoffMs: 5000 })
  const seen: string[] = []
  c.on('disconnected', (s) => seen.push(s.reason))
  c.start()
  await waitFor('auth failure', () => seen.length > 0)
  t.equal(c.status.state, 'disconnected', 'status is disconnected')
  t.equal(c.status.state === 'disconnected' && c.status.reason, 'auth-failed', 'reason is auth-failed')
  t.same(seen, ['auth-failed'], 'one disconnected event, auth-failed')
  const line = c.logs.lines.find((l) => l.level === 'error')
  t.match(line?.msg, /login failed/, 'an error line says the login failed')
  t.equal(line?.obj.ami, `callog@127.0.0.1:${sim.port}`, 'the line names user, host and port')
  t.notOk(c.logs.lines.some((l) => JSON.stringify(l).includes('wrong-secret')), 'the secret is never logged')
  await t.rejects(c.action({ Action: 'Ping' }), /not connected/, 'actions are refused while disconnected')
})

t.test('client: a refused connection is reported as refused and retried with backoff', async (t) => {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => resolve()))
  const c = client(t, `ami://callog:callogsecret@127.0.0.1:${port}`, { minBackoffMs: 10, maxBackoffMs: 40 })
  let failures = 0
  c.on('disconnected', (s) => { if (s.reason === 'refused') failures++ })
  c.start()
  await waitFor('three refused attempts', () => failures >= 3)
  t.equal(c.status.state === 'disconnected' && c.status.reason, 'refused', 'reason is refused')
  t.equal(c.logs.lines.filter((l) => l.level === 'warn' && l.msg === 'AMI connection failed').length, 1, 'the failure is logged once at warn, repeats at debug')
})

t.test('client: reconnects after the PBX drops the connection, with a fresh login', async (t) => {
  const sim = await simulator(t)
  const c = client(t, sim.url())
  let connected = 0
  c.on('connected', () => { connected++ })
  c.start()
  await sim.waitForLogin(1)
  sim.dropConnections()
  await sim.waitForLogin(2)
  await waitFor('connected again', () => c.status.state === 'connected' && connected === 2)
  t.equal(connected, 2, "'connected' again after the reconnect (the place to reconcile)")
  t.ok(c.logs.lines.some((l) => l.msg === 'AMI connection lost'), 'the loss is logged')
  const reply = await c.action({ Action: 'Ping' })
  t.equal(reply.response.headers.ping, 'Pong', 'actions work on the new connection')
})

t.test('client: actions resolve by unique ActionID, errors reject, in-flight ones reject on close', async (t) => {
  const sim = await simulator(t)
  const c = client(t, sim.url())
  c.start()
  await sim.waitForLogin()
  await waitFor('connected', () => c.status.state === 'connected')
  const [a, b, d] = await Promise.all([c.action({ Action: 'Ping' }), c.action({ Action: 'Ping' }), c.action({ Action: 'Ping' })])
  const ids = [a, b, d].map((r) => r.response.actionId)
  t.equal(new Set(ids).size, 3, 'three simultaneous actions get three ActionIDs')
  await t.rejects(c.action({ Action: 'Bogus' }), /Invalid\/unknown command/, 'Response: Error rejects with its message')
  await t.rejects(c.action({ Action: 'Ping', Extra: 'x\r\nAction: Originate' }), /CR\/LF/, 'CR/LF in a value is refused (header injection)')
  await t.rejects(c.action({ Action: 'Ping', ActionID: 'mine' }), /assigned by the client/, 'callers cannot choose ActionIDs')
  sim.answerPing = false
  const slow = c.action({ Action: 'Ping' }, 60)
  await t.rejects(slow, /timed out after 60 ms/, 'an unanswered action times out')
  const inflight = c.action({ Action: 'Ping' }, 5000)
  sim.dropConnections()
  const err = await inflight.then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof AmiActionError, 'an in-flight action is rejected when the connection closes')
  t.match((err as Error).message, /aborted/, 'with a message saying it was aborted')
})

t.test('client: EventList actions (DBGet, CoreShowChannels, Status) resolve with their items', async (t) => {
  const sim = await simulator(t)
  sim.channels = [
    { Channel: 'PJSIP/trunk-00000000', Uniqueid: '9.0', Linkedid: '9.0', CallerIDNum: '+79123456789', ChannelStateDesc: 'Up', Context: 'from-trunk', Exten: '73452290256', Seconds: 7, BridgeId: 'b1', variables: { HD_STATUS: 'open' } },
    { Channel: 'PJSIP/101-00000001', Uniqueid: '9.1', Linkedid: '9.0', CallerIDNum: '101', ChannelStateDesc: 'Up', Context: 'specialists', Exten: '', Seconds: 5, BridgeId: 'b1' }
  ]
  const c = client(t, sim.url())
  c.start()
  await waitFor('connected', () => c.status.state === 'connected')
  await c.action({ Action: 'DBPut', Family: 'helpdesk', Key: 'until', Val: '2026-12-01T12:30:00+05:00' })
  const got = await c.action({ Action: 'DBGet', Family: 'helpdesk', Key: 'until' })
  t.equal(got.items.length, 1, 'DBGet resolves at DBGetComplete with one item')
  t.equal(got.items[0]?.headers.val, '2026-12-01T12:30:00+05:00', 'values with ":" and "+" come back whole')
  await t.rejects(c.action({ Action: 'DBGet', Family: 'helpdesk', Key: 'nosuchkey' }), /Database entry not found/, 'a missing key is an error, not a hang')
  const csc = await c.action({ Action: 'CoreShowChannels' })
  t.same(csc.items.map((i) => i.headers.channel), ['PJSIP/trunk-00000000', 'PJSIP/101-00000001'], 'CoreShowChannels items')
  const st = await c.action({ Action: 'Status', Channel: 'PJSIP/trunk-00000000', Variables: 'HD_STATUS' })
  t.same(st.items[0]?.all.variable, ['HD_STATUS=open'], 'Status variables as NAME=value')
})

t.test('client: a Ping keep-alive timeout drops the half-open connection and reconnects', async (t) => {
  const sim = await simulator(t)
  const c = client(t, sim.url(), { pingIntervalMs: 30, pingTimeoutMs: 40 })
  c.start()
  await sim.waitForLogin(1)
  sim.answerPing = false
  const reasons: string[] = []
  c.on('disconnected', (s) => reasons.push(s.reason))
  await waitFor('keep-alive failure', () => reasons.length > 0)
  t.equal(reasons[0], 'timeout', 'the connection is dropped with reason timeout')
  sim.answerPing = true
  await sim.waitForLogin(2)
  await waitFor('connected again', () => c.status.state === 'connected')
  t.pass('logged in again after the keep-alive failure')
})

t.test('client: garbage, truncated and merged blocks, unknown events are skipped without a crash', async (t) => {
  const sim = await simulator(t)
  const c = client(t, sim.url())
  const events: AmiMessage[] = []
  c.on('event', (m) => events.push(m))
  c.start()
  await waitFor('connected', () => c.status.state === 'connected')
  await sim.inject([
    '\u0000\u0001 line noise without a colon\r\n\r\n', // garbage block
    'Event: Newchannel\r\nChannel: PJSIP/trunk-0000\r\nUniqueid: 5.0\r\n', // truncated: no end, merged into the next
    'Event: Hangup\r\nChannel: PJSIP/trunk-00000001\r\nUniqueid: 6.0\r\nLinkedid: 6.0\r\n\r\n',
    'Event: UserEvent\r\nUserEvent: A\r\nUserEvent: B\r\n\r\n', // would make the library throw
    'Event: SomethingNew\r\nFoo: bar\r\n\r\n', // unknown event: delivered, ignored downstream
    'Response: Success\r\nActionID: nobody-asked\r\n\r\n', // a response for no one
    'Event: Hangup\r\nChannel: PJSIP/trunk-00000002\r\nUniqueid: 7.0\r\nLinkedid: 7.0\r\nCause: 16\r\n\r\n'
  ].join(''), 7)
  await waitFor('the good event after the garbage', () => events.some((e) => e.headers.uniqueid === '7.0'))
  t.same(events.map((e) => e.name).filter((n) => n !== 'FullyBooted'), ['SomethingNew', 'Hangup'], 'only well-formed events come out')
  t.ok(c.logs.lines.some((l) => l.msg === 'AMI: malformed block skipped'), 'malformed blocks are logged')
  t.equal(c.status.state, 'connected', 'still connected')
  const reply = await c.action({ Action: 'Ping' })
  t.equal(reply.response.headers.ping, 'Pong', 'the connection still works')
})

t.test('client: pauseEvents holds the events in TCP, the keep-alive does not time out meanwhile, resumeEvents delivers them all', async (t) => {
  const sim = await simulator(t)
  const c = client(t, sim.url(), { pingIntervalMs: 20, pingTimeoutMs: 60 })
  const names: string[] = []
  c.on('event', (m) => { if (m.name === 'VarSet') names.push(m.headers.value ?? '') })
  const drops: string[] = []
  c.on('disconnected', (s) => drops.push(s.reason))
  c.start()
  await waitFor('connected', () => c.status.state === 'connected')
  c.pauseEvents()
  t.equal(c.reading, false, 'the socket is not read while paused')
  const n = 3000 // ~600 kB: more than one socket read
  const text = Array.from({ length: n }, (_, i) => `Event: VarSet\r\nChannel: PJSIP/trunk-1\r\nUniqueid: 1.0\r\nLinkedid: 1.0\r\nVariable: X\r\nValue: ${i} ${'x'.repeat(150)}\r\n\r\n`).join('')
  const sent = sim.inject(text)
  await new Promise((resolve) => setTimeout(resolve, 500)) // > 8 ping timeouts
  t.ok(names.length < n / 2, `events wait while paused (${names.length} of ${n} read)`)
  t.same(drops, [], 'no keep-alive timeout while paused: the silence is ours')
  t.equal(c.status.state, 'connected', 'still connected')
  c.resumeEvents()
  await sent
  await waitFor('all events', () => names.length === n)
  t.same(names.map((v) => Number(v.split(' ')[0])), Array.from({ length: n }, (_, i) => i), 'every event arrives, in order, once')
  const pong = await c.action({ Action: 'Ping' })
  t.equal(pong.response.headers.ping, 'Pong', 'the connection works after the pause')
  t.same(drops, [], 'never dropped')
})
