import t from 'tap'
import { sql } from 'kysely'
// The journal repository's reading side: filters, full-text search, due dates after calendar edits, the directory.
import { backends, testDb } from '../helpers/db.js'
import { journalRepository } from '../../src/db/journal.repository.js'
import { journalService } from '../../src/services/journal.service.js'
import { organizationsRepository } from '../../src/db/organizations.repository.js'
import { buildCalendar, defaultSchedule, OFFICIAL_YEARS, yearFromData } from '../../src/calendar/index.js'
import { MONDAY, cal, complete, ok, setup } from '../helpers/journal.js'

for (const backend of backends()) {
  t.test(`journal repository (${backend}): list filters, Russian full-text search, drafts and overdue`, async (t) => {
    const db = await testDb(t, backend)
    const { journal, userId, clock } = await setup(db)
    const orgs = organizationsRepository(db)
    const school = await orgs.create({ name: 'МАОУ СОШ № 5 г. Тюмени', kind: 'educational' })
    const by = { by: userId }
    const a = ok(await journal.register((await journal.createDraft({ ...complete, organizationId: school.id, organizationName: undefined, description: 'Как добавить программу в каталог Навигатора?' }, by)).id, by))
    t.equal(a.organizationName, 'МАОУ СОШ № 5 г. Тюмени', 'the organization name is copied from the directory')
    const b = ok(await journal.register((await journal.createDraft({ ...complete, type: 'improvement', module: 'talents', description: 'Добавить выгрузку списка одаренных детей' }, by)).id, by))
    const missed = await journal.createDraft({ channel: 'phone', callerNumber: '8 (3452) 290-256' }, { by: null })
    t.equal(missed.callerNumber, '73452290256', 'the caller number is normalized')
    t.equal(missed.contactText, null, 'and stays in the phone field: «ФИО, контактная информация» is left for the name')

    const q = async (f: Record<string, unknown>): Promise<number[]> =>
      (await journal.list({ now: clock.now, limit: 50, offset: 0, sort: 'created', order: 'asc', ...f })).items.map((e) => e.id)
    t.same(await q({ q: 'навигатор' }), [a.id], '«навигатор» finds «Навигатора»')
    t.same(await q({ q: 'одаренные дети' }), [b.id], 'both words by their stems')
    t.same(await q({ q: 'Тюмени' }), [a.id], 'the organization name is searched too')
    t.same(await q({ draft: true }), [missed.id], 'drafts: the missed calls to call back')
    t.same(await q({ draft: false }), [a.id, b.id], 'registered only')
    t.same(await q({}), [a.id, b.id, missed.id], 'both by default')
    t.same(await q({ type: ['improvement'] }), [b.id], 'by type')
    t.same(await q({ module: ['navigator', 'paid_services'] }), [a.id], 'by module')
    t.same(await q({ organizationId: school.id }), [a.id], 'by organization')
    t.same(await q({ callerNumber: '+7 3452 290256' }), [missed.id], 'by caller number in any spelling')
    t.same(await q({ from: '2026-03-03' }), [], 'by period: nothing from 3 March')
    t.same(await q({ from: '2026-03-02', to: '2026-03-02' }), [a.id, b.id], 'the day itself')
    t.same(await q({ assignedTo: userId }), [a.id, b.id], 'assigned to the registering specialist')

    ok(await journal.changeStatus(b.id, { to: 'feedback' }, { by: userId, at: new Date('2026-03-03T09:30:00+05:00') }))
    const late = new Date('2026-03-11T09:00:00+05:00')
    t.same(await q({ sort: 'status', order: 'asc' }), [b.id, a.id, missed.id], 'sorted by status code, drafts (no status) last')
    t.same(await q({ sort: 'organization', order: 'desc' }), [a.id, b.id, missed.id], 'sorted by organization name')
    t.same(await q({ overdue: true, now: late }), [a.id], 'overdue: past due and the clock running (the paused one is not)')
    t.same(await q({ overdue: false, now: late, draft: false }), [b.id], 'not overdue')
    t.same(await q({ overdue: true, now: new Date('2026-03-10T17:00:00+05:00') }), [], 'due at 17:00 is still in time at 17:00')
    const page = await journal.list({ now: clock.now, limit: 1, offset: 1, sort: 'number', order: 'asc' })
    t.equal(page.total, 3, 'the total ignores the page')
    t.equal(page.totalExact, true, 'and is exact')
    t.same(page.items.map((e) => e.id), [b.id], 'the second by number')
    t.same(await q({ draft: false, sort: 'registered', order: 'desc' }), [b.id, a.id], 'registered only, by registration date newest first (then by number)')
    t.same(await q({ draft: false, sort: 'number', order: 'desc' }), [b.id, a.id], 'by number, descending')
    t.same(await q({ sort: 'registered', order: 'desc' }), [b.id, a.id, missed.id], 'with the drafts: the drafts (no date) still last')
  })

  t.test(`journal repository (${backend}): the total is counted up to 1 000 past the page's start, then «more than»`, async (t) => {
    const db = await testDb(t, backend)
    const { journal, clock } = await setup(db)
    // 1 030 drafts a minute apart, and three e-mails
    await sql`insert into journal_entry (channel, caller_number, created_at, updated_at)
      select 'phone', '7912' || lpad(g::text, 7, '0'), ${MONDAY}::timestamptz + g * interval '1 minute', ${MONDAY}::timestamptz from generate_series(1, 1030) g`.execute(db)
    await sql`insert into journal_entry (channel, created_at, updated_at) select 'email', ${MONDAY}::timestamptz, ${MONDAY}::timestamptz from generate_series(1, 3)`.execute(db)
    const list = async (f: Record<string, unknown>) => await journal.list({ now: clock.now, limit: 50, offset: 0, draft: true, ...f })

    const first = await list({ channel: ['phone'] })
    t.same([first.total, first.totalExact], [1000, false], 'the first page: more than 1 000')
    t.equal(first.items.length, 50, 'a full page')
    t.equal(first.items[0]!.callerNumber, '79120001030', 'newest first')
    const twentieth = await list({ channel: ['phone'], offset: 950 })
    t.same([twentieth.total, twentieth.totalExact], [1000, false], 'page 20: still more than 1 000, so a next page exists')
    const next = await list({ channel: ['phone'], offset: 1000 })
    t.same([next.total, next.totalExact], [1030, true], 'page 21, within 1 000 of the end: the exact total')
    t.same(next.items.map((e) => e.callerNumber), Array.from({ length: 30 }, (_, i) => '7912' + String(30 - i).padStart(7, '0')), 'the last 30, in order')
    const far = await list({ channel: ['phone'], offset: 5000 })
    t.same([far.items.length, far.total, far.totalExact], [0, 1030, true], 'past the end: no rows, the exact total')
    const wide = await list({ channel: ['phone'], limit: 1500, offset: 0 })
    t.same([wide.items.length, wide.total, wide.totalExact], [1030, 1030, true], 'a page larger than the cap holds everything and says so')
    const capAtPageEnd = await list({ channel: ['phone'], limit: 1020, offset: 0 })
    t.same([capAtPageEnd.total, capAtPageEnd.totalExact], [1020, false], 'a 1 020-row page: more than its own end')
    const few = await list({ channel: ['email'], limit: 2 })
    t.same([few.items.length, few.total, few.totalExact], [2, 3, true], 'a full page of a small filter: counted, exact')
    const all = await list({ channel: ['email'] })
    t.same([all.items.length, all.total, all.totalExact], [3, 3, true], 'a page not full is its own total')
  })

  t.test(`journal repository (${backend}): due dates follow the head's calendar edits`, async (t) => {
    const db = await testDb(t, backend)
    const { journal, userId } = await setup(db)
    const e = ok(await journal.register((await journal.createDraft({ ...complete }, { by: userId })).id, { by: userId }))
    const resolved = ok(await journal.register((await journal.createDraft({ ...complete }, { by: userId })).id, { by: userId }))
    ok(await journal.changeStatus(resolved.id, { to: 'resolved', comment: 'ответ дан' }, { by: userId }))
    t.equal(await journal.recomputeOpenDueDates(cal), 0, 'the same calendar changes nothing')
    // the head declares Wednesday 4 March a day off
    const edited = buildCalendar({ schedule: defaultSchedule(), years: OFFICIAL_YEARS.map(yearFromData), overrides: [['2026-03-04', { kind: 'holiday', comment: 'test' }]] })
    t.equal(await journal.recomputeOpenDueDates(edited, { by: userId }), 1, 'one open entry changed')
    t.same((await journal.byId(e.id))?.dueAt, new Date('2026-03-11T17:00:00+05:00'), 'its due date moves a working day later')
    t.same((await journal.byId(resolved.id))?.dueAt, new Date('2026-03-10T17:00:00+05:00'), 'a resolved entry keeps its due date')
    t.ok((await journal.history(e.id)).some((h) => h.action === 'deadline'), 'the move is in the history')
  })

  t.test(`organizations repository (${backend}): directory, contacts and caller identification`, async (t) => {
    const db = await testDb(t, backend)
    const orgs = organizationsRepository(db)
    const school = await orgs.create({ name: 'МАОУ СОШ № 1', kind: 'educational', inn: '7203000001' })
    await orgs.create({ name: 'Администрация г. Ишима', kind: 'municipality' })
    await t.rejects(orgs.create({ name: 'маоу сош № 1', kind: 'other' }), { code: '23505' }, 'a name is unique whatever the case')
    t.same((await orgs.search({ q: 'сош', limit: 10, offset: 0 })).items.map((o) => o.id), [school.id], 'search by part of the name, any case')
    t.same((await orgs.search({ q: '7203000001', limit: 10, offset: 0 })).items.map((o) => o.id), [school.id], 'or by ИНН')
    t.equal((await orgs.search({ q: '100%', limit: 10, offset: 0 })).total, 0, 'a % is literal')
    t.equal((await orgs.search({ limit: 1, offset: 0 })).total, 2, 'the total of all')
    const c = await orgs.createContact({ fullName: 'Петрова Ольга Ивановна', phones: ['8 (3452) 290-256', '+7 3452 290256', ' '], emails: ['Olga@School1.ru'], organizationId: school.id })
    t.same(c.phones, ['73452290256'], 'phones normalized, without duplicates')
    t.same(c.emails, ['olga@school1.ru'], 'e-mails in lower case')
    t.equal(c.organizationName, 'МАОУ СОШ № 1', 'with the organization name')
    t.same((await orgs.findByPhone('83452290256')).map((x) => x.id), [c.id], 'found by the CallerID spelling')
    t.same((await orgs.findByPhone('3452290256')).map((x) => x.id), [c.id], 'and by ten digits')
    t.same(await orgs.findByPhone('abc'), [], 'nothing for no digits')
    t.same((await orgs.searchContacts({ organizationId: school.id, limit: 10, offset: 0 })).items.map((x) => x.id), [c.id], 'contacts of an organization')
    t.same((await orgs.searchContacts({ email: 'OLGA@school1.ru', limit: 10, offset: 0 })).items.map((x) => x.id), [c.id], 'by e-mail')

    const journal = journalService({ repo: journalRepository(db), calendar: () => cal, clock: () => MONDAY })
    const d = await journal.createDraft({ channel: 'phone', callerNumber: '83452290256', contactId: c.id })
    t.match(d, { contactId: c.id, organizationId: school.id, organizationName: 'МАОУ СОШ № 1', contactText: 'Петрова Ольга Ивановна, +73452290256, olga@school1.ru' }, 'a call draft gets the contact and their organization')
    t.same((await journal.byCallerNumber('+7 (3452) 29-02-56')).map((x) => x.id), [d.id], 'earlier entries of the number')
  })
}
