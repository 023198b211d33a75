// Dates as a Russian office writes them (01.11.2026) and the months of a report, in the
// center's zone. Pure: the zone is an argument, never the process's.
import { DateTime } from 'luxon'

/** Nominative, lower case, as in «за ноябрь 2026 г.». */
export const MONTHS_RU = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь'] as const

/** 'yyyy-MM-dd' → '01.11.2026'; '' for null. */
export function officeDate (iso: string | null): string {
  if (iso === null || iso === '') return ''
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso)
  return m === null ? iso : `${m[3]}.${m[2]}.${m[1]}`
}

/** An instant as '01.11.2026 14:05' in the zone. */
export function officeDateTime (at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toFormat('dd.LL.yyyy HH:mm')
}

export interface Month { year: number, month: number }

/** First and last day of a month, 'yyyy-MM-dd'. */
export function monthDays ({ year, month }: Month): { first: string, last: string } {
  const first = DateTime.fromObject({ year, month, day: 1 }, { zone: 'UTC' })
  return { first: first.toISODate()!, last: first.endOf('month').toISODate()! }
}

/** «ноябрь 2026 г.» */
export function monthTitle ({ year, month }: Month): string {
  return `${MONTHS_RU[month - 1]} ${year} г.`
}

/** The month before the one `at` falls in, in the zone. */
export function previousMonth (at: Date, zone: string): Month {
  const d = DateTime.fromJSDate(at, { zone }).startOf('month').minus({ months: 1 })
  return { year: d.year, month: d.month }
}
