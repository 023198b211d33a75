// A report's period: days of the center's zone, both ends inclusive, and the period it is
// compared with (the calendar month before a whole month, otherwise as many days just before).
import { DateTime } from 'luxon'

export interface Period { from: string, to: string } // yyyy-MM-dd, inclusive

const day = (iso: string): DateTime => DateTime.fromISO(iso, { zone: 'UTC' })

export function periodDays (p: Period): number {
  return Math.round(day(p.to).diff(day(p.from), 'days').days) + 1
}

function isWholeMonth (p: Period): boolean {
  const f = day(p.from)
  return f.day === 1 && day(p.to).toISODate() === f.endOf('month').toISODate()
}

export function previousPeriod (p: Period): Period {
  if (isWholeMonth(p)) {
    const months = Math.round(day(p.to).plus({ days: 1 }).diff(day(p.from), 'months').months)
    const f = day(p.from).minus({ months })
    return { from: f.toISODate()!, to: day(p.from).minus({ days: 1 }).toISODate()! }
  }
  const n = periodDays(p)
  return { from: day(p.from).minus({ days: n }).toISODate()!, to: day(p.from).minus({ days: 1 }).toISODate()! }
}

/** The instants that bound the period's days in the zone: [start, end). */
export function periodBounds (p: Period, zone: string): { start: Date, end: Date } {
  return {
    start: DateTime.fromISO(p.from, { zone }).toJSDate(),
    end: DateTime.fromISO(p.to, { zone }).plus({ days: 1 }).toJSDate()
  }
}

/** Every day of the period, or every month ('yyyy-MM') when it is longer than two months. */
export function periodBuckets (p: Period): { unit: 'day' | 'month', keys: string[] } {
  const unit = periodDays(p) > 62 ? 'month' : 'day'
  const keys: string[] = []
  for (let d = day(p.from); d <= day(p.to); d = d.plus(unit === 'day' ? { days: 1 } : { months: 1 }).startOf(unit)) {
    keys.push(unit === 'day' ? d.toISODate()! : d.toFormat('yyyy-LL'))
  }
  return { unit, keys }
}
