// The current working calendar of the center, held in memory for the hot paths (every call, every
// journal list) and reloaded from the database when the head changes it. Listeners learn of each
// change: the PBX state writer re-publishes the state, the journal recomputes due dates.
import { DateTime } from 'luxon'
import {
  DEFAULT_SCHEDULE_JSON, OFFICIAL_YEARS, buildCalendar, parseSchedule, scheduleToJson, yearCalendar,
  type DayRule, type IsoDate, type OfficialYearData, type Parsed, type Schedule, type ScheduleJson, type WorkCalendar
} from '../calendar/index.js'
import type { CalendarRepository, DayOverride } from '../db/calendar.repository.js'

export type CalendarListener = (calendar: WorkCalendar) => void | Promise<void>

export interface CalendarServiceOptions {
  repo: CalendarRepository
  clock: () => Date
  centerId?: string
  /** Seeded at start; defaults to the data in src/calendar/data. */
  officialYears?: readonly OfficialYearData[]
  /** The schedule a new center starts with. */
  initialSchedule?: ScheduleJson
  /** Where a failing listener is reported (it never stops the others). */
  onListenerError?: (err: unknown) => void
}

export interface CalendarService {
  readonly centerId: string
  /** The calendar in force now (synchronous: safe on hot paths). */
  current: () => WorkCalendar
  /** The head's edits with who and when. */
  edits: () => readonly DayOverride[]
  scheduleUpdatedAt: () => Date
  /** The clock's now in the center zone. */
  now: () => DateTime
  /**
   * Re-reads the database and tells the listeners when something changed. Call it when another
   * instance NOTIFYs CALENDAR_CHANNEL (see db/calendar.repository.ts) and after a LISTEN reconnect.
   */
  reload: () => Promise<WorkCalendar>
  /** Returns an unsubscribe function. */
  onChange: (listener: CalendarListener) => () => void
  setDay: (date: IsoDate, rule: DayRule, by: number | null) => Promise<WorkCalendar>
  /** Back to the official data; false when the day had no edit. */
  revertDay: (date: IsoDate) => Promise<boolean>
  setSchedule: (json: ScheduleJson, by: number | null) => Promise<Parsed<Schedule>>
  /**
   * The head has entered the decree of a provisional year (by editing its days): the year's entries
   * as they stand (the Labour Code's, without the head's edits, which stay revertible) become its
   * official days, and the year is confirmed with the decree as its source.
   */
  confirmYear: (year: number, source: string) => Promise<WorkCalendar>
}

interface Loaded { calendar: WorkCalendar, edits: DayOverride[], scheduleUpdatedAt: Date, country: string, fingerprint: string }

export async function createCalendarService (opts: CalendarServiceOptions): Promise<CalendarService> {
  const { repo, clock } = opts
  const centerId = opts.centerId ?? 'main'
  await repo.seedOfficial(opts.officialYears ?? OFFICIAL_YEARS)
  await repo.ensureSchedule(centerId, opts.initialSchedule ?? DEFAULT_SCHEDULE_JSON)
  const listeners = new Set<CalendarListener>()
  let loaded = await load()

  async function load (): Promise<Loaded> {
    const stored = await repo.load(centerId)
    if (stored === undefined) throw new Error(`no schedule stored for center ${centerId}`)
    const schedule = parseSchedule(stored.schedule)
    if (!schedule.ok) throw new Error(`the stored schedule of center ${centerId} is invalid: ${schedule.error}`)
    const fingerprint = JSON.stringify([stored.schedule, stored.years.map((y) => [y.year, y.confirmed, y.source, [...y.days]]), stored.overrides])
    return {
      fingerprint,
      country: stored.country,
      calendar: buildCalendar({ schedule: schedule.value, years: stored.years, overrides: stored.overrides.map((o) => [o.date, o.rule] as const) }),
      edits: stored.overrides,
      scheduleUpdatedAt: stored.scheduleUpdatedAt
    }
  }

  async function reload (): Promise<WorkCalendar> {
    const previous = loaded.fingerprint
    loaded = await load()
    if (loaded.fingerprint === previous) return loaded.calendar
    for (const listener of listeners) {
      try {
        await listener(loaded.calendar)
      } catch (err) {
        opts.onListenerError?.(err)
      }
    }
    return loaded.calendar
  }

  return {
    centerId,
    current: () => loaded.calendar,
    edits: () => loaded.edits,
    scheduleUpdatedAt: () => loaded.scheduleUpdatedAt,
    now: () => DateTime.fromJSDate(clock(), { zone: loaded.calendar.schedule.zone }),
    reload,
    onChange: (listener) => {
      listeners.add(listener)
      return () => { listeners.delete(listener) }
    },
    setDay: async (date, rule, by) => {
      await repo.saveOverride(centerId, date, rule, by, clock())
      return await reload()
    },
    revertDay: async (date) => {
      const removed = await repo.deleteOverride(centerId, date)
      if (removed) await reload()
      return removed
    },
    confirmYear: async (year, source) => {
      const entries = yearCalendar(year, loaded.calendar)
      await repo.confirmYear(loaded.country, { ...entries, confirmed: true, source })
      return await reload()
    },
    setSchedule: async (json, by) => {
      const parsed = parseSchedule(json)
      if (!parsed.ok) return parsed
      await repo.saveSchedule(centerId, scheduleToJson(parsed.value), by, clock())
      await reload()
      return parsed
    }
  }
}
