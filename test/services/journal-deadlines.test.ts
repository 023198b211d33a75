import t from 'tap'
import { calendarRepository } from '../../src/db/calendar.repository.js'
import { journalRepository } from '../../src/db/journal.repository.js'
import { journalService } from '../../src/services/journal.service.js'
import { usersRepository } from '../../src/db/users.repository.js'
import { createCalendarService } from '../../src/services/calendar.service.js'
import { keepDueDatesInStep } from '../../src/services/journal-deadlines.js'
import type { Entry } from '../../src/journal/index.js'
import { backends, testDb } from '../helpers/db.js'

const complete = { channel: 'email', type: 'support', description: 'Не приходит письмо о записи', organizationName: 'МАОУ СОШ № 1', contactText: 'Петрова Ольга', module: 'navigator' } as const

function entryOf (o: { ok: boolean, code?: string, message?: string }): Entry {
  if (!o.ok) throw new Error(`expected success, got ${o.code}: ${o.message}`)
  return (o as unknown as { entry: Entry }).entry
}

for (const backend of backends()) {
  t.test(`journal deadlines (${backend}): due dates and the overdue filter follow the calendar`, async (t) => {
    const db = await testDb(t, backend)
    const clock = { now: new Date('2026-11-27T18:30:00+05:00') }
    const calendar = await createCalendarService({ repo: calendarRepository(db), clock: () => clock.now })
    const journal = journalService({ repo: journalRepository(db), calendar: calendar.current, clock: () => clock.now })
    const stop = keepDueDatesInStep(calendar, journal)
    const user = await usersRepository(db).create({ username: 'ivanova', fullName: 'Иванова Анна', passwordHash: 'x', role: 'specialist' })
    const by = { by: user.id }

    const draft = await journal.createDraft({ ...complete }, by)
    const entry = entryOf(await journal.register(draft.id, by))
    t.equal(entry.registeredOn, '2026-11-30', 'an e-mail of Friday 18:30 is registered on Monday (reg. 3.3)')
    t.same(entry.dueAt, new Date('2026-12-07T17:00:00+05:00'), 'due Monday 7 December 17:00 (reg. 3.4.2)')

    const overdueAt = async (iso: string): Promise<number[]> =>
      (await journal.list({ overdue: true, now: new Date(iso), limit: 50, offset: 0 })).items.map((e) => e.id)
    t.same(await overdueAt('2026-12-07T18:00:00+05:00'), [entry.id], 'overdue after 17:00 on the due day')

    await calendar.setDay('2026-12-02', { kind: 'holiday', comment: 'региональный праздник' }, null)
    t.same((await journal.byId(entry.id))!.dueAt, new Date('2026-12-08T17:00:00+05:00'), 'a Wednesday made a holiday moves the due date a day')
    t.same(await overdueAt('2026-12-07T18:00:00+05:00'), [], 'and the overdue filter follows')
    const history = await journal.history(entry.id)
    t.ok(history.some((h) => h.action === 'deadline'), 'the move is in the entry history')

    // a draft registered now takes the edited calendar too
    clock.now = new Date('2026-12-01T17:30:00+05:00')
    const later = entryOf(await journal.register((await journal.createDraft({ ...complete }, by)).id, by))
    t.equal(later.registeredOn, '2026-12-03', 'after hours on Tuesday → Thursday, the Wednesday being a holiday')

    // «Обратная связь» pauses the clock; the working time paused moves the due date
    clock.now = new Date('2026-12-03T10:00:00+05:00')
    entryOf(await journal.changeStatus(entry.id, { to: 'feedback', comment: 'запросили номер заявки' }, by))
    t.same(await overdueAt('2026-12-09T18:00:00+05:00'), [], 'never overdue while paused')
    clock.now = new Date('2026-12-04T10:00:00+05:00')
    const resumed = entryOf(await journal.changeStatus(entry.id, { to: 'in_progress' }, by))
    t.same(resumed.dueAt, new Date('2026-12-09T17:00:00+05:00'),
      'paused Thursday 10:00 → Friday 10:00 is 7 working hours (6 h Thursday less lunch, 1 h Friday): Tuesday 8 December 17:00 + 7 h')

    await calendar.revertDay('2026-12-02')
    t.same((await journal.byId(entry.id))!.dueAt, new Date('2026-12-08T17:00:00+05:00'), 'reverting the holiday moves it back by a day, the pause still counted')

    // a recorded extension replaces the due date; calendar changes keep it
    const extended = entryOf(await journal.extend(entry.id, { dueOn: '2026-12-18', reason: 'ждём разработчика', agreedBy: 'Департамент' }, by))
    t.same(extended.dueAt, new Date('2026-12-18T16:00:00+05:00'), 'extended to Friday 18 December, closing 16:00')
    await calendar.setDay('2026-12-16', { kind: 'holiday' }, null)
    t.same((await journal.byId(entry.id))!.dueAt, new Date('2026-12-18T16:00:00+05:00'), 'an agreed date stays as agreed')
    stop()
  })
}
