import t from 'tap'
import { buildCalendar, defaultSchedule, scheduleState, stateUntil, yearFromData, OFFICIAL_YEARS } from '../../src/calendar/index.js'
import { at, cal, ms } from '../helpers/calendar.js'

type Row = readonly [instant: string, reason: string, opensAt: string, closesAt: string, note: string]

// reason, next opening, next closing at an instant; 2025–2026 official, 2027 provisional
const rows: Row[] = [
  ['2026-12-01T12:45:00+05:00', 'lunch', '2026-12-01T13:30:00+05:00', '2026-12-01T17:00:00+05:00', 'issue example: Tuesday lunch'],
  ['2026-12-01T12:29:00+05:00', 'open', '2026-12-01T13:30:00+05:00', '2026-12-01T12:30:00+05:00', '12:29 still open'],
  ['2026-12-01T12:30:00+05:00', 'lunch', '2026-12-01T13:30:00+05:00', '2026-12-01T17:00:00+05:00', '12:30 lunch starts'],
  ['2026-12-01T13:29:59+05:00', 'lunch', '2026-12-01T13:30:00+05:00', '2026-12-01T17:00:00+05:00', 'last second of lunch'],
  ['2026-12-01T13:30:00+05:00', 'open', '2026-12-02T09:00:00+05:00', '2026-12-01T17:00:00+05:00', '13:30 open again'],
  ['2026-12-01T08:59:59+05:00', 'before-hours', '2026-12-01T09:00:00+05:00', '2026-12-01T12:30:00+05:00', 'before opening'],
  ['2026-12-01T09:00:00+05:00', 'open', '2026-12-01T13:30:00+05:00', '2026-12-01T12:30:00+05:00', '09:00 opens'],
  ['2026-12-01T16:59:59+05:00', 'open', '2026-12-02T09:00:00+05:00', '2026-12-01T17:00:00+05:00', 'Tuesday last second'],
  ['2026-12-01T17:00:00+05:00', 'after-hours', '2026-12-02T09:00:00+05:00', '2026-12-02T12:30:00+05:00', 'Tuesday 17:00 closed'],
  ['2026-11-27T15:59:00+05:00', 'open', '2026-11-30T09:00:00+05:00', '2026-11-27T16:00:00+05:00', 'Friday 15:59 open'],
  ['2026-11-27T16:00:00+05:00', 'after-hours', '2026-11-30T09:00:00+05:00', '2026-11-30T12:30:00+05:00', 'Friday closes at 16:00'],
  ['2026-11-27T18:30:00+05:00', 'after-hours', '2026-11-30T09:00:00+05:00', '2026-11-30T12:30:00+05:00', 'Friday evening'],
  ['2026-11-28T10:00:00+05:00', 'weekend', '2026-11-30T09:00:00+05:00', '2026-11-30T12:30:00+05:00', 'Saturday'],
  // New Year holidays
  ['2025-01-08T10:00:00+05:00', 'holiday', '2025-01-09T09:00:00+05:00', '2025-01-09T12:30:00+05:00', '2025-01-08 New Year holiday'],
  ['2026-01-05T10:00:00+05:00', 'holiday', '2026-01-12T09:00:00+05:00', '2026-01-12T12:30:00+05:00', '2026 New Year holidays run to 11 January'],
  ['2026-01-10T10:00:00+05:00', 'holiday', '2026-01-12T09:00:00+05:00', '2026-01-12T12:30:00+05:00', 'a Saturday inside the holidays is a holiday'],
  ['2025-12-31T10:00:00+05:00', 'holiday', '2026-01-12T09:00:00+05:00', '2026-01-12T12:30:00+05:00', '31 December 2025 transferred day off, across the year'],
  // May holidays
  ['2025-05-02T11:00:00+05:00', 'holiday', '2025-05-05T09:00:00+05:00', '2025-05-05T12:30:00+05:00', '2025 May holidays'],
  ['2025-05-08T11:00:00+05:00', 'holiday', '2025-05-12T09:00:00+05:00', '2025-05-12T12:30:00+05:00', '2025-05-08 transferred day off'],
  ['2026-05-11T11:00:00+05:00', 'holiday', '2026-05-12T09:00:00+05:00', '2026-05-12T12:30:00+05:00', '2026-05-11 day off for 9 May on a Saturday'],
  ['2026-05-04T11:00:00+05:00', 'open', '2026-05-04T13:30:00+05:00', '2026-05-04T12:30:00+05:00', '2026-05-04 is a working Monday'],
  // shortened pre-holiday days
  ['2026-11-03T15:59:00+05:00', 'open', '2026-11-05T09:00:00+05:00', '2026-11-03T16:00:00+05:00', 'shortened Tuesday before 4 November'],
  ['2026-11-03T16:00:00+05:00', 'after-hours', '2026-11-05T09:00:00+05:00', '2026-11-05T12:30:00+05:00', 'shortened Tuesday closes 16:00'],
  ['2026-05-08T15:00:00+05:00', 'after-hours', '2026-05-12T09:00:00+05:00', '2026-05-12T12:30:00+05:00', 'shortened Friday closes 15:00'],
  ['2026-05-08T14:59:00+05:00', 'open', '2026-05-12T09:00:00+05:00', '2026-05-08T15:00:00+05:00', 'shortened Friday open until 15:00'],
  ['2025-03-07T15:30:00+05:00', 'after-hours', '2025-03-10T09:00:00+05:00', '2025-03-10T12:30:00+05:00', '2025-03-07 shortened Friday'],
  // the working Saturday 1 November 2025 (also shortened)
  ['2025-11-01T10:00:00+05:00', 'open', '2025-11-01T13:30:00+05:00', '2025-11-01T12:30:00+05:00', 'working Saturday opens'],
  ['2025-11-01T16:00:00+05:00', 'after-hours', '2025-11-05T09:00:00+05:00', '2025-11-05T12:30:00+05:00', 'working Saturday closes 16:00 (shortened)'],
  ['2025-10-31T16:30:00+05:00', 'after-hours', '2025-11-01T09:00:00+05:00', '2025-11-01T12:30:00+05:00', 'Friday before the working Saturday'],
  // midnight UTC vs midnight in Asia/Yekaterinburg
  ['2026-12-01T00:00:00Z', 'before-hours', '2026-12-01T09:00:00+05:00', '2026-12-01T12:30:00+05:00', 'UTC midnight is 05:00 local Tuesday'],
  ['2026-11-30T19:00:00Z', 'before-hours', '2026-12-01T09:00:00+05:00', '2026-12-01T12:30:00+05:00', 'local midnight Tuesday is 19:00 UTC Monday'],
  ['2026-11-30T18:59:59Z', 'after-hours', '2026-12-01T09:00:00+05:00', '2026-12-01T12:30:00+05:00', 'Monday 23:59:59 local'],
  ['2026-11-27T19:00:00Z', 'weekend', '2026-11-30T09:00:00+05:00', '2026-11-30T12:30:00+05:00', 'Friday 19:00 UTC is Saturday local'],
  ['2026-12-01T04:00:00Z', 'open', '2026-12-01T13:30:00+05:00', '2026-12-01T12:30:00+05:00', '04:00 UTC is 09:00 local'],
  // 2027: provisional (Labour Code art. 112)
  ['2027-01-08T10:00:00+05:00', 'holiday', '2027-01-11T09:00:00+05:00', '2027-01-11T12:30:00+05:00', '2027 New Year holidays, no shift'],
  ['2027-05-03T10:00:00+05:00', 'holiday', '2027-05-04T09:00:00+05:00', '2027-05-04T12:30:00+05:00', '1 May 2027 on Saturday moves to Monday'],
  ['2027-06-14T10:00:00+05:00', 'holiday', '2027-06-15T09:00:00+05:00', '2027-06-15T12:30:00+05:00', '12 June 2027 on Saturday moves to Monday'],
  ['2027-02-22T16:00:00+05:00', 'after-hours', '2027-02-24T09:00:00+05:00', '2027-02-24T12:30:00+05:00', 'shortened Monday before 23 February 2027']
]

