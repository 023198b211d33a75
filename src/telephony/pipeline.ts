// The call tracking: AMI event → normalize → step → effects, on the calls it keeps in memory.
// Three stages, so the reading never waits for the database:
//   - read: each event is folded into a read-ahead of the calls the moment it arrives; a call that
//     starts ringing rings the screens at once (the ring; its draft follows);
//   - drain: the events, in order and in batches, are folded into the calls in memory (the calls a
//     batch may have stored already — a replay, a restart — looked up in one read);
//   - write: one writer stores every call changed since its last statement in one statement;
//   - follow up: in rounds of every effect waiting, the drafts of the round's ringing calls opened
//     together through the shared intake, then each effect on its call (who holds the call, the
//     message to the screens) in the call's order, several calls side by side on PostgreSQL.
// A reconcile after a (re)connect runs alone, after everything before it is stored. When events
// and follow-ups pending pass the high-water mark the pipeline stops reading AMI (the events wait in
// TCP, at the PBX) and reads again once it has caught up: no event is dropped and the memory stays
// bounded, whatever the rate. A write that fails because the database is unreachable (a restart)
// is retried until it is back; meanwhile the pending work grows and the reading pauses. A call
// whose follow-up was cut short (the instance stopped) gets its draft at the next reconcile.
import type { AmiClient, AmiLogger } from '../ami/client.js'
import type { AmiMessage } from '../ami/message.js'
import { isUnusedEvent, normalize } from '../ami/normalize.js'
import { step } from '../calls/step.js'
import { isMissed } from '../calls/call.js'
import { outgoingAnswered, outgoingCall, type OutgoingCall } from '../calls/callback.js'
import type { Call, CallEffect, CallEvent } from '../calls/call.js'
import type { CallsRepository, StoredCall } from '../db/calls.repository.js'
import type { JournalService } from '../services/journal.service.js'
import type { User } from '../db/users.repository.js'
import type { Intake, OpenedRequest } from '../intake/intake.js'
import type { CallMessage } from '../push/call-messages.js'
import { keyedQueue } from '../util/serial-queue.js'
import { turnIfBusy } from '../util/event-loop.js'
import { isStorageUnavailable } from '../db/connection-errors.js'
import type { PbxCdrRepository } from '../db/pbx-cdr.repository.js'
import { liveRecordProblem } from '../calls/pbx-record.js'
import { flowControl, type FlowState } from './flow.js'
import { reconciler } from './reconciler.js'

export type { CallMessage }

export interface PipelineDeps {
  calls: CallsRepository
  users: { byExtension: (extension: string) => Promise<User | undefined> }
  /** Opens a ringing call's draft and identifies the caller (src/intake). */
  intake?: Intake
  /** The draft follows who answered (or took the transfer); a missed call's untouched draft is dismissed (annul). */
  journal?: Pick<JournalService, 'assign'> & Partial<Pick<JournalService, 'annul' | 'byId'>>
  helpdeskDid: string
  clock: () => Date
  log: AmiLogger
  publish?: (message: CallMessage) => void
  /**
   * The ring, the moment its event is read (before the queue gets to it): the popup opens with the
   * number while the call's writes wait their turn; call.ringing with its draft follows via publish.
   */
  ring?: (call: Call) => void
  /** A ring sent for a call that turned out to be over already (the PBX repeated it): take it back. */
  withdraw?: (linkedId: string) => void
  /** PBX_TIME_ZONE: the zone the PBX writes its Cdr times in (unset: the offset each record carries, else centerTimeZone) */
  pbxTimeZone?: string
  /** the center's zone (TIME_ZONE) */
  centerTimeZone?: string
  /** the PBX's own durable call records (pbx_cdr): read after every (re)connect to fill what was not heard */
  pbxRecords?: Pick<PbxCdrRepository, 'since'>
  /** how far back the durable records are compared with the call log; default 7 days */
  recordLookbackMs?: number
  /** ended calls stay in memory this long for late Cdr events and replays */
  keepEndedMs?: number
  /** events queued at which the AMI reading pauses (default 1000), and resumes (default a quarter of it) */
  highWater?: number
  lowWater?: number
  /** effects waiting for their follow-up (draft, message) at which the reading pauses too (default 20 000); it resumes at a quarter */
  followUpHighWater?: number
  /**
   * Calls followed up side by side (default 1: every effect in arrival order). Each call's effects
   * keep their order in any case, and a reconcile runs alone. More than 1 pays only with a pool of
   * connections (PostgreSQL); PGlite has one.
   */
  lanes?: number
}

