import t from 'tap'
import { annul, assign, diff, extendDeadline, formatNumber, missingForRegistration, recordAgreement, register, updateFields, isEntryOverdue, type Decision } from '../../src/journal/index.js'
import { agreed, at, cal, draft, pending, registered, rejected } from './fixtures.js'

const code = (d: Decision): string => d.ok ? 'ok' : d.code

t.test('register: what a draft needs', async (t) => {
  const cases = [
    ['complete', {}, []],
    ['no description', { description: '  ' }, ['description']],
    ['no type, no module', { type: null, module: null }, ['type', 'module']],
    ['organization from free text only', { organizationId: null }, []],
    ['no organization at all', { organizationId: null, organizationName: null }, ['organization']],
    ['contact from the directory only', { contactText: null, contactId: 4 }, []],
    ['no contact at all', { contactText: '', contactId: null }, ['contact']],
    ['a bare phone draft', { type: null, description: null, organizationId: null, organizationName: null, contactText: null, module: null }, ['type', 'description', 'organization', 'contact', 'module']]
  ] as const
  for (const [title, over, missing] of cases) {
    t.same(missingForRegistration(draft(over)), missing, title)
  }
  const d = register(draft({ description: null, module: null }), { at: at('2026-03-02T10:00:00+05:00'), by: 1, cal })
  t.equal(code(d), 'DRAFT_INCOMPLETE', 'an incomplete draft is refused')
  if (!d.ok) {
    t.same(d.details, { missing: ['description', 'module'] }, 'naming the missing fields')
    t.match(d.message, /Описание запроса/, 'in words the specialist knows')
  }
})

t.test('register: date, year, status, due date and agreement', async (t) => {
  const cases = [
    // [title, at, registeredOn, dueAt]
    ['a working morning', '2026-03-02T10:00:00+05:00', '2026-03-02', '2026-03-10T17:00:00+05:00'],
    ['before opening counts that day', '2026-03-02T07:30:00+05:00', '2026-03-02', '2026-03-10T17:00:00+05:00'],
    ['after closing → next working day', '2026-03-02T17:30:00+05:00', '2026-03-03', '2026-03-11T17:00:00+05:00'],
    ['Friday after 16:00 → Monday', '2026-03-13T16:30:00+05:00', '2026-03-16', '2026-03-23T17:00:00+05:00'],
    ['New Year\'s Eve evening → the next year, after the holidays', '2025-12-31T18:00:00+05:00', '2026-01-12', '2026-01-19T17:00:00+05:00']
  ] as const
  for (const [title, iso, on, due] of cases) {
    const d = register(draft(), { at: at(iso), by: 5, cal })
    t.ok(d.ok, `${title}: registered`)
    if (!d.ok) continue
    t.equal(d.set.registeredOn, on, `${title}: registration date`)
    t.equal(d.set.year, Number(on.slice(0, 4)), `${title}: the numbering year is the registration date's`)
    t.same(d.set.dueAt, at(due), `${title}: due at closing time of the 5th working day`)
    t.equal(d.set.status, 'in_progress', `${title}: starts «В работе»`)
    t.equal(d.assignNumber, true, `${title}: the storage takes a number`)
  }
  const e = register(draft({ type: 'error', assignedTo: 9 }), { at: at('2026-03-02T10:00:00+05:00'), by: 9, cal })
  t.ok(e.ok, 'an error registers')
  if (e.ok) {
    t.same(e.set.agreement, pending, 'an Ошибка starts with the agreement pending')
    t.equal(e.set.assignedTo, undefined, 'its assignee stays')
    t.equal(e.set.registeredBy, 9, 'who registered')
  }
  // issue 10: a colleague's draft (the call they took) is not registered by accident
  t.equal(code(register(draft({ assignedTo: 9 }), { at: at('2026-03-02T10:00:00+05:00'), by: 5, cal })), 'ASSIGNED_TO_ANOTHER', 'a colleague\'s draft is refused')
  const taken = register(draft({ assignedTo: 9 }), { at: at('2026-03-02T10:00:00+05:00'), by: 5, cal, takeOver: true })
  t.match(taken, { ok: true, set: { assignedTo: 5, registeredBy: 5 } }, 'taken over knowingly, it registers and becomes the registrar\'s')
  t.ok(register(draft({ assignedTo: 9 }), { at: at('2026-03-02T10:00:00+05:00'), by: null, cal }).ok, 'the system (no user) registers anyone\'s')
  t.equal(code(register(registered(), { at: at('2026-03-02T10:00:00+05:00'), by: 5, cal })), 'ALREADY_REGISTERED', 'twice is refused')
  t.equal(code(register(draft({ annulment: { at: at('2026-03-02T10:00:00+05:00'), reason: 'спам', by: 1 } }), { at: at('2026-03-02T10:00:00+05:00'), by: 5, cal })), 'ENTRY_ANNULLED', 'an annulled draft is not registered')
  t.equal(formatNumber(2026, 153), '2026-153', 'the printed number')
})

