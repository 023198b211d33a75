import t from 'tap'
import type { Entry } from '../../src/journal/entry.js'
import type { Contact } from '../../src/db/organizations.repository.js'
import type { Call } from '../../src/calls/call.js'
import { callerIdentifier } from '../../src/intake/identify.js'
import { testApp } from '../helpers/app.js'
import { connectWs } from '../helpers/ws.js'

const entry = (e: Partial<Entry>): Entry => ({
  id: 1, number: null, year: null, registeredOn: null, status: null, description: null, contactId: null, contactText: null,
  organizationId: null, organizationName: null, annulment: null, ...e
} as Entry)
const contact = (c: Partial<Contact>): Contact => ({ id: 1, fullName: '', phones: [], emails: [], organizationId: null, organizationName: null, position: null, createdAt: new Date(0), updatedAt: new Date(0), ...c })

t.test('callerIdentifier: the directory contact wins; open requests are the registered unfinished ones', async (t) => {
  const earlier = [
    entry({ id: 9, status: null, contactText: 'Черновик' }), // this call's own draft
    entry({ id: 8, number: 12, year: 2026, registeredOn: '2026-03-02', status: 'in_progress', description: 'не грузится каталог', contactText: 'Петрова О. И.', organizationName: 'МАОУ СОШ № 5' }),
    entry({ id: 7, number: 11, year: 2026, status: 'feedback', description: 'нужен скриншот' }),
    entry({ id: 6, number: 10, year: 2026, status: 'resolved' }),
    entry({ id: 5, number: 9, year: 2026, status: 'closed' }),
    entry({ id: 4, number: 8, year: 2026, status: 'to_developer', annulment: { reason: 'дубль' } as Entry['annulment'] })
  ]
  const withContact = callerIdentifier({
    byCallerNumber: async () => earlier,
    findByPhone: async () => [contact({ id: 3, fullName: 'Петрова Ольга Ивановна', organizationId: 2, organizationName: 'МАОУ СОШ № 5 г. Тюмени' })]
  })
  const v = await withContact({ phone: '+73452111222' })
  t.same([v.name, v.organization, v.contactId, v.organizationId], ['Петрова Ольга Ивановна', 'МАОУ СОШ № 5 г. Тюмени', 3, 2], 'name and organization from the directory')
  t.same(v.openRequests.map((r) => [r.id, r.number, r.status]), [[8, 12, 'in_progress'], [7, 11, 'feedback']], 'drafts, resolved, closed and annulled requests are not open')
  t.same(v.openRequests[0], { id: 8, number: 12, year: 2026, registeredOn: '2026-03-02', status: 'in_progress', description: 'не грузится каталог' }, 'an open request says what and when')

  const fromEntries = callerIdentifier({ byCallerNumber: async () => earlier, findByPhone: async () => [] })
  const w = await fromEntries({ phone: '+73452111222' })
  t.same([w.name, w.organization], ['Петрова О. И.', 'МАОУ СОШ № 5'], 'without a contact: the latest registered entry that names the caller, and the organization')
  t.equal(w.contactText, 'Петрова О. И.', 'its contact text fills the draft')
  t.same(w.requests?.map((r) => [r.id, r.status]), [[8, 'in_progress'], [7, 'feedback'], [6, 'resolved'], [5, 'closed']], 'the earlier requests, open and closed (not drafts, not annulled), newest first')
  const unknown = await callerIdentifier({ byCallerNumber: async () => [], findByPhone: async () => [] })({ phone: '+79990000000' })
  t.same(unknown, { number: '+79990000000', name: null, organization: null, contactId: null, organizationId: null, openRequests: [], requests: [], contactText: null }, 'an unknown number: only the number')

  // a bare draft held the number as its contact text: that names nobody; the directory's contact is written without the number calling
  const bare = callerIdentifier({
    byCallerNumber: async () => [entry({ id: 3, contactText: '+73452111222' }), entry({ id: 2, number: 4, year: 2026, status: 'closed', contactText: 'Сидоров П. П., +7 (3452) 111-222, zavuch@school.ru' })],
    findByPhone: async () => [],
    callsFrom: async (n, before) => ({ count: n === '+73452111222' && before?.toISOString() === '2026-03-03T05:00:00.000Z' ? 30 : -1, lastAt: new Date('2026-03-02T06:00:00Z') })
  })
  const b = await bare({ phone: '+73452111222', at: new Date('2026-03-03T05:00:00Z') })
  t.same([b.name, b.contactText], ['Сидоров П. П.', 'Сидоров П. П., zavuch@school.ru'], 'the number is not a name, and is left out of the contact text (it is the phone field)')
  t.same(b.calls, { count: 30, lastAt: '2026-03-02T06:00:00.000Z' }, 'how often the number called before this call, and when last')
  const dir = callerIdentifier({
    byCallerNumber: async () => [],
    findByPhone: async () => [contact({ id: 5, fullName: 'Кузнецова Ольга Петровна', position: 'завуч', phones: ['73452111222', '79120001122'], emails: ['k@school5.ru'], organizationId: 2, organizationName: 'МАОУ СОШ № 5' })]
  })
  t.equal((await dir({ phone: '8 (3452) 111-222' })).contactText, 'Кузнецова Ольга Петровна, завуч, +79120001122, k@school5.ru', 'a directory contact: name, position, the other phones and the addresses')
})

