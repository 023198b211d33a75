// Working-hours compliance for a period: calls in working hours nobody answered (and the callback
// that followed, or none), calls outside hours by reason, requests registered later than reg. 3.3
// allows, requests resolved after their deadline, and stretches of working time with no specialist
// on line (from the presence history and the phones' registration history). Pure: the calendar, the facts and "now" come in.
import { DateTime } from 'luxon'
import { addDays, closingTime, openIntervals, registrationDate, stateReason, workingTimeBetween, type ClosedReason, type WorkCalendar } from '../calendar/index.js'
import type { CallOutcome, RejectReason } from '../calls/call.js'
import type { Channel } from '../journal/vocabulary.js'
import type { Period } from './period.js'

export interface ComplianceFacts {
  /** Calls of the period nobody answered (no-answer, busy, failed, abandoned). */
  unanswered: Array<{ id: number, arrivedAt: Date, callerNumber: string | null, outcome: CallOutcome, waitSeconds: number | null,
    /** The draft of the call registered afterwards (someone called back and registered it). */
    registeredAt: Date | null, registeredBy: string | null,
    /** The caller's next call that was answered. */
    nextAnsweredAt: Date | null, nextAnsweredBy: string | null,
    /** Marked called back (issue 10): by a specialist's outgoing call or by hand (the caller's answered call is nextAnswered). */
    calledBackAt?: Date | null, calledBackBy?: string | null, calledBackHow?: 'answered' | 'outgoing' | 'by-hand' | null }>
  /** Calls the PBX rejected out of hours. */
  rejected: Array<{ id: number, arrivedAt: Date, callerNumber: string | null, reason: RejectReason | null }>
  /** Entries registered in the period: when the request arrived (the call, or the draft's creation). */
  registrations: Array<{ id: number, year: number, number: number, channel: Channel, arrivedAt: Date, registeredAt: Date, registeredBy: string | null }>
  /** Entries resolved in the period after their due instant. */
  resolvedLate: Array<{ id: number, year: number, number: number, dueAt: Date, resolvedAt: Date, resolvedBy: string | null }>
  /** Specialists' presence stretches overlapping the period (to null: still on line). */
  presence: Array<{ userId: number, from: Date, to: Date | null }>
  /**
   * Stretches overlapping the period when a specialist's phone (by his extension) was known NOT to
   * be registered on the PBX (to null: still so). Optional: no phone history, screens alone decide.
   */
  phonesDown?: Array<{ userId: number, from: Date, to: Date | null }>
}

/**
 * The rule, as the report prints it: a specialist is on line while his journal screen is open and
 * his phone is registered on the PBX; where the phone's state is not known (no extension, no PBX
 * connection, history not kept yet) the screen alone decides.
 */
export const AVAILABILITY_RULE = 'Специалист на линии, когда открыт его экран журнала и его телефон зарегистрирован на АТС; где состояние телефона неизвестно (нет внутреннего номера, нет связи с АТС), учитывается только экран.'

export interface Callback { at: Date, kind: 'registered' | 'called-again' | 'called-back' | 'marked', by: string | null, afterSeconds: number }

export interface Compliance {
  period: Period
  unansweredInHours: Array<ComplianceFacts['unanswered'][number] & { callback: Callback | null }>
  calledBack: number
  outsideHours: { total: number, byReason: Record<ClosedReason | 'closed', number>, calls: Array<{ id: number, arrivedAt: Date, callerNumber: string | null, reason: ClosedReason | 'closed', rejected: boolean }> }
  lateRegistrations: Array<ComplianceFacts['registrations'][number] & { allowedUntil: Date, lateSeconds: number }>
  resolvedLate: Array<ComplianceFacts['resolvedLate'][number] & { lateWorkingSeconds: number }>
  noSpecialist: { workingSeconds: number, uncoveredSeconds: number, gaps: Array<{ from: Date, to: Date, seconds: number }> }
}

/** Gaps shorter than this are a screen reload, not a line left unattended. */
export const MIN_GAP_SECONDS = 60

const MISSED_REASONS: readonly string[] = ['lunch', 'weekend', 'holiday', 'before-hours', 'after-hours', 'closed']

