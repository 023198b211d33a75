// Keeps the journal's stored due dates in step with the working calendar: when the head changes a
// day or the weekly schedule, every open entry's due date (reg. 3.4.2, in working days) is computed
// again, so the deadlines shown and the "overdue" filter follow the calendar at once.
import type { JournalService } from './journal.service.js'
import type { CalendarService } from './calendar.service.js'

export interface DueDatesLogger { info: (obj: object, msg: string) => void }

/** Subscribes the journal to calendar changes; returns the unsubscribe function. */
export function keepDueDatesInStep (
  calendar: CalendarService,
  journal: Pick<JournalService, 'recomputeOpenDueDates'>,
  log?: DueDatesLogger
): () => void {
  return calendar.onChange(async (cal) => {
    const changed = await journal.recomputeOpenDueDates(cal)
    log?.info({ changed }, 'calendar changed: due dates of open journal entries recomputed')
  })
}
