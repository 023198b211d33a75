// After every (re)connect of a PBX link the calls as the service tracks them are made to agree with
// the PBX: the calls still up (CoreShowChannels), the calls whose follow-up was cut short (their
// drafts opened now) and the PBX's durable records of the last days (a call not heard, or heard in
// part, added or corrected). The pipeline runs it alone, after everything before it is stored.
import type { AmiClient } from '../ami/client.js'
import { liveCalls } from '../ami/live-calls.js'
import { decisionOf } from '../ami/normalize.js'
import { recordsFromRows } from '../ami/pbx-record.js'
import { holder, isMissed, type Call, type CallEffect, type CallEvent } from '../calls/call.js'
import type { PbxRecord } from '../calls/pbx-record.js'
import { reconcileWithRecords } from '../calls/reconcile.js'
import type { CallMessage } from '../push/call-messages.js'
import type { Known, PipelineDeps } from './pipeline.js'

export interface ReconcileContext {
  deps: Pick<PipelineDeps, 'calls' | 'clock' | 'log' | 'helpdeskDid' | 'intake' | 'publish' | 'pbxRecords' | 'recordLookbackMs'>
  /** the pipeline's calls in memory and what it knows of their rows */
  memory: Map<string, Call>
  ids: Map<string, Known>
  /** the pipeline's own steps: an event folded in, everything stored, a call's follow-ups */
  apply: (ev: CallEvent) => Promise<void>
  written: () => Promise<void>
  rang: (call: Call, known: Known, message: CallMessage) => Promise<void>
  answered: (effect: Extract<CallEffect, { type: 'call.answered' }>, known: Known, message: CallMessage) => Promise<void>
  dismissMissedDraft: (call: Call, known: Known, message: CallMessage) => Promise<void>
}

