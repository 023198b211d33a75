import t from 'tap'
import { STATUSES, TRANSITIONS, canTransition, changeStatus, type Decision, type Entry, type Status } from '../../src/journal/index.js'
import { agreed, at, cal, draft, pending, registered, rejected } from './fixtures.js'

const NOW = at('2026-03-04T11:00:00+05:00')

t.test('status: the transition table, every pair', async (t) => {
  const allowed: Record<Status, Status[]> = {
    in_progress: ['feedback', 'to_developer', 'resolved', 'closed'],
    feedback: ['in_progress', 'resolved', 'closed'],
    to_developer: ['in_progress', 'feedback', 'resolved'],
    resolved: ['in_progress', 'closed'],
    closed: []
  }
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      t.equal(canTransition(from, to), allowed[from].includes(to), `${from} → ${to}`)
    }
  }
  t.same(TRANSITIONS.closed, [], '«Закрыт» is final')
})

type Case = [title: string, entry: Entry, to: Status, comment: string | null, want: true | string]
const cases: Case[] = [
  ['support: in work → feedback', registered(), 'feedback', 'запрошен ИНН организации', true],
  ['support: in work → resolved with a comment', registered(), 'resolved', 'Дан ответ по телефону', true],
  ['support: in work → resolved without a comment', registered(), 'resolved', null, 'RESOLUTION_REQUIRED'],
  ['support: in work → resolved with a blank comment', registered(), 'resolved', '   ', 'RESOLUTION_REQUIRED'],
  ['support: in work → closed skipping «Решен»', registered(), 'closed', 'ответ дан', 'ILLEGAL_STATUS_TRANSITION'],
  ['support: in work → to the developer', registered(), 'to_developer', null, 'ILLEGAL_STATUS_TRANSITION'],
  ['support: in work → in work', registered(), 'in_progress', null, 'ILLEGAL_STATUS_TRANSITION'],
  ['support: resolved → closed', registered({ status: 'resolved', resolution: 'ответ' }), 'closed', null, true],
  ['support: resolved → reopened', registered({ status: 'resolved', resolution: 'ответ' }), 'in_progress', 'ответ не помог', true],
  ['support: resolved → feedback', registered({ status: 'resolved' }), 'feedback', null, 'ILLEGAL_STATUS_TRANSITION'],
  ['support: feedback → in work', registered({ status: 'feedback' }), 'in_progress', null, true],
  ['support: feedback → resolved', registered({ status: 'feedback' }), 'resolved', 'ответ дан после уточнения', true],
  ['support: closed → anything', registered({ status: 'closed' }), 'in_progress', null, 'ENTRY_CLOSED'],
  ['a draft has no status to change', draft(), 'resolved', 'ответ', 'NOT_REGISTERED'],
  ['an annulled entry does not move', registered({ annulment: { at: NOW, reason: 'дубль', by: 1 } }), 'resolved', 'ответ', 'ENTRY_ANNULLED'],
  ['error pending → to the developer', registered({ type: 'error', agreement: pending }), 'to_developer', null, 'AGREEMENT_REQUIRED'],
  ['error agreed → to the developer', registered({ type: 'error', agreement: agreed }), 'to_developer', null, true],
  ['improvement agreed → to the developer', registered({ type: 'improvement', agreement: agreed }), 'to_developer', null, true],
  ['error rejected → to the developer', registered({ type: 'error', agreement: rejected }), 'to_developer', null, 'AGREEMENT_REQUIRED'],
  ['error pending → resolved', registered({ type: 'error', agreement: pending }), 'resolved', 'исправлено', 'AGREEMENT_REQUIRED'],
  ['error rejected → resolved', registered({ type: 'error', agreement: rejected }), 'resolved', 'исправлено', 'AGREEMENT_REQUIRED'],
  ['error with the developer → resolved', registered({ type: 'error', agreement: agreed, status: 'to_developer' }), 'resolved', 'исправлено в версии 2.3', true],
  ['error with the developer → closed', registered({ type: 'error', agreement: agreed, status: 'to_developer' }), 'closed', 'x', 'ILLEGAL_STATUS_TRANSITION'],
  ['error rejected → closed with a comment', registered({ type: 'error', agreement: rejected }), 'closed', 'Отклонено оператором: не ошибка', true],
  ['error rejected → closed without a comment', registered({ type: 'error', agreement: rejected }), 'closed', null, 'RESOLUTION_REQUIRED'],
  ['error rejected in feedback → closed', registered({ type: 'improvement', agreement: rejected, status: 'feedback', pauses: [{ from: at('2026-03-03T10:00:00+05:00'), to: null }] }), 'closed', 'отклонено', true],
  ['error pending → closed', registered({ type: 'error', agreement: pending }), 'closed', 'x', 'ILLEGAL_STATUS_TRANSITION']
]

t.test('status: changes allowed and refused', async (t) => {
  for (const [title, entry, to, comment, want] of cases) {
    const d: Decision = changeStatus(entry, { to, comment, at: NOW, by: 2, cal })
    if (want === true) t.ok(d.ok, `${title}: allowed${d.ok ? '' : ` (refused: ${d.code} ${d.message})`}`)
    else t.equal(d.ok ? 'ok' : d.code, want, `${title}: refused with ${want}`)
    if (!d.ok) t.ok(d.message.length > 10, `${title}: the refusal explains itself`)
  }
})