t.test('register: a call’s draft is dated by the call, not by the click', async (t) => {
  const cases = [
    // [title, call arrived (draft opened by the PBX), registered at, registeredOn]
    ['taken at 16:55, registered at 17:05 the same day', '2026-03-02T16:55:00+05:00', '2026-03-02T17:05:00+05:00', '2026-03-02'],
    ['a missed call on Friday, registered on Monday\'s call-back', '2026-03-13T15:00:00+05:00', '2026-03-16T09:30:00+05:00', '2026-03-13'],
    ['at lunch, registered after it', '2026-03-02T12:45:00+05:00', '2026-03-02T13:40:00+05:00', '2026-03-02']
  ] as const
  for (const [title, arrived, clicked, on] of cases) {
    const d = register(draft({ createdBy: null, createdAt: at(arrived) }), { at: at(clicked), by: 5, cal })
    t.ok(d.ok, `${title}: registered`)
    if (d.ok) {
      t.equal(d.set.registeredOn, on, `${title}: the call's day`)
      t.same(d.set.registeredAt, at(clicked), `${title}: the moment of registration is still recorded`)
    }
  }
  const byHand = register(draft({ createdBy: 4, createdAt: at('2026-03-02T16:55:00+05:00') }), { at: at('2026-03-02T17:05:00+05:00'), by: 5, cal })
  t.equal(byHand.ok && byHand.set.registeredOn, '2026-03-03', 'a draft a specialist typed in is dated when registered')
})

t.test('register: a message’s draft is dated by its arrival at the mail server (reg. 3.3), not by the click', async (t) => {
  const cases = [
    // [title, INTERNALDATE (draft opened by the mail intake), registered at, registeredOn]
    ['Friday 18:30 → the next working day, Monday', '2026-03-06T18:30:00+05:00', '2026-03-10T09:10:00+05:00', '2026-03-10'], // 9 March 2026 is a holiday
    ['Friday 15:00, registered Monday: Friday', '2026-03-13T15:00:00+05:00', '2026-03-16T09:30:00+05:00', '2026-03-13'],
    ['16:55, registered at 17:05: that day', '2026-03-02T16:55:00+05:00', '2026-03-02T17:05:00+05:00', '2026-03-02'],
    ['before opening: that day', '2026-03-02T07:40:00+05:00', '2026-03-02T09:05:00+05:00', '2026-03-02'],
    ['at lunch: that day', '2026-03-02T12:45:00+05:00', '2026-03-02T13:40:00+05:00', '2026-03-02'],
    ['Saturday → Monday', '2026-03-14T11:00:00+05:00', '2026-03-16T09:00:00+05:00', '2026-03-16'],
    ['read days late after an outage: still the arrival\'s day', '2026-03-03T10:00:00+05:00', '2026-03-05T10:00:00+05:00', '2026-03-03']
  ] as const
  for (const [title, arrived, clicked, on] of cases) {
    const d = register(draft({ channel: 'email', callerNumber: null, callerEmail: 'petrova@school1.ru', createdBy: null, createdAt: at(arrived) }), { at: at(clicked), by: 5, cal })
    t.equal(d.ok && d.set.registeredOn, on, title)
  }
  const typed = register(draft({ channel: 'email', createdBy: 4, createdAt: at('2026-03-02T16:55:00+05:00') }), { at: at('2026-03-02T17:05:00+05:00'), by: 5, cal })
  t.equal(typed.ok && typed.set.registeredOn, '2026-03-03', 'an e-mail request a specialist typed in is dated when registered (after hours → next working day)')
})

