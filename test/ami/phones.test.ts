// The phones' registration from AMI: the recorded device state events of real Asterisk 22 calls
// (test/fixtures/ami, and test/fixtures/ami-dialplan with the service's own least-privilege account)
// replayed over TCP, and the history kept in phone_interval across a reconnect's DeviceStateList,
// with the account's classes (write = call,reporting) enforced by the simulator.
import t from 'tap'
import path from 'node:path'
import { simulator, client, waitFor, allDelivered } from '../helpers/ami.js'
import { testDb } from '../helpers/db.js'
import { FIXTURES_DIR, loadTranscript, type Transcript } from '../../src/ami/simulator.js'
import { phoneStateOf } from '../../src/ami/phones.js'
import { foldPhoneStates, type PhoneState } from '../../src/calls/phones.js'
import { phonesRepository } from '../../src/db/phones.repository.js'
import { recordPhones } from '../../src/telephony/phones.js'
import { classList } from '../../src/ami/privileges.js'
import fs from 'node:fs'

const DIALPLAN_DIR = path.resolve(FIXTURES_DIR, '../ami-dialplan')

/** Recorded scenario → how many device state events of phones 101 and 102 it holds. */
const RECORDED: Array<[string, () => Transcript, { '101': number, '102': number }]> = [
  ['answered', () => loadTranscript('answered'), { 101: 3, 102: 2 }],
  ['abandoned-ringing', () => loadTranscript('abandoned-ringing'), { 101: 2, 102: 2 }],
  ['two-concurrent-calls', () => loadTranscript('two-concurrent-calls'), { 101: 4, 102: 3 }],
  ['queue', () => loadTranscript('queue'), { 101: 3, 102: 2 }],
  ['busy', () => loadTranscript('busy'), { 101: 0, 102: 0 }],
  ['dialplan answered', () => loadTranscript('answered', path.join(DIALPLAN_DIR, 'answered')), { 101: 3, 102: 2 }],
  ['dialplan no-answer', () => loadTranscript('no-answer', path.join(DIALPLAN_DIR, 'no-answer')), { 101: 2, 102: 2 }],
  ['dialplan service-started-mid-call', () => loadTranscript('service-started-mid-call', path.join(DIALPLAN_DIR, 'service-started-mid-call')), { 101: 3, 102: 2 }],
  ['dialplan rejected-lunch', () => loadTranscript('rejected-lunch', path.join(DIALPLAN_DIR, 'rejected-lunch')), { 101: 0, 102: 0 }]
]

for (const [name, load, expected] of RECORDED) {
  t.test(`phones: the recorded ${name} over TCP: the phones ring and stay registered; trunk and queue are no phones`, async (t) => {
    const sim = await simulator(t)
    const c = client(t, sim.url())
    const states: PhoneState[] = []
    let devices = 0
    const at = new Date('2026-11-02T09:00:00+05:00')
    c.on('event', (msg) => {
      if (msg.name === 'DeviceStateChange') devices++
      const s = phoneStateOf(msg, at)
      if (s !== undefined) states.push(s)
    })
    c.start()
    await sim.waitForLogin()
    await sim.play(load())
    await allDelivered(sim, c)
    t.same({ 101: states.filter((s) => s.extension === '101').length, 102: states.filter((s) => s.extension === '102').length }, expected, 'every state event of 101 and 102')
    t.equal(states.length, expected[101] + expected[102], 'nothing else is a phone')
    if (expected[101] + expected[102] > 0) t.ok(devices > states.length, 'the trunk\'s and the queue\'s device events are left out')
    t.ok(states.every((s) => s.registered), 'ringing, in use and idle: registered all along')
    const history = foldPhoneStates(states)
    t.same(history.map((h) => [h.extension, h.registered, h.to]), [
      ...(expected[101] > 0 ? [['101', true, null]] : []), ...(expected[102] > 0 ? [['102', true, null]] : [])
    ].sort(), 'one open registered stretch per phone, however often it rang')
  })
}

t.test('phones: DeviceStateList is within the service\'s account (write = call,reporting of dialplan/manager.conf)', async (t) => {
  const conf = fs.readFileSync(path.resolve(FIXTURES_DIR, '../../../dialplan/manager.conf'), 'utf8')
  const write = /^write\s*=\s*(.+)$/m.exec(conf)![1]!
  const sim = await simulator(t, { writeClasses: classList(write) })
  sim.deviceStates.set('PJSIP/101', 'NOT_INUSE')
  const c = client(t, sim.url())
  c.start()
  await sim.waitForLogin()
  await waitFor('connected', () => c.status.state === 'connected')
  const list = await c.action({ Action: 'DeviceStateList' })
  t.same(list.items.map((i) => [i.name, i.headers.device, i.headers.state]), [['DeviceStateChange', 'PJSIP/101', 'NOT_INUSE']], 'the list\'s items are DeviceStateChange events')
  await t.rejects(c.action({ Action: 'PJSIPShowContacts' }), /Permission denied/, 'the contacts need class system: refused')
})

