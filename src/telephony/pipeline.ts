// The call tracking: AMI event → normalize → step → effects, on the calls it keeps in memory.
// It performs each effect: the call row, the draft through the shared intake (rang), the draft
// following who holds the call (answered, transferred), and the message to the screens. Work is
// serialised (one queue), so a reconcile after a (re)connect and the events that follow it never
// interleave.
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
import { serialQueue } from '../util/serial-queue.js'

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
}

/** The AMI side the pipeline needs (AmiClient satisfies it). */
export type AmiSource = Pick<AmiClient, 'on' | 'action'>

export interface Pipeline {
  /** Feeds one AMI message (normally wired to the client's 'event'). */
  handle: (msg: AmiMessage) => Promise<void>
  /** After a (re)connect: restore open calls, compare with the PBX's channels. */
  reconcile: (ami: Pick<AmiClient, 'action'>) => Promise<void>
  /** Resolves when everything queued so far is done. */
  idle: () => Promise<void>
  /** Subscribes to a client: events and reconnects. */
  attach: (ami: AmiSource) => void
  tracked: () => ReadonlyMap<string, Call>
}

interface Known { id: number, entryId: number | null, userId: number | null }

export function createPipeline (deps: PipelineDeps): Pipeline {
  const { calls, log } = deps
  const opts = { helpdeskDid: deps.helpdeskDid }
  const memory = new Map<string, Call>()
  const ids = new Map<string, Known>()
  const keepEndedMs = deps.keepEndedMs ?? 10 * 60_000
  const queue = serialQueue()

  // Quiet changes (a dialplan variable, a leg's result) are written when the queue runs empty or
  // with the next notification, not one upsert per event: a ring reaches the screens sooner.
  const dirty = new Set<string>()
  const unknown = new Set<string>()
  let pending = 0
  const flush = async (): Promise<void> => {
    for (const linkedId of [...dirty]) {
      dirty.delete(linkedId)
      const call = memory.get(linkedId)
      if (call !== undefined) await perform({ type: 'call.updated', call }, true)
    }
  }
  const enqueue = async (what: string, work: () => Promise<void>): Promise<void> => {
    pending++
    await queue.run(async () => {
      try { await work() } catch (err) { log.error({ err, what }, 'call pipeline: step failed; going on') }
      if (--pending > 0) return
      try { await flush() } catch (err) { log.error({ err }, 'call pipeline: saving changes failed; going on') }
    })
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
    const r = step(memory.get(ev.linkedId), ev, opts)
    if (r.call === undefined) return
    memory.set(ev.linkedId, r.call)
    for (const effect of r.effects) await perform(effect)
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
      .catch((err: unknown) => { log.error({ ...clog, err }, 'call answered: the draft could not be assigned'); return undefined })
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
      await enqueue(`${msg.name} ${ev.linkedId}`, async () => {
        if (ev.type === 'started') prune(at)
        await apply(ev)
      })
    },
    reconcile: async (ami) => { await enqueue('reconcile', async () => { await reconcile(ami) }) },
    idle: async () => { await enqueue('idle', async () => {}) },
    attach: (ami) => {
      ami.on('event', (msg) => { void pipeline.handle(msg) })
      ami.on('connected', () => { void pipeline.reconcile(ami) })
    },
    tracked: () => memory
  }
  return pipeline
}