/** The AMI side the pipeline needs (AmiClient satisfies it). */
export type AmiSource = Pick<AmiClient, 'on' | 'action' | 'pauseEvents' | 'resumeEvents'>

export interface Pipeline {
  /** Feeds one AMI message (normally wired to the client's 'event'). */
  handle: (msg: AmiMessage) => Promise<void>
  /** After a (re)connect: restore open calls, compare with the PBX's channels. */
  reconcile: (ami: Pick<AmiClient, 'action'>) => Promise<void>
  /** Resolves when everything queued so far is done. */
  idle: () => Promise<void>
  /** Stops retrying steps the database refused (the service is stopping), then waits like idle(). */
  close: () => Promise<void>
  /** Subscribes to a client: events and reconnects, and pauses its reading while behind. */
  attach: (ami: AmiSource) => void
  tracked: () => ReadonlyMap<string, Call>
  /** Events queued and not folded in yet, and the most there ever were; the same of the effects' follow-ups. */
  /** what waits, and the calls the read-ahead follows (those up, or not yet seen to end) */
  backlog: () => FlowState & { readAhead: number }
}

/** What the service knows of a stored call: its row, its draft, who answered it. */
export interface Known { id: number, entryId: number | null, userId: number | null }

/** Events the queue takes at once (their calls looked up in one read). */
const DRAIN_BATCH = 2000
/** Drafts opened in one transaction at most (a round's ringing calls, in chunks: a longer statement keeps PGlite's one thread from the sockets). */
const DRAFT_BATCH = 50
/** Effects followed up in one round at most. */
const FOLLOW_UP_ROUND = 1000
/** Calls the read-ahead follows at most (calls in progress; the oldest is forgotten past it). */
const READ_AHEAD_LIMIT = 10_000
/** Why a missed call's draft leaves the drafts (its annulment reason). */
export const MISSED_DRAFT_REASON = 'Пропущенный звонок: он в списке «Перезвонить», черновик не нужен'

