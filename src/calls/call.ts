// Our vocabulary for a helpdesk phone call: what the PBX did to it, in our own terms.
// ami/normalize.ts translates Asterisk events into CallEvent; step.ts folds them into a Call.
// Pure data: no I/O, no clock; every instant arrives inside an event.

/** The dialplan's decision for the call (the last HD_STATUS it set), or a service-side reason. */
export const REJECT_REASONS = ['lunch', 'weekend', 'holiday', 'before-hours', 'after-hours', 'closed'] as const
export type RejectReason = typeof REJECT_REASONS[number]

export const CALL_OUTCOMES = ['answered', 'abandoned', 'no-answer', 'busy', 'rejected', 'failed'] as const
export type CallOutcome = typeof CALL_OUTCOMES[number]

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
  /** The dialplan's last HD_STATUS value (open, lunch, closed, weekend, holiday, before-hours, after-hours). */
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
  /** The dialplan set its decision variable (HD_STATUS). */
  | { type: 'decided', linkedId: string, status: string, at: Date }
  /** The dialplan started recording into this file (basename only). */
  | { type: 'recording', linkedId: string, file: string, at: Date }
  /** A specialist's phone is being rung. */
  | { type: 'ringing', linkedId: string, legId: string, extension: string | null, at: Date }
  /** Ringing of one phone ended with a result (answered, busy, ...). */
  | { type: 'dial-ended', linkedId: string, legId: string, extension: string | null, result: Exclude<LegResult, 'ringing'>, at: Date }
  /** A hang-up was requested on a channel of the call: by the remote side (caller's BYE/CANCEL) or by the PBX. */
  | { type: 'hangup-requested', linkedId: string, channelId: string, by: 'remote' | 'pbx', at: Date }
  /** A channel of the call is gone. The call ends with its first channel. */
  | { type: 'hungup', linkedId: string, channelId: string, cause: number | null, causeText: string | null, at: Date }
  /** Asterisk's own record of the call (UTC start/answer/end), one per dialled leg. */
  | { type: 'cdr', linkedId: string, extension: string | null, disposition: 'answered' | 'no-answer' | 'busy' | 'failed', startedAt: Date | null, answeredAt: Date | null, endedAt: Date | null, at: Date }
  /** Reconciliation: the call is alive on the PBX now (learned from a channel list, not live events). */
  | { type: 'alive', linkedId: string, callerNumber: string | null, dialled: string, upSeconds: number, talkingWith: string | null, decision: string | null, recordingFile: string | null, at: Date }
  /** Reconciliation: the PBX no longer has the call; its end was missed. */
  | { type: 'lost', linkedId: string, at: Date }

export type CallEffect =
  | { type: 'call.ringing', call: Call }
  | { type: 'call.answered', call: Call }
  | { type: 'call.ended', call: Call }
  /** Something worth persisting changed (no notification). */
  | { type: 'call.updated', call: Call }

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

export function waitSeconds (call: Call): number | null {
  const until = call.answeredAt ?? call.endedAt
  return until === null ? null : Math.max(0, Math.round((until.getTime() - call.arrivedAt.getTime()) / 1000))
}

export function talkSeconds (call: Call): number | null {
  if (call.answeredAt === null || call.endedAt === null) return null
  return Math.max(0, Math.round((call.endedAt.getTime() - call.answeredAt.getTime()) / 1000))
}
