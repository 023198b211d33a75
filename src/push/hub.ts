// The realtime hub of one instance: every message is stored in the push log (which NOTIFYs all
// instances) and reaches every screen through three parts: delivery.ts (each stored message once,
// in id order, whichever instance stored it), sockets.ts (this instance's screens: replay, greeting,
// heartbeat) and presence.ts (who is at a screen or on a call, across instances).
import os from 'node:os'
import { randomBytes } from 'node:crypto'
import type { WebSocket } from 'ws'
import type { Database } from '../db/database.js'
import { pushRepository, PUSH_CHANNEL, type CallMessageRow, type PushRepository } from '../db/push.repository.js'
import type { User, UsersRepository } from '../db/users.repository.js'
import { serialQueue } from '../util/serial-queue.js'
import { turnIfBusy } from '../util/event-loop.js'
import { isStorageUnavailable } from '../db/connection-errors.js'
import { listen, type Listener } from './listener.js'
import { callPayload, toSnapshot, type CallMessage } from './call-messages.js'
import { Delivery } from './delivery.js'
import { Sockets } from './sockets.js'
import { Presence } from './presence.js'
import { toCallView, type BroadcastType, type CallerView, type CallSnapshot, type LiveType, type PresenceView, type ServerMessages } from './messages.js'
import type { Call } from '../calls/call.js'

export { SESSION_ENDED_CODE } from './sockets.js'
export type { CallMessage }

export interface HubLogger {
  debug: (obj: object, msg: string) => void
  info: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
  error: (obj: object, msg: string) => void
}

export interface PushHubOptions {
  database: Database
  users: UsersRepository
  clock: () => Date
  log: HubLogger
  /** Unique per process; names this instance's presence rows. */
  instanceId?: string
  /** Ping period; a socket that did not answer the previous ping is dropped. */
  heartbeatMs?: number
  /** How long the push log keeps messages (a reconnect after longer gets gap: true). */
  retentionMs?: number
  /** The intake's identification, for a call.ringing whose publisher gave no caller. */
  identifyCaller?: (from: { phone: string }) => Promise<CallerView | null>
  /**
   * Is the session behind a socket still valid (not logged out, expired, or its user disabled)?
   * Checked every heartbeat; a socket whose session ended is closed with SESSION_ENDED_CODE.
   */
  sessionAlive?: (token: string) => Promise<boolean>
  /** At most this many messages are replayed to one reconnecting socket (more → gap: true). */
  maxReplay?: number
}

const MAX_WAITING = 10_000
/** Call messages stored in one transaction at most. */
const CALL_BATCH = 200

export type Publish = <K extends BroadcastType>(type: K, payload: ServerMessages[K]) => Promise<number>

/** A call with no message for this long is not "in progress" any more (its end was lost). */
const CALL_STALE_MS = 12 * 3600_000

export class PushHub {
  readonly instanceId: string
  private readonly repo: PushRepository
  private readonly delivery: Delivery
  private readonly sockets: Sockets
  private readonly presenceList: Presence
  /** calls are stored in the order they were handed over */
  private readonly callQueue = serialQueue()
  private listener: Listener | undefined
  private timer: NodeJS.Timeout | undefined
  private lastPrune = 0
  private housekeeping = false
  private closing = false
  private readonly waiting: Array<{ type: BroadcastType, payload: Record<string, unknown> }> = []
  private retrying: NodeJS.Timeout | undefined
  private readonly heartbeatMs: number
  private readonly retentionMs: number

  constructor (private readonly opts: PushHubOptions) {
    this.repo = pushRepository(opts.database.liveDb)
    this.instanceId = opts.instanceId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
    this.heartbeatMs = opts.heartbeatMs ?? 25_000
    this.retentionMs = opts.retentionMs ?? 24 * 3600_000
    this.delivery = new Delivery(this.repo, (m) => { this.sockets.broadcast(m) }, (err) => {
      opts.log.error({ err: (err as Error).message }, 'push: delivery failed')
    })
    this.presenceList = new Presence({
      repo: this.repo, users: opts.users, instanceId: this.instanceId, clock: opts.clock, log: opts.log,
      ttlMs: this.heartbeatMs * 3, callStaleMs: CALL_STALE_MS,
      publish: async (specialists) => await this.publish('presence', { specialists }),
      inLine: async (fn) => await this.callQueue.run(fn)
    })
    this.sockets = new Sockets({
      repo: this.repo, clock: opts.clock, log: opts.log, maxReplay: opts.maxReplay ?? 1000, sessionAlive: opts.sessionAlive,
      snapshot: async () => { const [calls, presence] = await Promise.all([this.calls(), this.presence()]); return { calls, presence } },
      joined: (user) => { this.presenceList.joined(user) },
      left: (user) => { this.presenceList.left(user) }
    })
  }

