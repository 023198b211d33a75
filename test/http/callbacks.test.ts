// Issue 10, the server's half of the call flow: the search box finds an entry by any spelling of a
// phone number, by e-mail and by the printed number; a draft another specialist took is not
// registered by accident; drafts are dismissed with a reason, several at once; missed calls are a
// callback list, marked called back by hand (who and when) and counted for the head.
import t from 'tap'
import { testApp } from '../helpers/app.js'
import { callsRepository } from '../../src/db/calls.repository.js'
import { usersRepository } from '../../src/db/users.repository.js'
import { hashPassword } from '../../src/auth/passwords.js'
import { TEST_PASSWORD } from '../helpers/app.js'
import type { Call } from '../../src/calls/call.js'

// Monday 2 March 2026, 10:00 in Tyumen
const NOW = new Date('2026-03-02T10:00:00+05:00')

function endedCall (linkedId: string, callerNumber: string, arrivedAt: Date, outcome: Call['outcome']): Call {
  const answered = outcome === 'answered'
  return {
    linkedId, callerNumber, dialled: '73452290256', state: 'ended', arrivedAt, answeredAt: answered ? arrivedAt : null, endedAt: new Date(arrivedAt.getTime() + 30_000),
    answeredBy: answered ? '101' : null, transferredTo: null, decision: 'open', recordingFile: null, callerHungUp: true, legs: {},
    hangupCause: 16, hangupCauseText: 'Normal Clearing', outcome, rejectReason: null, approximate: false
  }
}

t.test('entries API: search by a phone number in any spelling, by e-mail and by the printed number', async (t) => {
  const { app, as } = await testApp(t, { clock: () => NOW })
  const h = await as('specialist')
  const api = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await app.inject({ method, url, headers: h, ...(payload !== undefined ? { payload } : {}) })
    return { status: res.statusCode, body: res.json() }
  }
  const complete = { channel: 'phone', type: 'support', module: 'navigator', organizationName: 'МАОУ СОШ № 5 г. Тюмени' } as const
  const ids: number[] = []
  for (const [i, extra] of [
    { callerNumber: '8 912 345-67-89', contactText: 'Кузнецова Ольга Петровна', description: 'Не отображается расписание' },
    { callerNumber: '+7 3452 290-256', contactText: 'Петров Иван', description: 'Не открывается каталог' },
    { channel: 'email', callerEmail: 'Zavuch@School5.ru', contactText: 'Сидорова Мария', description: 'Вопрос по выгрузке' }
  ].entries()) {
    const d = await api('POST', '/api/entries', { ...complete, ...extra })
    t.equal(d.status, 201, `entry ${i + 1} created`)
    const r = await api('POST', `/api/entries/${d.body.id}/register`)
    t.equal(r.status, 200, `entry ${i + 1} registered as ${r.body.numberLabel}`)
    ids.push(d.body.id)
  }
  const [kuz, petrov, mail] = ids
  const found = async (q: string): Promise<number[]> => (await api('GET', '/api/entries?annulled=include&q=' + encodeURIComponent(q))).body.items.map((e: { id: number }) => e.id).sort()
  for (const q of ['345-67-89', '79123456789', '+7 (912) 345-67-89', '8 912 345 67 89', '89123456789', '3456789']) {
    t.same(await found(q), [kuz], `«${q}» finds the entry of +7 912 345-67-89`)
  }
  t.same(await found('290-256'), [petrov], 'a landline number by its last digits')
  t.same(await found('zavuch@school5.ru'), [mail], 'an e-mail address, whatever its letter case')
  t.same(await found('2026-2'), [petrov], '«2026-2»: the printed number')
  t.same(await found('№ 3'), [mail], '«№ 3»: the number in any year')
  t.same(await found('1'), [kuz], '«1»: the number alone')
  t.same(await found('2025-2'), [], 'another year has no such entry')
  t.same(await found('каталог'), [petrov], 'words are still found by the Russian full-text search')
})