export function buildCompliance (facts: ComplianceFacts, period: Period, cal: WorkCalendar, now: Date): Compliance {
  const zone = cal.schedule.zone
  const at = (d: Date): DateTime => DateTime.fromJSDate(d, { zone })

  const unansweredInHours = facts.unanswered
    .filter((c) => stateReason(at(c.arrivedAt), cal) === 'open')
    .map((c) => {
      const candidates: Callback[] = []
      if (c.registeredAt !== null && c.registeredAt >= c.arrivedAt) candidates.push({ at: c.registeredAt, kind: 'registered', by: c.registeredBy, afterSeconds: 0 })
      if (c.nextAnsweredAt !== null) candidates.push({ at: c.nextAnsweredAt, kind: 'called-again', by: c.nextAnsweredBy, afterSeconds: 0 })
      if (c.calledBackAt != null && c.calledBackHow === 'outgoing') candidates.push({ at: c.calledBackAt, kind: 'called-back', by: c.calledBackBy ?? null, afterSeconds: 0 })
      if (c.calledBackAt != null && c.calledBackHow === 'by-hand') candidates.push({ at: c.calledBackAt, kind: 'marked', by: c.calledBackBy ?? null, afterSeconds: 0 })
      const first = candidates.sort((a, b) => +a.at - +b.at)[0]
      return { ...c, callback: first === undefined ? null : { ...first, afterSeconds: Math.round((+first.at - +c.arrivedAt) / 1000) } }
    })

  // out of hours: what the PBX rejected, and any call that came through although the center was closed
  const byReason = { lunch: 0, weekend: 0, holiday: 0, 'before-hours': 0, 'after-hours': 0, closed: 0 }
  const outside: Compliance['outsideHours']['calls'] = []
  for (const c of facts.rejected) {
    const reason = c.reason !== null && MISSED_REASONS.includes(c.reason) ? c.reason : 'closed'
    outside.push({ id: c.id, arrivedAt: c.arrivedAt, callerNumber: c.callerNumber, reason, rejected: true })
  }
  for (const c of facts.unanswered) {
    const reason = stateReason(at(c.arrivedAt), cal)
    if (reason !== 'open') outside.push({ id: c.id, arrivedAt: c.arrivedAt, callerNumber: c.callerNumber, reason, rejected: false })
  }
  outside.sort((a, b) => +a.arrivedAt - +b.arrivedAt)
  for (const c of outside) byReason[c.reason]++

  // reg. 3.3: registered within the working day the request belongs to (after hours: the next one)
  const lateRegistrations = facts.registrations.flatMap((r) => {
    const allowed = closingTime(registrationDate(at(r.arrivedAt), cal), cal)
    if (allowed === null || r.registeredAt <= allowed.toJSDate()) return []
    return [{ ...r, allowedUntil: allowed.toJSDate(), lateSeconds: Math.round((+r.registeredAt - +allowed.toJSDate()) / 1000) }]
  })

  const resolvedLate = facts.resolvedLate.map((r) => ({ ...r, lateWorkingSeconds: Math.round(workingTimeBetween(at(r.dueAt), at(r.resolvedAt), cal)) }))

  return {
    period,
    unansweredInHours,
    calledBack: unansweredInHours.filter((c) => c.callback !== null).length,
    outsideHours: { total: outside.length, byReason, calls: outside },
    lateRegistrations,
    resolvedLate,
    noSpecialist: uncovered(available(facts.presence, facts.phonesDown ?? [], now), period, cal, now)
  }
}

type Span = { from: number, to: number }

/** Sorted, merged stretches (to null: until now). */
function unionOf (items: ReadonlyArray<{ from: Date, to: Date | null }>, now: Date): Span[] {
  const spans = items.map((p) => ({ from: +p.from, to: p.to === null ? +now : +p.to })).filter((s) => s.to > s.from).sort((a, b) => a.from - b.from)
  const union: Span[] = []
  for (const s of spans) {
    const last = union[union.length - 1]
    if (last !== undefined && s.from <= last.to) last.to = Math.max(last.to, s.to)
    else union.push({ ...s })
  }
  return union
}

/** Each specialist's screen stretches less those when his phone was known not to be registered. */
export function available (presence: ComplianceFacts['presence'], phonesDown: NonNullable<ComplianceFacts['phonesDown']>, now: Date): ComplianceFacts['presence'] {
  const users = new Set(presence.map((p) => p.userId))
  const out: ComplianceFacts['presence'] = []
  for (const userId of users) {
    const down = unionOf(phonesDown.filter((d) => d.userId === userId), now)
    for (const s of unionOf(presence.filter((p) => p.userId === userId), now)) {
      let cursor = s.from
      for (const d of down) {
        if (d.to <= cursor) continue
        if (d.from >= s.to) break
        if (d.from > cursor) out.push({ userId, from: new Date(cursor), to: new Date(d.from) })
        cursor = Math.max(cursor, d.to)
      }
      if (cursor < s.to) out.push({ userId, from: new Date(cursor), to: new Date(s.to) })
    }
  }
  return out
}

/** Working time of the period (up to now) not covered by any specialist's presence, in gaps of a minute or more. */
export function uncovered (presence: ComplianceFacts['presence'], period: Period, cal: WorkCalendar, now: Date): Compliance['noSpecialist'] {
  const union = unionOf(presence, now)
  let workingMs = 0
  let uncoveredMs = 0
  const gaps: Array<{ from: Date, to: Date, seconds: number }> = []
  for (let date = period.from; date <= period.to; date = addDays(date, 1)) {
    for (const iv of openIntervals(date, cal)) {
      const start = +iv.start.toJSDate()
      const end = Math.min(+iv.end.toJSDate(), +now)
      if (end <= start) continue
      workingMs += end - start
      let cursor = start
      for (const u of union) {
        if (u.to <= cursor) continue
        if (u.from >= end) break
        if (u.from > cursor) addGap(cursor, u.from)
        cursor = Math.max(cursor, u.to)
        if (cursor >= end) break
      }
      if (cursor < end) addGap(cursor, end)
    }
  }
  function addGap (from: number, to: number): void {
    const seconds = Math.round((to - from) / 1000)
    if (seconds < MIN_GAP_SECONDS) return
    uncoveredMs += to - from
    gaps.push({ from: new Date(from), to: new Date(to), seconds })
  }
  return { workingSeconds: Math.round(workingMs / 1000), uncoveredSeconds: Math.round(uncoveredMs / 1000), gaps }
}
