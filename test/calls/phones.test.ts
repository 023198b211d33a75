// The phones' registration history, pure: observations folded into intervals over real dates, the
// reconnect's full list, and availability = screen open AND phone not known to be unregistered.
import t from 'tap'
import { foldPhoneStates, phoneChanges, snapshotChanges, type PhoneState } from '../../src/calls/phones.js'
import { available, uncovered } from '../../src/reports/compliance.js'
import { defaultCalendar } from '../../src/calendar/index.js'

const local = (s: string): Date => new Date(`${s}+05:00`)
const obs = (extension: string, registered: boolean, at: string): PhoneState => ({ extension, registered, at: local(at) })

t.test('folding: a day of device states into stretches per extension', async (t) => {
  const day = [
    obs('101', true, '2026-11-02T08:55:00'), // the connect's list
    obs('102', false, '2026-11-02T08:55:00'),
    obs('101', true, '2026-11-02T09:10:00'), // ringing, in use, idle: still registered
    obs('101', true, '2026-11-02T09:12:30'),
    obs('102', true, '2026-11-02T09:40:00'), // 102 switched on
    obs('101', false, '2026-11-02T12:00:00'), // 101 unplugged for lunch
    obs('101', true, '2026-11-02T13:02:00'),
    obs('102', false, '2026-11-02T18:05:00')
  ]
  t.same(foldPhoneStates(day), [
    { extension: '101', registered: true, from: local('2026-11-02T08:55:00'), to: local('2026-11-02T12:00:00') },
    { extension: '102', registered: false, from: local('2026-11-02T08:55:00'), to: local('2026-11-02T09:40:00') },
    { extension: '102', registered: true, from: local('2026-11-02T09:40:00'), to: local('2026-11-02T18:05:00') },
    { extension: '101', registered: false, from: local('2026-11-02T12:00:00'), to: local('2026-11-02T13:02:00') },
    { extension: '101', registered: true, from: local('2026-11-02T13:02:00'), to: null },
    { extension: '102', registered: false, from: local('2026-11-02T18:05:00'), to: null }
  ], 'a stretch per change of registration, the last ones open')
  t.same(foldPhoneStates([]), [], 'nothing observed: no history')
})

t.test('folding: across midnight and the autumn of a zone without DST, and an observation out of order', async (t) => {
  const h = foldPhoneStates([obs('101', true, '2026-10-31T17:59:00'), obs('101', false, '2026-11-01T00:30:00'), obs('101', true, '2026-11-03T08:50:00')])
  t.same(h.map((i) => [i.registered, i.from.toISOString(), i.to?.toISOString() ?? null]), [
    [true, '2026-10-31T12:59:00.000Z', '2026-10-31T19:30:00.000Z'],
    [false, '2026-10-31T19:30:00.000Z', '2026-11-03T03:50:00.000Z'],
    [true, '2026-11-03T03:50:00.000Z', null]
  ], 'off over a weekend: one stretch of two days')
  const open = new Map([['101', { registered: true, from: local('2026-11-02T10:00:00') }]])
  t.same(phoneChanges(open, obs('101', false, '2026-11-02T09:59:00')), [], 'an observation older than the open stretch changes nothing')
})

t.test('the reconnect\'s list: what changed is taken at its instant; a phone no longer listed is closed', async (t) => {
  const open = new Map([
    ['101', { registered: true, from: local('2026-11-02T08:00:00') }],
    ['102', { registered: true, from: local('2026-11-02T08:00:00') }],
    ['103', { registered: false, from: local('2026-11-02T08:00:00') }]
  ])
  const at = local('2026-11-02T11:00:00')
  t.same(snapshotChanges(open, [obs('101', true, '2026-11-02T11:00:00'), obs('103', true, '2026-11-02T11:00:00'), obs('104', false, '2026-11-02T11:00:00')], at), [
    { type: 'close', extension: '102', at },
    { type: 'close', extension: '103', at },
    { type: 'open', extension: '103', registered: true, at },
    { type: 'open', extension: '104', registered: false, at }
  ], '101 unchanged; 102 unknown now; 103 registered meanwhile; 104 new')
})

t.test('availability: screen open and phone not known unregistered', async (t) => {
  const now = local('2026-11-03T12:00:00')
  const presence = [
    { userId: 1, from: local('2026-11-02T09:00:00'), to: local('2026-11-02T12:00:00') },
    { userId: 2, from: local('2026-11-02T11:00:00'), to: local('2026-11-02T13:00:00') }
  ]
  const down = [
    { userId: 1, from: local('2026-11-02T08:00:00'), to: local('2026-11-02T09:30:00') },
    { userId: 1, from: local('2026-11-02T10:00:00'), to: local('2026-11-02T10:15:00') },
    { userId: 2, from: local('2026-11-02T11:30:00'), to: null }
  ]
  t.same(available(presence, down, now).map((s) => [s.userId, s.from.toISOString(), s.to?.toISOString()]), [
    [1, '2026-11-02T04:30:00.000Z', '2026-11-02T05:00:00.000Z'],
    [1, '2026-11-02T05:15:00.000Z', '2026-11-02T07:00:00.000Z'],
    [2, '2026-11-02T06:00:00.000Z', '2026-11-02T06:30:00.000Z']
  ], 'each screen less the stretches of that specialist\'s phone off (another\'s phone does not matter)')
  t.same(available(presence, [], now), presence, 'no phone history: the screens decide')
  const day = { from: '2026-11-02', to: '2026-11-02' }
  const gaps = uncovered(available(presence, down, now), day, defaultCalendar(), now).gaps.map((g) => [g.from.toISOString(), g.to.toISOString()])
  t.same(gaps, [
    ['2026-11-02T04:00:00.000Z', '2026-11-02T04:30:00.000Z'],
    ['2026-11-02T05:00:00.000Z', '2026-11-02T05:15:00.000Z'],
    ['2026-11-02T07:00:00.000Z', '2026-11-02T07:30:00.000Z'],
    ['2026-11-02T08:30:00.000Z', '2026-11-02T12:00:00.000Z']
  ], 'Monday 9:00–9:30, 10:00–10:15, 12:00 to lunch and the afternoon without anyone available')
})
