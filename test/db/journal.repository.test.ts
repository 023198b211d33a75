import t from 'tap'
// The journal repository's writing side: numbering, concurrency, history, annulment.
import { backends, testDb } from '../helpers/db.js'
import { journalRepository } from '../../src/db/journal.repository.js'
import { journalService } from '../../src/services/journal.service.js'
import { MONDAY, cal, complete, ok, setup } from '../helpers/journal.js'

for (const backend of backends()) {
  t.test(`journal repository (${backend}): numbering is gap-free and per year`, async (t) => {
    const db = await testDb(t, backend)
    const { journal, userId, clock } = await setup(db)
    const by = { by: userId }
    const drafts = await Promise.all([1, 2, 3, 4].map(async () => await journal.createDraft({ ...complete }, by)))
    t.same(drafts.map((d) => d.number), [null, null, null, null], 'drafts have no number')

    const incomplete = await journal.createDraft({ channel: 'phone', callerNumber: '8 (912) 000-00-01' }, by)
    const refused = await journal.register(incomplete.id, by)
    t.equal(refused.ok ? 'ok' : refused.code, 'DRAFT_INCOMPLETE', 'an incomplete draft is refused')

    const first = ok(await journal.register(drafts[0]!.id, by))
    t.match(first, { year: 2026, number: 1, registeredOn: '2026-03-02', status: 'in_progress', registeredBy: userId, assignedTo: userId }, 'the first of the year is № 1, «В работе»')
    t.same(first.dueAt, new Date('2026-03-10T17:00:00+05:00'), 'due at 17:00 of the fifth working day')

    // a registration that rolls back gives its number back
    await db.transaction().execute(async (trx) => {
      const r = await journalService({ repo: journalRepository(trx), calendar: () => cal, clock: () => clock.now }).register(drafts[1]!.id, by)
      t.equal(ok(r).number, 2, 'inside the rolled-back transaction it would be № 2')
      throw new Error('rollback')
    }).catch((err: Error) => { if (err.message !== 'rollback') throw err })
    t.equal((await journal.byId(drafts[1]!.id))?.number, null, 'rolled back: still a draft')

    const second = ok(await journal.register(drafts[2]!.id, by))
    t.equal(second.number, 2, 'the next registration takes № 2: no gap')
    const again = await journal.register(drafts[2]!.id, by)
    t.equal(again.ok ? 'ok' : again.code, 'ALREADY_REGISTERED', 'registering twice is refused')

    clock.now = new Date('2026-12-31T18:00:00+05:00') // after hours on the last day: registered in January
    const third = ok(await journal.register(drafts[1]!.id, by))
    t.match(third, { year: 2027, number: 1 }, 'registered after hours on 31 December: № 1 of the next year')
    t.equal(third.registeredOn?.slice(0, 4), '2027', 'its date is in that year')
    clock.now = new Date('2027-01-15T10:00:00+05:00')
    t.match(ok(await journal.register(drafts[3]!.id, by)), { year: 2027, number: 2 }, 'then № 2 of 2027')
    t.equal((await journal.byNumber(2026, 2))?.id, drafts[2]!.id, 'found by year and number')
  })

  t.test(`journal repository (${backend}): 50 registrations at once give 50 distinct consecutive numbers`, async (t) => {
    const db = await testDb(t, backend)
    const { journal, userId } = await setup(db)
    // the drafts in one statement (their creation is not what is tested here)
    const drafts = await db.insertInto('journal_entry').values(Array.from({ length: 50 }, (_, i) => ({
      channel: 'phone' as const, type: 'support' as const, description: `запрос ${i}`, organization_name: 'МАОУ СОШ № 1', contact_text: 'Петрова', module: 'navigator' as const
    }))).returning('id').execute()
    const results = await Promise.all(drafts.map(async (d) => await journal.register(d.id, { by: userId })))
    const numbers = results.map((r) => ok(r).number!).sort((a, b) => a - b)
    t.same(numbers, Array.from({ length: 50 }, (_, i) => i + 1), 'numbers 1..50, each once')
    const counter = await db.selectFrom('entry_number_counter').selectAll().where('year', '=', 2026).executeTakeFirstOrThrow()
    t.equal(counter.last_number, 50, 'the counter stands at 50')
  })

  t.test(`journal repository (${backend}): every change is in the history`, async (t) => {
    const db = await testDb(t, backend)
    const { journal, userId, clock } = await setup(db)
    const by = { by: userId }
    const d = await journal.createDraft({ channel: 'email', callerEmail: 'school1@example.ru', type: 'error', description: 'Ошибка при выгрузке сертификатов', organizationName: 'МАОУ СОШ № 1', contactText: 'Петрова', module: 'paid_services' }, by)
    ok(await journal.update(d.id, { additionalInfo: 'скриншот во вложении', description: 'Ошибка при выгрузке сертификатов' }, by))
    ok(await journal.register(d.id, by))
    clock.now = new Date('2026-03-03T10:00:00+05:00')
    ok(await journal.changeStatus(d.id, { to: 'feedback', comment: 'запрошен номер сертификата' }, by))
    clock.now = new Date('2026-03-05T10:00:00+05:00')
    const back = ok(await journal.changeStatus(d.id, { to: 'in_progress' }, by))
    t.same(back.pauses, [{ from: new Date('2026-03-03T10:00:00+05:00'), to: new Date('2026-03-05T10:00:00+05:00') }], 'the pause is stored')
    t.same(back.dueAt, new Date('2026-03-12T17:00:00+05:00'), 'the due date moved by two working days')
    const refused = await journal.changeStatus(d.id, { to: 'to_developer' }, by)
    t.equal(refused.ok ? 'ok' : refused.code, 'AGREEMENT_REQUIRED', 'not to the developer before agreement')
    ok(await journal.recordAgreement(d.id, { state: 'agreed', by: 'Оператор Системы' }, by))
    ok(await journal.changeStatus(d.id, { to: 'to_developer' }, by))
    const ext = ok(await journal.extend(d.id, { dueOn: '2026-03-20', reason: 'ждем исправления', agreedBy: 'Департамент' }, by))
    t.same(ext.dueAt, new Date('2026-03-20T16:00:00+05:00'), 'extended to Friday closing time')
    t.equal(ext.extensions.length, 1, 'the extension is stored')
    ok(await journal.changeStatus(d.id, { to: 'resolved', comment: 'исправлено в версии 2.3' }, by))
    const closed = ok(await journal.changeStatus(d.id, { to: 'closed' }, by))
    t.match(closed, { status: 'closed', resolution: 'исправлено в версии 2.3', resolvedOn: '2026-03-05' }, 'closed with the resolution and its date')
    const edit = await journal.update(d.id, { note: 'x' }, by)
    t.equal(edit.ok ? 'ok' : edit.code, 'ENTRY_CLOSED', 'a closed entry is not edited')

    const history = await journal.history(d.id)
    t.same([...new Set(history.map((h) => h.action))], ['created', 'updated', 'registered', 'status', 'agreement', 'extension'], 'every kind of change is recorded')
    t.ok(history.every((h) => h.userId === userId && h.userName === 'Иванова Анна'), 'each line says who')
    t.ok(history.some((h) => h.action === 'registered' && h.field === 'number' && h.new === 1), 'the number given is recorded')
    t.ok(history.some((h) => h.action === 'status' && h.field === 'status' && h.old === 'resolved' && h.new === 'closed'), 'old → new of the status')
    t.ok(history.some((h) => h.action === 'updated' && h.field === 'additionalInfo' && h.new === 'скриншот во вложении'), 'a field edit')
    t.notOk(history.some((h) => h.field === 'description' && h.action === 'updated'), 'an unchanged field is not recorded')
  })

  t.test(`journal repository (${backend}): annulment keeps the number`, async (t) => {
    const db = await testDb(t, backend)
    const { journal, userId } = await setup(db)
    const d = await journal.createDraft({ ...complete }, { by: userId })
    ok(await journal.register(d.id, { by: userId }))
    const a = ok(await journal.annul(d.id, 'дубль', { by: userId }))
    t.match(a, { number: 1, year: 2026, annulment: { reason: 'дубль', by: userId } }, 'annulled, the number stays')
    const list = await journal.list({ now: MONDAY, limit: 10, offset: 0 })
    t.equal(list.total, 0, 'annulled entries are hidden by default')
    t.equal((await journal.list({ now: MONDAY, limit: 10, offset: 0, annulled: true })).total, 1, 'and listed on request')
    const next = ok(await journal.register((await journal.createDraft({ ...complete }, { by: userId })).id, { by: userId }))
    t.equal(next.number, 2, 'the annulled number is never reused')
  })
}
