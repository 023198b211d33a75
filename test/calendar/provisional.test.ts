import t from 'tap'
import { describeDay, parseSchedule, provisionalYear, yearCalendar, DEFAULT_SCHEDULE_JSON } from '../../src/calendar/index.js'
import { cal } from '../helpers/calendar.js'

t.test('provisionalYear: 2027 has no decree, Labour Code art. 112 and 95 apply, flagged unconfirmed', async t => {
  const y = yearCalendar(2027, cal)
  t.equal(y.confirmed, false, '2027 is provisional')
  t.match(y.source, /ст. 112.*Трудового кодекса/, 'the source names the Labour Code')
  const holidays = [...y.days].filter(([, r]) => r.kind === 'holiday').map(([d]) => d)
  t.same(holidays, [
    '2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04', '2027-01-05', '2027-01-06', '2027-01-07', '2027-01-08',
    '2027-02-23', '2027-03-08', '2027-05-01', '2027-05-03', '2027-05-09', '2027-05-10', '2027-06-12', '2027-06-14', '2027-11-04'
  ], 'fixed holidays plus moved days off: 1 May (Sat) → 3 May, 9 May (Sun) → 10 May, 12 June (Sat) → 14 June')
  const shortened = [...y.days].filter(([, r]) => r.kind === 'shortened').map(([d]) => d).sort()
  t.same(shortened, ['2027-02-22', '2027-04-30', '2027-06-11', '2027-11-03', '2027-12-31'],
    'working days right before a holiday are shortened, 31 December included')
  t.equal(describeDay('2027-01-11', cal).working, true, 'New Year holidays on a weekend are not moved')
  t.equal(describeDay('2027-05-03', cal).origin, 'provisional', 'the origin says provisional')
})

t.test('provisionalYear: a weekend holiday moves past the days already off', async t => {
  // 2032: 1 May is a Saturday and 9 May a Sunday
  const y = provisionalYear(2032)
  t.equal(y.days.get('2032-05-03')?.kind, 'holiday', '1 May 2032 (Sat) → Monday 3 May')
  t.equal(y.days.get('2032-05-10')?.kind, 'holiday', '9 May 2032 (Sun) → Monday 10 May')
  t.equal(y.days.get('2032-01-10'), undefined, 'no move for the New Year holidays')
})

t.test('calendar data: official days in 2025 and 2026', async t => {
  const rows = [
    ['2025-11-01', true, 'shortened', 16 * 60, 'working Saturday, shortened (weekend hours 09–17 less an hour)'],
    ['2025-11-03', false, 'holiday', null, 'transferred day off'],
    ['2025-12-31', false, 'holiday', null, '31 December 2025 off'],
    ['2026-05-08', true, 'shortened', 15 * 60, 'shortened Friday'],
    ['2026-11-03', true, 'shortened', 16 * 60, 'shortened Tuesday'],
    ['2026-11-28', false, 'normal', null, 'plain Saturday']
  ] as const
  for (const [date, working, kind, closes, note] of rows) {
    const d = describeDay(date, cal)
    t.equal(d.working, working, `${note}: working`)
    t.equal(d.kind, kind, `${note}: kind`)
    t.equal(d.hours?.to ?? null, closes, `${note}: closing minute`)
  }
  t.equal(describeDay('2025-01-04', cal).closedReason, 'holiday', 'a Saturday inside the New Year holidays is a holiday')
  t.equal(describeDay('2025-01-11', cal).closedReason, 'weekend', 'a plain Saturday is a weekend')
})

t.test('parseSchedule: rejects bad data with a message', async t => {
  const rows = [
    [{ ...DEFAULT_SCHEDULE_JSON, zone: 'Asia/Nowhere' }, /time zone/, 'unknown zone'],
    [{ ...DEFAULT_SCHEDULE_JSON, lunch: { from: '13:30', to: '12:30' } }, /lunch/, 'lunch reversed'],
    [{ ...DEFAULT_SCHEDULE_JSON, week: { ...DEFAULT_SCHEDULE_JSON.week, mon: { from: '9:00', to: '17:00' } } }, /HH:mm/, 'bad time format'],
    [{ ...DEFAULT_SCHEDULE_JSON, week: { mon: null, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null } }, /no working day/, 'empty week'],
    [{ ...DEFAULT_SCHEDULE_JSON, shortenedBy: -5 }, /shortenedBy/, 'negative shortening']
  ] as const
  for (const [json, message, note] of rows) {
    const r = parseSchedule(json)
    t.equal(r.ok, false, `${note}: rejected`)
    if (!r.ok) t.match(r.error, message, `${note}: message`)
  }
  t.equal(parseSchedule(DEFAULT_SCHEDULE_JSON).ok, true, 'the default schedule parses')
})