t.test('scheduleState: reason, next opening and next closing over real dates', async t => {
  for (const [instant, reason, opensAt, closesAt, note] of rows) {
    const s = scheduleState(at(instant), cal)
    t.equal(s.reason, reason, `${note}: reason at ${instant}`)
    t.equal(s.open, reason === 'open', `${note}: open flag at ${instant}`)
    t.equal(ms(s.opensAt), ms(at(opensAt)), `${note}: opensAt ${s.opensAt?.toISO()} want ${opensAt}`)
    t.equal(ms(s.closesAt), ms(at(closesAt)), `${note}: closesAt ${s.closesAt?.toISO()} want ${closesAt}`)
  }
})

t.test('scheduleState: answers in the center zone whatever zone the instant is in', async t => {
  const s = scheduleState(at('2026-12-01T07:45:00Z'), cal)
  t.equal(s.reason, 'lunch', '07:45 UTC is 12:45 in Tyumen')
  t.equal(s.opensAt?.toISO(), '2026-12-01T13:30:00.000+05:00', 'opensAt is expressed in the center zone')
})

t.test('scheduleState: the schedule is data (another center, another zone and hours)', async t => {
  const schedule = { ...defaultSchedule(), zone: 'Europe/Moscow', lunch: null }
  const moscow = buildCalendar({ schedule, years: OFFICIAL_YEARS.map(yearFromData) })
  const s = scheduleState(at('2026-12-01T12:45:00+03:00'), moscow)
  t.equal(s.reason, 'open', 'no lunch in this center')
  t.equal(s.closesAt?.toISO(), '2026-12-01T17:00:00.000+03:00', 'closes at 17:00 Moscow time')
  t.equal(scheduleState(at('2026-12-01T10:45:00+05:00'), moscow).reason, 'before-hours', '10:45 in Tyumen is 08:45 in Moscow')
})

t.test('stateUntil: how long the state written to the PBX holds', async t => {
  const rows = [
    ['2026-12-01T10:00:00+05:00', '2026-12-01T12:30:00+05:00', 'open until lunch'],
    ['2026-12-01T12:45:00+05:00', '2026-12-01T13:30:00+05:00', 'lunch until 13:30'],
    ['2026-12-01T18:00:00+05:00', '2026-12-02T00:00:00+05:00', 'after-hours until midnight (then before-hours)'],
    ['2026-12-02T03:00:00+05:00', '2026-12-02T09:00:00+05:00', 'before-hours until opening'],
    ['2026-11-27T17:00:00+05:00', '2026-11-28T00:00:00+05:00', 'Friday after-hours until Saturday begins'],
    ['2026-11-28T10:00:00+05:00', '2026-11-30T00:00:00+05:00', 'the whole weekend is one state'],
    ['2026-12-30T20:00:00+05:00', '2026-12-31T00:00:00+05:00', 'after-hours until the holidays'],
    ['2026-12-31T10:00:00+05:00', '2027-01-09T00:00:00+05:00', 'holidays until the first weekend day after them'],
    ['2025-11-01T10:00:00+05:00', '2025-11-01T12:30:00+05:00', 'the working Saturday is open until lunch']
  ] as const
  for (const [instant, want, note] of rows) {
    const until = stateUntil(at(instant), cal)
    t.equal(ms(until), ms(at(want)), `${note}: ${until?.toISO()} want ${want}`)
  }
})
