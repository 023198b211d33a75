// Registration dates (reg. 3.3), deadlines in working days (reg. 3.4.2, counted as Civil Code
// art. 191 counts periods), pauses and extensions (reg. 3.4.3), and working time between instants.
import { DateTime } from 'luxon'
import type { IsoDate, WorkCalendar } from './types.js'
import { SEARCH_DAYS, addDays, dateOf, describeDay, intervalsFrom, openIntervals } from './days.js'

/** Reg. 3.4.2: a request is handled within 5 working days. */
export const DEFAULT_DEADLINE_DAYS = 5

/** The first working day strictly after a date. */
export function nextWorkingDate (date: IsoDate, cal: WorkCalendar): IsoDate {
  return addWorkingDays(date, 1, cal)
}

/** The n-th working day after a date; counting starts on the next day (Civil Code art. 191). */
export function addWorkingDays (date: IsoDate, n: number, cal: WorkCalendar): IsoDate {
  let d = date
  for (let left = n, i = 0; left > 0; i++) {
    if (i > SEARCH_DAYS) throw new Error(`no working day within ${SEARCH_DAYS} days after ${date}`)
    d = addDays(d, 1)
    if (describeDay(d, cal).working) left--
  }
  return d
}

/** Closing time of a working day (an hour earlier on a shortened day); null on a non-working day. */
export function closingTime (date: IsoDate, cal: WorkCalendar): DateTime | null {
  const periods = openIntervals(date, cal)
  return periods.length > 0 ? periods[periods.length - 1]!.end : null
}

/**
 * Reg. 3.3: a request arriving on a working day before closing (before opening and at lunch
 * included) is registered that day; after closing or on a non-working day, the next working day.
 */
export function registrationDate (at: DateTime, cal: WorkCalendar): IsoDate {
  const date = dateOf(at, cal)
  const closes = closingTime(date, cal)
  return closes && at < closes ? date : nextWorkingDate(date, cal)
}

/** A stretch in «Обратная связь»; `to: null` while still paused. */
export interface Pause { from: DateTime, to: DateTime | null }
/** A recorded agreement (reg. 3.4.3): the new due instant replaces the previous one. */
export interface Extension { agreedAt: DateTime, due: DateTime }

export interface DeadlineInput {
  registeredOn: IsoDate
  days?: number
  pauses?: readonly Pause[]
  extensions?: readonly Extension[]
  /** Now: where a pause still open ends. Without it an open pause counts nothing yet. */
  at?: DateTime
}

/** The due date before pauses and extensions: closing time of the n-th working day after registration. */
export function baseDue (registeredOn: IsoDate, cal: WorkCalendar, days = DEFAULT_DEADLINE_DAYS): DateTime {
  return closingTime(addWorkingDays(registeredOn, days, cal), cal)!
}

/**
 * The due instant. The latest extension replaces the computed deadline; the working time of pauses
 * (after that agreement, if any) moves it later by as much working time.
 */
export function dueAt (input: DeadlineInput, cal: WorkCalendar): DateTime {
  const extension = [...input.extensions ?? []].sort((a, b) => +a.agreedAt - +b.agreedAt).at(-1)
  const due = extension ? extension.due : baseDue(input.registeredOn, cal, input.days)
  const paused = (input.pauses ?? []).reduce((sum, p) => {
    const from = extension && extension.agreedAt > p.from ? extension.agreedAt : p.from
    const to = p.to ?? input.at ?? from
    return sum + workingTimeBetween(from, to, cal)
  }, 0)
  return addWorkingTime(due, paused, cal)
}

/** Overdue strictly after the due instant (due at 17:00 means 17:00 is still in time). */
export function isOverdue (at: DateTime, due: DateTime): boolean {
  return at > due
}

/** Seconds of open time in [a, b): lunch, nights, weekends and holidays excluded; 0 when b <= a. */
export function workingTimeBetween (a: DateTime, b: DateTime, cal: WorkCalendar): number {
  if (b <= a) return 0
  const last = dateOf(b, cal)
  let ms = 0
  for (let date = dateOf(a, cal); date <= last; date = addDays(date, 1)) {
    for (const p of openIntervals(date, cal)) {
      const from = p.start > a ? p.start : a
      const to = p.end < b ? p.end : b
      if (to > from) ms += +to - +from
    }
  }
  return ms / 1000
}

/** The instant after `seconds` of open time from `from` (a closing time when it fills a period exactly). */
export function addWorkingTime (from: DateTime, seconds: number, cal: WorkCalendar): DateTime {
  if (seconds <= 0) return from
  let left = seconds * 1000
  for (const p of intervalsFrom(from, cal)) {
    if (p.end <= from) continue
    const start = p.start > from ? p.start : from
    const available = +p.end - +start
    if (left <= available) return start.plus({ milliseconds: left })
    left -= available
  }
  throw new Error(`no working time within ${SEARCH_DAYS} days after ${from.toISO()}`)
}
