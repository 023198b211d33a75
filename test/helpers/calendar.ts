// Shared by the calendar tests: instants written with their offset, the project's default calendar.
import { DateTime } from 'luxon'
import { defaultCalendar } from '../../src/calendar/index.js'

export const cal = defaultCalendar()

/** An instant from ISO text with an explicit offset ('+05:00' or 'Z'), kept in that offset. */
export function at (iso: string): DateTime {
  const t = DateTime.fromISO(iso, { setZone: true })
  if (!t.isValid) throw new Error(`bad instant in a test table: ${iso}`)
  return t
}

/** The same instant, for comparing results regardless of the zone they are expressed in. */
export const ms = (t: DateTime | null): number | null => t === null ? null : t.toMillis()
