// Tables of migrations/0003_calendar.sql.
import type { ColumnType } from 'kysely'
import type { ScheduleJson } from '../../calendar/index.js'

export interface CenterScheduleTable {
  center_id: string
  country: ColumnType<string, string | undefined, string>
  /** jsonb: read as an object, written as JSON text */
  schedule: ColumnType<ScheduleJson, string, string>
  updated_at: ColumnType<Date, Date | undefined, Date>
  updated_by: number | null
}

export interface CalendarYearTable {
  country: string
  year: number
  confirmed: boolean
  source: string
}

export interface CalendarDayTable {
  country: string
  day: string // 'YYYY-MM-DD' (the date parser keeps dates as text)
  kind: 'holiday' | 'working' | 'shortened'
}

export interface CalendarDayOverrideTable {
  center_id: string
  day: string
  kind: 'holiday' | 'working' | 'shortened' | 'normal'
  hours_from: number | null
  hours_to: number | null
  comment: string | null
  updated_at: ColumnType<Date, Date | undefined, Date>
  updated_by: number | null
}

export interface CalendarTables {
  center_schedule: CenterScheduleTable
  calendar_year: CalendarYearTable
  calendar_day: CalendarDayTable
  calendar_day_override: CalendarDayOverrideTable
}