  /** Starts listening for the other instances' messages and the heartbeat. */
  async start (): Promise<void> {
    await this.delivery.start()
    this.listener = await listen({
      database: this.opts.database,
      channel: PUSH_CHANNEL,
      log: this.opts.log,
      onId: (id) => { this.delivery.heard(id) },
      onLive: (payload) => { this.heardLive(payload) },
      onReady: () => { this.delivery.catchUp() }
    })
    this.timer = setInterval(() => { void this.tick() }, this.heartbeatMs)
    this.timer.unref()
  }

  get listening (): boolean { return this.listener?.connected ?? false }
  get socketCount (): number { return this.sockets.count }

  /**
   * Stores a message for every screen of every instance; resolves with its id once stored. The
   * messages handed over while one statement runs are stored together by the next, in order (a
   * burst of drafts costs a statement per batch, not one per draft).
   */
  readonly publish: Publish = async (type, payload) => await new Promise<number>((resolve, reject) => {
    this.messagesWaiting.push({ type, payload: payload as unknown as Record<string, unknown>, resolve, reject })
    if (this.messagesWaiting.length === 1) void this.messageQueue.run(async () => { await this.storeWaitingMessages() })
  })

  private readonly messageQueue = serialQueue()
  private readonly messagesWaiting: Array<{ type: BroadcastType, payload: Record<string, unknown>, resolve: (id: number) => void, reject: (err: unknown) => void }> = []

  /** The messages waiting, in one statement; one the database refuses is stored alone so it takes no other with it. */
  private async storeWaitingMessages (): Promise<void> {
    const batch = this.messagesWaiting.splice(0, CALL_BATCH)
    if (this.messagesWaiting.length > 0) void this.messageQueue.run(async () => { await this.storeWaitingMessages() })
    try {
      const stored = await this.repo.appendMany(batch, this.opts.clock())
      stored.forEach((msg, i) => { this.delivery.stored(msg); batch[i]!.resolve(msg.id) })
    } catch (err) {
      if (batch.length === 1 || isStorageUnavailable(err)) { for (const b of batch) b.reject(err); return }
      for (const b of batch) {
        try {
          const msg = await this.repo.append(b.type, b.payload, this.opts.clock())
          this.delivery.stored(msg)
          b.resolve(msg.id)
        } catch (one) { b.reject(one) }
      }
    }
  }

  /**
   * The PBX rings the phones: the popup opens now, from what the call tracking read, not after the
   * call's writes (its draft and who is calling follow in call.ringing). Live only: not stored.
   */
  readonly ring = (call: Call): void => { this.sendLive('call.ring', { call: toCallView(call) }) }

  /** A ring that was no new call (the PBX repeated one already over): its popup leaves. */
  readonly withdraw = (linkedId: string): void => { this.sendLive('call.withdrawn', { call: { linkedId } }) }

  private sendLive<K extends LiveType> (type: K, payload: ServerMessages[K]): void {
    if (this.closing) return
    const frame = { type, at: this.opts.clock().toISOString(), ...payload }
    this.sockets.broadcastLive(JSON.stringify(frame))
    this.listener?.tell(JSON.stringify({ from: this.instanceId, frame }))
  }

  private heardLive (payload: string): void {
    let told: unknown
    try { told = JSON.parse(payload) } catch { return }
    if (typeof told !== 'object' || told === null) return
    const { from, frame } = told as { from?: unknown, frame?: { type?: unknown } }
    if (from === this.instanceId || typeof frame !== 'object' || frame === null) return // our own went out already
    if (frame.type !== 'call.ring' && frame.type !== 'call.withdrawn') return
    this.sockets.broadcastLive(JSON.stringify(frame))
  }