/** The reconcile of one PBX link, on the pipeline's state. */
export function reconciler (ctx: ReconcileContext): (ami: Pick<AmiClient, 'action'>) => Promise<void> {
  const { deps, memory, ids, apply, written, rang, answered, dismissMissedDraft } = ctx
  const { calls, log } = deps
  const opts = { helpdeskDid: deps.helpdeskDid }

  async function reconcile (ami: Pick<AmiClient, 'action'>): Promise<void> {
    await written() // the calls as stored are the calls as tracked
    const at = deps.clock()
    for (const stored of await calls.open()) {
      if (!memory.has(stored.call.linkedId)) {
        memory.set(stored.call.linkedId, stored.call)
        ids.set(stored.call.linkedId, { id: stored.id, entryId: stored.entryId, userId: stored.answeredByUserId })
      }
    }
    await catchUp(at)
    const alive = await liveCalls(ami, at, { needsVariables: (linkedId) => memory.get(linkedId)?.decision == null, log })
    if (alive === undefined) return
    const live = new Set(alive.map((a) => a.linkedId))
    for (const ev of alive) await apply(ev)
    await written()
    const records = await durableRecords(at)
    const unknownIds = [...records.keys()].filter((id) => !memory.has(id))
    for (let i = 0; i < unknownIds.length; i += 500) {
      for (const stored of await calls.byLinkedIds(unknownIds.slice(i, i + 500))) {
        memory.set(stored.call.linkedId, stored.call)
        ids.set(stored.call.linkedId, { id: stored.id, entryId: stored.entryId, userId: stored.answeredByUserId })
      }
    }
    let recovered = 0
    for (const [linkedId, list] of records) {
      if (live.has(linkedId)) continue // still up: the live events will finish it
      if (await settle(linkedId, list, at)) recovered++
    }
    for (const [linkedId, call] of memory) {
      if (call.state !== 'ended' && !live.has(linkedId)) {
        log.warn({ linkedId }, 'reconcile: a call ended while we were not listening and the PBX has no record of it: its end is the reconcile instant (approximate)')
        await apply({ type: 'lost', linkedId, at })
      }
    }
    log.info({ live: live.size, tracked: [...memory.values()].filter((c) => c.state !== 'ended').length, fromRecords: recovered }, 'reconciled calls with the PBX')
  }

  /**
   * Calls stored as ringing or rung whose draft was never opened: the instance stopped between the
   * call's row and its follow-up (killed, or a leader that lost its lock). Each gets its draft now,
   * assigned to who answered, dismissed when missed — as the follow-up would have done; a call still
   * up is announced again so every screen has it.
   */
  async function catchUp (at: Date): Promise<void> {
    if (deps.intake === undefined) return
    const since = new Date(at.getTime() - (deps.recordLookbackMs ?? 7 * 24 * 3600_000))
    for (const stored of await calls.rangWithoutDraft(since)) {
      const linkedId = stored.call.linkedId
      const call = memory.get(linkedId) ?? stored.call
      if (!memory.has(linkedId)) memory.set(linkedId, call)
      const known = ids.get(linkedId) ?? { id: stored.id, entryId: stored.entryId, userId: stored.answeredByUserId }
      ids.set(linkedId, known)
      const ringing: CallMessage = { type: 'call.ringing', call, callId: known.id }
      await rang(call, known, ringing)
      if (known.entryId === null) continue // logged by rang
      const answer: CallMessage = { type: 'call.answered', call, callId: known.id }
      // the draft goes to who holds the call; the answer itself is recorded unless it was already
      if (holder(call) !== null) await answered({ type: 'call.answered', call, holder: holder(call), transferred: known.userId !== null }, known, answer)
      if (call.state === 'ended' && isMissed(call)) await dismissMissedDraft(call, known, { type: 'call.ended', call, callId: known.id })
      log.warn({ linkedId, entryId: known.entryId, state: call.state }, 'reconcile: a call that rang had no draft (its follow-up was cut short): opened now')
      if (call.state === 'ended') continue
      try {
        deps.publish?.(ringing)
        if (call.state === 'talking') deps.publish?.(answer)
      } catch (err) { log.error({ linkedId, err }, 'call pipeline: publish failed') }
    }
  }

  /** The PBX's durable records of the last days, per call (none without the table's reader). */
  async function durableRecords (at: Date): Promise<Map<string, PbxRecord[]>> {
    const byCall = new Map<string, PbxRecord[]>()
    if (deps.pbxRecords === undefined) return byCall
    const from = new Date(at.getTime() - (deps.recordLookbackMs ?? 7 * 24 * 3600_000))
    const { records, unreadable } = recordsFromRows(await deps.pbxRecords.since(from), decisionOf)
    if (unreadable > 0) log.warn({ unreadable }, 'reconcile: PBX records that could not be read were left out')
    for (const r of records) byCall.set(r.linkedId, [...(byCall.get(r.linkedId) ?? []), r])
    return byCall
  }

  /**
   * One call the PBX recorded: added when never heard, corrected (its real times, its end) when heard
   * in part, left alone when heard live. True when the call log changed.
   */
  async function settle (linkedId: string, records: PbxRecord[], at: Date): Promise<boolean> {
    const before = memory.get(linkedId)
    const decision = reconcileWithRecords(before, records, at, opts)
    if (decision.type === 'keep' || decision.type === 'ignore') return false
    if (decision.type === 'refuse') {
      log.warn({ linkedId, problem: decision.problem }, 'reconcile: the PBX\'s record of a call refused: its times cannot be a call (nothing stored from it)')
      return false
    }
    const call = decision.call
    memory.set(linkedId, call)
    const stored = await calls.save(call, deps.clock())
    const known = ids.get(linkedId) ?? { id: stored.id, entryId: stored.entryId, userId: stored.answeredByUserId }
    ids.set(linkedId, known)
    const message: CallMessage = { type: 'call.ended', call, callId: known.id }
    // a call that rang the phones gets its draft like a live one (idempotent on the call), and the
    // specialist who answered it; the screens only hear that it ended (no popup for a finished call)
    if (call.decision === 'open' && known.entryId === null) await rang(call, known, { ...message, type: 'call.ringing' })
    if (call.answeredBy !== null && (before?.answeredBy == null || known.userId === null)) {
      await answered({ type: 'call.answered', call, holder: call.answeredBy, transferred: false }, known, { ...message, type: 'call.answered' })
    }
    if (isMissed(call)) await dismissMissedDraft(call, known, message) // on the callback list, like a live one
    log.info({ linkedId, how: decision.type === 'add' ? 'added from the PBX\'s record' : 'corrected by the PBX\'s record', outcome: call.outcome, rejectReason: call.rejectReason, arrivedAt: call.arrivedAt, answeredAt: call.answeredAt, endedAt: call.endedAt }, 'reconcile: a call the service did not hear (whole or in part)')
    if (before?.state !== 'ended' || decision.type === 'add') {
      try { deps.publish?.(message) } catch (err) { log.error({ linkedId, err }, 'call pipeline: publish failed') }
    }
    return true
  }

  return reconcile
}
