// Open or closed at an instant, why, and the next opening and closing: what the PBX state, call
// rejection and the UI need.
import type { DateTime } from 'luxon'
import type { ClosedReason, WorkCalendar } from './types.js'
import { SEARCH_DAYS, addDays, dateOf, describeDay, intervalsFrom, intervalsOf, localDate } from './days.js'

export interface ScheduleState {
  open: boolean
  reason: 'open' | ClosedReason
  /** The next opening strictly after the instant (when open: after the coming close). */
  opensAt: DateTime | null
  /** The next closing strictly after the instant (when closed: after the coming opening). */
  closesAt: DateTime | null
}

export function scheduleState (at: DateTime, cal: WorkCalendar): ScheduleState {
  const reason = stateReason(at, cal)
  return { open: reason === 'open', reason, opensAt: nextOpening(at, cal), closesAt: nextClosing(at, cal) }
}

export function isOpen (at: DateTime, cal: WorkCalendar): boolean {
  return stateReason(at, cal) === 'open'
}

export function stateReason (at: DateTime, cal: WorkCalendar): ScheduleState['reason'] {
  const day = describeDay(dateOf(at, cal), cal)
  if (!day.working) return day.closedReason ?? 'weekend'
  const periods = intervalsOf(day, cal)
  if (periods.some(p => p.start <= at && at < p.end)) return 'open'
  if (periods.length === 0 || at >= periods[periods.length - 1]!.end) return 'after-hours'
  if (at < periods[0]!.start) return 'before-hours'
  return 'lunch'
}

export function nextOpening (at: DateTime, cal: WorkCalendar): DateTime | null {
  for (const p of intervalsFrom(at, cal)) if (p.start > at) return p.start
  return null
}

export function nextClosing (at: DateTime, cal: WorkCalendar): DateTime | null {
  for (const p of intervalsFrom(at, cal)) if (p.end > at) return p.end
  return null
}

/**
 * The first instant after `at` where the reason changes (an opening, a closing, or a midnight where
 * e.g. after-hours becomes weekend): how long a state written to the PBX holds.
 */
export function stateUntil (at: DateTime, cal: WorkCalendar): DateTime | null {
  const reason = stateReason(at, cal)
  let t = at
  for (let i = 0; i < 4 * SEARCH_DAYS; i++) {
    const midnight = localDate(addDays(dateOf(t, cal), 1), cal)
    const edge = reason === 'open' ? nextClosing(t, cal) : nextOpening(t, cal)
    t = edge !== null && edge < midnight ? edge : midnight
    if (stateReason(t, cal) !== reason) return t
  }
  return null
}
