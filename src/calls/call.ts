// Our vocabulary for a helpdesk phone call: what the PBX did to it, in our own terms.
// ami/normalize.ts translates Asterisk events into CallEvent; step.ts folds them into a Call.
// Pure data: no I/O, no clock; every instant arrives inside an event.

/** Why the PBX turned a call away (the dialplan's decision), in our words; 'closed' covers any other. */
export const REJECT_REASONS = ['lunch', 'weekend', 'holiday', 'before-hours', 'after-hours', 'closed'] as const
export type RejectReason = typeof REJECT_REASONS[number]
export const REJECT_REASON_LABELS: Readonly<Record<RejectReason, string>> = {
  lunch: 'обеденный перерыв', weekend: 'выходной день', holiday: 'праздничный день', 'before-hours': 'до начала работы', 'after-hours': 'после окончания работы', closed: 'нерабочее время'
}
/** The PBX's decision for a call: let it ring the specialists, or turn it away for a reason. */
export const DECISIONS = ['open', ...REJECT_REASONS] as const
export type Decision = typeof DECISIONS[number]

export const CALL_OUTCOMES = ['answered', 'abandoned', 'no-answer', 'busy', 'rejected', 'failed'] as const
export type CallOutcome = typeof CALL_OUTCOMES[number]
/** The call log's words for an outcome. */
export const CALL_OUTCOME_LABELS: Readonly<Record<CallOutcome, string>> = {
  answered: 'Принят', abandoned: 'Абонент не дождался', 'no-answer': 'Без ответа', busy: 'Занято', rejected: 'Отклонён', failed: 'Сбой'
}

/** What one dialled phone did. */
export type LegResult = 'ringing' | 'answered' | 'busy' | 'no-answer' | 'cancelled' | 'failed'

export type CallState = 'arrived' | 'ringing' | 'talking' | 'ended'

export interface Call {
  /** Asterisk Linkedid: the Uniqueid of the call's first (inbound) channel. */
  linkedId: string
  callerNumber: string | null
  /** The helpdesk number the caller dialled. */
  dialled: string
  state: CallState
  arrivedAt: Date
  /** First answer by a specialist (never reset by a transfer). */
  answeredAt: Date | null
  endedAt: Date | null
  /** Extension of the specialist who answered first. */
  answeredBy: string | null
  /** Extension holding the call after a blind transfer, when it differs from answeredBy. */
  transferredTo: string | null
  /** The PBX's last decision for the call ('open' or a reject reason; see Decision). */
  decision: string | null
  /** Recording file name (no directory), as the dialplan's MixMonitor announced it. */
  recordingFile: string | null
  /** The caller hung up (remote BYE/CANCEL on the inbound channel) before or after an answer. */
  callerHungUp: boolean
  /** Result per dialled leg (key = the leg's channel id). */
  legs: Record<string, { extension: string | null, result: LegResult }>
  hangupCause: number | null
  hangupCauseText: string | null
  outcome: CallOutcome | null
  rejectReason: RejectReason | null
  /** Instants reconstructed (reconnect/restart) rather than observed live. */
  approximate: boolean
}