  /**
   * For a change already committed (an entry saved): stored now, or, when the database cannot take
   * it (restart, full disk), kept in order and stored once it can, so the screens still learn of it.
   * Bounded: past MAX_WAITING messages the oldest are given up with an error line (the journal holds
   * the change; a screen shows it at its next reload).
   */
  readonly publishCommitted = async <K extends BroadcastType>(type: K, payload: ServerMessages[K]): Promise<void> => {
    if (this.waiting.length === 0) {
      try { await this.publish(type, payload); return } catch (err) {
        if (!isStorageUnavailable(err) || this.closing) throw err
        this.opts.log.warn({ err: (err as Error).message, type }, 'push: the database cannot store the message now; it waits until it can')
      }
    }
    this.waiting.push({ type, payload: payload as unknown as Record<string, unknown> })
    if (this.waiting.length > MAX_WAITING) this.opts.log.error({ dropped: this.waiting.splice(0, this.waiting.length - MAX_WAITING).length }, 'push: too many messages wait for the database; the oldest are given up')
    this.retryWaiting()
  }

  private retryWaiting (attempt = 0): void {
    if (this.retrying !== undefined || this.waiting.length === 0) return
    this.retrying = setTimeout(() => {
      this.retrying = undefined
      void this.storeWaiting().then((stored) => { this.retryWaiting(stored ? 0 : attempt + 1) })
    }, Math.min(5000, 100 * 2 ** attempt))
    this.retrying.unref()
  }

  /** Stores the waiting messages in order; false when the database still refuses. */
  private async storeWaiting (): Promise<boolean> {
    while (this.waiting.length > 0) {
      const next = this.waiting[0]!
      try {
        const msg = await this.repo.append(next.type, next.payload, this.opts.clock())
        this.delivery.stored(msg)
        this.waiting.shift()
      } catch (err) {
        if (!isStorageUnavailable(err)) {
          this.opts.log.error({ err, type: next.type }, 'push: a waiting message cannot be stored; given up')
          this.waiting.shift()
          continue
        }
        return false
      }
    }
    return true
  }

  /** Messages of committed changes waiting for the database (/health and the tests read it). */
  get waitingCount (): number { return this.waiting.length }

  /**
   * The telephony's hook: turns a call effect into call.ringing / call.answered / call.ended.
   * Calls are stored in the order they were handed over even when the caller does not await
   * (a ringing that is still identifying its caller is never overtaken by its answer); the messages
   * waiting meanwhile are stored together, in one transaction.
   */
  readonly publishCall = async (push: CallMessage): Promise<number> => await new Promise<number>((resolve, reject) => {
    this.callsWaiting.push({ push, resolve, reject })
    if (this.callsWaiting.length === 1) void this.callQueue.run(async () => { await this.storeWaitingCalls() })
  })

  private readonly callsWaiting: Array<{ push: CallMessage, resolve: (id: number) => void, reject: (err: unknown) => void }> = []

