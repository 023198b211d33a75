// The call tracking: AMI event → normalize → step → effects, on the calls it keeps in memory.
// It performs each effect: the call row, the draft through the shared intake (rang), the draft
// following who holds the call (answered, transferred), and the message to the screens. Work is
// serialised (one queue), so a reconcile after a (re)connect and the events that follow it never
// interleave (on PostgreSQL, different calls are worked on side by side, each call's events in
// order). When the queue grows past its high-water mark the pipeline stops reading AMI (the
// events wait in TCP, at the PBX) and reads again once it has caught up: no event is dropped and
// the memory stays bounded, whatever the rate. A step that fails because the database is
// unreachable (a restart) is retried until it is back; meanwhile the queue fills and the reading
// pauses, so the events of the outage are taken from TCP afterwards rather than lost.
import type { AmiClient, AmiLogger } from '../ami/client.js'
import type { AmiMessage } from '../ami/message.js'
import { isUnusedEvent, normalize } from '../ami/normalize.js'
import { liveCalls } from '../ami/live-calls.js'
import { step } from '../calls/step.js'
import type { Call, CallEffect, CallEvent } from '../calls/call.js'
import type { CallsRepository } from '../db/calls.repository.js'
import type { JournalService } from '../services/journal.service.js'
import type { User } from '../db/users.repository.js'
import type { Intake } from '../intake/intake.js'
import type { CallMessage } from '../push/call-messages.js'
import { keyedQueue } from '../util/serial-queue.js'
import { isConnectionError } from '../db/connection-errors.js'

export type { CallMessage }

export interface PipelineDeps {
  calls: CallsRepository
  users: { byExtension: (extension: string) => Promise<User | undefined> }
  /** Opens a ringing call's draft and identifies the caller (src/intake). */
  intake?: Intake
  /** The draft follows who answered (or took the transfer). */
  journal?: Pick<JournalService, 'assign'>
  helpdeskDid: string
  clock: () => Date
  log: AmiLogger
  publish?: (message: CallMessage) => void
  cdrTimeZone?: string
  /** ended calls stay in memory this long for late Cdr events and replays */
  keepEndedMs?: number
  /** events queued at which the AMI reading pauses (default 1000), and resumes (default a quarter of it) */
  highWater?: number
  lowWater?: number
  /**
   * Calls worked on side by side (default 1: every event in arrival order). Each call's events keep
   * their order in any case, and a reconcile runs alone. More than 1 pays only with a pool of
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
  /** Events and tasks queued and not done yet; the most there ever were. */
  backlog: () => { queued: number, peak: number, paused: boolean, pauses: number }
}

interface Known { id: number, entryId: number | null, userId: number | null }