export type CallEvent =
  /** The call's first channel appeared (Asterisk Newchannel with Uniqueid = Linkedid). */
  | { type: 'started', linkedId: string, callerNumber: string | null, dialled: string, at: Date }
  /** The dialplan decided whether the call may ring (a Decision; anything else counts as closed). */
  | { type: 'decided', linkedId: string, status: string, at: Date }
  /** The dialplan started recording into this file (basename only). */
  | { type: 'recording', linkedId: string, file: string, at: Date }
  /** A specialist's phone is being rung. */
  | { type: 'ringing', linkedId: string, legId: string, extension: string | null, at: Date }
  /** Ringing of one phone ended with a result (answered, busy, ...). */
  | { type: 'dial-ended', linkedId: string, legId: string, extension: string | null, result: Exclude<LegResult, 'ringing'>, at: Date }
  /** A hang-up was requested on a channel of the call: by the remote side (caller's BYE/CANCEL) or by the PBX. */
  | { type: 'hangup-requested', linkedId: string, channelId: string, by: 'remote' | 'pbx', at: Date }
  /**
   * A channel of the call is gone. The call ends with its first channel. `cause` is the telephony
   * cause code as the PBX gave it (kept for the call log); `busy`: the PBX said the called side was busy.
   */
  | { type: 'hungup', linkedId: string, channelId: string, cause: number | null, causeText: string | null, busy?: boolean, at: Date }
  /** The PBX's own record of the call (start/answer/end, the decision it wrote), one per dialled leg. */
  | { type: 'cdr', linkedId: string, extension: string | null, disposition: 'answered' | 'no-answer' | 'busy' | 'failed', startedAt: Date | null, answeredAt: Date | null, endedAt: Date | null, decision?: string | null, at: Date }
  /** Reconciliation: the call is alive on the PBX now (learned from a channel list, not live events). */
  | { type: 'alive', linkedId: string, callerNumber: string | null, dialled: string, upSeconds: number, talkingWith: string | null, decision: string | null, recordingFile: string | null, at: Date }
  /** Reconciliation: the PBX no longer has the call; its end was missed. */
  | { type: 'lost', linkedId: string, at: Date }

/**
 * What the call tracking is to do after a step. The names are the popups' message types; each says
 * what happened, so whoever performs it never works it out again from the call:
 */
export type CallEffect =
  /** rang: the phones ring, a draft is to be opened and the call announced */
  | { type: 'call.ringing', call: Call }
  /**
   * answered (transferred: false) or transferred (true: a blind transfer reached another phone):
   * `holder` (an extension; null when the PBX did not say which) has the call now; the draft follows them
   */
  | { type: 'call.answered', call: Call, holder: string | null, transferred: boolean }
  /** ended: the call is over (missed when isMissed(call)) */
  | { type: 'call.ended', call: Call }
  /** Something worth persisting changed (no notification). */
  | { type: 'call.updated', call: Call }

/** The extension holding the call now: who took a blind transfer, else who answered. */
export function holder (call: Pick<Call, 'transferredTo' | 'answeredBy'>): string | null {
  return call.transferredTo ?? call.answeredBy
}

/** Outcomes of a call that rang in working hours and that nobody answered: to be called back. */
export const MISSED_OUTCOMES = ['abandoned', 'no-answer', 'busy', 'failed'] as const satisfies readonly CallOutcome[]

/** Missed: it rang in hours and nobody answered (a call turned away outside hours is not missed). */
export function isMissed (call: Pick<Call, 'outcome'>): boolean {
  return call.outcome !== null && (MISSED_OUTCOMES as readonly string[]).includes(call.outcome)
}

export interface StepOptions {
  /** HELPDESK_DID: calls to other numbers are ignored. */
  helpdeskDid: string
}

/** Same phone number, ignoring formatting and the trunk's national/international prefix. */
export function sameNumber (a: string, b: string): boolean {
  const da = a.replace(/\D/g, '')
  const db = b.replace(/\D/g, '')
  if (da === '' || db === '') return false
  if (da === db) return true
  return da.length >= 10 && db.length >= 10 && da.slice(-10) === db.slice(-10)
}

/**
 * How long the caller waited for a specialist: until the answer, or until the call ended unanswered.
 * A call the PBX turned away (rejected) never waited for anyone: the announcement is not waiting
 * (announcementSeconds), so it stays out of the waiting figures.
 */
export function waitSeconds (call: Call): number | null {
  if (call.outcome === 'rejected') return null
  const until = call.answeredAt ?? call.endedAt
  return until === null ? null : Math.max(0, Math.round((until.getTime() - call.arrivedAt.getTime()) / 1000))
}

/** A rejected call: how long the caller was on the line with the announcement of the hours. */
export function announcementSeconds (call: Call): number | null {
  if (call.outcome !== 'rejected' || call.endedAt === null) return null
  return Math.max(0, Math.round((call.endedAt.getTime() - call.arrivedAt.getTime()) / 1000))
}

export function talkSeconds (call: Call): number | null {
  if (call.answeredAt === null || call.endedAt === null) return null
  return Math.max(0, Math.round((call.endedAt.getTime() - call.answeredAt.getTime()) / 1000))
}