  /** The call messages waiting, in order; a database restart delays them (retried until stored), it does not lose them. */
  private async storeWaitingCalls (): Promise<void> {
    const turn = turnIfBusy() // a backlog of messages must not keep the event loop from the sockets (PGlite)
    if (turn !== undefined) await turn
    const batch = this.callsWaiting.splice(0, CALL_BATCH)
    if (this.callsWaiting.length > 0) void this.callQueue.run(async () => { await this.storeWaitingCalls() })
    let rows: CallMessageRow[] = []
    for (let attempt = 0; ; attempt++) {
      try {
        // the payloads' lookups (who answered) are retried with the statement: a restart delays them too
        rows = await Promise.all(batch.map(async ({ push }) => await this.callRow(push)))
        const stored = await this.repo.appendCalls(rows, this.opts.clock())
        stored.forEach((msg, i) => { this.delivery.stored(msg); batch[i]!.resolve(msg.id) })
        break
      } catch (err) {
        if (isStorageUnavailable(err) && !this.closing) {
          if (attempt === 0) this.opts.log.warn({ err: (err as Error).message, messages: batch.length }, 'push: the database is unreachable; the call messages wait until it is back')
          await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 50 * 2 ** attempt)))
          continue
        }
        if (batch.length === 1) { batch[0]!.reject(err); return }
        // one message the database refuses must not take the others with it: each alone
        for (const b of batch) {
          try {
            const [msg] = await this.repo.appendCalls([await this.callRow(b.push)], this.opts.clock())
            this.delivery.stored(msg!)
            b.resolve(msg!.id)
          } catch (one) { b.reject(one) }
        }
        break
      }
    }
    if (batch.some((b) => b.push.type !== 'call.ringing')) {
      // who is on a call changed: the list follows (folded with the other changes meanwhile), the next call's message does not wait for it
      this.presenceList.announce().catch((err: unknown) => { if (!this.closing) this.opts.log.warn({ err: (err as Error).message }, 'push: presence not announced') })
    }
  }

  /** Takes a logged-in socket: replays what it missed after `since`, then hello, then live messages. */
  connect (socket: WebSocket, user: User, since?: number, sessionToken: string | null = null): void {
    if (this.closing) { socket.close(1001, 'server shutting down'); return }
    this.sockets.connect(socket, user, since, sessionToken)
  }

  /** Sessions were ended here (log-out, a password change, a user disabled): close their screens now, not at the next heartbeat. */
  async sessionsEnded (): Promise<void> {
    await this.sockets.closeEndedSessions()
  }

  async close (): Promise<void> {
    if (this.closing) return
    this.closing = true
    if (this.timer !== undefined) clearInterval(this.timer)
    // what the telephony handed over is stored (and reaches the screens) before the database goes
    await this.callQueue.idle()
    await this.messageQueue.idle()
    if (this.retrying !== undefined) clearTimeout(this.retrying)
    if (this.waiting.length > 0 && !(await this.storeWaiting())) this.opts.log.error({ count: this.waiting.length }, 'push: stopping with messages the database could not store')
    await this.delivery.idle()
    this.sockets.closeAll()
    await this.listener?.close()
    await this.delivery.close()
    await this.presenceList.close()
  }

  /** The full presence list as a new screen or a presence message shows it. */
  async presence (): Promise<PresenceView[]> { return await this.presenceList.list() }

  /** The calls in progress, each as its merged messages. */
  async calls (): Promise<CallSnapshot[]> {
    const rows = await this.repo.openCalls(new Date(this.opts.clock().getTime() - CALL_STALE_MS))
    return rows.map(toSnapshot)
  }

  private async callRow (push: CallMessage): Promise<CallMessageRow> {
    const payload = await callPayload(push, {
      identify: async (number) => await this.identify(number),
      userByExtension: async (ext) => await this.opts.users.byExtension(ext)
    })
    return { type: push.type, linkedId: push.call.linkedId, payload: payload as unknown as Record<string, unknown>, ended: push.type === 'call.ended' }
  }

  private async identify (number: string | null): Promise<CallerView | null> {
    if (number === null) return null
    if (this.opts.identifyCaller === undefined) return { number, name: null, organization: null, contactId: null, organizationId: null, openRequests: [] }
    try {
      return await this.opts.identifyCaller({ phone: number })
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'push: caller identification failed')
      return { number, name: null, organization: null, contactId: null, organizationId: null, openRequests: [] }
    }
  }

  /** Heartbeat: ping sockets and drop the silent ones; keep presence fresh; prune the log. */
  private async tick (): Promise<void> {
    this.sockets.ping()
    if (this.housekeeping) return // the previous tick's queries are still running
    this.housekeeping = true
    try {
      await this.sockets.closeEndedSessions()
      const now = this.opts.clock()
      await this.presenceList.refresh(now)
      if (now.getTime() - this.lastPrune > 10 * 60_000) {
        this.lastPrune = now.getTime()
        await this.repo.prune(new Date(now.getTime() - this.retentionMs))
      }
    } catch (err) {
      if (!this.closing) this.opts.log.warn({ err: (err as Error).message }, 'push: heartbeat housekeeping failed')
    } finally {
      this.housekeeping = false
    }
  }
}