t.test('updateFields: edits, refusals and the history', async (t) => {
  const cases = [
    ['a draft may lose its description', draft(), { description: '' }, 'ok'],
    ['a registered entry may not', registered(), { description: ' ' }, 'VALUE_REQUIRED'],
    ['nor its organization', registered({ organizationId: null }), { organizationName: null }, 'VALUE_REQUIRED'],
    ['a closed entry is not edited', registered({ status: 'closed' }), { note: 'x' }, 'ENTRY_CLOSED'],
    ['an annulled one neither', registered({ annulment: { at: at('2026-03-03T10:00:00+05:00'), reason: 'дубль', by: 1 } }), { note: 'x' }, 'ENTRY_ANNULLED'],
    ['no reference to itself', registered(), { referenceId: 7 }, 'INVALID_REFERENCE'],
    ['an entry with the developer stays an error', registered({ type: 'error', agreement: agreed, status: 'to_developer' }), { type: 'support' }, 'TYPE_LOCKED'],
    ['a resolved entry keeps its type', registered({ status: 'resolved', resolution: 'ответ' }), { type: 'error' }, 'TYPE_LOCKED'],
    ['but not its other columns', registered({ status: 'resolved', resolution: 'ответ' }), { note: 'перезвонили' }, 'ok'],
    ['an error may become an improvement with the developer', registered({ type: 'error', agreement: agreed, status: 'to_developer' }), { type: 'improvement' }, 'ok']
  ] as const
  for (const [title, e, fields, want] of cases) t.equal(code(updateFields(e, fields)), want, title)

  const d = updateFields(registered(), { note: '  перезвонить после 14:00 ', additionalInfo: undefined, module: 'navigator' })
  t.ok(d.ok, 'edited')
  if (d.ok) {
    t.same(d.set, { note: 'перезвонить после 14:00' }, 'text trimmed, unchanged fields dropped')
    t.same(d.history, [{ action: 'updated', field: 'note', old: null, new: 'перезвонить после 14:00' }], 'one history line, old → new')
  }
  const same = updateFields(registered(), { module: 'navigator' })
  t.ok(same.ok && same.history.length === 0, 'a no-op edit leaves no history')

  const toError = updateFields(registered(), { type: 'error' })
  t.ok(toError.ok && toError.set.agreement?.state === 'pending', 'becoming an Ошибка sets the agreement pending')
  const toSupport = updateFields(registered({ type: 'error', agreement: rejected }), { type: 'support' })
  t.ok(toSupport.ok && toSupport.set.agreement === null, 'becoming «Поддержка» drops the agreement')
  if (toSupport.ok) t.ok(toSupport.history.some((h) => h.field === 'agreement' && (h.old as { state: string }).state === 'rejected'), 'the history keeps the dropped agreement')

  const a = updateFields(registered(), { assignedTo: 4 })
  t.ok(a.ok, 'reassigned')
  if (a.ok) t.same(a.history, [{ action: 'assigned', field: 'assignedTo', old: 1, new: 4 }], 'the assignment is its own history action')
  const b = assign(draft(), 3)
  t.ok(b.ok, 'assign a draft (the AMI pipeline)')
  if (b.ok) t.same(b.set, { assignedTo: 3 }, 'to the user')
  t.equal(code(assign(registered({ status: 'closed' }), 3)), 'ENTRY_CLOSED', 'not a closed entry')
})

