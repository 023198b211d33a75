import t from 'tap'
import { testApp } from '../helpers/app.js'

const q = (s: string): string => encodeURIComponent(s)

t.test('calendar API: schedule status and deadline for the dates of the issue', async (t) => {
  const { app, as } = await testApp(t)
  const headers = await as('specialist')
  const status = await app.inject({ method: 'GET', url: `/api/schedule/status?at=${q('2026-12-01T12:45:00+05:00')}`, headers })
  t.equal(status.statusCode, 200, 'status answers')
  t.same(status.json(), { open: false, reason: 'lunch', opensAt: '2026-12-01T13:30:00+05:00', closesAt: '2026-12-01T17:00:00+05:00' },
    'Tuesday 12:45 → closed for lunch, opens 13:30')

  const deadline = await app.inject({ method: 'GET', url: `/api/calendar/deadline?from=${q('2026-11-27T18:30:00+05:00')}&days=5`, headers })
  t.equal(deadline.statusCode, 200, 'deadline answers')
  t.same(deadline.json(), { registeredOn: '2026-11-30', due: '2026-12-07T17:00:00+05:00' }, 'Friday 18:30 → registered Monday, due next Monday 17:00')

  const plus = await app.inject({ method: 'GET', url: '/api/schedule/status?at=2026-12-01T12:29:00+05:00', headers })
  t.same(plus.json().reason, 'open', "an unencoded '+' (decoded as a space) is still read as the offset")
  const utc = await app.inject({ method: 'GET', url: '/api/schedule/status?at=2026-11-30T19:00:00Z', headers })
  t.same(utc.json(), { open: false, reason: 'before-hours', opensAt: '2026-12-01T09:00:00+05:00', closesAt: '2026-12-01T12:30:00+05:00' },
    'UTC 19:00 Monday is local midnight Tuesday')
  const noOffset = await app.inject({ method: 'GET', url: '/api/calendar/deadline?from=2026-11-27T15:00', headers })
  t.same(noOffset.json(), { registeredOn: '2026-11-27', due: '2026-12-04T16:00:00+05:00' }, 'no offset: local time of the center; default 5 days')
})

t.test('calendar API: defaults to now from the clock', async (t) => {
  const { app, as } = await testApp(t, { clock: () => new Date('2026-11-28T05:00:00Z') })
  const headers = await as('auditor')
  t.same((await app.inject({ method: 'GET', url: '/api/schedule/status', headers })).json(),
    { open: false, reason: 'weekend', opensAt: '2026-11-30T09:00:00+05:00', closesAt: '2026-11-30T12:30:00+05:00' }, 'Saturday now: weekend')
  t.same((await app.inject({ method: 'GET', url: '/api/calendar/deadline', headers })).json(),
    { registeredOn: '2026-11-30', due: '2026-12-07T17:00:00+05:00' }, 'deadline of a request arriving now')
})

t.test('calendar API: bad input is a 400 with a message, and a session is needed', async (t) => {
  const { app, as } = await testApp(t)
  const headers = await as('specialist')
  for (const url of ['/api/schedule/status?at=yesterday', '/api/calendar/deadline?from=2026-13-45T10:00:00Z', '/api/calendar/deadline?from=2026-11-27T10:00:00Z&days=0',
    '/api/calendar?year=20x6', '/api/schedule/status?at=']) {
    const res = await app.inject({ method: 'GET', url, headers })
    t.equal(res.statusCode, 400, `${url}: 400`)
    t.ok(res.json().message.length > 0, `${url}: with a message (${res.json().message})`)
  }
  t.equal((await app.inject({ method: 'GET', url: '/api/schedule/status?at=yesterday', headers })).json().code, 'INVALID_INSTANT', 'stable code for a bad instant')
  t.equal((await app.inject({ method: 'GET', url: '/api/schedule/status' })).statusCode, 401, 'no session → 401')
})