export function createPipeline (deps: PipelineDeps): Pipeline {
  const { calls, log } = deps
  const opts = { helpdeskDid: deps.helpdeskDid }
  const memory = new Map<string, Call>()
  const ids = new Map<string, Known>()
  const keepEndedMs = deps.keepEndedMs ?? 10 * 60_000
  const lanes = Math.max(1, deps.lanes ?? 1)
  const queue = keyedQueue(lanes)
  /** a call's lane (one lane for all when there is one: exact arrival order); null: alone */
  const laneOf = (linkedId: string | null): string | null => linkedId === null ? null : lanes === 1 ? '' : linkedId
  const highWater = deps.highWater ?? 1000
  const lowWater = deps.lowWater ?? Math.floor(highWater / 4)
  const sources: AmiSource[] = []
  let paused = false
  let pauses = 0
  let peak = 0

  // Quiet changes (a dialplan variable, a leg's result) are written when the queue runs empty or
  // with the next notification, not one upsert per event: a ring reaches the screens sooner.
  const dirty = new Set<string>()
  const unknown = new Set<string>()
  let pending = 0
  const flush = async (): Promise<void> => {
    for (const linkedId of [...dirty]) {
      dirty.delete(linkedId)
      const call = memory.get(linkedId)
      if (call === undefined) continue
      try {
        await perform({ type: 'call.updated', call }, true)
      } catch (err) {
        if (isConnectionError(err)) dirty.add(linkedId) // written with the next flush
        throw err
      }
    }
  }
  const flushAlone = async (): Promise<void> => {
    try { await flush() } catch (err) { log.error({ err }, 'call pipeline: saving changes failed; going on') }
  }
  const enqueue = async (what: string, linkedId: string | null, work: () => Promise<void>): Promise<void> => {
    pending++
    if (pending > peak) peak = pending
    if (!paused && pending >= highWater) {
      paused = true
      pauses++
      log.debug({ queued: pending }, 'call pipeline: behind, AMI reading paused')
      for (const s of sources) s.pauseEvents()
    }
    const lane = laneOf(linkedId)
    await queue.run(lane, async () => {
      await persist(what, work)
      --pending
      if (paused && pending <= lowWater) {
        paused = false
        for (const s of sources) s.resumeEvents()
      }
      if (pending > 0) return
      // the quiet changes are written with nothing else running (a call's lane could overtake them otherwise)
      if (lane === null || lanes === 1) await flushAlone()
      else void queue.run(null, flushAlone)
    })
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
        if (!isConnectionError(err) || closing) {
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

  async function remember (linkedId: string): Promise<void> {
    if (memory.has(linkedId)) return
    const stored = await calls.byLinkedId(linkedId)
    if (stored === undefined) return
    memory.set(linkedId, stored.call)
    ids.set(linkedId, { id: stored.id, entryId: stored.entryId, userId: stored.answeredByUserId })
  }

  async function apply (ev: CallEvent): Promise<void> {
    // a call we stored before (replay, restart) continues from its row instead of starting again
    if (!memory.has(ev.linkedId) && (ev.type === 'started' || ev.type === 'alive' || ev.type === 'cdr')) await remember(ev.linkedId)
    const before = memory.get(ev.linkedId)
    const r = step(before, ev, opts)
    if (r.call === undefined) return
    memory.set(ev.linkedId, r.call)
    try {
      for (const effect of r.effects) await perform(effect)
    } catch (err) {
      // the step is to be done again (persist retries it): from the call as it was before
      if (isConnectionError(err)) {
        if (before === undefined) memory.delete(ev.linkedId)
        else memory.set(ev.linkedId, before)
      }
      throw err
    }
  }

  /** rang: the draft is opened (once per call) and the caller identified, for the popup. */
  async function rang (call: Call, known: Known, message: CallMessage): Promise<void> {
    if (deps.intake === undefined) return
    const clog = { linkedId: call.linkedId }
    try {
      if (known.entryId === null) {
        const opened = await deps.intake.open({ channel: 'phone', from: { phone: call.callerNumber }, arrivedAt: call.arrivedAt, externalKey: call.linkedId })
        known.entryId = opened.entryId
        if (opened.entry !== undefined) message.entry = opened.entry
        message.caller = call.callerNumber === null ? null : opened.caller
        log.info({ ...clog, entryId: known.entryId, caller: call.callerNumber }, 'call ringing: draft opened')
      } else {
        message.caller = call.callerNumber === null ? null : await deps.intake.identify({ phone: call.callerNumber })
      }
    } catch (err) {
      if (isConnectionError(err)) throw err // retried once the database is back
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
    }
    if (effect.holder !== null && user === undefined) log.warn({ ...clog, extension: effect.holder }, 'call answered by an extension no user has')
    if (user === undefined || known.entryId === null || deps.journal === undefined) return
    const r = await deps.journal.assign(known.entryId, user.id, { by: null, at: call.answeredAt ?? deps.clock() })
      .catch((err: unknown) => {
        if (isConnectionError(err)) throw err // retried once the database is back
        log.error({ ...clog, err }, 'call answered: the draft could not be assigned')
        return undefined
      })
    if (r?.ok === true) message.entry = r.entry
    else if (r !== undefined) log.error({ ...clog, code: r.code }, 'call answered: the draft could not be assigned')
  }

  async function perform (effect: CallEffect, now = false): Promise<void> {
    const call = effect.call
    if (effect.type === 'call.updated' && !now) {
      dirty.add(call.linkedId)
      return
    }
    dirty.delete(call.linkedId)
    const stored = await calls.save(call, deps.clock())
    const known = ids.get(call.linkedId) ?? { id: stored.id, entryId: stored.entryId, userId: stored.answeredByUserId }
    ids.set(call.linkedId, known)
    if (stored.call.state === 'ended' && call.state !== 'ended') {
      memory.set(call.linkedId, stored.call) // the row had ended already (replay): nothing to do
      return
    }
    if (effect.type === 'call.updated') return
    const message: CallMessage = { type: effect.type, call, callId: known.id }
    if (effect.type === 'call.ringing') await rang(call, known, message)
    if (effect.type === 'call.answered') await answered(effect, known, message)
    if (effect.type === 'call.ended') log.info({ linkedId: call.linkedId, outcome: call.outcome, rejectReason: call.rejectReason, answeredBy: call.answeredBy }, 'call ended')
    if (deps.publish === undefined) return
    try { deps.publish(message) } catch (err) { log.error({ linkedId: call.linkedId, err }, 'call pipeline: publish failed') }
  }

  async function reconcile (ami: Pick<AmiClient, 'action'>): Promise<void> {
    const at = deps.clock()
    for (const stored of await calls.open()) {
      if (!memory.has(stored.call.linkedId)) {
        memory.set(stored.call.linkedId, stored.call)
        ids.set(stored.call.linkedId, { id: stored.id, entryId: stored.entryId, userId: stored.answeredByUserId })
      }
    }
    const alive = await liveCalls(ami, at, { needsVariables: (linkedId) => memory.get(linkedId)?.decision == null, log })
    if (alive === undefined) return
    const live = new Set(alive.map((a) => a.linkedId))
    for (const ev of alive) await apply(ev)
    for (const [linkedId, call] of memory) {
      if (call.state !== 'ended' && !live.has(linkedId)) {
        log.warn({ linkedId }, 'reconcile: a call ended while we were not listening')
        await apply({ type: 'lost', linkedId, at })
      }
    }
    log.info({ live: live.size, tracked: [...memory.values()].filter((c) => c.state !== 'ended').length }, 'reconciled calls with the PBX')
  }

  const pipeline: Pipeline = {
    handle: async (msg) => {
      const at = deps.clock()
      const ev = normalize(msg, at, { cdrTimeZone: deps.cdrTimeZone })
      if (ev === undefined) {
        // unknown events are skipped; each new name is mentioned once (debug)
        if (isUnusedEvent(msg.name) && !unknown.has(msg.name) && unknown.size < 1000) {
          unknown.add(msg.name)
          log.debug({ event: msg.name }, 'AMI: event not used by the call tracking (skipped)')
        }
        return
      }
      await enqueue(`${msg.name} ${ev.linkedId}`, ev.linkedId, async () => {
        if (ev.type === 'started') prune(at)
        await apply(ev)
      })
    },
    reconcile: async (ami) => { await enqueue('reconcile', null, async () => { await reconcile(ami) }) },
    idle: async () => { await enqueue('idle', null, async () => {}) },
    close: async () => { closing = true; await enqueue('idle', null, async () => {}) },
    attach: (ami) => {
      sources.push(ami)
      if (paused) ami.pauseEvents()
      ami.on('event', (msg) => { void pipeline.handle(msg) })
      ami.on('connected', () => { void pipeline.reconcile(ami) })
    },
    tracked: () => memory,
    backlog: () => ({ queued: pending, peak, paused, pauses })
  }
  return pipeline
}
