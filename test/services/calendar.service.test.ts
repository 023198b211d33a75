import t from 'tap'
import { DateTime } from 'luxon'
import { calendarRepository } from '../../src/db/calendar.repository.js'
import { createCalendarService } from '../../src/services/calendar.service.js'
import { followCalendarChanges } from '../../src/services/calendar-sync.js'
import { isOpen, type WorkCalendar } from '../../src/calendar/index.js'
import { backends, testDatabase, testDb } from '../helpers/db.js'
import { CALENDAR_CHANNEL } from '../../src/db/calendar.repository.js'

const wednesday = DateTime.fromISO('2026-12-02T10:00:00+05:00')

t.test('calendarService: seeds on start, applies edits at once and tells its listeners', async (t) => {
  const db = await testDb(t)
  const clock = (): Date => new Date('2026-12-02T05:00:00Z')
  const errors: unknown[] = []
  const service = await createCalendarService({ repo: calendarRepository(db), clock, onListenerError: (e) => errors.push(e) })
  t.equal(service.current().years.get(2026)?.confirmed, true, 'the official 2026 calendar is seeded')
  t.equal(service.now().toISO(), '2026-12-02T10:00:00.000+05:00', 'now is the clock in the center zone')
  t.equal(isOpen(wednesday, service.current()), true, 'Wednesday open')

  const seen: WorkCalendar[] = []
  const off = service.onChange((cal) => { seen.push(cal) })
  service.onChange(() => { throw new Error('a broken listener') })
  await service.setDay('2026-12-02', { kind: 'holiday' }, null)
  t.equal(isOpen(wednesday, service.current()), false, 'closed right after the edit')
  t.equal(seen.length, 1, 'the listener heard of the change')
  t.equal(isOpen(wednesday, seen[0]!), false, 'and got the new calendar')
  t.equal(errors.length, 1, 'a failing listener is reported, not thrown')

  off()
  t.equal(await service.revertDay('2026-12-02'), true, 'the edit is reverted')
  t.equal(seen.length, 1, 'an unsubscribed listener hears nothing')
  t.equal(isOpen(wednesday, service.current()), true, 'open again')
  t.equal(await service.revertDay('2026-12-02'), false, 'nothing left to revert')

  // another instance (same database) made a change: reload picks it up
  const other = await createCalendarService({ repo: calendarRepository(db), clock })
  await other.setDay('2026-12-02', { kind: 'holiday' }, null)
  t.equal(isOpen(wednesday, service.current()), true, 'not seen before reload')
  const heard: number[] = []
  service.onChange(() => { heard.push(1) })
  await service.reload()
  t.equal(isOpen(wednesday, service.current()), false, 'seen after reload')
  t.equal(heard.length, 1, 'listeners hear of a change made elsewhere')
  await service.reload()
  t.equal(heard.length, 1, 'a reload that finds nothing new tells nobody')

  const bad = await service.setSchedule({ ...(await calendarRepository(db).load('main'))!.schedule, zone: 'Nowhere/City' }, null)
  t.equal(bad.ok, false, 'an invalid schedule is refused')
})

t.test('calendarService: every change is NOTIFYed for the other instances', async (t) => {
  const database = await testDatabase(t, 'pglite')
  const payloads: string[] = []
  await database.pglite!.listen(CALENDAR_CHANNEL, (p) => { payloads.push(p) })
  const service = await createCalendarService({ repo: calendarRepository(database.db), clock: () => new Date() })
  await service.setDay('2026-12-02', { kind: 'holiday' }, null)
  await service.revertDay('2026-12-02')
  await service.revertDay('2026-12-02')
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.equal(payloads.length, 2, 'one notification per change, none for a revert that changed nothing')
})

for (const backend of backends()) {
  t.test(`followCalendarChanges (${backend}): an edit made through another instance reaches this one`, async (t) => {
    const database = await testDatabase(t, backend)
    const clock = (): Date => new Date('2026-12-01T05:00:00Z')
    const here = await createCalendarService({ repo: calendarRepository(database.db), clock })
    const elsewhere = await createCalendarService({ repo: calendarRepository(database.db), clock })
    const log = { info: () => {}, warn: () => {} }
    const listener = await followCalendarChanges({ database, calendar: here, log })
    const heard: WorkCalendar[] = []
    here.onChange((cal) => { heard.push(cal) })

    await elsewhere.setDay('2026-12-02', { kind: 'holiday' }, null)
    for (let i = 0; i < 50 && heard.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20))
    t.equal(heard.length, 1, 'this instance reloaded and told its listeners once')
    t.equal(isOpen(wednesday, here.current()), false, 'and answers with the other instance\'s edit')
    await listener.close()
  })
}

t.test('calendarService: a confirmed year survives a restart (seeding touches only the years of the data)', async (t) => {
  const db = await testDb(t)
  const clock = (): Date => new Date('2026-12-01T05:00:00Z')
  const first = await createCalendarService({ repo: calendarRepository(db), clock })
  await first.confirmYear(2027, 'Постановление № 1500')
  const restarted = await createCalendarService({ repo: calendarRepository(db), clock })
  const y = restarted.current().years.get(2027)
  t.equal(y?.confirmed, true, '2027 stays confirmed')
  t.equal(y?.days.get('2027-05-10')?.kind, 'holiday', 'with its days')
  t.equal(restarted.current().years.get(2026)?.source.includes('1466'), true, 'the data years are seeded as before')
})