t.test('calendar API: a year with its source, and 2027 flagged unconfirmed', async (t) => {
  const { app, as } = await testApp(t)
  const headers = await as('specialist')
  const y2025 = (await app.inject({ method: 'GET', url: '/api/calendar?year=2025', headers })).json()
  t.equal(y2025.confirmed, true, '2025 is confirmed')
  t.match(y2025.source, /№ 1335/, 'cites the 2025 decree')
  t.equal(y2025.days.length, 365, 'every day of the year')
  const sat = y2025.days.find((d: { date: string }) => d.date === '2025-11-01')
  t.same(sat, { date: '2025-11-01', weekday: 6, kind: 'shortened', working: true, shortened: true, closedReason: null,
    hours: { from: '09:00', to: '16:00' }, lunch: { from: '12:30', to: '13:30' }, origin: 'official', comment: null, editedAt: null },
  'the working Saturday 1 November 2025')
  const y2026 = (await app.inject({ method: 'GET', url: '/api/calendar?year=2026', headers })).json()
  t.match(y2026.source, /№ 1466/, 'cites the 2026 decree')
  const y2027 = (await app.inject({ method: 'GET', url: '/api/calendar?year=2027', headers })).json()
  t.equal(y2027.confirmed, false, '2027 is provisional')
  t.match(y2027.warning, /decree/, 'with a warning to enter the decree')
  t.equal(y2027.days.find((d: { date: string }) => d.date === '2027-05-03').origin, 'provisional', 'its days say so')
})

t.test('calendar API: making a Wednesday a holiday changes status and deadline at once; DELETE reverts', async (t) => {
  const { app, as } = await testApp(t)
  const head = await as('head')
  const specialist = await as('specialist')
  const status = async () => (await app.inject({ method: 'GET', url: `/api/schedule/status?at=${q('2026-12-02T10:00:00+05:00')}`, headers: specialist })).json()
  const deadline = async () => (await app.inject({ method: 'GET', url: `/api/calendar/deadline?from=${q('2026-11-27T18:30:00+05:00')}`, headers: specialist })).json()
  t.equal((await status()).reason, 'open', 'Wednesday 2 December open before the change')

  const denied = await app.inject({ method: 'PUT', url: '/api/calendar/days/2026-12-02', headers: specialist, payload: { kind: 'holiday' } })
  t.equal(denied.statusCode, 403, 'a specialist may not change the calendar')

  const put = await app.inject({ method: 'PUT', url: '/api/calendar/days/2026-12-02', headers: head, payload: { kind: 'holiday', comment: 'региональный праздник' } })
  t.equal(put.statusCode, 200, 'the head changes the day')
  t.match(put.json(), { date: '2026-12-02', kind: 'holiday', working: false, closedReason: 'holiday', origin: 'manual', comment: 'региональный праздник' }, 'the answer is the new day')
  t.type(put.json().editedAt, 'string', 'with the time of the edit')
  t.same(await status(), { open: false, reason: 'holiday', opensAt: '2026-12-03T09:00:00+05:00', closesAt: '2026-12-03T12:30:00+05:00' }, 'status follows at once')
  t.same(await deadline(), { registeredOn: '2026-11-30', due: '2026-12-08T17:00:00+05:00' }, 'deadline moves one working day')

  const del = await app.inject({ method: 'DELETE', url: '/api/calendar/days/2026-12-02', headers: head })
  t.equal(del.statusCode, 200, 'the head reverts the day')
  t.equal(del.json().origin, 'schedule', 'back to the weekly schedule')
  t.equal((await status()).reason, 'open', 'open again')
  t.same(await deadline(), { registeredOn: '2026-11-30', due: '2026-12-07T17:00:00+05:00' }, 'deadline back')
  const again = await app.inject({ method: 'DELETE', url: '/api/calendar/days/2026-12-02', headers: head })
  t.equal(again.statusCode, 404, 'nothing left to revert')
  t.equal(again.json().code, 'CALENDAR_DAY_NOT_EDITED', 'and says so')
})