t.test('entries API: a draft another specialist took is refused to a colleague unless taken over; drafts are dismissed in bulk with a reason', async (t) => {
  const { app, as, users, db } = await testApp(t, { clock: () => NOW })
  const b = await usersRepository(db).create({ username: 'smirnova', fullName: 'Смирнова Елена Викторовна', passwordHash: await hashPassword(TEST_PASSWORD), role: 'specialist', extension: '102' })
  const ha = await as('specialist')
  const api = async (method: 'GET' | 'POST', url: string, payload?: object, headers = ha) => {
    const res = await app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) })
    return { status: res.statusCode, body: res.json() }
  }
  const full = { channel: 'phone', type: 'support', module: 'navigator', description: 'Вопрос', organizationName: 'МАОУ СОШ № 5', contactText: 'Кузнецова О. П.' }
  const theirs = await api('POST', '/api/entries', { ...full, assignedTo: b.id })
  const refused = await api('POST', `/api/entries/${theirs.body.id}/register`)
  t.equal(refused.status, 409, 'registering a colleague\'s draft is refused')
  t.equal(refused.body.code, 'ASSIGNED_TO_ANOTHER', 'with a stable code')
  t.match(refused.body.message, /принял другой специалист/, 'and a Russian reason')
  t.same(refused.body.details, { assignedTo: b.id }, 'naming whose it is')
  const taken = await api('POST', `/api/entries/${theirs.body.id}/register?takeOver=true`)
  t.equal(taken.status, 200, 'taken over knowingly, it is registered')
  t.match(taken.body, { assignedTo: users.specialist.id, registeredBy: users.specialist.id }, 'and becomes the registrar\'s')
  const own = await api('POST', '/api/entries', { ...full, assignedTo: b.id })
  t.equal((await api('POST', `/api/entries/${own.body.id}/register`, undefined, await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'smirnova', password: TEST_PASSWORD } }).then((r) => ({ cookie: `sid=${r.cookies.find((c) => c.name === 'sid')?.value}`, 'x-csrf-token': (r.json() as { csrfToken: string }).csrfToken })))).status, 200, 'the one who took the call registers it without a question')

  const drafts = [await api('POST', '/api/entries', { channel: 'phone', callerNumber: '79120000001' }), await api('POST', '/api/entries', { channel: 'phone', callerNumber: '79120000002' })]
  const noReason = await api('POST', '/api/entries/dismiss', { ids: drafts.map((d) => d.body.id), reason: '   ' })
  t.equal(noReason.status, 422, 'a dismissal needs a reason')
  const r = await api('POST', '/api/entries/dismiss', { ids: [...drafts.map((d) => d.body.id), theirs.body.id, 999999], reason: 'Ошиблись номером' })
  t.equal(r.status, 200, 'several drafts dismissed at once')
  t.same(r.body.dismissed, drafts.map((d) => d.body.id), 'the drafts')
  t.same(r.body.refused.map((x: { id: number, code: string }) => [x.id, x.code]), [[theirs.body.id, 'NOT_A_DRAFT'], [999999, 'ENTRY_NOT_FOUND']], 'a registered entry and an unknown id are refused, each with its reason')
  const left = await api('GET', '/api/entries?draft=true')
  t.same(left.body.items, [], 'no drafts are left in the list')
  const gone = await api('GET', `/api/entries/${drafts[0]!.body.id}`)
  t.match(gone.body.annulment, { reason: 'Ошиблись номером' }, 'a dismissed draft is kept, annulled with the reason')
  const auditor = await api('POST', '/api/entries/dismiss', { ids: [own.body.id], reason: 'x' }, await as('auditor'))
  t.equal(auditor.status, 403, 'the auditor dismisses nothing')
})

t.test('calls API: the callback list; a missed call is marked called back by hand with who and when, and counted for the head', async (t) => {
  const { app, as, users, db } = await testApp(t, { clock: () => NOW })
  const calls = callsRepository(db)
  const at = (min: number) => new Date(NOW.getTime() - min * 60_000)
  const missed = await calls.save(endedCall('1772420000.1', '+79123456789', at(50), 'abandoned'), NOW)
  const busy = await calls.save(endedCall('1772420000.2', '89220001122', at(40), 'busy'), NOW)
  const other = await calls.save(endedCall('1772420000.3', '+79990001122', at(30), 'no-answer'), NOW)
  const answered = await calls.save(endedCall('1772420000.4', '+79123456789', at(20), 'answered'), NOW)
  // a later answered call with the number settles its missed calls (the pipeline does this on the answer)
  t.same(await calls.settleMissed('8 912 345 67 89', at(20), answered.id, users.specialist.id, at(20)), [missed.id], 'the number\'s earlier missed call is settled by the answered one, whatever the spelling')
  t.same(await calls.callsFrom('89123456789', at(10)), { count: 2, lastAt: at(20) }, 'the number called twice before, last 20 minutes ago')

  const h = await as('specialist')
  const api = async (method: 'GET' | 'POST', url: string, payload?: object, headers = h) => {
    const res = await app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) })
    return { status: res.statusCode, body: res.json() }
  }
  const list = async () => (await api('GET', '/api/calls?missed=true&calledBack=false')).body.items.map((c: { id: number }) => c.id)
  t.same(await list(), [other.id, busy.id], 'the callback list: missed calls not called back yet, newest first')
  const settled = (await api('GET', '/api/calls?missed=true&calledBack=true')).body.items
  t.match(settled, [{ id: missed.id, calledBack: { how: 'answered', callId: answered.id, by: { userId: users.specialist.id, fullName: 'Иванова Анна Сергеевна' } } }], 'the settled one says by which call and whom')

  const mark = await api('POST', `/api/calls/${busy.id}/called-back`, { note: 'перезвонила, вопрос решён' })
  t.equal(mark.status, 200, 'marked by hand')
  t.match(mark.body, { id: busy.id, calledBack: { how: 'by-hand', callId: null, note: 'перезвонила, вопрос решён', by: { userId: users.specialist.id } } }, 'with who, and no call (by hand)')
  t.equal(new Date(mark.body.calledBack.at).getTime(), NOW.getTime(), 'and when')
  t.same(await list(), [other.id], 'it leaves the callback list')
  t.equal((await api('POST', `/api/calls/${answered.id}/called-back`, {})).body.code, 'CALL_NOT_MISSED', 'an answered call is not to be called back (409)')
  t.equal((await api('POST', '/api/calls/99999/called-back', {})).status, 404, 'an unknown call: 404')
  t.equal((await api('POST', `/api/calls/${other.id}/called-back`, {}, await as('auditor'))).status, 403, 'the auditor marks nothing')

  const stats = await api('GET', '/api/reports/statistics?from=2026-03-01&to=2026-03-31', undefined, await as('head'))
  t.equal(stats.status, 200, 'the head\'s statistics')
  t.same(stats.body.current.calls.callbacks, { missed: 3, calledBack: 2, byCall: 1, byHand: 1, pending: 1 }, 'count the missed calls, those called back (by a call, by hand) and those still waiting')
})
