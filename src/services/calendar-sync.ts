// Several instances share one database: an edit made through one of them is NOTIFYed on
// CALENDAR_CHANNEL (db/calendar.repository.ts); every instance listens and reloads its calendar,
// so the AMI leader's PBX state and every instance's journal follow an edit made anywhere.
import type { Database } from '../db/database.js'
import { CALENDAR_CHANNEL } from '../db/calendar.repository.js'
import { listen, type Listener, type ListenerLogger } from '../push/listener.js'
import type { CalendarService } from './calendar.service.js'
import { serialQueue } from '../util/serial-queue.js'

export async function followCalendarChanges (opts: { database: Database, calendar: CalendarService, log: ListenerLogger }): Promise<Listener> {
  const { calendar, log } = opts
  // a burst of notifications gives one reload running and at most one more waiting after it
  const reloads = serialQueue()
  let waiting = false
  const reload = (): void => {
    if (waiting) return
    waiting = true
    void reloads.run(async () => {
      waiting = false
      await calendar.reload()
    }).catch((err: unknown) => {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'calendar: reload after a change elsewhere failed')
    })
  }
  // onReady: after every (re)connect, as a change may have been missed while not listening
  return await listen({ database: opts.database, channel: CALENDAR_CHANNEL, onId: reload, onReady: reload, log })
}
