import t from 'tap'
import {
  addWorkingTime, buildCalendar, dueAt, isOverdue, registrationDate, workingTimeBetween, defaultSchedule,
  yearFromData, OFFICIAL_YEARS, scheduleState
} from '../../src/calendar/index.js'
import { at, cal, ms } from '../helpers/calendar.js'

t.test('registrationDate: reg. 3.3 over real dates', async t => {
  const rows = [
    ['2026-11-27T18:30:00+05:00', '2026-11-30', 'issue example: Friday evening → Monday'],
    ['2026-11-27T15:59:00+05:00', '2026-11-27', 'Friday before 16:00'],
    ['2026-11-27T16:00:00+05:00', '2026-11-30', 'Friday at closing'],
    ['2026-12-01T08:00:00+05:00', '2026-12-01', 'before opening counts as that day'],
    ['2026-12-01T12:45:00+05:00', '2026-12-01', 'lunch counts as that day'],
    ['2026-12-01T16:59:59+05:00', '2026-12-01', 'last second before closing'],
    ['2026-12-01T17:00:00+05:00', '2026-12-02', 'at closing → next working day'],
    ['2026-11-28T12:00:00+05:00', '2026-11-30', 'Saturday → Monday'],
    ['2025-12-30T18:00:00+05:00', '2026-01-12', 'after hours before the New Year holidays'],
    ['2026-01-03T10:00:00+05:00', '2026-01-12', 'inside the New Year holidays'],
    ['2025-11-01T10:00:00+05:00', '2025-11-01', 'the working Saturday'],
    ['2025-11-01T16:30:00+05:00', '2025-11-05', 'after the shortened working Saturday'],
    ['2026-11-03T16:30:00+05:00', '2026-11-05', 'after the shortened day before 4 November'],
    ['2026-11-30T19:30:00Z', '2026-12-01', 'UTC evening of Monday is Tuesday 00:30 local'],
    ['2026-11-30T11:30:00Z', '2026-11-30', '11:30 UTC is 16:30 local, still Monday hours'],
    ['2026-11-30T12:00:00Z', '2026-12-01', '12:00 UTC is 17:00 local: closed'],
    ['2027-05-01T10:00:00+05:00', '2027-05-04', 'provisional 2027: 1 May on Saturday, day off moved to Monday 3 May']
  ] as const
  for (const [instant, want, note] of rows) t.equal(registrationDate(at(instant), cal), want, `${note} (${instant})`)
})

t.test('dueAt: 5 working days from the day after registration, due at closing', async t => {
  const rows = [
    ['2026-11-30', '2026-12-07T17:00:00+05:00', 'issue example'],
    ['2026-11-27', '2026-12-04T16:00:00+05:00', 'fifth day a Friday: 16:00'],
    ['2026-10-27', '2026-11-03T16:00:00+05:00', 'fifth day shortened: an hour earlier'],
    ['2025-10-27', '2025-11-01T16:00:00+05:00', 'fifth day the working Saturday (shortened)'],
    ['2025-04-28', '2025-05-07T17:00:00+05:00', 'over the 2025 May holidays'],
    ['2026-05-06', '2026-05-14T17:00:00+05:00', 'over the 2026 May holidays'],
    ['2025-12-26', '2026-01-14T17:00:00+05:00', 'over New Year 2026 (29, 30 Dec, 12, 13, 14 Jan)'],
    ['2026-12-25', '2027-01-12T17:00:00+05:00', 'into provisional 2027 (New Year holidays 1–8 January)']
  ] as const
  for (const [registeredOn, want, note] of rows) {
    const due = dueAt({ registeredOn }, cal)
    t.equal(ms(due), ms(at(want)), `${note}: registered ${registeredOn}, due ${due.toISO()} want ${want}`)
  }
})

t.test('dueAt: pauses shift by the working time spent paused', async t => {
  const registeredOn = '2026-11-30'
  const rows = [
    [[['2026-12-02T10:00:00+05:00', '2026-12-03T10:00:00+05:00']], null, '2026-12-08T17:00:00+05:00', '7 h paused (lunch excluded)'],
    [[['2026-12-04T17:00:00+05:00', '2026-12-07T09:00:00+05:00']], null, '2026-12-07T17:00:00+05:00', 'a pause over the weekend only shifts nothing'],
    [[['2026-12-04T09:00:00+05:00', null]], '2026-12-04T11:00:00+05:00', '2026-12-08T11:00:00+05:00', 'an open pause counts until now'],
    [[['2026-12-01T09:00:00+05:00', '2026-12-01T10:00:00+05:00'], ['2026-12-02T09:00:00+05:00', '2026-12-02T10:00:00+05:00']], null,
      '2026-12-08T11:00:00+05:00', 'two pauses add up']
  ] as const
  for (const [pauses, now, want, note] of rows) {
    const due = dueAt({
      registeredOn,
      pauses: pauses.map(([from, to]) => ({ from: at(from), to: to === null ? null : at(to) })),
      ...(now ? { at: at(now) } : {})
    }, cal)
    t.equal(ms(due), ms(at(want)), `${note}: due ${due.toISO()} want ${want}`)
  }
})

