// The call state machine: one call (one Linkedid) folded event by event. Pure: the caller keeps
// the calls keyed by linkedId, passes the current one in and performs the returned effects.
// Replayed or duplicated events leave the call as it is, so replays and reconnects are safe.
import {
  REJECT_REASONS, holder, sameNumber,
  type Call, type CallEffect, type CallEvent, type CallOutcome, type RejectReason, type StepOptions
} from './call.js'
import { applyPbxFigures, checkRecord, foldRecords, type PbxRecord } from './pbx-record.js'

export interface StepResult {
  call: Call | undefined
  effects: CallEffect[]
}

export function step (call: Call | undefined, ev: CallEvent, opts: StepOptions): StepResult {
  if (call === undefined) return start(ev, opts)
  if (call.state === 'ended') return ev.type === 'cdr' ? crossCheck(call, ev) : unchanged(call)

  switch (ev.type) {
    case 'started':
      return unchanged(call) // the same Newchannel seen again (replay)
    case 'decided':
      return call.decision === ev.status ? unchanged(call) : updated({ ...call, decision: ev.status })
    case 'recording':
      return call.recordingFile === ev.file ? unchanged(call) : updated({ ...call, recordingFile: ev.file })
    case 'ringing': {
      if (call.legs[ev.legId] !== undefined) return unchanged(call)
      const next: Call = { ...call, legs: { ...call.legs, [ev.legId]: { extension: ev.extension, result: 'ringing' } } }
      if (call.state === 'arrived') {
        const ringing = { ...next, state: 'ringing' as const }
        return { call: ringing, effects: [{ type: 'call.ringing', call: ringing }] }
      }
      return updated(next)
    }
    case 'dial-ended': {
      const leg = call.legs[ev.legId]
      const extension = ev.extension ?? leg?.extension ?? null
      if (leg?.result === ev.result) return unchanged(call)
      const next: Call = { ...call, legs: { ...call.legs, [ev.legId]: { extension, result: ev.result } } }
      if (ev.result !== 'answered') return updated(next)
      if (call.answeredAt === null) {
        const answered: Call = { ...next, state: 'talking', answeredAt: ev.at, answeredBy: extension }
        return { call: answered, effects: [{ type: 'call.answered', call: answered, holder: extension, transferred: false }] }
      }
      // answered again while already answered: a blind transfer reached another phone. The call
      // is announced as answered once more, so the popup and the draft follow the new holder.
      if (extension === null || extension === holder(call)) return updated(next)
      const transferred: Call = { ...next, transferredTo: extension }
      return { call: transferred, effects: [{ type: 'call.answered', call: transferred, holder: extension, transferred: true }] }
    }
    case 'hangup-requested':
      if (ev.channelId !== call.linkedId || ev.by !== 'remote' || call.callerHungUp) return unchanged(call)
      return updated({ ...call, callerHungUp: true })
    case 'hungup':
      if (ev.channelId !== call.linkedId) return unchanged(call) // a phone's leg; the call lives on
      return end({ ...call, hangupCause: ev.cause, hangupCauseText: ev.causeText }, ev.at, false, ev.busy === true)
    case 'cdr':
      return crossCheck(call, ev)
    case 'alive': {
      let next: Call = { ...call }
      if (next.decision === null && ev.decision !== null) next.decision = ev.decision
      if (next.recordingFile === null && ev.recordingFile !== null) next.recordingFile = ev.recordingFile
      if (ev.talkingWith !== null && next.answeredAt === null) {
        next = { ...next, state: 'talking', answeredAt: ev.at, answeredBy: ev.talkingWith, approximate: true }
        return { call: next, effects: [{ type: 'call.answered', call: next, holder: ev.talkingWith, transferred: false }] }
      }
      return updated(next)
    }
    case 'lost':
      return end(call, ev.at, true)
  }
}

