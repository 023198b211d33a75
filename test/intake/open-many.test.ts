// A burst of calls opens its drafts together: one identification read and one transaction for all.
// What a specialist sees must not change with it: each caller identified exactly as alone, one draft
// per call, a second attempt opening nothing, and a batch that cannot be opened leaving nothing behind.
import t from 'tap'
import { backends, testDb } from '../helpers/db.js'
import { callsRepository } from '../../src/db/calls.repository.js'
import { journalRepository } from '../../src/db/journal.repository.js'
import { organizationsRepository } from '../../src/db/organizations.repository.js'
import { usersRepository } from '../../src/db/users.repository.js'
import { journalService } from '../../src/services/journal.service.js'
import { callerIdentifier, callersIdentifier, type From } from '../../src/intake/identify.js'
import { createIntake, type ArrivingRequest } from '../../src/intake/intake.js'
import { phoneLink } from '../../src/telephony/phone-link.js'
import { defaultCalendar } from '../../src/calendar/index.js'
import type { Call } from '../../src/calls/call.js'

const call = (linkedId: string, callerNumber: string | null, arrivedAt: string): Call => ({
  linkedId, callerNumber, dialled: '73452290256', state: 'ringing', arrivedAt: new Date(arrivedAt), answeredAt: null, endedAt: null,
  answeredBy: null, transferredTo: null, decision: 'open', recordingFile: null, callerHungUp: false, legs: {}, hangupCause: null,
  hangupCauseText: null, outcome: null, rejectReason: null, approximate: false
})