t.test('calendar API: day edits are validated', async (t) => {
  const { app, as } = await testApp(t)
  const head = await as('head')
  const rows = [
    ['/api/calendar/days/2026-02-30', { kind: 'holiday' }, 'INVALID_DATE', 'no 30 February'],
    ['/api/calendar/days/2026-12-02', { kind: 'holiday', hours: { from: '10:00', to: '12:00' } }, 'HOURS_NOT_ALLOWED', 'hours on a holiday'],
    ['/api/calendar/days/2026-12-02', { kind: 'working', hours: { from: '15:00', to: '10:00' } }, 'INVALID_HOURS', 'hours reversed'],
    ['/api/calendar/days/2026-12-02', { kind: 'day-off' }, 'VALIDATION_ERROR', 'unknown kind']
  ] as const
  for (const [url, payload, code, note] of rows) {
    const res = await app.inject({ method: 'PUT', url, headers: head, payload })
    t.equal(res.statusCode, 400, `${note}: 400`)
    t.equal(res.json().code, code, `${note}: ${res.json().message}`)
  }
  const hours = await app.inject({ method: 'PUT', url: '/api/calendar/days/2026-11-28', headers: head, payload: { kind: 'working', hours: { from: '10:00', to: '14:00' } } })
  t.match(hours.json(), { working: true, hours: { from: '10:00', to: '14:00' }, lunch: { from: '12:30', to: '13:30' } }, 'a Saturday made working with its own hours')
  const st = await app.inject({ method: 'GET', url: `/api/schedule/status?at=${q('2026-11-28T13:45:00+05:00')}`, headers: head })
  t.same(st.json(), { open: true, reason: 'open', opensAt: '2026-11-30T09:00:00+05:00', closesAt: '2026-11-28T14:00:00+05:00' }, 'open until 14:00 that Saturday')
})

t.test('calendar API: the head edits the weekly schedule', async (t) => {
  const { app, as } = await testApp(t)
  const head = await as('head')
  const current = await app.inject({ method: 'GET', url: '/api/schedule', headers: await as('specialist') })
  t.equal(current.statusCode, 200, 'anyone logged in reads the schedule')
  const { updatedAt: _u, ...schedule } = current.json()
  t.same(schedule.week.fri, { from: '09:00', to: '16:00' }, 'Friday 09:00–16:00')
  t.equal(schedule.zone, 'Asia/Yekaterinburg', 'the zone is part of the schedule')

  const bad = await app.inject({ method: 'PUT', url: '/api/schedule', headers: head, payload: { ...schedule, lunch: { from: '13:30', to: '12:30' } } })
  t.equal(bad.statusCode, 400, 'a reversed lunch is refused')
  t.equal(bad.json().code, 'INVALID_SCHEDULE', 'with a code')
  const badZone = await app.inject({ method: 'PUT', url: '/api/schedule', headers: head, payload: { ...schedule, zone: 'Mars/Olympus' } })
  t.match(badZone.json().message, /time zone/, 'an unknown zone is named')

  const put = await app.inject({ method: 'PUT', url: '/api/schedule', headers: head, payload: { ...schedule, week: { ...schedule.week, fri: { from: '09:00', to: '17:00' } }, lunch: { from: '12:00', to: '13:00' } } })
  t.equal(put.statusCode, 200, 'the head saves the schedule')
  const st = await app.inject({ method: 'GET', url: `/api/schedule/status?at=${q('2026-11-27T16:30:00+05:00')}`, headers: head })
  t.same(st.json(), { open: true, reason: 'open', opensAt: '2026-11-30T09:00:00+05:00', closesAt: '2026-11-27T17:00:00+05:00' }, 'Friday now until 17:00')
  const lunch = await app.inject({ method: 'GET', url: `/api/schedule/status?at=${q('2026-11-27T12:45:00+05:00')}`, headers: head })
  t.equal(lunch.json().reason, 'lunch', 'the new lunch applies')
  const specialistPut = await app.inject({ method: 'PUT', url: '/api/schedule', headers: await as('specialist'), payload: schedule })
  t.equal(specialistPut.statusCode, 403, 'only the head edits the schedule')
})

