// Several instances share one database: an edit made through one of them is NOTIFYed on
// CALENDAR_CHANNEL (db/calendar.repository.ts); every instance listens and reloads its calendar,
// so the AMI leader's PBX state and every instance's journal follow an edit made anywhere.
import type { Database } from '../db/database.js'
import { CALENDAR_CHANNEL } from '../db/calendar.repository.js'
import { listen, type Listener, type ListenerLogger } from '../push/listener.js'
import type { CalendarService } from './calendar.service.js'

export async function followCalendarChanges (opts: { database: Database, calendar: CalendarService, log: ListenerLogger }): Promise<Listener> {
  const { calendar, log } = opts
  // a burst of notifications gives one reload running and at most one more after it
  let running: Promise<void> | undefined
  let again = false
  const reload = (): void => {
    if (running !== undefined) { again = true; return }
    running = calendar.reload().then(() => {}, (err: unknown) => {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'calendar: reload after a change elsewhere failed')
    }).finally(() => {
      running = undefined
      if (again) { again = false; reload() }
    })
  }
  // onReady: after every (re)connect, as a change may have been missed while not listening
  return await listen({ database: opts.database, channel: CALENDAR_CHANNEL, onId: reload, onReady: reload, log })
}