t.test('dueAt: a recorded extension replaces the due date; later pauses still shift it', async t => {
  const registeredOn = '2026-11-30'
  const extensions = [
    { agreedAt: at('2026-12-01T10:00:00+05:00'), due: at('2026-12-10T17:00:00+05:00') },
    { agreedAt: at('2026-12-03T10:00:00+05:00'), due: at('2026-12-15T17:00:00+05:00') }
  ]
  t.equal(ms(dueAt({ registeredOn, extensions }, cal)), ms(at('2026-12-15T17:00:00+05:00')), 'the latest agreement wins')
  t.equal(ms(dueAt({ registeredOn, extensions: [...extensions].reverse() }, cal)), ms(at('2026-12-15T17:00:00+05:00')),
    'latest by agreement time, not by list order')
  const before = { from: at('2026-12-02T10:00:00+05:00'), to: at('2026-12-03T10:00:00+05:00') }
  t.equal(ms(dueAt({ registeredOn, extensions, pauses: [before] }, cal)), ms(at('2026-12-15T17:00:00+05:00')),
    'a pause before the agreement is already in the agreed date')
  const after = { from: at('2026-12-10T09:00:00+05:00'), to: at('2026-12-10T12:30:00+05:00') }
  t.equal(ms(dueAt({ registeredOn, extensions, pauses: [after] }, cal)), ms(at('2026-12-16T12:30:00+05:00')),
    'a pause after the agreement moves the agreed date by 3.5 working hours')
})

t.test('isOverdue: strictly after the due instant', async t => {
  const due = at('2026-12-07T17:00:00+05:00')
  t.equal(isOverdue(at('2026-12-07T17:00:00+05:00'), due), false, 'at 17:00 still in time')
  t.equal(isOverdue(at('2026-12-07T17:00:01+05:00'), due), true, 'one second later overdue')
  t.equal(isOverdue(at('2026-12-07T12:00:01Z'), due), true, 'zone of the instant does not matter')
})

t.test('workingTimeBetween: seconds of open time, lunch excluded', async t => {
  const rows = [
    ['2026-12-01T09:00:00+05:00', '2026-12-01T17:00:00+05:00', 7 * 3600, 'a full Tuesday is 7 h'],
    ['2026-12-01T12:00:00+05:00', '2026-12-01T14:00:00+05:00', 3600, 'across lunch'],
    ['2026-12-01T12:35:00+05:00', '2026-12-01T13:25:00+05:00', 0, 'inside lunch'],
    ['2026-11-27T15:00:00+05:00', '2026-11-30T10:00:00+05:00', 7200, 'Friday 15:00 to Monday 10:00'],
    ['2025-12-30T16:00:00+05:00', '2026-01-12T10:00:00+05:00', 7200, 'over the New Year holidays'],
    ['2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z', 7 * 3600, 'a UTC day holds one local working day'],
    ['2026-12-01T17:00:00+05:00', '2026-12-01T09:00:00+05:00', 0, 'b before a gives 0'],
    ['2025-11-01T00:00:00+05:00', '2025-11-02T00:00:00+05:00', 6 * 3600, 'the shortened working Saturday is 6 h']
  ] as const
  for (const [a, b, want, note] of rows) t.equal(workingTimeBetween(at(a), at(b), cal), want, note)
})

t.test('addWorkingTime: moves through open time only', async t => {
  const rows = [
    ['2026-12-01T12:00:00+05:00', 3600, '2026-12-01T14:00:00+05:00', 'skips lunch'],
    ['2026-12-01T17:00:00+05:00', 1800, '2026-12-02T09:30:00+05:00', 'from closing into the next morning'],
    ['2026-12-01T16:00:00+05:00', 3600, '2026-12-01T17:00:00+05:00', 'filling a period exactly ends at closing'],
    ['2026-12-01T10:00:00+05:00', 0, '2026-12-01T10:00:00+05:00', 'zero is the start']
  ] as const
  for (const [from, seconds, want, note] of rows) t.equal(ms(addWorkingTime(at(from), seconds, cal)), ms(at(want)), note)
})

t.test('calendar overrides: making a Wednesday a holiday moves status, registration and deadline', async t => {
  const schedule = defaultSchedule()
  const years = OFFICIAL_YEARS.map(yearFromData)
  const edited = buildCalendar({ schedule, years, overrides: [['2026-12-02', { kind: 'holiday', comment: 'test' }]] })
  t.equal(scheduleState(at('2026-12-02T10:00:00+05:00'), edited).reason, 'holiday', 'Wednesday now a holiday')
  t.equal(registrationDate(at('2026-12-01T18:00:00+05:00'), edited), '2026-12-03', 'Tuesday evening → Thursday')
  t.equal(ms(dueAt({ registeredOn: '2026-11-30' }, edited)), ms(at('2026-12-08T17:00:00+05:00')), 'deadline one day later')
  const shortHours = buildCalendar({ schedule, years, overrides: [['2026-12-02', { kind: 'working', hours: { from: 600, to: 900 } }]] })
  const s = scheduleState(at('2026-12-02T09:30:00+05:00'), shortHours)
  t.equal(s.reason, 'before-hours', 'per-day hours 10:00–15:00: 09:30 before hours')
  t.equal(s.closesAt?.toISO(), '2026-12-02T12:30:00.000+05:00', 'lunch still applies inside the day hours')
  const normal = buildCalendar({ schedule, years, overrides: [['2026-11-04', { kind: 'normal' }]] })
  t.equal(scheduleState(at('2026-11-04T10:00:00+05:00'), normal).reason, 'open', "'normal' cancels an official holiday")
  const saturday = buildCalendar({ schedule, years, overrides: [['2026-11-28', { kind: 'working' }]] })
  t.equal(scheduleState(at('2026-11-28T16:30:00+05:00'), saturday).reason, 'open', 'a working Saturday gets Mon–Thu hours')
})