t.test('recordAgreement: who, when, comment; only for Ошибка / Улучшение', async (t) => {
  const now = at('2026-03-03T11:00:00+05:00')
  const cases = [
    ['support needs none', registered(), { state: 'agreed', by: 'оператор' }, 'AGREEMENT_NOT_APPLICABLE'],
    ['agreed without who', registered({ type: 'error', agreement: pending }), { state: 'agreed', by: ' ' }, 'AGREED_BY_REQUIRED'],
    ['rejected without a comment', registered({ type: 'error', agreement: pending }), { state: 'rejected', by: 'департамент' }, 'COMMENT_REQUIRED'],
    ['agreed', registered({ type: 'error', agreement: pending }), { state: 'agreed', by: 'оператор Системы' }, 'ok'],
    ['rejected', registered({ type: 'improvement', agreement: pending }), { state: 'rejected', by: 'департамент', comment: 'не планируется' }, 'ok'],
    ['back to pending before the developer', registered({ type: 'improvement', agreement: agreed }), { state: 'pending' }, 'ok'],
    ['rejected while with the developer', registered({ type: 'error', agreement: agreed, status: 'to_developer' }), { state: 'rejected', by: 'департамент', comment: 'нет' }, 'AGREEMENT_IN_USE'],
    ['on a closed entry', registered({ type: 'error', agreement: agreed, status: 'closed' }), { state: 'agreed', by: 'x' }, 'ENTRY_CLOSED'],
    ['on a draft Ошибка', draft({ type: 'error' }), { state: 'agreed', by: 'оператор' }, 'ok']
  ] as const
  for (const [title, e, input, want] of cases) t.equal(code(recordAgreement(e, { ...input, at: now, recordedBy: 2 })), want, title)
  const d = recordAgreement(registered({ type: 'error', agreement: pending }), { state: 'rejected', by: ' Департамент ', comment: 'не ошибка', at: now, recordedBy: 2 })
  t.ok(d.ok, 'recorded')
  if (d.ok) {
    t.same(d.set.agreement, { state: 'rejected', by: 'Департамент', at: now, comment: 'не ошибка', recordedBy: 2 }, 'state, who, when, comment, recorder')
    t.same(d.history, [{ action: 'agreement', field: 'agreement', old: { state: 'pending', by: null, at: null, comment: null, recordedBy: null }, new: { state: 'rejected', by: 'Департамент', at: now.toISOString(), comment: 'не ошибка', recordedBy: 2 } }], 'old → new in the history')
  }
})

