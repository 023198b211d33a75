// Resolves one calendar day of a center: the head's edit, else the year's production calendar
// (official, or provisional from the Labour Code), else the weekly schedule.
import { DateTime } from 'luxon'
import type { Day, DayRule, IsoDate, Span, WorkCalendar, Weekday, YearCalendar } from './types.js'
import { provisionalYear } from './provisional.js'

export function yearCalendar (year: number, cal: WorkCalendar): YearCalendar {
  return cal.years.get(year) ?? provisionalYear(year)
}

// A WorkCalendar is never changed once built (the service builds a new one on every edit), so a
// day resolved once stays right for that calendar: deadlines and working time ask for the same
// few days over and over, and luxon's zone arithmetic is the cost of a question.
const dayCache = new WeakMap<WorkCalendar, Map<IsoDate, Day>>()
const intervalCache = new WeakMap<WorkCalendar, Map<IsoDate, Interval[]>>()

function cacheOf<V> (caches: WeakMap<WorkCalendar, Map<IsoDate, V>>, cal: WorkCalendar): Map<IsoDate, V> {
  let m = caches.get(cal)
  if (m === undefined) caches.set(cal, m = new Map())
  return m
}

export function describeDay (date: IsoDate, cal: WorkCalendar): Day {
  const days = cacheOf(dayCache, cal)
  let day = days.get(date)
  if (day === undefined) days.set(date, day = resolveDay(date, cal))
  return day
}

function resolveDay (date: IsoDate, cal: WorkCalendar): Day {
  const local = localDate(date, cal)
  const weekday = local.weekday as Weekday
  const year = yearCalendar(local.year, cal)
  const manual = cal.overrides.get(date)
  const listed = year.days.get(date)
  const rule: DayRule = manual ?? listed ?? { kind: 'normal' }
  const origin = manual ? 'manual' : listed ? (year.confirmed ? 'official' : 'provisional') : 'schedule'
  const base = { date, weekday, kind: rule.kind, origin, comment: rule.comment ?? null } as const
  const closed = (closedReason: 'weekend' | 'holiday'): Day =>
    ({ ...base, working: false, closedReason, shortened: false, hours: null, open: [] })

  if (rule.kind === 'holiday') return closed('holiday')
  const weekly = cal.schedule.week[weekday]
  if (rule.kind === 'normal') return weekly ? open(weekly, false) : closed('weekend')
  const shortened = rule.kind === 'shortened'
  const usual = weekly ?? cal.schedule.workingWeekendHours
  const hours = rule.hours ?? (shortened ? { from: usual.from, to: usual.to - cal.schedule.shortenedBy } : usual)
  return open(hours, shortened)

  function open (hours: Span, shortened: boolean): Day {
    return { ...base, working: true, closedReason: null, shortened, hours, open: withoutLunch(hours, cal.schedule.lunch) }
  }
}

/** The hours split around lunch; a lunch outside the hours changes nothing. */
function withoutLunch (hours: Span, lunch: Span | null): Span[] {
  if (!lunch || lunch.to <= hours.from || lunch.from >= hours.to) return [hours]
  return [{ from: hours.from, to: lunch.from }, { from: lunch.to, to: hours.to }].filter(s => s.from < s.to)
}

export function isWorkingDay (date: IsoDate, cal: WorkCalendar): boolean {
  return describeDay(date, cal).working
}

/** Local midnight of a date in the center's zone. */
export function localDate (date: IsoDate, cal: WorkCalendar): DateTime {
  return DateTime.fromISO(date, { zone: cal.schedule.zone }).startOf('day')
}

export function dateOf (at: DateTime, cal: WorkCalendar): IsoDate {
  return at.setZone(cal.schedule.zone).toISODate()!
}

export function addDays (date: IsoDate, days: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

/** An instant at a local minute of a date (wall time, so DST-safe). */
function atMinute (date: IsoDate, minute: number, cal: WorkCalendar): DateTime {
  const midnight = localDate(date, cal)
  if (minute >= 1440) return midnight.plus({ days: 1 })
  return midnight.set({ hour: Math.floor(minute / 60), minute: minute % 60 })
}

export interface Interval { start: DateTime, end: DateTime }

/** The open periods of a date as instants. */
export function openIntervals (date: IsoDate, cal: WorkCalendar): Interval[] {
  const cache = cacheOf(intervalCache, cal)
  let intervals = cache.get(date)
  if (intervals === undefined) cache.set(date, intervals = intervalsOf(describeDay(date, cal), cal))
  return intervals
}

export function intervalsOf (day: Day, cal: WorkCalendar): Interval[] {
  return day.open.map(s => ({ start: atMinute(day.date, s.from, cal), end: atMinute(day.date, s.to, cal) }))
}

/** Safety bound for searches forward in time: a calendar with no working day at all never loops forever. */
export const SEARCH_DAYS = 3 * 366

/** Open periods from the local date of `from` onwards, day by day, for at most SEARCH_DAYS days. */
export function * intervalsFrom (from: DateTime, cal: WorkCalendar): Generator<Interval> {
  let date = dateOf(from, cal)
  for (let i = 0; i < SEARCH_DAYS; i++, date = addDays(date, 1)) yield * openIntervals(date, cal)
}