export function createPipeline (deps: PipelineDeps): Pipeline {
  const { calls, log } = deps
  const opts = { helpdeskDid: deps.helpdeskDid }
  const memory = new Map<string, Call>()
  const ids = new Map<string, Known>()
  const keepEndedMs = deps.keepEndedMs ?? 10 * 60_000
  const lanes = Math.max(1, deps.lanes ?? 1)
  /** the events' drains, one at a time, and the tasks that run alone (a reconcile) between them */
  const queue = keyedQueue(1)
  const highWater = deps.highWater ?? 20_000
  const lowWater = deps.lowWater ?? Math.floor(highWater / 4)
  const followUpHighWater = deps.followUpHighWater ?? 20_000
  // the read-ahead: the calls as the events read so far leave them, folded the moment each is read
  // (the memory above is the queue's, behind it under load); it only says when a call starts ringing
  const ahead = new Map<string, Call>()
  /** calls whose ring went out ahead of their call.ringing */
  const rung = new Set<string>()
  /**
   * calls the read-ahead saw end: their late events (the Cdr after the Hangup) would otherwise fold
   * into the queue's older copy of the call (still talking) and keep it in the read-ahead for good
   */
  const overAhead = new Set<string>()

  const unknown = new Set<string>()
  const flow = flowControl({ highWater, lowWater, followUpHighWater }, (waiting) => {
    log.debug(waiting, 'call pipeline: behind, AMI reading paused')
  })
  /** A task alone (a reconcile): after the events read before it, before the ones read after. */
  const exclusive = async (what: string, work: () => Promise<void>): Promise<void> => {
    flow.eventQueued()
    await queue.run(null, async () => {
      await persist(what, work)
      flow.eventDone()
    })
  }

  // The events read, in order. One drain at a time takes them in batches: the calls of a batch
  // that may be stored already (a replay, a restart) are looked up in one read, then every event
  // is folded into its call in memory; the writes follow (below), so the reading never waits for them.
  const inbox: Array<{ ev: CallEvent, at: Date }> = []
  let draining: Promise<void> | undefined
  const drainSoon = (): Promise<void> => {
    draining ??= queue.run('', drain)
    return draining
  }
  /** while a drain runs: the follow-ups wait for it (the reading and the call log first, the drafts after) */
  let drainRunning: Promise<void> | undefined
  async function drain (): Promise<void> {
    let done!: () => void
    drainRunning = new Promise<void>((resolve) => { done = resolve })
    try { await drainInbox() } finally { drainRunning = undefined; done() }
  }
  async function drainInbox (): Promise<void> {
    for (;;) {
      if (inbox.length === 0) { draining = undefined; return } // an event read from now on starts the next drain
      const batch = inbox.splice(0, DRAIN_BATCH)
      if (batch.some((b) => b.ev.type === 'started')) prune(batch[0]!.at)
      await persist('looking up the calls of a batch', async () => { await rememberAll(batch.map((b) => b.ev)) })
      for (const { ev } of batch) {
        const turn = turnIfBusy()
        if (turn !== undefined) await turn
        try { applyInMemory(ev) } catch (err) { log.error({ err, linkedId: ev.linkedId, event: ev.type }, 'call pipeline: step failed; going on') }
        flow.eventDone()
      }
    }
  }

  // The call rows. A step changes the call in memory; one writer stores every call changed since its
  // last statement in one statement (a burst costs a statement per batch, not one per event), then
  // each effect follows up on its call — the draft, who holds it, the message to the screens — in
  // the call's own order, after its row (on PostgreSQL several calls' follow-ups side by side).
  const changed = new Set<string>()
  let effects: CallEffect[] = []
  let writing: Promise<void> | undefined
  const followUps = keyedQueue(lanes)
  const writeSoon = (): void => {
    writing ??= writeRows().finally(() => {
      writing = undefined
      if (changed.size > 0) writeSoon() // changed while the last statement was finishing
    })
  }
  async function writeRows (): Promise<void> {
    while (changed.size > 0) {
      const batch = [...changed].map((linkedId) => memory.get(linkedId)).filter((c): c is Call => c !== undefined)
      changed.clear()
      const due = effects
      effects = []
      const stored = await storeRows(batch)
      for (const effect of due) followUpInbox.push({ effect, row: stored.get(effect.call.linkedId) })
      followUpSoon()
    }
  }

  // The follow-ups, in rounds: a round takes every effect waiting (under load they pile up while a
  // round runs, so the rounds grow with the load), opens the drafts of its calls that started
  // ringing together (one identification read and one transaction for a chunk), then follows up
  // each effect on its call in the call's order; the next round starts when this one is over.
  type FollowUpItem = { effect: CallEffect, row: StoredCall | undefined }
  const followUpInbox: FollowUpItem[] = []
  let followingUp: Promise<void> | undefined
  const followUpSoon = (): void => {
    followingUp ??= followUpRounds().finally(() => {
      followingUp = undefined
      if (followUpInbox.length > 0) followUpSoon()
    })
  }
  async function followUpRounds (): Promise<void> {
    while (followUpInbox.length > 0) {
      // events being drained go first: a burst is read and its calls stored before their follow-ups
      while (drainRunning !== undefined) await drainRunning
      const round = followUpInbox.splice(0, FOLLOW_UP_ROUND)
      await openDrafts(round)
      // The rings of the round go first, on their own queue: a draft reaches the screens without
      // waiting for the answers and ends before it. The rest follows, each on its call's queue in
      // its call's order, side by side with the next rounds' rings.
      const { ringing, rest } = ringsFirst(round)
      await Promise.all(ringing.map(async (item) => { await ringFollowUps.run(lanes === 1 ? '' : item.effect.call.linkedId, async () => { await followUpOne(item) }) }))
      for (const item of rest) {
        const key = item.effect.call.linkedId
        behind.set(key, (behind.get(key) ?? 0) + 1)
        void followUps.run(lanes === 1 ? '' : key, async () => {
          try { await followUpOne(item) } finally {
            const left = behind.get(key)! - 1
            if (left === 0) behind.delete(key)
            else behind.set(key, left)
          }
        }).catch((err: unknown) => { log.error({ err, linkedId: key }, 'call pipeline: follow-up failed; going on') })
      }
    }
  }
  /** calls with follow-ups still queued behind the rings: a later effect of theirs waits its turn */
  const behind = new Map<string, number>()
  const ringFollowUps = keyedQueue(lanes)
  /** A round's ringing effects that are their call's first with nothing of it still queued; the rest in order. */
  function ringsFirst (round: readonly FollowUpItem[]): { ringing: FollowUpItem[], rest: FollowUpItem[] } {
    const ringing: FollowUpItem[] = []
    const rest: FollowUpItem[] = []
    const seen = new Set<string>()
    for (const item of round) {
      const key = item.effect.call.linkedId
      if (item.effect.type === 'call.ringing' && !seen.has(key) && !behind.has(key)) ringing.push(item)
      else rest.push(item)
      seen.add(key)
    }
    return { ringing, rest }
  }
  async function followUpOne ({ effect, row }: FollowUpItem): Promise<void> {
    const turn = turnIfBusy()
    if (turn !== undefined) await turn
    try {
      if (row === undefined) return // not stored (logged): nothing follows from it
      await persist(`${effect.type} ${effect.call.linkedId}`, async () => { await followUp(effect, row) })
    } finally { flow.followUpDone() }
  }

  /** Drafts opened together, found by the calls' own follow-ups (rang); a call whose draft could not be opened so opens its own. */
  const preopened = new Map<string, OpenedRequest>()
  async function openDrafts (round: readonly FollowUpItem[]): Promise<void> {
    if (deps.intake === undefined) return
    const ringing = new Map<string, Call>()
    for (const { effect, row } of round) {
      if (effect.type !== 'call.ringing' || row === undefined || row.keptEnded === true) continue
      if ((ids.get(effect.call.linkedId)?.entryId ?? row.entryId) === null) ringing.set(effect.call.linkedId, effect.call)
    }
    const calls = [...ringing.values()]
    for (let i = 0; i < calls.length; i += DRAFT_BATCH) {
      const chunk = calls.slice(i, i + DRAFT_BATCH)
      await persist(`opening the drafts of ${chunk.length} calls`, async () => {
        try {
          const opened = await deps.intake!.openMany(chunk.map((call) => ({ channel: 'phone', from: { phone: call.callerNumber }, arrivedAt: call.arrivedAt, externalKey: call.linkedId })))
          if (preopened.size > READ_AHEAD_LIMIT) preopened.clear() // never consumed (cannot happen): not kept forever
          opened.forEach((o, k) => preopened.set(chunk[k]!.linkedId, o))
        } catch (err) {
          if (isStorageUnavailable(err)) throw err // retried once the database is back
          log.warn({ err, calls: chunk.length }, 'call pipeline: the drafts of a batch could not be opened together; each call opens its own')
        }
      })
    }
  }

  /** The batch in one statement, again and again while the database is unreachable; a row it refuses alone, the others stored. */
  async function storeRows (batch: Call[]): Promise<Map<string, StoredCall>> {
    const out = new Map<string, StoredCall>()
    if (batch.length === 0) return out
    for (let attempt = 0; ; attempt++) {
      try {
        for (const row of await calls.saveMany(batch, deps.clock())) out.set(row.call.linkedId, row)
        if (attempt > 0) log.info({ attempts: attempt + 1 }, 'call pipeline: the database is back; going on')
        return out
      } catch (err) {
        if (!isStorageUnavailable(err) || closing) break
        if (attempt === 0) log.warn({ err: (err as Error).message, calls: batch.length }, 'call pipeline: the database is unreachable; the calls wait until it is back')
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 50 * 2 ** attempt)))
      }
    }
    for (const call of batch) {
      try { out.set(call.linkedId, await calls.save(call, deps.clock())) } catch (err) {
        log.error({ err, linkedId: call.linkedId }, 'call pipeline: the call could not be stored; going on')
      }
    }
    return out
  }
  /** Resolves once every change made so far is stored and followed up. */
  async function written (): Promise<void> {
    while (writing !== undefined || changed.size > 0 || followingUp !== undefined) {
      if (changed.size > 0) writeSoon()
      await writing
      await followingUp
    }
    await ringFollowUps.idle()
    await followUps.idle()
  }

  let closing = false
  /** Runs a step; while the database is unreachable, again and again (backoff up to 2 s) until it is back. */
  async function persist (what: string, work: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await work()
        if (attempt > 0) log.info({ what, attempts: attempt + 1 }, 'call pipeline: the database is back; going on')
        return
      } catch (err) {
        if (!isStorageUnavailable(err) || closing) {
          log.error({ err, what }, 'call pipeline: step failed; going on')
          return
        }
        if (attempt === 0) log.warn({ err: (err as Error).message, what }, 'call pipeline: the database is unreachable; the events wait until it is back')
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 50 * 2 ** attempt)))
      }
    }
  }

  function prune (now: Date): void {
    for (const [linkedId, call] of memory) {
      if (call.endedAt !== null && now.getTime() - call.endedAt.getTime() > keepEndedMs) {
        memory.delete(linkedId)
        ids.delete(linkedId)
      }
    }
  }

  /** A call we stored before (replay, restart) continues from its row instead of starting again. */
  function restored (stored: StoredCall): void {
    const linkedId = stored.call.linkedId
    memory.set(linkedId, stored.call)
    ids.set(linkedId, { id: stored.id, entryId: stored.entryId, userId: stored.answeredByUserId })
    // the PBX repeated a call that was over before (a restart): the ring the read-ahead sent is taken back
    if (stored.call.state === 'ended' && rung.delete(linkedId)) deps.withdraw?.(linkedId)
  }
  const mayBeStored = (ev: CallEvent): boolean => !memory.has(ev.linkedId) && (ev.type === 'started' || ev.type === 'alive' || ev.type === 'cdr')
  async function remember (linkedId: string): Promise<void> {
    if (memory.has(linkedId)) return
    const stored = await calls.byLinkedId(linkedId)
    if (stored !== undefined) restored(stored)
  }
  async function rememberAll (events: CallEvent[]): Promise<void> {
    const unknownIds = [...new Set(events.filter(mayBeStored).map((ev) => ev.linkedId))]
    for (let i = 0; i < unknownIds.length; i += 500) {
      for (const stored of await calls.byLinkedIds(unknownIds.slice(i, i + 500))) if (!memory.has(stored.call.linkedId)) restored(stored)
    }
  }

  // a specialist's phone calling out: answered, it calls back the number's missed calls
  const outgoing = new Map<string, OutgoingCall & { at: Date }>()
  function followOutgoing (ev: CallEvent): void {
    const placed = outgoingCall(ev, opts)
    if (placed !== undefined) {
      if (outgoing.size >= 1000) outgoing.delete(outgoing.keys().next().value!)
      outgoing.set(placed.linkedId, { ...placed, at: ev.at })
      return
    }
    const call = outgoing.get(ev.linkedId)
    if (call === undefined) return
    if (ev.type === 'hungup' && ev.channelId === call.linkedId) { outgoing.delete(ev.linkedId); return }
    if (!outgoingAnswered(call, ev)) return
    outgoing.delete(ev.linkedId)
    flow.followUpQueued()
    void followUps.run(lanes === 1 ? '' : call.linkedId, async () => {
      try {
        await persist(`outgoing call ${call.linkedId}`, async () => {
          const user = await deps.users.byExtension(call.extension)
          const settled = await calls.settleMissed(call.number, ev.at, null, user?.id ?? null, ev.at, 'outgoing')
          if (settled.length > 0) log.info({ linkedId: call.linkedId, extension: call.extension, settled }, 'outgoing call answered: the missed calls of the number are called back')
        })
      } finally { flow.followUpDone() }
    })
  }

  /** One event folded into its call (in memory); its effects go to the writer. */
  function applyInMemory (ev: CallEvent): void {
    if (!memory.has(ev.linkedId)) followOutgoing(ev)
    const r = step(memory.get(ev.linkedId), ev, opts)
    if (r.call === undefined) return
    memory.set(ev.linkedId, r.call)
    for (const effect of r.effects) perform(effect)
  }

  async function apply (ev: CallEvent): Promise<void> {
    if (mayBeStored(ev)) await remember(ev.linkedId)
    applyInMemory(ev)
  }

  /** rang: the draft is opened (once per call) and the caller identified, for the popup. */
  async function rang (call: Call, known: Known, message: CallMessage): Promise<void> {
    if (deps.intake === undefined) return
    const clog = { linkedId: call.linkedId }
    try {
      const pre = preopened.get(call.linkedId)
      preopened.delete(call.linkedId)
      if (known.entryId === null) {
        const opened = pre ?? await deps.intake.open({ channel: 'phone', from: { phone: call.callerNumber }, arrivedAt: call.arrivedAt, externalKey: call.linkedId })
        known.entryId = opened.entryId
        if (opened.entry !== undefined) message.entry = opened.entry
        message.caller = call.callerNumber === null ? null : opened.caller
        log.info({ ...clog, entryId: known.entryId, caller: call.callerNumber }, 'call ringing: draft opened')
      } else {
        message.caller = call.callerNumber === null ? null : await deps.intake.identify({ phone: call.callerNumber })
      }
    } catch (err) {
      if (isStorageUnavailable(err)) throw err // retried once the database is back
      log.error({ ...clog, err }, 'call ringing: the draft could not be opened')
    }
  }

  /** answered or transferred: who holds the call gets the draft; the first answer stays for statistics. */
  async function answered (effect: Extract<CallEffect, { type: 'call.answered' }>, known: Known, message: CallMessage): Promise<void> {
    const { call } = effect
    const clog = { linkedId: call.linkedId }
    const user = effect.holder === null ? undefined : await deps.users.byExtension(effect.holder)
    message.answeredBy = user === undefined ? null : { userId: user.id, fullName: user.fullName, extension: user.extension }
    if (!effect.transferred) {
      known.userId = user?.id ?? null
      await calls.setAnsweredBy(call.linkedId, known.userId, deps.clock())
      // the caller called again and was answered: their missed calls are called back by this one
      if (call.callerNumber !== null) {
        const settled = await calls.settleMissed(call.callerNumber, call.arrivedAt, known.id, known.userId, call.answeredAt ?? deps.clock(), 'answered')
        if (settled.length > 0) log.info({ ...clog, settled }, 'call answered: the missed calls of the number are called back')
      }
    }
    if (effect.holder !== null && user === undefined) log.warn({ ...clog, extension: effect.holder }, 'call answered by an extension no user has')
    if (user === undefined || known.entryId === null || deps.journal === undefined) return
    const r = await deps.journal.assign(known.entryId, user.id, { by: null, at: call.answeredAt ?? deps.clock() })
      .catch((err: unknown) => {
        if (isStorageUnavailable(err)) throw err // retried once the database is back
        log.error({ ...clog, err }, 'call answered: the draft could not be assigned')
        return undefined
      })
    if (r?.ok === true) message.entry = r.entry
    else if (r !== undefined) log.error({ ...clog, code: r.code }, 'call answered: the draft could not be assigned')
  }

  /**
   * A missed call is on the callback list, not a journal draft: its draft, untouched by anyone, is
   * dismissed with the reason (annulled: kept, never numbered). A draft someone began filling stays.
   */
  async function dismissMissedDraft (call: Call, known: Known, message: CallMessage): Promise<void> {
    const journal = deps.journal
    if (known.entryId === null || journal?.annul === undefined || journal.byId === undefined) return
    const e = await journal.byId(known.entryId)
    if (e === undefined || e.number !== null || e.annulment !== null) return
    if (e.type !== null || e.module !== null || (e.description ?? '').trim() !== '') return
    const r = await journal.annul(known.entryId, MISSED_DRAFT_REASON, { by: null, at: call.endedAt ?? deps.clock() })
    if (r.ok) message.entry = r.entry
    else log.warn({ linkedId: call.linkedId, code: r.code }, 'call missed: its draft could not be dismissed')
  }

  /** Folds a just-read event into the read-ahead; a call that starts ringing rings the screens now. */
  function readAhead (ev: CallEvent): void {
    if (deps.ring === undefined || overAhead.has(ev.linkedId)) return
    const r = step(ahead.get(ev.linkedId) ?? memory.get(ev.linkedId), ev, opts)
    if (r.call === undefined) return
    if (r.call.state === 'ended') {
      ahead.delete(ev.linkedId)
      overAhead.add(ev.linkedId)
      if (overAhead.size > READ_AHEAD_LIMIT) overAhead.delete(overAhead.values().next().value!)
    } else {
      if (ahead.size >= READ_AHEAD_LIMIT) ahead.delete(ahead.keys().next().value!)
      ahead.set(ev.linkedId, r.call)
    }
    if (!r.effects.some((e) => e.type === 'call.ringing') || rung.has(ev.linkedId)) return
    if (rung.size >= READ_AHEAD_LIMIT) rung.delete(rung.keys().next().value!)
    rung.add(ev.linkedId)
    try { deps.ring(r.call) } catch (err) { log.error({ linkedId: ev.linkedId, err }, 'call pipeline: ring failed') }
  }

  /** An effect of a step: its call's row is written with the next batch, then the effect is followed up. */
  function perform (effect: CallEffect): void {
    changed.add(effect.call.linkedId)
    if (effect.type !== 'call.updated') {
      effects.push(effect)
      flow.followUpQueued()
    }
    writeSoon()
  }

  async function followUp (effect: CallEffect, stored: StoredCall): Promise<void> {
    const call = effect.call
    const known = ids.get(call.linkedId) ?? { id: stored.id, entryId: stored.entryId, userId: stored.answeredByUserId }
    ids.set(call.linkedId, known)
    if (stored.keptEnded === true) {
      // the row had ended already (a replay): nothing to do
      if (memory.get(call.linkedId)?.state !== 'ended') memory.set(call.linkedId, stored.call)
      if (rung.delete(call.linkedId)) deps.withdraw?.(call.linkedId)
      return
    }
    if (effect.type === 'call.updated') return
    if (effect.type === 'call.ended') rung.delete(call.linkedId)
    const message: CallMessage = { type: effect.type, call, callId: known.id }
    if (effect.type === 'call.ringing') await rang(call, known, message)
    if (effect.type === 'call.answered') await answered(effect, known, message)
    if (effect.type === 'call.ended' && isMissed(call)) await dismissMissedDraft(call, known, message)
    if (effect.type === 'call.ended') log.info({ linkedId: call.linkedId, outcome: call.outcome, rejectReason: call.rejectReason, answeredBy: call.answeredBy }, 'call ended')
    if (deps.publish === undefined) return
    try { deps.publish(message) } catch (err) { log.error({ linkedId: call.linkedId, err }, 'call pipeline: publish failed') }
  }

  const reconcile = reconciler({ deps, memory, ids, apply, written, rang, answered, dismissMissedDraft })

  const pipeline: Pipeline = {
    handle: async (msg) => {
      const at = deps.clock()
      const ev = normalize(msg, at, { pbxTimeZone: deps.pbxTimeZone, centerTimeZone: deps.centerTimeZone })
      if (ev === undefined) {
        // unknown events are skipped; each new name is mentioned once (debug)
        if (isUnusedEvent(msg.name) && !unknown.has(msg.name) && unknown.size < 1000) {
          unknown.add(msg.name)
          log.debug({ event: msg.name }, 'AMI: event not used by the call tracking (skipped)')
        }
        return
      }
      if (ev.type === 'cdr') {
        const problem = liveRecordProblem(ev)
        if (problem !== undefined) {
          log.warn({ linkedId: ev.linkedId, problem, startedAt: ev.startedAt, answeredAt: ev.answeredAt, endedAt: ev.endedAt }, 'the PBX\'s record of a call refused: its times cannot be a call (check PBX_TIME_ZONE)')
          return
        }
      }
      readAhead(ev)
      inbox.push({ ev, at })
      flow.eventQueued()
      await drainSoon()
    },
    reconcile: async (ami) => { await exclusive('reconcile', async () => { await reconcile(ami) }) },
    idle: async () => { await exclusive('idle', async () => {}); await written() },
    close: async () => { closing = true; await exclusive('idle', async () => {}); await written() },
    attach: (ami) => {
      flow.attach(ami)
      ami.on('event', (msg) => { void pipeline.handle(msg) })
      ami.on('connected', () => { void pipeline.reconcile(ami) })
    },
    tracked: () => memory,
    backlog: () => ({ ...flow.state(), readAhead: ahead.size })
  }
  return pipeline
}