t.test('push: call.ringing names the caller from the journal, and journal changes are pushed live', async (t) => {
  const clock = { now: new Date('2026-03-03T10:00:00+05:00') }
  const { app, push, as } = await testApp(t, { clock: () => clock.now })
  const headers = await as('specialist')
  const ws = await connectWs(app, '/ws', headers)
  t.teardown(ws.close)
  await ws.next('hello')
  const api = async (method: 'POST' | 'PATCH', url: string, payload: object) => {
    const res = await app.inject({ method, url, headers, payload })
    if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
    return res.json() as { id: number }
  }
  const org = await api('POST', '/api/organizations', { name: 'МАОУ СОШ № 5 г. Тюмени', kind: 'educational' })
  await api('POST', `/api/organizations/${org.id}/contacts`, { fullName: 'Петрова Ольга Ивановна', phones: ['+7 (3452) 111-222'] })
  const draft = await api('POST', '/api/entries', { channel: 'phone', callerNumber: '+73452111222', contactText: 'Петрова Ольга Ивановна', type: 'support', description: 'Не отображается каталог', module: 'navigator', organizationId: org.id })
  const created = await ws.next('entry.created')
  t.equal((created.entry as { id: number }).id, draft.id, 'a new entry is pushed as entry.created')
  await api('POST', `/api/entries/${draft.id}/register`, {})
  const updated = await ws.next('entry.updated', (f) => (f.entry as { status: string | null }).status === 'in_progress')
  t.equal((updated.entry as { number: number }).number, 1, 'its registration is pushed as entry.updated with the number')

  const call: Call = {
    linkedId: '1700000200.1', callerNumber: '83452111222', dialled: '73452290256', state: 'ringing', arrivedAt: clock.now,
    answeredAt: null, endedAt: null, answeredBy: null, transferredTo: null, decision: 'open', recordingFile: null,
    callerHungUp: false, legs: {}, hangupCause: null, hangupCauseText: null, outcome: null, rejectReason: null, approximate: false
  }
  await push.publishCall({ type: 'call.ringing', call })
  const ring = await ws.next('call.ringing')
  const caller = ring.caller as { name: string, organization: string, openRequests: Array<{ id: number, number: number, status: string }> }
  t.same([caller.name, caller.organization], ['Петрова Ольга Ивановна', 'МАОУ СОШ № 5 г. Тюмени'], 'the popup names the caller and the organization')
  t.same(caller.openRequests.map((r) => [r.id, r.number, r.status]), [[draft.id, 1, 'in_progress']], 'and lists their open requests')
})
