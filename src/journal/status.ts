// The statuses of a registered entry (reg. 3.6) and the moves between them (SPEC §1).
//
//   from \ to       В работе  Обратная связь  Передано разработчику  Решен  Закрыт
//   В работе            –           ✓                 ✓ ¹              ✓ ²    ✓ ³
//   Обратная связь      ✓           –                 –                ✓ ²    ✓ ³
//   Передано разраб.    ✓           ✓                 –                ✓ ²    –
//   Решен               ✓ ⁴         –                 –                –      ✓
//   Закрыт              –           –                 –                –      –   (final)
//
// ¹ only an Ошибка / Улучшение whose agreement is «agreed» (reg. 3.5);
// ² a resolution comment is required (reg. 3.4.1); an Ошибка / Улучшение must be agreed first;
// ³ without a resolution only a rejected Ошибка / Улучшение (reg. 3.5: «может быть отклонен»),
//   with a comment to the requester;
// ⁴ reopening: the answer did not help; the resolution date and comment are cleared (history keeps them).
// Entering «Обратная связь» opens a pause of the 5-day clock, leaving it closes the pause and
// recomputes the due date (reg. 3.4.3). A draft has no status; an annulled entry does not move.
import { DateTime } from 'luxon'
import { dateOf, type WorkCalendar } from '../calendar/index.js'
import { blank, refuse, type Change, type Decision, type Entry, type EntrySet, type HistoryItem } from './entry.js'
import { computeDue } from './deadline.js'
import { diff } from './history.js'
import { STATUS_LABELS, needsAgreement, type Status } from './vocabulary.js'

export const TRANSITIONS: Readonly<Record<Status, readonly Status[]>> = {
  in_progress: ['feedback', 'to_developer', 'resolved', 'closed'],
  feedback: ['in_progress', 'resolved', 'closed'],
  to_developer: ['in_progress', 'feedback', 'resolved'],
  resolved: ['in_progress', 'closed'],
  closed: []
}

/** The status a registered entry starts in. */
export const INITIAL_STATUS: Status = 'in_progress'

export function canTransition (from: Status, to: Status): boolean {
  return TRANSITIONS[from].includes(to)
}

export interface StatusInput {
  to: Status
  /** The resolution comment (to «Решен» / «Закрыт»), or what was asked / why (other moves). */
  comment?: string | null
  at: Date
  by: number | null
  cal: WorkCalendar
}

const label = (s: Status): string => `«${STATUS_LABELS[s]}»`

/** Guards that apply to every change of a registered entry. */
export function checkWritable (e: Entry): Decision | undefined {
  if (e.annulment !== null) return refuse('ENTRY_ANNULLED', `entry ${e.id} is annulled and cannot be changed`)
  if (e.status === 'closed') return refuse('ENTRY_CLOSED', `entry ${e.id} is closed («Закрыт» is final); register a new request referring to it`)
  return undefined
}

export function changeStatus (e: Entry, input: StatusInput): Decision {
  const guard = checkWritable(e)
  if (guard !== undefined) return guard
  if (e.status === null) return refuse('NOT_REGISTERED', `entry ${e.id} is a draft: register it first`)
  const from = e.status
  const { to } = input
  const comment = blank(input.comment) ? null : input.comment!.trim()
  if (!canTransition(from, to)) {
    return refuse('ILLEGAL_STATUS_TRANSITION', from === to
      ? `entry ${e.id} is already ${label(to)}`
      : `an entry in ${label(from)} cannot move to ${label(to)}; allowed: ${TRANSITIONS[from].map(label).join(', ') || 'none'}`,
    { from, to, allowed: TRANSITIONS[from] })
  }
  const agreement = e.agreement?.state ?? null
  if (to === 'to_developer') {
    if (!needsAgreement(e.type)) {
      return refuse('ILLEGAL_STATUS_TRANSITION', `only an «Ошибка» or «Улучшение» is handed to the developer; entry ${e.id} is «Поддержка»`, { from, to, allowed: TRANSITIONS[from] })
    }
    if (agreement !== 'agreed') return refuse('AGREEMENT_REQUIRED', `entry ${e.id} needs the agreement of the system operator or the department before it goes to the developer (agreement: ${agreement ?? 'none'})`, { agreement })
  }
  if (to === 'resolved') {
    if (comment === null) return refuse('RESOLUTION_REQUIRED', '«Решен» needs a resolution comment (reg. 3.4.1)')
    if (needsAgreement(e.type) && agreement !== 'agreed') {
      return refuse('AGREEMENT_REQUIRED', agreement === 'rejected'
        ? `entry ${e.id} was rejected by the operator or the department: close it with a comment instead`
        : `entry ${e.id} needs the agreement of the system operator or the department first (reg. 3.5)`, { agreement })
    }
  }
  if (to === 'closed' && from !== 'resolved') {
    if (!(needsAgreement(e.type) && agreement === 'rejected')) {
      return refuse('ILLEGAL_STATUS_TRANSITION', `an entry in ${label(from)} is closed after «Решен»; only a rejected «Ошибка» or «Улучшение» is closed without it`, { from, to, allowed: TRANSITIONS[from] })
    }
    if (comment === null) return refuse('RESOLUTION_REQUIRED', 'closing a rejected request needs a comment for the requester')
  }

  // answered on a weekend before the registration date it got (the next working day): the
  // printed journal must not show «Дата решения» before «Дата»
  const today = dateOf(DateTime.fromJSDate(input.at), input.cal)
  const on = e.registeredOn !== null && e.registeredOn > today ? e.registeredOn : today
  const set: EntrySet = { status: to }
  if (to === 'resolved' || (to === 'closed' && from !== 'resolved')) {
    Object.assign(set, { resolution: comment, resolvedOn: on, resolvedAt: input.at, resolvedBy: input.by })
  }
  if (from === 'resolved' && to === 'in_progress') {
    Object.assign(set, { resolution: null, resolvedOn: null, resolvedAt: null, resolvedBy: null })
  }
  const change: Change = { set, history: [] }
  if (to === 'feedback') change.pause = { open: input.at }
  if (from === 'feedback') {
    change.pause = { close: input.at }
    const pauses = e.pauses.map((p) => (p.to === null ? { ...p, to: input.at } : p))
    set.dueAt = computeDue({ ...e, pauses }, input.cal)
  }
  const history: HistoryItem[] = diff(e, set, 'status')
  // a comment that is not stored as the resolution is still kept (what was asked, why reopened…)
  if (comment !== null && set.resolution === undefined) history.push({ action: 'status', field: 'comment', old: null, new: comment })
  change.history = history
  return { ok: true, ...change }
}
