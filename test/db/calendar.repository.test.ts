import t from 'tap'
import { calendarRepository } from '../../src/db/calendar.repository.js'
import { DEFAULT_SCHEDULE_JSON, OFFICIAL_YEARS } from '../../src/calendar/index.js'
import { backends, testDb } from '../helpers/db.js'

for (const backend of backends()) {
  t.test(`calendarRepository (${backend}): seeding is idempotent and follows the data`, async (t) => {
    const repo = calendarRepository(await testDb(t, backend))
    await repo.seedOfficial(OFFICIAL_YEARS)
    await repo.seedOfficial(OFFICIAL_YEARS)
    await repo.ensureSchedule('main', DEFAULT_SCHEDULE_JSON)
    await repo.ensureSchedule('main', { ...DEFAULT_SCHEDULE_JSON, zone: 'Europe/Moscow' })
    const stored = await repo.load('main')
    t.ok(stored, 'the center is stored')
    t.same(stored!.schedule, DEFAULT_SCHEDULE_JSON, 'ensureSchedule keeps the first schedule')
    t.same(stored!.years.map((y) => [y.year, y.confirmed, y.days.size]).sort(), [[2025, true, 32], [2026, true, 32]],
      'two official years, 32 entries each (days off, working weekend days, shortened days)')
    t.equal(stored!.years.find((y) => y.year === 2025)!.days.get('2025-11-01')?.kind, 'shortened', 'the working Saturday is stored as shortened')

    // the data changes (an erratum): re-seeding replaces the year's days
    const fixed = { ...OFFICIAL_YEARS[1]!, daysOff: OFFICIAL_YEARS[1]!.daysOff.filter((d) => d !== '2026-12-31'), source: 'corrected' }
    await repo.seedOfficial([fixed])
    const again = await repo.load('main')
    const y2026 = again!.years.find((y) => y.year === 2026)!
    t.equal(y2026.days.has('2026-12-31'), false, 'a day dropped from the data is dropped from the database')
    t.equal(y2026.source, 'corrected', 'the source follows the data')
    t.equal(again!.years.find((y) => y.year === 2025)!.days.size, 32, 'other years untouched')
  })

  t.test(`calendarRepository (${backend}): the head's edits are kept apart and revertible`, async (t) => {
    const repo = calendarRepository(await testDb(t, backend))
    await repo.ensureSchedule('main', DEFAULT_SCHEDULE_JSON)
    const at = new Date('2026-11-28T08:00:00Z')
    await repo.saveOverride('main', '2026-12-02', { kind: 'working', hours: { from: 600, to: 900 }, comment: 'training' }, null, at)
    await repo.saveOverride('main', '2026-12-02', { kind: 'holiday', comment: 'regional holiday' }, null, at)
    let stored = await repo.load('main')
    t.same(stored!.overrides.map((o) => [o.date, o.rule]), [['2026-12-02', { kind: 'holiday', comment: 'regional holiday' }]],
      'saving again replaces the edit')
    t.equal(stored!.overrides[0]!.updatedAt.toISOString(), at.toISOString(), 'when it was edited')
    t.equal(await repo.deleteOverride('main', '2026-12-02'), true, 'deleting an edit reports it')
    t.equal(await repo.deleteOverride('main', '2026-12-02'), false, 'deleting again finds nothing')
    stored = await repo.load('main')
    t.same(stored!.overrides, [], 'no edits left')
    await repo.saveSchedule('main', { ...DEFAULT_SCHEDULE_JSON, lunch: null }, null, at)
    t.equal((await repo.load('main'))!.schedule.lunch, null, 'the schedule is saved')
    t.equal(await repo.load('other'), undefined, 'an unknown center has nothing stored')
  })
}