t.test('status: an illegal move names the allowed ones', async (t) => {
  const d = changeStatus(registered({ status: 'resolved' }), { to: 'feedback', at: NOW, by: 2, cal })
  t.notOk(d.ok, 'refused')
  if (!d.ok) {
    t.same(d.details, { from: 'resolved', to: 'feedback', allowed: ['in_progress', 'closed'] }, 'details list the allowed moves')
    t.match(d.message, /«Решен».*«Обратная связь»/, 'the message uses the Russian names')
  }
})

t.test('status: resolving records the comment, the local date and who', async (t) => {
  // 19:30 UTC on 3 March is 00:30 on 4 March in Tyumen
  const d = changeStatus(registered(), { to: 'resolved', comment: '  Дан ответ  ', at: at('2026-03-03T19:30:00Z'), by: 2, cal })
  t.ok(d.ok, 'allowed')
  if (!d.ok) return
  t.same(d.set, { status: 'resolved', resolution: 'Дан ответ', resolvedOn: '2026-03-04', resolvedAt: at('2026-03-03T19:30:00Z'), resolvedBy: 2 }, 'status, comment, date in the center zone, who')
  t.same(d.history.map((h) => h.field), ['status', 'resolution', 'resolvedOn', 'resolvedAt', 'resolvedBy'], 'each changed field is a history line')
  t.same(d.history[0], { action: 'status', field: 'status', old: 'in_progress', new: 'resolved' }, 'old → new')
})

t.test('status: a request answered on the weekend it came in is resolved on its registration date', async (t) => {
  // came in on Saturday 28 November 2026, so registered on Monday the 30th; answered at once
  const e = registered({ registeredOn: '2026-11-30', year: 2026 })
  const d = changeStatus(e, { to: 'resolved', comment: 'Дан ответ', at: at('2026-11-28T11:00:00+05:00'), by: 2, cal })
  t.ok(d.ok, 'allowed')
  t.equal(d.ok && d.set.resolvedOn, '2026-11-30', '«Дата решения» is never before «Дата»')
  const later = changeStatus(e, { to: 'resolved', comment: 'Дан ответ', at: at('2026-12-02T11:00:00+05:00'), by: 2, cal })
  t.equal(later.ok && later.set.resolvedOn, '2026-12-02', 'after registration it is the day of the answer')
})

t.test('status: closing after «Решен» keeps the resolution date', async (t) => {
  const e = registered({ status: 'resolved', resolution: 'ответ', resolvedOn: '2026-03-03', resolvedBy: 2, resolvedAt: at('2026-03-03T12:00:00+05:00') })
  const d = changeStatus(e, { to: 'closed', comment: 'заявитель подтвердил', at: NOW, by: 1, cal })
  t.ok(d.ok, 'allowed')
  if (!d.ok) return
  t.same(d.set, { status: 'closed' }, 'only the status changes')
  t.same(d.history.at(-1), { action: 'status', field: 'comment', old: null, new: 'заявитель подтвердил' }, 'the comment is kept in the history')
})

t.test('status: reopening clears the resolution', async (t) => {
  const e = registered({ status: 'resolved', resolution: 'ответ', resolvedOn: '2026-03-03', resolvedBy: 2, resolvedAt: at('2026-03-03T12:00:00+05:00') })
  const d = changeStatus(e, { to: 'in_progress', comment: 'не помогло', at: NOW, by: 1, cal })
  t.ok(d.ok, 'allowed')
  if (!d.ok) return
  t.same(d.set, { status: 'in_progress', resolution: null, resolvedOn: null, resolvedAt: null, resolvedBy: null }, 'resolution fields cleared')
  t.ok(d.history.some((h) => h.field === 'resolution' && h.old === 'ответ'), 'the old resolution stays in the history')
})

t.test('status: «Обратная связь» pauses the clock and moves the due date by the paused working time', async (t) => {
  const into = changeStatus(registered(), { to: 'feedback', comment: 'запрошен скриншот', at: at('2026-03-03T10:00:00+05:00'), by: 1, cal })
  t.ok(into.ok, 'entering feedback is allowed')
  if (!into.ok) return
  t.same(into.pause, { open: at('2026-03-03T10:00:00+05:00') }, 'a pause opens')
  t.equal(into.set.dueAt, undefined, 'the due date is not recomputed yet')

  // paused from Tue 10:00 to Thu 10:00: two full working days (7 h each, lunch excluded)
  const paused = registered({ status: 'feedback', pauses: [{ from: at('2026-03-03T10:00:00+05:00'), to: null }] })
  const out = changeStatus(paused, { to: 'in_progress', at: at('2026-03-05T10:00:00+05:00'), by: 1, cal })
  t.ok(out.ok, 'leaving feedback is allowed')
  if (!out.ok) return
  t.same(out.pause, { close: at('2026-03-05T10:00:00+05:00') }, 'the pause closes')
  // due Tue 10 March 17:00 + 14 working hours → Wed 11 17:00 is 7 h, Thu 12 17:00 is 14 h
  t.same(out.set.dueAt, at('2026-03-12T17:00:00+05:00'), 'the due date moves two working days later')
  t.ok(out.history.some((h) => h.field === 'dueAt'), 'the new due date is in the history')
})
