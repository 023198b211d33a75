import t from 'tap'
import fc from 'fast-check'
import { DateTime } from 'luxon'
import {
  addDays, addWorkingTime, closingTime, dateOf, describeDay, dueAt, isOpen, registrationDate, scheduleState,
  workingTimeBetween, buildCalendar, parseSchedule, yearFromData, OFFICIAL_YEARS, DEFAULT_SCHEDULE_JSON
} from '../../src/calendar/index.js'
import { cal } from '../helpers/calendar.js'

// instants over 2025–2027 at minute resolution (boundaries like 12:30 and 17:00 get hit often)
const instant = fc.integer({ min: Date.UTC(2025, 0, 1) / 60000, max: Date.UTC(2027, 11, 31) / 60000 })
  .map(min => DateTime.fromMillis(min * 60000, { zone: 'UTC' }))
const runs = { numRuns: 300 }
const due = (start: DateTime): DateTime => dueAt({ registeredOn: registrationDate(start, cal) }, cal)

t.test('property: the deadline is the closing time of a working day after the start', async t => {
  fc.assert(fc.property(instant, start => {
    const registeredOn = registrationDate(start, cal)
    const d = due(start)
    const day = dateOf(d, cal)
    return describeDay(registeredOn, cal).working && describeDay(day, cal).working && day > registeredOn &&
      d > start && +d === +closingTime(day, cal)!
  }), runs)
  t.pass('deadline always on a working day after the start, at its closing time')
})

t.test('property: registration date and deadline are monotonic in the start', async t => {
  fc.assert(fc.property(instant, instant, (a, b) => {
    const [x, y] = a <= b ? [a, b] : [b, a]
    return registrationDate(x, cal) <= registrationDate(y, cal) && +due(x) <= +due(y)
  }), runs)
  t.pass('a later start never gets an earlier registration or deadline')
})

t.test('property: the next opening is never inside a closed interval', async t => {
  fc.assert(fc.property(instant, at => {
    const s = scheduleState(at, cal)
    if (s.opensAt === null || s.closesAt === null) return false
    const opens = isOpen(s.opensAt, cal) && !isOpen(s.opensAt.minus({ seconds: 1 }), cal)
    const closes = !isOpen(s.closesAt, cal) && isOpen(s.closesAt.minus({ seconds: 1 }), cal)
    // nothing open is skipped: closed now → no open time before opensAt; open now → all open until closesAt
    const gap = s.open
      ? workingTimeBetween(at, s.closesAt, cal) === (+s.closesAt - +at) / 1000
      : workingTimeBetween(at, s.opensAt, cal) === 0
    return opens && closes && gap && s.opensAt > at && s.closesAt > at
  }), runs)
  t.pass('opensAt is an opening edge, closesAt a closing edge, nothing skipped')
})

t.test('property: addWorkingTime inverts workingTimeBetween', async t => {
  fc.assert(fc.property(instant, fc.integer({ min: 0, max: 40 * 3600 }), (from, seconds) => {
    const to = addWorkingTime(from, seconds, cal)
    return workingTimeBetween(from, to, cal) === seconds && to >= from
  }), runs)
  t.pass('adding s seconds of working time gives an instant s working seconds later')
})

t.test('property: a pause never makes the deadline earlier', async t => {
  fc.assert(fc.property(instant, fc.integer({ min: 0, max: 14 * 24 * 60 }), fc.integer({ min: 0, max: 7 * 24 * 60 }),
    (start, offset, length) => {
      const registeredOn = registrationDate(start, cal)
      const from = start.plus({ minutes: offset })
      const paused = dueAt({ registeredOn, pauses: [{ from, to: from.plus({ minutes: length }) }] }, cal)
      return +paused >= +dueAt({ registeredOn }, cal)
    }), runs)
  t.pass('pauses only move the deadline later')
})

t.test('data: working days per year match the official totals (check.workingDays)', async t => {
  // the totals are for a five-day 40-hour week: 8 h a day, Mon–Fri, shortened days 1 h shorter
  const week40 = parseSchedule({
    ...DEFAULT_SCHEDULE_JSON,
    week: { ...DEFAULT_SCHEDULE_JSON.week, fri: { from: '09:00', to: '17:00' } },
    lunch: null
  })
  if (!week40.ok) throw new Error(week40.error)
  const fortyHours = buildCalendar({ schedule: week40.value, years: OFFICIAL_YEARS.map(yearFromData) })
  for (const data of OFFICIAL_YEARS) {
    let days = 0
    let hours = 0
    for (let d = `${data.year}-01-01`; d.startsWith(String(data.year)); d = addDays(d, 1)) {
      const day = describeDay(d, fortyHours)
      if (!day.working) continue
      days++
      hours += (day.hours!.to - day.hours!.from) / 60
    }
    t.equal(days, data.check.workingDays, `${data.year}: working days`)
    t.equal(hours, data.check.workingHoursAt40h, `${data.year}: working hours at 40 h a week`)
    t.equal(data.confirmed, true, `${data.year}: the official data is confirmed`)
    t.match(data.source, /постановление Правительства РФ от .* № \d+/, `${data.year}: the decree is cited`)
  }
})
