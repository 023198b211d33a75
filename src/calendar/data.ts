// Builds a WorkCalendar from data: the center's schedule (HH:mm, as stored and edited) and the
// official production calendars copied from the decrees (src/calendar/data/ru-YYYY.json).
import { IANAZone } from 'luxon'
import type { DayRule, IsoDate, Schedule, Span, Weekday, WorkCalendar, YearCalendar } from './types.js'
import ru2025 from './data/ru-2025.json' with { type: 'json' }
import ru2026 from './data/ru-2026.json' with { type: 'json' }
import center from './data/center.json' with { type: 'json' }

/** A span as written in data and in the API. */
export interface SpanJson { from: string, to: string }
export const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type WeekdayKey = typeof WEEKDAY_KEYS[number]

export interface ScheduleJson {
  zone: string
  week: Record<WeekdayKey, SpanJson | null>
  lunch: SpanJson | null
  workingWeekendHours: SpanJson
  shortenedBy: number
}

/** One year of the official production calendar, as in src/calendar/data (see its README). */
export interface OfficialYearData {
  country: string
  year: number
  source: string
  confirmed: boolean
  daysOff: string[]
  workingWeekendDays: string[]
  shortenedDays: string[]
  check: { workingDays: number, workingHoursAt40h: number }
}

export const OFFICIAL_YEARS: readonly OfficialYearData[] = [ru2025, ru2026]
export const DEFAULT_SCHEDULE_JSON: ScheduleJson = center

export type Parsed<T> = { ok: true, value: T } | { ok: false, error: string }

/** 'HH:mm' → minutes after midnight ('24:00' allowed as an end). */
export function parseTime (hhmm: string): number | undefined {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm)
  if (!m) return undefined
  const minutes = Number(m[1]) * 60 + Number(m[2])
  return Number(m[2]) < 60 && minutes <= 1440 ? minutes : undefined
}

export function formatTime (minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}

export function parseSpan (json: SpanJson, what: string): Parsed<Span> {
  const from = parseTime(json.from)
  const to = parseTime(json.to)
  if (from === undefined || to === undefined) return { ok: false, error: `${what}: times must be HH:mm (00:00–24:00)` }
  if (from >= to) return { ok: false, error: `${what}: ${json.from} is not before ${json.to}` }
  return { ok: true, value: { from, to } }
}

export const spanToJson = (s: Span): SpanJson => ({ from: formatTime(s.from), to: formatTime(s.to) })

export function parseSchedule (json: ScheduleJson): Parsed<Schedule> {
  if (!IANAZone.isValidZone(json.zone)) return { ok: false, error: `unknown time zone ${json.zone}` }
  const week = {} as Record<Weekday, Span | null>
  for (const [i, key] of WEEKDAY_KEYS.entries()) {
    const hours = json.week[key]
    if (hours === null) { week[(i + 1) as Weekday] = null; continue }
    const span = parseSpan(hours, key)
    if (!span.ok) return span
    week[(i + 1) as Weekday] = span.value
  }
  if (Object.values(week).every(h => h === null)) return { ok: false, error: 'the week has no working day' }
  const lunch = json.lunch ? parseSpan(json.lunch, 'lunch') : { ok: true as const, value: null }
  if (!lunch.ok) return lunch
  const weekend = parseSpan(json.workingWeekendHours, 'workingWeekendHours')
  if (!weekend.ok) return weekend
  if (!Number.isInteger(json.shortenedBy) || json.shortenedBy < 0 || json.shortenedBy > 240) {
    return { ok: false, error: 'shortenedBy: whole minutes, 0–240' }
  }
  return { ok: true, value: { zone: json.zone, week, lunch: lunch.value, workingWeekendHours: weekend.value, shortenedBy: json.shortenedBy } }
}

export function scheduleToJson (s: Schedule): ScheduleJson {
  const week = Object.fromEntries(WEEKDAY_KEYS.map((key, i) => {
    const hours = s.week[(i + 1) as Weekday]
    return [key, hours ? spanToJson(hours) : null]
  })) as Record<WeekdayKey, SpanJson | null>
  return {
    zone: s.zone,
    week,
    lunch: s.lunch ? spanToJson(s.lunch) : null,
    workingWeekendHours: spanToJson(s.workingWeekendHours),
    shortenedBy: s.shortenedBy
  }
}

/** The entries of an official year: days off, working weekend days, shortened days (a shortened weekend day is working). */
export function yearDays (data: OfficialYearData): Map<IsoDate, DayRule> {
  const days = new Map<IsoDate, DayRule>()
  for (const d of data.daysOff) days.set(d, { kind: 'holiday' })
  for (const d of data.workingWeekendDays) days.set(d, { kind: 'working' })
  for (const d of data.shortenedDays) days.set(d, { kind: 'shortened' })
  return days
}

export function yearFromData (data: OfficialYearData): YearCalendar {
  return { year: data.year, confirmed: data.confirmed, source: data.source, days: yearDays(data) }
}

export function defaultSchedule (): Schedule {
  const parsed = parseSchedule(DEFAULT_SCHEDULE_JSON)
  if (!parsed.ok) throw new Error(`src/calendar/data/center.json: ${parsed.error}`)
  return parsed.value
}

export function buildCalendar (parts: {
  schedule: Schedule
  years?: Iterable<YearCalendar>
  overrides?: Iterable<readonly [IsoDate, DayRule]>
}): WorkCalendar {
  return {
    schedule: parts.schedule,
    years: new Map([...parts.years ?? []].map(y => [y.year, y])),
    overrides: new Map(parts.overrides ?? [])
  }
}

/** The calendar straight from the data in the project: the default schedule and the official years. */
export function defaultCalendar (): WorkCalendar {
  return buildCalendar({ schedule: defaultSchedule(), years: OFFICIAL_YEARS.map(yearFromData) })
}
