// Random walks through the status moves (fast-check): whatever the order of requests, the rules keep
// the entry consistent: the pause is open exactly in «Обратная связь», a resolution date exactly
// when resolved or closed, and «Закрыт» refuses everything.
import t from 'tap'
import fc from 'fast-check'
import { STATUSES, changeStatus, recordAgreement, type Change, type Entry, type Status } from '../../src/journal/index.js'
import { agreed, cal, registered, rejected } from './fixtures.js'

/** The storage's part of a decision, in memory. */
function applyChange (e: Entry, c: Change): Entry {
  let pauses = e.pauses
  if (c.pause !== undefined) {
    pauses = 'open' in c.pause
      ? [...pauses, { from: c.pause.open, to: null }]
      : pauses.map((p) => (p.to === null ? { ...p, to: (c.pause as { close: Date }).close } : p))
  }
  return { ...e, ...c.set, pauses, extensions: c.extension !== undefined ? [...e.extensions, c.extension] : e.extensions } as Entry
}

const step = fc.record({
  to: fc.constantFrom(...STATUSES),
  comment: fc.option(fc.constantFrom('ответ дан', ' ', 'запрошены сведения'), { nil: null }),
  hours: fc.integer({ min: 1, max: 30 }),
  agreement: fc.option(fc.constantFrom('agreed', 'rejected'), { nil: null })
})

t.test('status walk: invariants hold after any sequence of requests', async (t) => {
  fc.assert(fc.property(
    fc.constantFrom('support', 'error', 'improvement'),
    fc.array(step, { minLength: 1, maxLength: 25 }),
    (type, steps) => {
      let e: Entry = registered({ type, agreement: type === 'support' ? null : { state: 'pending', by: null, at: null, comment: null, recordedBy: null } })
      let at = new Date('2026-03-02T10:00:00+05:00').getTime()
      for (const s of steps) {
        at += s.hours * 3600_000
        const when = new Date(at)
        if (s.agreement !== null && type !== 'support') {
          const a = recordAgreement(e, { state: s.agreement, by: 'Оператор', comment: 'решение', at: when, recordedBy: 1 })
          if (a.ok) e = applyChange(e, a)
        }
        const wasClosed = e.status === 'closed'
        const d = changeStatus(e, { to: s.to as Status, comment: s.comment, at: when, by: 1, cal })
        if (wasClosed && (d.ok || d.code !== 'ENTRY_CLOSED')) return false
        if (d.ok) e = applyChange(e, d)
        const open = e.pauses.filter((p) => p.to === null).length
        if (open !== (e.status === 'feedback' ? 1 : 0)) return false
        if ((e.resolvedOn !== null) !== (e.status === 'resolved' || e.status === 'closed')) return false
        if (e.status === 'to_developer' && e.agreement?.state !== 'agreed') return false
        if (e.status === 'resolved' && (e.resolution === null || (type !== 'support' && e.agreement?.state !== 'agreed'))) return false
        if (e.dueAt === null) return false
      }
      return true
    }
  ), { numRuns: 400 })
  t.pass('400 random walks kept the invariants')
})

t.test('status walk: every status is reachable and «Закрыт» from each of the others', async (t) => {
  const paths: Array<[string, Entry, Array<[Status, string | null]>]> = [
    ['support', registered(), [['feedback', null], ['in_progress', null], ['resolved', 'ответ'], ['in_progress', 'не помогло'], ['resolved', 'ответ 2'], ['closed', null]]],
    ['agreed error', registered({ type: 'error', agreement: agreed }), [['to_developer', null], ['feedback', 'нужен скриншот'], ['in_progress', null], ['to_developer', null], ['resolved', 'исправлено'], ['closed', null]]],
    ['rejected improvement', registered({ type: 'improvement', agreement: rejected }), [['feedback', null], ['closed', 'отклонено департаментом']]]
  ]
  for (const [title, start, moves] of paths) {
    let e = start
    for (const [to, comment] of moves) {
      const d = changeStatus(e, { to, comment, at: new Date('2026-03-03T10:00:00+05:00'), by: 1, cal })
      t.ok(d.ok, `${title}: → ${to}${d.ok ? '' : ` refused: ${d.code}`}`)
      if (d.ok) e = applyChange(e, d)
    }
    t.equal(e.status, 'closed', `${title}: ends closed`)
  }
})
