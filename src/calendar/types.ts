// The vocabulary of the working calendar. A center's weekly schedule and its calendar of exceptions
// are plain data (a second center is a configuration, not a fork); the functions in this folder
// answer questions about them with the instant as an argument.

/** A calendar date in the center's zone, 'yyyy-MM-dd'. */
export type IsoDate = string

/** A span of local time, minutes after local midnight, `from < to` (0..1440). */
export interface Span { from: number, to: number }

/** luxon weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7

export interface Schedule {
  zone: string // IANA, e.g. 'Asia/Yekaterinburg'
  week: Readonly<Record<Weekday, Span | null>> // null: closed that weekday
  lunch: Span | null
  /** Hours of a weekend day made working by a transfer, unless the day says otherwise. */
  workingWeekendHours: Span
  /** Minutes a shortened pre-holiday day loses at its end (Labour Code art. 95: one hour). */
  shortenedBy: number
}

export const DAY_KINDS = ['holiday', 'working', 'shortened', 'normal'] as const
/**
 * What a calendar entry says about a day: `holiday` (a public holiday or transferred day off),
 * `working` (working even if the weekly schedule says closed), `shortened` (working, ends
 * `shortenedBy` earlier), `normal` (the weekly schedule applies; used to cancel an official entry).
 */
export type DayKind = typeof DAY_KINDS[number]

export interface DayRule {
  kind: DayKind
  /** Exact hours for a `working` or `shortened` day (then no further shortening applies). */
  hours?: Span
  comment?: string
}

/** One year of the production calendar: official (a decree) or provisional (Labour Code only). */
export interface YearCalendar {
  year: number
  confirmed: boolean
  source: string
  days: ReadonlyMap<IsoDate, DayRule>
}

export interface WorkCalendar {
  schedule: Schedule
  /** Years entered from decrees; a year missing here is provisional (see provisionalYear). */
  years: ReadonlyMap<number, YearCalendar>
  /** The head's edits; they win over the year's entries. */
  overrides: ReadonlyMap<IsoDate, DayRule>
}

export type ClosedReason = 'before-hours' | 'after-hours' | 'lunch' | 'weekend' | 'holiday'
export type DayOrigin = 'schedule' | 'official' | 'provisional' | 'manual'

/** A day resolved against the schedule and the calendar. */
export interface Day {
  date: IsoDate
  weekday: Weekday
  kind: DayKind
  working: boolean
  /** Why a non-working day is closed. */
  closedReason: 'weekend' | 'holiday' | null
  shortened: boolean
  /** Opening and closing time; null on a non-working day. */
  hours: Span | null
  /** Open periods: the hours minus lunch. */
  open: Span[]
  origin: DayOrigin
  comment: string | null
}