t.test('phones: the history in phone_interval follows the PBX: events, a reconnect\'s list, a phone gone', async (t) => {
  const db = await testDb(t)
  const sim = await simulator(t, { writeClasses: ['call', 'reporting'] })
  // the PBX's device cache as Asterisk lists it: phones, the trunk and the queue's hint device
  sim.deviceStates.set('PJSIP/trunk', 'NOT_INUSE')
  sim.deviceStates.set('PJSIP/101', 'NOT_INUSE')
  sim.deviceStates.set('PJSIP/102', 'UNAVAILABLE')
  sim.deviceStates.set('Queue:helpdesk_avail', 'NOT_INUSE')
  let now = new Date('2026-11-02T08:55:00+05:00')
  const c = client(t, sim.url())
  const recorder = recordPhones(c, { phones: phonesRepository(db), clock: () => now, log: c.logs })
  const rows = async () => (await db.selectFrom('phone_interval').select(['extension', 'registered', 'from_at', 'to_at']).orderBy('id').execute())
    .map((r) => [r.extension, r.registered, r.from_at.toISOString(), r.to_at?.toISOString() ?? null])
  c.start()
  await sim.waitForLogin()
  await waitFor('the list read', () => sim.received.some((r) => r.action === 'devicestatelist'))
  await recorder.idle()
  t.same(await rows(), [
    ['101', true, '2026-11-02T03:55:00.000Z', null],
    ['102', false, '2026-11-02T03:55:00.000Z', null]
  ], 'at connect: 101 registered, 102 not; the trunk and the queue are no phones')

  now = new Date('2026-11-02T09:10:00+05:00')
  await sim.play('answered') // 102 rings (it registered meanwhile), 101 answers
  await allDelivered(sim, c)
  await recorder.idle()
  t.same(await rows(), [
    ['101', true, '2026-11-02T03:55:00.000Z', null],
    ['102', false, '2026-11-02T03:55:00.000Z', '2026-11-02T04:10:00.000Z'],
    ['102', true, '2026-11-02T04:10:00.000Z', null]
  ], '102 rang: registered from then; 101 ringing and talking writes nothing')

  now = new Date('2026-11-02T12:00:00+05:00')
  await sim.setDeviceState('PJSIP/101', 'UNAVAILABLE')
  await allDelivered(sim, c)
  await recorder.idle()
  const after101 = await rows()
  t.same(after101.filter((r) => r[0] === '101'), [
    ['101', true, '2026-11-02T03:55:00.000Z', '2026-11-02T07:00:00.000Z'],
    ['101', false, '2026-11-02T07:00:00.000Z', null]
  ], '101 unreachable at 12:00: its registered stretch ends there')

  // the PBX restarts without 102 in its cache and with 101 back: the reconnect's list says so
  sim.deviceStates.delete('PJSIP/102')
  sim.deviceStates.set('PJSIP/101', 'NOT_INUSE')
  now = new Date('2026-11-02T13:00:00+05:00')
  const lists = sim.received.filter((r) => r.action === 'devicestatelist').length
  sim.dropConnections()
  await waitFor('the list read again', () => sim.received.filter((r) => r.action === 'devicestatelist').length > lists)
  await recorder.idle()
  const final = await rows()
  t.same(final.filter((r) => r[0] === '101'), [
    ['101', true, '2026-11-02T03:55:00.000Z', '2026-11-02T07:00:00.000Z'],
    ['101', false, '2026-11-02T07:00:00.000Z', '2026-11-02T08:00:00.000Z'],
    ['101', true, '2026-11-02T08:00:00.000Z', null]
  ], 'back at the reconnect (13:00): what happened between is taken at the reconnect\'s instant')
  t.same(final.filter((r) => r[0] === '102').at(-1), ['102', true, '2026-11-02T04:10:00.000Z', '2026-11-02T08:00:00.000Z'], '102 no longer listed: its stretch ends, its state unknown from then')
  t.notOk(c.logs.lines.some((l) => l.level === 'warn' && /phones/.test(l.msg)), 'no write or list failed')
})