t.test('calendar API → journal: a Wednesday made a holiday moves an entry\'s due date and the overdue filter at once', async (t) => {
  const clock = { now: new Date('2026-11-27T18:30:00+05:00') }
  const { app, as } = await testApp(t, { clock: () => clock.now })
  let head = await as('head')
  let specialist = await as('specialist')
  const created = await app.inject({
    method: 'POST', url: '/api/entries', headers: specialist,
    payload: { channel: 'email', type: 'support', description: 'Не приходит письмо о записи', organizationName: 'МАОУ СОШ № 1', contactText: 'Петрова Ольга', module: 'navigator' }
  })
  t.equal(created.statusCode, 201, 'a draft is created')
  const registered = await app.inject({ method: 'POST', url: `/api/entries/${created.json().id}/register`, headers: specialist })
  t.equal(registered.statusCode, 200, 'and registered')
  t.match(registered.json(), { registeredOn: '2026-11-30', dueAt: '2026-12-07T12:00:00.000Z' }, 'Friday 18:30 → registered Monday, due 7 December 17:00 +05:00')

  clock.now = new Date('2026-12-07T17:30:00+05:00')
  head = await as('head') // the sessions of ten days ago have expired
  specialist = await as('specialist')
  const overdue = async (): Promise<number> => (await app.inject({ method: 'GET', url: '/api/entries?overdue=true', headers: specialist })).json().total
  t.equal(await overdue(), 1, 'overdue after 17:00 on the due day')

  const put = await app.inject({ method: 'PUT', url: '/api/calendar/days/2026-12-02', headers: head, payload: { kind: 'holiday' } })
  t.equal(put.statusCode, 200, 'the head makes Wednesday 2 December a holiday')
  const entry = (await app.inject({ method: 'GET', url: `/api/entries/${created.json().id}`, headers: specialist })).json()
  t.match(entry, { dueAt: '2026-12-08T12:00:00.000Z', overdue: false }, 'the due date moved a working day, no longer overdue')
  t.equal(await overdue(), 0, 'the overdue filter follows')

  await app.inject({ method: 'DELETE', url: '/api/calendar/days/2026-12-02', headers: head })
  t.equal(await overdue(), 1, 'reverting the day makes it overdue again')
})

t.test('calendar API: the head enters a decree for a provisional year and confirms it', async (t) => {
  const { app, as } = await testApp(t)
  const head = await as('head')
  const refused = await app.inject({ method: 'PUT', url: '/api/calendar/years/2027', headers: await as('specialist'), payload: { source: 'Постановление № 1' } })
  t.equal(refused.statusCode, 403, 'only the head confirms a year')
  // the decree (say) moves 3 May to 10 May's place and keeps 10 May: the head edits what differs
  await app.inject({ method: 'PUT', url: '/api/calendar/days/2027-05-04', headers: head, payload: { kind: 'holiday', comment: 'по постановлению' } })
  const put = await app.inject({ method: 'PUT', url: '/api/calendar/years/2027', headers: head, payload: { source: 'Постановление Правительства РФ от 01.10.2026 № 1500' } })
  t.equal(put.statusCode, 200, 'the head confirms 2027')
  const y = put.json()
  t.match(y, { year: 2027, confirmed: true, source: 'Постановление Правительства РФ от 01.10.2026 № 1500', warning: null }, 'confirmed, with the decree as source')
  const day = (date: string) => y.days.find((d: { date: string }) => d.date === date)
  t.match(day('2027-05-03'), { kind: 'holiday', origin: 'official' }, 'the Labour Code days became official')
  t.match(day('2027-05-04'), { kind: 'holiday', origin: 'manual' }, "the head's edit stays an edit (revertible)")
  t.match(day('2027-02-22'), { kind: 'shortened', origin: 'official' }, 'shortened days kept')
  const again = await app.inject({ method: 'GET', url: '/api/calendar?year=2027', headers: head })
  t.equal(again.json().confirmed, true, 'GET says confirmed too')
  const bad = await app.inject({ method: 'PUT', url: '/api/calendar/years/2027', headers: head, payload: {} })
  t.equal(bad.statusCode, 400, 'the decree must be named')
})
