// The PBX's own record of a call (its call detail records, kept by the PBX itself), in our terms:
// what the call tracking trusts where it did not listen (an outage, a start in the middle of a call).
// src/ami/pbx-record.ts translates the PBX's rows and events into these; here they are checked,
// folded per call and laid over a call. Pure: no I/O, no clock (`now` is an argument).
import type { Call, CallEvent, LegResult } from './call.js'

/** One record: the call as the PBX saw it, one per phone rung (or one when no phone rang). */
export interface PbxRecord {
  /** the call's id (Linkedid: the inbound channel's id) */
  linkedId: string
  callerNumber: string | null
  /** the number dialled; null when the record does not say */
  dialled: string | null
  startedAt: Date
  /** when this record's phone (or the PBX, for an announcement) answered */
  answeredAt: Date | null
  endedAt: Date
  /** the phone this record is about; null when no phone was rung */
  extension: string | null
  disposition: 'answered' | 'no-answer' | 'busy' | 'failed'
  /** the dialplan's decision as written into the record (open or a reject reason) */
  decision: string | null
}

/** No helpdesk call lasts longer: a record saying so is wrong (a clock or zone mix-up), not a call. */
export const MAX_CALL_SECONDS = 12 * 3600
/** How far the PBX's clock may run ahead of ours before a record "from the future" is refused. */
export const CLOCK_SKEW_SECONDS = 5 * 60

export type RecordCheck = { ok: true } | { ok: false, problem: string }

/** Refuses a record whose times cannot be a real call (they are never stored, and say why). */
export function checkRecord (r: PbxRecord, now: Date): RecordCheck {
  const start = r.startedAt.getTime()
  const end = r.endedAt.getTime()
  const answer = r.answeredAt?.getTime() ?? null
  if (!Number.isFinite(start) || !Number.isFinite(end) || (answer !== null && !Number.isFinite(answer))) return { ok: false, problem: 'an unreadable time' }
  if (end < start) return { ok: false, problem: `ends ${Math.round((start - end) / 1000)} s before it starts` }
  const seconds = Math.round((end - start) / 1000)
  if (seconds > MAX_CALL_SECONDS) return { ok: false, problem: `lasts ${seconds} s, more than ${MAX_CALL_SECONDS} s` }
  if (answer !== null && (answer < start || answer > end)) return { ok: false, problem: 'answered outside its own start and end' }
  if (start > now.getTime() + CLOCK_SKEW_SECONDS * 1000) return { ok: false, problem: `starts ${Math.round((start - now.getTime()) / 1000)} s in the future` }
  return { ok: true }
}

/** All records of one call, folded: the span, the first answer by a phone, each phone's result. */
export interface PbxCall {
  linkedId: string
  callerNumber: string | null
  dialled: string | null
  arrivedAt: Date
  endedAt: Date
  /** the first answer by a specialist's phone (an announcement's answer is not one) */
  answeredAt: Date | null
  answeredBy: string | null
  decision: string | null
  legs: Array<{ extension: string, result: Exclude<LegResult, 'ringing' | 'cancelled'> }>
  /** the PBX ended the call saying busy without ringing a phone */
  busy: boolean
}

const LEG_RESULT: Record<PbxRecord['disposition'], PbxCall['legs'][number]['result']> = { answered: 'answered', 'no-answer': 'no-answer', busy: 'busy', failed: 'failed' }

/** Folds the records of one call (at least one; all with the same linkedId). */
export function foldRecords (records: readonly PbxRecord[]): PbxCall {
  const first = records[0]
  if (first === undefined) throw new Error('foldRecords: no record')
  const min = (ds: Date[]): Date => new Date(Math.min(...ds.map((d) => d.getTime())))
  const max = (ds: Date[]): Date => new Date(Math.max(...ds.map((d) => d.getTime())))
  const answers = records.filter((r) => r.extension !== null && r.disposition === 'answered' && r.answeredAt !== null)
    .sort((a, b) => a.answeredAt!.getTime() - b.answeredAt!.getTime())
  return {
    linkedId: first.linkedId,
    callerNumber: records.find((r) => r.callerNumber !== null)?.callerNumber ?? null,
    dialled: records.find((r) => r.dialled !== null)?.dialled ?? null,
    arrivedAt: min(records.map((r) => r.startedAt)),
    endedAt: max(records.map((r) => r.endedAt)),
    answeredAt: answers[0]?.answeredAt ?? null,
    answeredBy: answers[0]?.extension ?? null,
    decision: records.find((r) => r.decision !== null)?.decision ?? null,
    legs: records.filter((r) => r.extension !== null).map((r) => ({ extension: r.extension!, result: LEG_RESULT[r.disposition] })),
    busy: records.every((r) => r.extension === null) && records.some((r) => r.disposition === 'busy')
  }
}

/**
 * A call heard only in part, corrected by the PBX's figures: its arrival and answer become the PBX's,
 * and so does its end when it has ended (or `end`: it is over on the PBX). It stays approximate only
 * where the PBX has no figure for an instant it holds (an answer the records do not show).
 * The outcome is left to the caller to classify again.
 */
export function applyPbxFigures (call: Call, pbx: PbxCall, end: boolean): Call {
  let next: Call = { ...call, arrivedAt: pbx.arrivedAt }
  if (next.decision === null && pbx.decision !== null) next.decision = pbx.decision
  if (next.callerNumber === null && pbx.callerNumber !== null) next.callerNumber = pbx.callerNumber
  if (pbx.answeredAt !== null) {
    next = { ...next, answeredAt: pbx.answeredAt, answeredBy: call.answeredBy ?? pbx.answeredBy }
    if (next.state !== 'ended') next.state = 'talking'
  }
  if (end || call.state === 'ended') next = { ...next, state: 'ended', endedAt: pbx.endedAt }
  const answerGuessed = call.answeredAt !== null && pbx.answeredAt === null
  return { ...next, approximate: answerGuessed }
}

/** How far a live Cdr's end may be from its arrival (clock drift, a paused reading) before its zone is doubted. */
const LIVE_CDR_SKEW_SECONDS = 10 * 60

/**
 * A live Cdr whose times cannot be a call (undefined: it can). The PBX sends it as the call ends,
 * so an end far from its arrival means its local times were read in the wrong zone.
 */
export function liveRecordProblem (ev: Extract<CallEvent, { type: 'cdr' }>): string | undefined {
  if (ev.startedAt === null || ev.endedAt === null) return undefined
  const off = Math.round((ev.endedAt.getTime() - ev.at.getTime()) / 1000)
  if (Math.abs(off) > LIVE_CDR_SKEW_SECONDS) return `ends ${off} s from the moment it arrived (a live record is sent as the call ends)`
  const check = checkRecord({ linkedId: ev.linkedId, callerNumber: null, dialled: null, startedAt: ev.startedAt, answeredAt: ev.answeredAt, endedAt: ev.endedAt, extension: ev.extension, disposition: ev.disposition, decision: null }, ev.at)
  return check.ok ? undefined : check.problem
}
