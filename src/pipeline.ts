// AMI event → normalize → step → effects: the one place where the call tracking meets storage,
// the journal and the realtime push. Work is serialised (one queue), so a reconcile after a
// (re)connect and the events that follow it never interleave.
import { AmiClient, type AmiClientOptions, type AmiEndpoint, type AmiLogger } from './ami/client.js'
import { startPbxStateWriter } from './ami/pbx-state.js'
import type { Database, Db } from './db/database.js'
import { callsRepository, type CallsRepository } from './db/calls.repository.js'
import { journalRepository } from './db/journal.repository.js'
import { organizationsRepository } from './db/organizations.repository.js'
import { usersRepository } from './db/users.repository.js'
import type { CalendarService } from './services/calendar.service.js'
import type { AmiMessage } from './ami/message.js'
import { aliveCalls, isUnusedEvent, normalize, statusVariables, DECISION_VARIABLE, RECORDING_VARIABLE } from './ami/normalize.js'
import { step } from './calls/step.js'
import type { Call, CallEffect, CallEvent } from './calls/call.js'
import type { JournalRepositoryOptions, NewDraft } from './db/journal.repository.js'

/** A journal entry as the realtime layer forwards it (the journal's Entry). */
export type DraftEntry = { id: number } & Record<string, unknown>

/**
 * What the realtime layer receives (popups on the specialists' screens); the shape of the push
 * hub's publishCall() input. `entry` is there when the draft was opened or changed by this step.
 */
export interface CallMessage {
  type: 'call.ringing' | 'call.answered' | 'call.ended'
  call: Call
  /** the call's row id in the call log */
  callId: number
  entry?: DraftEntry
}

/** The journal side of a call: drafts. journalDraftPort() implements it over the journal repository. */
export interface DraftPort {
  /**
   * Opens the draft entry of a stored call in hours (channel phone, contact = the caller as known,
   * else the number) and links it to the call row; returns the linked one if there is one already
   * (then without `entry`).
   */
  openDraft: (input: { linkedId: string, callerNumber: string | null, at: Date }) => Promise<{ entryId: number, entry?: DraftEntry }>
  /** The specialist who answered gets the draft. */
  assign: (entryId: number, userId: number, at: Date) => Promise<DraftEntry | undefined>
}

