// The stored working calendar: a center's schedule, the official years (seeded from the data in
// src/calendar/data at start, idempotently) and the head's edits of single days.
import { sql } from 'kysely'
import type { Db } from './database.js'
import {
  yearDays, type DayRule, type IsoDate, type OfficialYearData, type ScheduleJson, type YearCalendar
} from '../calendar/index.js'

/** NOTIFYed after every change, so other instances reload their calendar. */
export const CALENDAR_CHANNEL = 'hdj_calendar'

export interface DayOverride {
  date: IsoDate
  rule: DayRule
  updatedAt: Date
  updatedBy: number | null
}

export interface StoredCalendar {
  country: string
  schedule: ScheduleJson
  scheduleUpdatedAt: Date
  years: YearCalendar[]
  overrides: DayOverride[]
}

function toRule (row: { kind: DayRule['kind'], hours_from: number | null, hours_to: number | null, comment: string | null }): DayRule {
  return {
    kind: row.kind,
    ...(row.hours_from !== null && row.hours_to !== null ? { hours: { from: row.hours_from, to: row.hours_to } } : {}),
    ...(row.comment !== null ? { comment: row.comment } : {})
  }
}

export function calendarRepository (db: Db) {
  const notify = async (): Promise<void> => { await sql`select pg_notify(${CALENDAR_CHANNEL}, '1')`.execute(db) }
  return {
    /** Writes the official years from the data: upserts their days and drops days the data no longer lists. */
    seedOfficial: async (years: readonly OfficialYearData[]): Promise<void> => {
      await db.transaction().execute(async (tx) => {
        for (const y of years) {
          await tx.insertInto('calendar_year').values({ country: y.country, year: y.year, confirmed: y.confirmed, source: y.source })
            .onConflict((oc) => oc.columns(['country', 'year']).doUpdateSet((eb) => ({
              confirmed: eb.ref('excluded.confirmed'), source: eb.ref('excluded.source')
            }))).execute()
          const days = [...yearDays(y)].map(([day, rule]) => ({ country: y.country, day, kind: rule.kind as 'holiday' | 'working' | 'shortened' }))
          await tx.deleteFrom('calendar_day').where('country', '=', y.country)
            .where('day', '>=', `${y.year}-01-01`).where('day', '<=', `${y.year}-12-31`)
            .$if(days.length > 0, (qb) => qb.where('day', 'not in', days.map((d) => d.day)))
            .execute()
          if (days.length === 0) continue
          await tx.insertInto('calendar_day').values(days)
            .onConflict((oc) => oc.columns(['country', 'day']).doUpdateSet((eb) => ({ kind: eb.ref('excluded.kind') })))
            .execute()
        }
      })
    },

    /**
     * The head enters a decree for a year the data does not have: the year becomes confirmed with
     * the decree as its source and `days` (its entries as they stand) as its official days.
     */
    confirmYear: async (country: string, year: YearCalendar): Promise<void> => {
      await db.transaction().execute(async (tx) => {
        await tx.insertInto('calendar_year').values({ country, year: year.year, confirmed: true, source: year.source })
          .onConflict((oc) => oc.columns(['country', 'year']).doUpdateSet({ confirmed: true, source: year.source })).execute()
        await tx.deleteFrom('calendar_day').where('country', '=', country)
          .where('day', '>=', `${year.year}-01-01`).where('day', '<=', `${year.year}-12-31`).execute()
        const days = [...year.days].filter(([, r]) => r.kind !== 'normal')
          .map(([day, r]) => ({ country, day, kind: r.kind as 'holiday' | 'working' | 'shortened' }))
        if (days.length > 0) await tx.insertInto('calendar_day').values(days).execute()
      })
      await notify()
    },

    /** Stores the schedule of a center unless it already has one. */
    ensureSchedule: async (centerId: string, schedule: ScheduleJson, country = 'RU'): Promise<void> => {
      await db.insertInto('center_schedule').values({ center_id: centerId, country, schedule: JSON.stringify(schedule) })
        .onConflict((oc) => oc.column('center_id').doNothing()).execute()
    },

    load: async (centerId: string): Promise<StoredCalendar | undefined> => {
      const center = await db.selectFrom('center_schedule').selectAll().where('center_id', '=', centerId).executeTakeFirst()
      if (center === undefined) return undefined
      const [yearRows, dayRows, overrideRows] = await Promise.all([
        db.selectFrom('calendar_year').selectAll().where('country', '=', center.country).execute(),
        db.selectFrom('calendar_day').select(['day', 'kind']).where('country', '=', center.country).execute(),
        db.selectFrom('calendar_day_override').selectAll().where('center_id', '=', centerId).orderBy('day').execute()
      ])
      const years = yearRows.map((y): YearCalendar => ({
        year: y.year,
        confirmed: y.confirmed,
        source: y.source,
        days: new Map(dayRows.filter((d) => d.day.startsWith(`${y.year}-`)).map((d) => [d.day, { kind: d.kind }]))
      }))
      return {
        country: center.country,
        schedule: center.schedule,
        scheduleUpdatedAt: center.updated_at,
        years,
        overrides: overrideRows.map((r) => ({ date: r.day, rule: toRule(r), updatedAt: r.updated_at, updatedBy: r.updated_by }))
      }
    },

    saveSchedule: async (centerId: string, schedule: ScheduleJson, by: number | null, at: Date): Promise<void> => {
      await db.insertInto('center_schedule')
        .values({ center_id: centerId, schedule: JSON.stringify(schedule), updated_at: at, updated_by: by })
        .onConflict((oc) => oc.column('center_id').doUpdateSet({ schedule: JSON.stringify(schedule), updated_at: at, updated_by: by }))
        .execute()
      await notify()
    },

    saveOverride: async (centerId: string, date: IsoDate, rule: DayRule, by: number | null, at: Date): Promise<void> => {
      const values = {
        kind: rule.kind,
        hours_from: rule.hours?.from ?? null,
        hours_to: rule.hours?.to ?? null,
        comment: rule.comment ?? null,
        updated_at: at,
        updated_by: by
      }
      await db.insertInto('calendar_day_override').values({ center_id: centerId, day: date, ...values })
        .onConflict((oc) => oc.columns(['center_id', 'day']).doUpdateSet(values)).execute()
      await notify()
    },

    /** True when there was an edit to remove. */
    deleteOverride: async (centerId: string, date: IsoDate): Promise<boolean> => {
      const res = await db.deleteFrom('calendar_day_override').where('center_id', '=', centerId).where('day', '=', date).executeTakeFirst()
      const removed = Number(res.numDeletedRows) > 0
      if (removed) await notify()
      return removed
    }
  }
}

export type CalendarRepository = ReturnType<typeof calendarRepository>