t.test('extendDeadline: a later working day, a reason and who agreed', async (t) => {
  const now = at('2026-03-05T11:00:00+05:00')
  const base = { reason: 'ждем исправления от разработчика', agreedBy: 'Департамент', at: now, by: 2, cal }
  const cases = [
    ['a draft has no deadline', draft(), { dueOn: '2026-03-20' }, 'NOT_REGISTERED'],
    ['resolved', registered({ status: 'resolved' }), { dueOn: '2026-03-20' }, 'ENTRY_NOT_OPEN'],
    ['closed', registered({ status: 'closed' }), { dueOn: '2026-03-20' }, 'ENTRY_CLOSED'],
    ['no reason', registered(), { dueOn: '2026-03-20', reason: '' }, 'REASON_REQUIRED'],
    ['no one agreed', registered(), { dueOn: '2026-03-20', agreedBy: ' ' }, 'AGREED_BY_REQUIRED'],
    ['a Saturday', registered(), { dueOn: '2026-03-21' }, 'NOT_A_WORKING_DAY'],
    ['a holiday', registered(), { dueOn: '2026-05-01' }, 'NOT_A_WORKING_DAY'],
    ['not later', registered(), { dueOn: '2026-03-10' }, 'EXTENSION_NOT_LATER'],
    ['earlier', registered(), { dueOn: '2026-03-06' }, 'EXTENSION_NOT_LATER'],
    ['later', registered(), { dueOn: '2026-03-20' }, 'ok'],
    ['in feedback', registered({ status: 'feedback', pauses: [{ from: at('2026-03-04T10:00:00+05:00'), to: null }] }), { dueOn: '2026-03-20' }, 'ok']
  ] as const
  for (const [title, e, input, want] of cases) t.equal(code(extendDeadline(e, { ...base, ...input })), want, title)
  const d = extendDeadline(registered(), { ...base, dueOn: '2026-03-20' })
  t.ok(d.ok, 'extended')
  if (!d.ok) return
  t.same(d.set.dueAt, at('2026-03-20T16:00:00+05:00'), 'due at closing time of that Friday')
  t.same(d.extension, { dueAt: at('2026-03-20T16:00:00+05:00'), dueOn: '2026-03-20', previousDueAt: at('2026-03-10T17:00:00+05:00'), reason: base.reason, agreedBy: 'Департамент', recordedBy: 2, recordedAt: now }, 'the extension record')
  t.same(d.history.map((h) => [h.action, h.field]), [['extension', 'dueAt'], ['extension', 'extension']], 'the history has the new due date and the agreement')
})

t.test('annul: a reason instead of deletion; the number stays', async (t) => {
  const now = at('2026-03-05T11:00:00+05:00')
  t.equal(code(annul(registered(), { reason: ' ', at: now, by: 2 })), 'REASON_REQUIRED', 'a reason is required')
  t.equal(code(annul(registered({ status: 'closed' }), { reason: 'дубль', at: now, by: 2 })), 'ENTRY_CLOSED', 'a closed entry is final')
  t.equal(code(annul(registered({ annulment: { at: now, reason: 'x', by: 1 } }), { reason: 'дубль', at: now, by: 2 })), 'ENTRY_ANNULLED', 'twice is refused')
  const d = annul(registered(), { reason: 'дубль № 2026-152', at: now, by: 2 })
  t.ok(d.ok, 'annulled')
  if (d.ok) {
    t.same(d.set, { annulment: { at: now, reason: 'дубль № 2026-152', by: 2 } }, 'only the annulment is set: number and year stay')
    t.equal(d.history[0]?.action, 'annulled', 'in the history')
  }
  t.ok(annul(draft(), { reason: 'ошибочный звонок', at: now, by: 2 }).ok, 'a draft of a wrong call is annulled too')
})

t.test('isEntryOverdue: only while the clock runs', async (t) => {
  const late = at('2026-03-11T09:00:00+05:00')
  const cases = [
    ['in work, past due', registered(), late, true],
    ['exactly at the due instant', registered(), at('2026-03-10T17:00:00+05:00'), false],
    ['with the developer, past due', registered({ status: 'to_developer' }), late, true],
    ['paused in feedback', registered({ status: 'feedback' }), late, false],
    ['resolved', registered({ status: 'resolved' }), late, false],
    ['annulled', registered({ annulment: { at: late, reason: 'x', by: 1 } }), late, false],
    ['a draft', draft(), late, false]
  ] as const
  for (const [title, e, now, want] of cases) t.equal(isEntryOverdue(e, now), want, title)
})

t.test('diff: instants as ISO text, nothing for equal values', async (t) => {
  const e = registered()
  t.same(diff(e, { dueAt: at('2026-03-10T17:00:00+05:00'), note: null }, 'updated'), [], 'equal values give no line')
  t.same(diff(e, { dueAt: at('2026-03-11T17:00:00+05:00') }, 'extension'), [{ action: 'extension', field: 'dueAt', old: '2026-03-10T12:00:00.000Z', new: '2026-03-11T12:00:00.000Z' }], 'a changed instant')
})
