// The due instant of an entry from the working calendar: 5 working days from registration
// (reg. 3.4.2), moved by the time spent in «Обратная связь» and replaced by recorded extensions.
import { DateTime } from 'luxon'
import { dueAt, type WorkCalendar } from '../calendar/index.js'
import type { Entry } from './entry.js'

const dt = (d: Date): DateTime => DateTime.fromJSDate(d, { zone: 'utc' })

/**
 * The due instant; null for a draft. A pause still open counts nothing (an entry in
 * «Обратная связь» is never overdue; the due date moves when the pause ends).
 */
export function computeDue (e: Pick<Entry, 'registeredOn' | 'pauses' | 'extensions'>, cal: WorkCalendar): Date | null {
  if (e.registeredOn === null) return null
  return dueAt({
    registeredOn: e.registeredOn,
    pauses: e.pauses.map((p) => ({ from: dt(p.from), to: p.to === null ? null : dt(p.to) })),
    extensions: e.extensions.map((x) => ({ agreedAt: dt(x.recordedAt), due: dt(x.dueAt) }))
  }, cal).toJSDate()
}

/** Statuses in which the clock runs: not resolved, closed or paused in «Обратная связь». */
const CLOCK_RUNNING = ['in_progress', 'to_developer'] as const

/** Overdue strictly after the due instant, only while the clock runs and the entry is not annulled. */
export function isEntryOverdue (e: Pick<Entry, 'status' | 'dueAt' | 'annulment'>, now: Date): boolean {
  return e.dueAt !== null && e.annulment === null && e.status !== null &&
    (CLOCK_RUNNING as readonly string[]).includes(e.status) && now.getTime() > e.dueAt.getTime()
}
