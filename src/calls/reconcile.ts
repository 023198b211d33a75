// What to do with the PBX's record of a call after a span the service did not hear (an outage, a
// reconnect): add the call it never heard of, correct one it heard only in part, keep one it heard
// live. Keyed by the call's id, so a call is never doubled with what the event stream gave.
// Pure: the stored call and the records in, a decision out; the pipeline performs it.
import { sameNumber, type Call, type StepOptions } from './call.js'
import { classify } from './step.js'
import { applyPbxFigures, checkRecord, foldRecords, type PbxCall, type PbxRecord } from './pbx-record.js'

export type RecordDecision =
  /** never heard: the call as the PBX recorded it (real times, outcome, reason) */
  | { type: 'add', call: Call }
  /** heard in part (reconstructed instants, or its end missed): corrected by the PBX's figures */
  | { type: 'correct', call: Call }
  /** heard live: the event stream's instants stand */
  | { type: 'keep' }
  /** not a helpdesk call (another number dialled) */
  | { type: 'ignore' }
  /** a record whose times cannot be a real call: nothing is stored from it */
  | { type: 'refuse', problem: string }

/** The call as the PBX recorded it, for a call the service never heard (undefined: another number). */
export function callFromRecord (pbx: PbxCall, opts: StepOptions): Call | undefined {
  if (pbx.dialled === null || !sameNumber(pbx.dialled, opts.helpdeskDid)) return undefined
  const call: Call = {
    linkedId: pbx.linkedId,
    callerNumber: pbx.callerNumber,
    dialled: pbx.dialled,
    state: 'ended',
    arrivedAt: pbx.arrivedAt,
    answeredAt: pbx.answeredAt,
    endedAt: pbx.endedAt,
    answeredBy: pbx.answeredBy,
    transferredTo: null,
    // a record without the dialplan's decision rang the phones when it shows one rung
    decision: pbx.decision ?? (pbx.legs.length > 0 ? 'open' : null),
    recordingFile: null,
    callerHungUp: false,
    legs: Object.fromEntries(pbx.legs.map((l, i) => [`record-${i + 1}`, { extension: l.extension, result: l.result }])),
    hangupCause: null,
    hangupCauseText: null,
    outcome: null,
    rejectReason: null,
    approximate: false
  }
  return { ...call, ...classify(call, pbx.busy) }
}

/**
 * `stored`: the call as the service has it (undefined: never heard of); `records`: all the PBX's
 * records of that call (one id). A record exists only once the call is over on the PBX.
 */
export function reconcileWithRecords (stored: Call | undefined, records: readonly PbxRecord[], now: Date, opts: StepOptions): RecordDecision {
  for (const r of records) {
    const check = checkRecord(r, now)
    if (!check.ok) return { type: 'refuse', problem: check.problem }
  }
  if (records.length === 0) return { type: 'keep' }
  const pbx = foldRecords(records)
  if (stored === undefined) {
    const call = callFromRecord(pbx, opts)
    return call === undefined ? { type: 'ignore' } : { type: 'add', call }
  }
  if (stored.state === 'ended' && !stored.approximate) return { type: 'keep' }
  // heard in part, or still open here although the PBX has finished it: its real end, not our return
  const corrected = applyPbxFigures(stored, pbx, true)
  return { type: 'correct', call: { ...corrected, ...classify(corrected, stored.outcome === 'busy' || pbx.busy) } }
}