for (const backend of backends()) {
  t.test(`intake (${backend}): a burst's callers identified together exactly as one by one, and one draft per call`, async (t) => {
    const db = await testDb(t, backend)
    const head = await usersRepository(db).create({ username: 'head', fullName: 'Руководитель', passwordHash: 'x', role: 'head', extension: null })
    const calls = callsRepository(db)
    const organizations = organizationsRepository(db)
    const journal = journalService({ repo: journalRepository(db), calendar: defaultCalendar, clock: () => new Date('2026-03-04T05:00:00Z') })
    const school = await organizations.create({ name: 'МАОУ СОШ № 5 г. Тюмени', kind: 'educational' })
    await organizations.createContact({ fullName: 'Кузнецова Ольга Петровна', position: 'завуч', phones: ['+7 (3452) 111-222', '+79120001122'], emails: ['k@school5.ru'], organizationId: school.id })
    // earlier requests from a number the directory does not know: registered ones name the caller
    for (const [i, text] of ['Сидоров П. П., zavuch@school.ru', 'Сидоров Петр Петрович'].entries()) {
      const d = await journal.createDraft({ channel: 'phone', callerNumber: '+79123334455', contactText: text, organizationName: 'МАУ ДО ЦДТ «Дзержинец»' }, { by: null, at: new Date(`2026-03-0${2 + i}T05:00:00Z`) })
      if (i === 0) {
        await journal.update(d.id, { type: 'support', module: 'navigator', description: 'не открывается каталог' }, { by: head.id })
        t.equal((await journal.register(d.id, { by: head.id })).ok, true, 'an earlier request registered')
      }
    }
    // the number called before: twice on 2 March, once after the calls below
    for (const [id, at] of [['100.1', '2026-03-02T04:00:00Z'], ['100.2', '2026-03-02T06:00:00Z'], ['100.3', '2026-03-05T06:00:00Z']] as const) await calls.save({ ...call(id, '89123334455', at), state: 'ended', endedAt: new Date(at), outcome: 'no-answer' }, new Date(at))

    const identify = callerIdentifier({ byCallerNumber: journal.byCallerNumber, findByPhone: organizations.findByPhone, callsFrom: calls.callsFrom })
    const identifyMany = callersIdentifier(identify, { findByPhones: organizations.findByPhones, byCallerNumbers: journal.byCallerNumbers, callsFromMany: calls.callsFromMany })
    const froms: From[] = [
      { phone: '8 (3452) 111-222', at: new Date('2026-03-04T05:00:00Z') }, // the directory, another spelling
      { phone: '+79120001122', at: new Date('2026-03-04T05:00:00Z') }, // the same contact's other phone
      { phone: '+79123334455', at: new Date('2026-03-04T05:00:00Z') }, // earlier entries and calls
      { phone: '+79123334455', at: new Date('2026-03-02T05:00:00Z') }, // the same number earlier: one call before it
      { phone: '+79995550000', at: new Date('2026-03-04T05:00:00Z') }, // nobody
      { phone: '5550', at: new Date('2026-03-04T05:00:00Z') }, // too short to be anyone's
      { phone: null, at: new Date('2026-03-04T05:00:00Z') }, // a hidden number
      { email: 'k@school5.ru', name: 'Ольга' } // an e-mail sender: identified alone
    ]
    const alone = []
    for (const f of froms) alone.push(await identify(f))
    const together = await identifyMany(froms)
    t.same(together, alone, 'every caller of the burst identified exactly as alone')
    t.equal(together[0]!.name, 'Кузнецова Ольга Петровна', 'the directory contact, whatever the spelling of the number')
    t.equal(together[1]!.contactId, together[0]!.contactId, 'the other phone of the same contact')
    t.same([together[2]!.name, together[2]!.calls?.count, together[3]!.calls?.count], ['Сидоров П. П.', 2, 1], 'earlier entries name the caller; the calls counted before each call')
    t.equal(together[2]!.requests?.length, 1, 'its registered earlier request is listed')

    const intake = createIntake({ journal, identify, identifyMany, clock: () => new Date('2026-03-04T05:00:01Z'), links: { phone: phoneLink } })
    const burst = [call('200.1', '+73452111222', '2026-03-04T05:00:00Z'), call('200.2', '+79123334455', '2026-03-04T05:00:01Z'), call('200.3', null, '2026-03-04T05:00:02Z')]
    for (const c of burst) await calls.save(c, new Date())
    const request = (c: Call): ArrivingRequest => ({ channel: 'phone', from: { phone: c.callerNumber }, arrivedAt: c.arrivedAt, externalKey: c.linkedId })
    const opened = await intake.openMany([...burst.map(request), request(burst[0]!)])
    t.equal(new Set(opened.map((o) => o.entryId)).size, 3, 'three calls, three drafts: a call named twice in the burst gets one')
    t.equal(opened[3]!.entryId, opened[0]!.entryId, 'the second mention has the first one\'s draft')
    t.same(opened.map((o) => o.entry !== undefined), [true, true, true, false], 'the drafts opened now come with their entry')
    for (const [i, c] of burst.entries()) {
      t.equal((await calls.byLinkedId(c.linkedId))?.entryId, opened[i]!.entryId, `call ${c.linkedId} is linked to its draft`)
      const e = await journal.byId(opened[i]!.entryId)
      t.same([e?.channel, e?.createdAt.toISOString(), e?.number], ['phone', c.arrivedAt.toISOString(), null], 'a draft dated by its call, not numbered')
    }
    t.equal((await journal.byId(opened[0]!.entryId))?.contactText, 'Кузнецова Ольга Петровна, завуч, +79120001122, k@school5.ru', 'the draft filled from the directory')
    t.equal((await journal.byId(opened[1]!.entryId))?.contactText, 'Сидоров П. П., zavuch@school.ru', 'and from the earlier request')
    t.same(opened[1]!.caller, await identify({ phone: '+79123334455', at: burst[1]!.arrivedAt }), 'each with its identification, as the popup shows it')
    t.equal(opened[2]!.caller.number, null, 'a hidden number identifies nobody')

    const again = await intake.openMany(burst.map(request))
    t.same(again.map((o) => [o.entryId, o.entry]), opened.slice(0, 3).map((o) => [o.entryId, undefined]), 'opened again (a replay): the same drafts, none new')
    const before = (await db.selectFrom('journal_entry').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n
    await calls.save(call('300.1', '+79990000001', '2026-03-04T06:00:00Z'), new Date())
    await t.rejects(intake.openMany([request(call('300.1', '+79990000001', '2026-03-04T06:00:00Z')), request(call('404.1', '+79990000002', '2026-03-04T06:00:00Z'))]), /404\.1 is not stored/, 'a request that is not stored fails its batch')
    t.equal((await db.selectFrom('journal_entry').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n, before, 'and nothing of the batch is written')
    t.equal((await calls.byLinkedId('300.1'))?.entryId, null, 'its stored call still has no draft (opened alone later)')
  })
}