export interface PipelineDeps {
  calls: CallsRepository
  users: { byExtension: (extension: string) => Promise<{ id: number } | undefined> }
  drafts?: DraftPort
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

export function createPipeline (deps: PipelineDeps): Pipeline {
  const { calls, log } = deps
  const opts = { helpdeskDid: deps.helpdeskDid }
  const memory = new Map<string, Call>()
  const ids = new Map<string, { id: number, entryId: number | null, userId: number | null }>()
  const keepEndedMs = deps.keepEndedMs ?? 10 * 60_000
  let queue: Promise<void> = Promise.resolve()

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
    const run = queue.then(work).catch((err: unknown) => { log.error({ err, what }, 'call pipeline: step failed; going on') })
      .then(async () => { if (--pending === 0) await flush() })
      .catch((err: unknown) => { log.error({ err }, 'call pipeline: saving changes failed; going on') })
    queue = run
    await run
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

  async function perform (effect: CallEffect, now = false): Promise<void> {
    const call = effect.call
    if (effect.type === 'call.updated' && !now) {
      dirty.add(call.linkedId)
      return
    }
    dirty.delete(call.linkedId)
    const stored = await calls.save(call)
    const known = ids.get(call.linkedId) ?? { id: stored.id, entryId: stored.entryId, userId: stored.answeredByUserId }
    ids.set(call.linkedId, known)
    const clog = { linkedId: call.linkedId }
    if (stored.call.state === 'ended' && call.state !== 'ended') {
      memory.set(call.linkedId, stored.call) // the row had ended already (replay): nothing to do
      return
    }
    let entry: DraftEntry | undefined
    if (effect.type === 'call.ringing') {
      if (known.entryId === null && deps.drafts !== undefined) {
        try {
          const opened = await deps.drafts.openDraft({ linkedId: call.linkedId, callerNumber: call.callerNumber, at: call.arrivedAt })
          known.entryId = opened.entryId
          entry = opened.entry
          log.info({ ...clog, entryId: known.entryId, caller: call.callerNumber }, 'call ringing: draft opened')
        } catch (err) {
          log.error({ ...clog, err }, 'call ringing: the draft could not be opened')
        }
      }
    }
    const holder = call.transferredTo ?? call.answeredBy
    if (effect.type === 'call.answered' && holder !== null) {
      const user = await deps.users.byExtension(holder)
      // who answered stays the first specialist (statistics); after a transfer the draft follows the call
      if (call.transferredTo === null) {
        known.userId = user?.id ?? null
        await calls.setAnsweredBy(call.linkedId, known.userId)
      }
      if (user === undefined) log.warn({ ...clog, extension: holder }, 'call answered by an extension no user has')
      if (user !== undefined && known.entryId !== null && deps.drafts !== undefined) {
        entry = await deps.drafts.assign(known.entryId, user.id, call.answeredAt ?? deps.clock())
          .catch((err: unknown) => { log.error({ ...clog, err }, 'call answered: the draft could not be assigned'); return undefined })
      }
    }
    if (effect.type === 'call.ended') log.info({ ...clog, outcome: call.outcome, rejectReason: call.rejectReason, answeredBy: call.answeredBy }, 'call ended')
    if (effect.type !== 'call.updated' && deps.publish !== undefined) {
      const message: CallMessage = { type: effect.type, call, callId: known.id }
      if (entry !== undefined) message.entry = entry
      try { deps.publish(message) } catch (err) { log.error({ ...clog, err }, 'call pipeline: publish failed') }
    }
  }

  async function reconcile (ami: Pick<AmiClient, 'action'>): Promise<void> {
    const at = deps.clock()
    for (const stored of await calls.open()) {
      if (!memory.has(stored.call.linkedId)) {
        memory.set(stored.call.linkedId, stored.call)
        ids.set(stored.call.linkedId, { id: stored.id, entryId: stored.entryId, userId: stored.answeredByUserId })
      }
    }
    let items: AmiMessage[]
    try {
      items = (await ami.action({ Action: 'CoreShowChannels' })).items
    } catch (err) {
      log.warn({ err }, 'reconcile: CoreShowChannels failed; calls in progress are left as they are')
      return
    }
    const variables = new Map<string, Record<string, string>>()
    const firstChannels = items.filter((i) => i.headers.uniqueid !== undefined && i.headers.uniqueid === i.headers.linkedid)
    for (const item of firstChannels) {
      const linkedId = item.headers.linkedid!
      if (memory.get(linkedId)?.decision != null) continue
      try {
        const st = await ami.action({ Action: 'Status', Channel: item.headers.channel ?? '', Variables: `${DECISION_VARIABLE},${RECORDING_VARIABLE}` })
        const status = st.items.find((s) => s.name === 'Status')
        if (status !== undefined) variables.set(linkedId, statusVariables(status))
      } catch (err) {
        log.debug({ err, linkedId }, 'reconcile: Status failed (the channel may have just hung up)')
      }
    }
    const alive = aliveCalls(items, at, variables)
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

/**
 * The DraftPort over the journal's repositories. Opening a draft and linking it to the call row
 * happen in one transaction with the call row locked: a replay, a reconnect or a crash between
 * the two can never leave a second draft for one call.
 */
export function journalDraftPort (db: Db, journalOptions: JournalRepositoryOptions = {}): DraftPort {
  return {
    openDraft: async ({ linkedId, callerNumber, at }) => await db.transaction().execute(async (trx) => {
      const calls = callsRepository(trx)
      const existing = await calls.lockForDraft(linkedId)
      if (existing === undefined) throw new Error(`call ${linkedId} is not stored`)
      if (existing !== null) return { entryId: existing }
      const journal = journalRepository(trx, journalOptions)
      const fields: NewDraft = { channel: 'phone', callerNumber, callId: linkedId }
      if (callerNumber !== null) {
        // the caller as known: a directory contact with this phone, else the latest entry from it
        const [contact] = await organizationsRepository(trx).findByPhone(callerNumber)
        if (contact !== undefined) {
          fields.contactId = contact.id
          if (contact.organizationId !== null) fields.organizationId = contact.organizationId
        } else {
          const [earlier] = await journal.byCallerNumber(callerNumber, 1)
          if (earlier !== undefined) {
            if (earlier.contactId !== null) fields.contactId = earlier.contactId
            else if (earlier.contactText !== null) fields.contactText = earlier.contactText
            if (earlier.organizationId !== null) fields.organizationId = earlier.organizationId
            else if (earlier.organizationName !== null) fields.organizationName = earlier.organizationName
          }
        }
      }
      const entry = await journal.createDraft(fields, { by: null, at })
      await calls.linkEntry(linkedId, entry.id)
      return { entryId: entry.id, entry: { ...entry } }
    }),
    assign: async (entryId, userId, at) => {
      const r = await journalRepository(db, journalOptions).assign(entryId, userId, { by: null, at })
      if (!r.ok) throw new Error(`${r.code}: ${r.message}`)
      return { ...r.entry }
    }
  }
}

export interface TelephonyDeps {
  endpoint: AmiEndpoint | undefined
  helpdeskDid: string
  database: Database
  calendar: Pick<CalendarService, 'current' | 'onChange'>
  /** where call.ringing / call.answered / call.ended go (the push hub's publishCall) */
  publishCall?: (message: CallMessage) => Promise<unknown>
  clock: () => Date
  log: AmiLogger
  client?: Partial<AmiClientOptions>
  /** compare with the PBX's channel list this often even without a reconnect (a missed Hangup); default 15 min */
  reconcileEveryMs?: number
}

export interface Telephony {
  /** for /health: 'disabled' without AMI_URL */
  status: () => 'disabled' | 'connected' | 'disconnected'
  client: AmiClient | undefined
  pipeline: Pipeline | undefined
  /** Connects to the PBX (on the elected instance: when it becomes the leader). */
  start: () => void
  /** Disconnects from the PBX (the leader stepped down); start() connects again. */
  stop: () => Promise<void>
  /** Disconnects for good and waits for the work queued so far. */
  close: () => Promise<void>
}

/** The AMI side of the service: client + pipeline + AstDB state writer; start() connects. */
export function createTelephony (deps: TelephonyDeps): Telephony {
  if (deps.endpoint === undefined) {
    return {
      status: () => 'disabled',
      client: undefined,
      pipeline: undefined,
      start: () => { deps.log.info({}, 'AMI_URL is not set: no PBX connection (the call log stays empty)') },
      stop: async () => {},
      close: async () => {}
    }
  }
  const db = deps.database.db
  const client = new AmiClient({ endpoint: deps.endpoint, log: deps.log, clock: deps.clock, ...deps.client })
  const pipeline = createPipeline({
    calls: callsRepository(db),
    users: usersRepository(db),
    drafts: journalDraftPort(db, { currentCalendar: () => deps.calendar.current(), clock: deps.clock }),
    helpdeskDid: deps.helpdeskDid,
    clock: deps.clock,
    log: deps.log,
    publish: deps.publishCall === undefined
      ? undefined
      : (m) => { deps.publishCall!(m).catch((err: unknown) => { deps.log.error({ err, type: m.type, linkedId: m.call.linkedId }, 'publishing a call failed') }) }
  })
  pipeline.attach(client)
  const writer = startPbxStateWriter({ ami: client, calendar: deps.calendar, clock: deps.clock, log: deps.log })
  const periodic = setInterval(() => { if (client.status.state === 'connected') void pipeline.reconcile(client) }, deps.reconcileEveryMs ?? 15 * 60_000)
  periodic.unref()
  let running = false
  const stop = async (): Promise<void> => { running = false; await client.stop() }
  return {
    status: () => running && client.status.state === 'connected' ? 'connected' : 'disconnected',
    client,
    pipeline,
    start: () => { running = true; client.start() },
    stop,
    close: async () => {
      clearInterval(periodic)
      writer.stop()
      await stop()
      await pipeline.idle()
    }
  }
}