function start (ev: CallEvent, opts: StepOptions): StepResult {
  if (ev.type !== 'started' && ev.type !== 'alive') return { call: undefined, effects: [] }
  if (!sameNumber(ev.dialled, opts.helpdeskDid)) return { call: undefined, effects: [] }
  const base: Call = {
    linkedId: ev.linkedId,
    callerNumber: ev.callerNumber,
    dialled: ev.dialled,
    state: 'arrived',
    arrivedAt: ev.at,
    answeredAt: null,
    endedAt: null,
    answeredBy: null,
    transferredTo: null,
    decision: null,
    recordingFile: null,
    callerHungUp: false,
    legs: {},
    hangupCause: null,
    hangupCauseText: null,
    outcome: null,
    rejectReason: null,
    approximate: false
  }
  if (ev.type === 'started') return updated(base)

  // discovered alive after a (re)connect: instants are reconstructed from the channel's age
  const found: Call = {
    ...base,
    arrivedAt: new Date(ev.at.getTime() - ev.upSeconds * 1000),
    decision: ev.decision,
    recordingFile: ev.recordingFile,
    approximate: true
  }
  if (found.decision !== null && found.decision !== 'open') return updated(found)
  const ringing: Call = { ...found, state: 'ringing' }
  const effects: CallEffect[] = [{ type: 'call.ringing', call: ringing }]
  if (ev.talkingWith === null) return { call: ringing, effects }
  const talking: Call = { ...ringing, state: 'talking', answeredAt: ev.at, answeredBy: ev.talkingWith }
  effects.push({ type: 'call.answered', call: talking, holder: ev.talkingWith, transferred: false })
  return { call: talking, effects }
}

function end (call: Call, at: Date, approximate: boolean, busy = false): StepResult {
  const ended: Call = { ...call, state: 'ended', endedAt: at, approximate: call.approximate || approximate }
  const { outcome, rejectReason } = classify(ended, busy)
  const done: Call = { ...ended, outcome, rejectReason }
  return { call: done, effects: [{ type: 'call.ended', call: done }] }
}

/**
 * The PBX's record of a leg (its Cdr): where the call was heard only in part (found up after a
 * (re)connect) its arrival and answer become the PBX's own; a call heard live keeps its instants and
 * only gets an answer it missed. A record whose times cannot be a call is ignored (the pipeline logs it).
 */
function crossCheck (call: Call, ev: Extract<CallEvent, { type: 'cdr' }>): StepResult {
  if (ev.startedAt === null || ev.endedAt === null) return unchanged(call)
  const record: PbxRecord = {
    linkedId: call.linkedId, callerNumber: null, dialled: null, startedAt: ev.startedAt, answeredAt: ev.answeredAt,
    endedAt: ev.endedAt, extension: ev.extension, disposition: ev.disposition, decision: ev.decision ?? null
  }
  if (!checkRecord(record, ev.at).ok) return unchanged(call)
  const pbx = foldRecords([record])
  let next = call
  if (call.approximate) {
    next = applyPbxFigures(call, pbx, false)
  } else if (call.answeredAt === null && pbx.answeredAt !== null) {
    // an answer whose DialEnd we never saw (reconnect gap)
    next = { ...call, answeredAt: pbx.answeredAt, answeredBy: pbx.answeredBy, approximate: true }
    if (next.state !== 'ended') next = { ...next, state: 'talking' }
  }
  if (sameCall(next, call)) return unchanged(call)
  if (next.state === 'ended') next = { ...next, ...classify(next, call.outcome === 'busy') }
  return updated(next)
}

function sameCall (a: Call, b: Call): boolean {
  return a.arrivedAt.getTime() === b.arrivedAt.getTime() && a.answeredAt?.getTime() === b.answeredAt?.getTime() &&
    a.endedAt?.getTime() === b.endedAt?.getTime() && a.answeredBy === b.answeredBy && a.approximate === b.approximate &&
    a.state === b.state && a.decision === b.decision
}

/**
 * The outcome follows what the PBX did: its decision first, then what happened on the phones.
 * `busy`: the PBX ended the call saying the called side was busy (without ringing a phone).
 */
export function classify (call: Call, busy = false): { outcome: CallOutcome, rejectReason: RejectReason | null } {
  if (call.decision !== null && call.decision !== 'open') {
    const reason = (REJECT_REASONS as readonly string[]).includes(call.decision) ? call.decision as RejectReason : 'closed'
    return { outcome: 'rejected', rejectReason: reason }
  }
  if (call.answeredAt !== null) return { outcome: 'answered', rejectReason: null }
  if (call.callerHungUp) return { outcome: 'abandoned', rejectReason: null }
  const results = Object.values(call.legs).map((l) => l.result)
  if (results.length === 0) {
    if (busy) return { outcome: 'busy', rejectReason: null }
    // the PBX ended it without ringing anyone (no phone reachable, dialplan error) or we lost track of it
    return { outcome: call.approximate ? 'no-answer' : 'failed', rejectReason: null }
  }
  if (results.every((r) => r === 'busy')) return { outcome: 'busy', rejectReason: null }
  if (results.every((r) => r === 'busy' || r === 'failed')) return { outcome: 'failed', rejectReason: null }
  return { outcome: 'no-answer', rejectReason: null }
}

function unchanged (call: Call): StepResult {
  return { call, effects: [] }
}

function updated (call: Call): StepResult {
  return { call, effects: [{ type: 'call.updated', call }] }
}
