// The realtime hub of one instance: stores every message in the push log (which NOTIFYs all
// instances), hands what it hears to its own sockets, answers reconnects with the calls in
// progress plus the messages missed, keeps presence across instances and drops dead sockets.
import os from 'node:os'
import { randomBytes } from 'node:crypto'
import type { WebSocket } from 'ws'
import type { Database } from '../db/database.js'
import { pushRepository, PUSH_CHANNEL, type PushRepository, type StoredMessage } from '../db/push.repository.js'
import type { User, UsersRepository } from '../db/users.repository.js'
import { listen, type Listener } from './listener.js'
import { holder } from '../calls/call.js'
import { callPayload, toSnapshot, type CallMessage } from './call-messages.js'
import {
  isBroadcastType, parseClientMessage,
  type BroadcastType, type CallerView, type CallSnapshot, type CallView, type PresenceView,
  type ServerMessages
} from './messages.js'

export interface HubLogger {
  debug: (obj: object, msg: string) => void
  info: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
  error: (obj: object, msg: string) => void
}

export type { CallMessage }

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

export type Publish = <K extends BroadcastType>(type: K, payload: ServerMessages[K]) => Promise<number>

interface Client {
  socket: WebSocket
  user: User
  alive: boolean
  queue: Promise<void>
  sent: Set<number>
  sessionToken: string | null
}

const OPEN = 1
const MAX_BUFFERED = 4 * 1024 * 1024
const RECENT = 2000
const HOLD_MS = 250
/** Close code for a socket whose session was logged out, expired or disabled: log in again. */
export const SESSION_ENDED_CODE = 4401
/** A call with no message for this long is not "in progress" any more (its end was lost). */
const CALL_STALE_MS = 12 * 3600_000

export class PushHub {
  readonly instanceId: string
  private readonly repo: PushRepository
  private readonly clients = new Set<Client>()
  private readonly localCount = new Map<number, number>()
  private readonly recent = new Set<number>()
  private maxSeen = 0
  /** The id expected next; messages after a missing id wait in `held` for up to HOLD_MS. */
  private nextId = 1
  private readonly held = new Map<number, StoredMessage>()
  private holdTimer: NodeJS.Timeout | undefined
  private inbox: Promise<void> = Promise.resolve()
  private callQueue: Promise<void> = Promise.resolve()
  private pending: number[] = []
  private listener: Listener | undefined
  private timer: NodeJS.Timeout | undefined
  private lastPrune = 0
  private housekeeping = false
  private closing = false
  private readonly heartbeatMs: number
  private readonly retentionMs: number
  private readonly maxReplay: number

  private readonly opts: PushHubOptions

  constructor (opts: PushHubOptions) {
    this.opts = { ...opts }
    this.repo = pushRepository(opts.database.db)
    this.instanceId = opts.instanceId ?? `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
    this.heartbeatMs = opts.heartbeatMs ?? 25_000
    this.retentionMs = opts.retentionMs ?? 24 * 3600_000
    this.maxReplay = opts.maxReplay ?? 1000
  }

  /** Starts listening for the other instances' messages and the heartbeat. */
  async start (): Promise<void> {
    this.maxSeen = await this.repo.lastId()
    this.nextId = this.maxSeen + 1
    this.listener = await listen({
      database: this.opts.database,
      channel: PUSH_CHANNEL,
      log: this.opts.log,
      onId: (id) => { this.heard(id) },
      onReady: () => { this.serially(async () => { await this.catchUp() }) }
    })
    this.timer = setInterval(() => { void this.tick() }, this.heartbeatMs)
    this.timer.unref()
  }

  get listening (): boolean { return this.listener?.connected ?? false }
  get socketCount (): number { return this.clients.size }

  /** Stores a message for every screen of every instance; resolves with its id once stored. */
  readonly publish: Publish = async (type, payload) => {
    const msg = await this.repo.append(type, payload as unknown as Record<string, unknown>, this.opts.clock())
    this.serially(async () => { this.deliver(msg) })
    return msg.id
  }

  /**
   * The AMI pipeline's hook: turns a call effect into call.ringing / call.answered / call.ended.
   * Calls are stored in the order they were handed over even when the caller does not await
   * (a ringing that is still identifying its caller is never overtaken by its answer).
   */
  readonly publishCall = async (push: CallMessage): Promise<number> => {
    const turn = this.callQueue.then(async () => await this.storeCall(push))
    this.callQueue = turn.then(() => {}, () => {})
    return await turn
  }

  private async storeCall (push: CallMessage): Promise<number> {
    const payload = await callPayload(push, {
      identify: async (number) => await this.identify(number),
      userByExtension: async (ext) => await this.opts.users.byExtension(ext)
    })
    const msg = await this.repo.appendCall(push.type, push.call.linkedId, payload as unknown as Record<string, unknown>, push.type === 'call.ended', this.opts.clock())
    this.serially(async () => { this.deliver(msg) })
    if (push.type !== 'call.ringing') await this.publishPresence() // who is on a call changed
    return msg.id
  }

  /** Takes a logged-in socket: replays what it missed after `since`, then hello, then live messages. */
  connect (socket: WebSocket, user: User, since?: number, sessionToken: string | null = null): void {
    if (this.closing) { socket.close(1001, 'server shutting down'); return }
    const client: Client = { socket, user, alive: true, queue: Promise.resolve(), sent: new Set(), sessionToken }
    this.clients.add(client)
    socket.on('pong', () => { client.alive = true })
    socket.on('message', (data, isBinary) => {
      if (isBinary) return
      const req = parseClientMessage(data.toString())
      if (req !== undefined) this.enqueue(client, async () => { await this.greet(client, 'resync', req.since) })
    })
    socket.on('close', () => { this.disconnected(client) })
    socket.on('error', (err) => { this.opts.log.debug({ err: err.message, userId: user.id }, 'push: socket error') })
    this.enqueue(client, async () => { await this.greet(client, 'hello', since) })
    const n = (this.localCount.get(user.id) ?? 0) + 1
    this.localCount.set(user.id, n)
    void this.presenceChanged(user.id, n, n === 1)
  }

  async close (): Promise<void> {
    if (this.closing) return
    this.closing = true
    if (this.timer !== undefined) clearInterval(this.timer)
    if (this.holdTimer !== undefined) clearTimeout(this.holdTimer)
    for (const c of this.clients) c.socket.close(1001, 'server shutting down')
    this.clients.clear()
    await this.listener?.close()
    await this.inbox
    const hadScreens = this.localCount.size > 0
    this.localCount.clear()
    try {
      await this.repo.clearPresence(this.instanceId)
      if (hadScreens) await this.publishPresence() // the other instances' screens see them go
    } catch (err) {
      this.opts.log.debug({ err: (err as Error).message }, 'push: presence not cleared on close')
    }
  }

  /** The full presence list as a new screen or a presence message shows it. */
  async presence (): Promise<PresenceView[]> {
    const now = this.opts.clock()
    const [users, online, calls] = await Promise.all([
      this.opts.users.list(),
      this.repo.online(new Date(now.getTime() - this.presenceTtlMs)),
      this.repo.openCalls(new Date(now.getTime() - CALL_STALE_MS))
    ])
    // this instance's own screens count at once (their rows may still be on the way)
    const onlineIds = new Set([...online.map((r) => r.userId), ...this.localCount.keys()])
    const onCall = new Map<string, string>()
    for (const c of calls) {
      const call = toSnapshot(c).call as CallView | undefined
      const ext = call === undefined ? null : holder(call)
      if (call?.state === 'talking' && ext !== null) onCall.set(ext, call.linkedId)
    }
    return users.filter((u) => u.active && (u.role === 'specialist' || u.extension !== null)).map((u) => ({
      userId: u.id, fullName: u.fullName, extension: u.extension, role: u.role,
      online: onlineIds.has(u.id),
      onCall: u.extension === null ? null : onCall.get(u.extension) ?? null
    }))
  }

  /** The calls in progress, each as its merged messages. */
  async calls (): Promise<CallSnapshot[]> {
    const rows = await this.repo.openCalls(new Date(this.opts.clock().getTime() - CALL_STALE_MS))
    return rows.map(toSnapshot)
  }

  private get presenceTtlMs (): number { return this.heartbeatMs * 3 }

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

  private async greet (client: Client, type: 'hello' | 'resync', since: number | undefined): Promise<void> {
    const lastId = await this.repo.lastId()
    // a since beyond the log: the ids came from another database (restored, reset): start over
    let gap = since !== undefined && since > lastId
    if (since !== undefined && since < lastId) {
      const first = await this.repo.firstId()
      gap = first === undefined || first > since + 1
      let cursor = since
      let replayed = 0
      while (cursor < lastId) {
        const batch = (await this.repo.after(cursor, 200)).filter((m) => m.id <= lastId)
        if (batch.length === 0) break
        for (const m of batch) {
          cursor = m.id
          if (m.type === 'presence' || !isBroadcastType(m.type)) continue // the greeting carries the current presence
          if (++replayed > this.maxReplay) { gap = true; break }
          this.send(client, m, true, type === 'resync') // an explicit resume gets everything again
        }
        if (replayed > this.maxReplay) break
      }
    }
    const [calls, presence] = await Promise.all([this.calls(), this.presence()])
    const u = client.user
    const payload: ServerMessages['hello'] = { user: { userId: u.id, fullName: u.fullName, extension: u.extension, role: u.role }, calls, presence, gap }
    this.sendRaw(client, JSON.stringify({ id: lastId, type, at: this.opts.clock().toISOString(), ...payload }))
  }

  private enqueue (client: Client, task: () => Promise<void>): void {
    client.queue = client.queue.then(task).catch((err: unknown) => {
      this.opts.log.warn({ err: (err as Error).message, userId: client.user.id }, 'push: could not serve a socket, closing it')
      client.socket.close(1011, 'server error')
    })
  }

  private send (client: Client, m: StoredMessage, replay: boolean, again = false): void {
    if (client.sent.has(m.id) && !again) return
    remember(client.sent, m.id, 500)
    this.sendRaw(client, frame(m, replay))
  }

  private sendRaw (client: Client, text: string): void {
    const s = client.socket
    if (s.readyState !== OPEN) return
    if (s.bufferedAmount > MAX_BUFFERED) {
      this.opts.log.warn({ userId: client.user.id }, 'push: socket too slow, dropping it')
      s.terminate()
      return
    }
    s.send(text)
  }

  /** Hands a stored message to every local socket (once per id). */
  private deliver (m: StoredMessage): void {
    if (this.recent.has(m.id) || this.held.has(m.id)) return
    if (m.id > this.maxSeen) this.maxSeen = m.id
    if (m.id < this.nextId) { this.fanOut(m); return } // late (its hole was given up on): still deliver
    if (m.id > this.nextId) {
      // ids are taken before commit, so instances may commit (and NOTIFY) out of id order: hold
      // a message briefly until the ones before it arrive, so screens see ids in order and a
      // "last id seen" never skips one still coming; a rolled-back id is a hole given up on
      this.held.set(m.id, m)
      this.holdTimer ??= setTimeout(() => { this.serially(async () => { this.releaseHeld() }) }, HOLD_MS)
      return
    }
    this.fanOut(m)
    this.nextId = m.id + 1
    for (let next = this.held.get(this.nextId); next !== undefined; next = this.held.get(this.nextId)) {
      this.held.delete(next.id)
      this.fanOut(next)
      this.nextId = next.id + 1
    }
    if (this.held.size === 0 && this.holdTimer !== undefined) { clearTimeout(this.holdTimer); this.holdTimer = undefined }
  }

  /** The wait for missing ids is over: send what is held, in id order, and go on after it. */
  private releaseHeld (): void {
    this.holdTimer = undefined
    for (const m of [...this.held.values()].sort((a, b) => a.id - b.id)) {
      this.held.delete(m.id)
      this.fanOut(m)
      this.nextId = Math.max(this.nextId, m.id + 1)
    }
  }

  private fanOut (m: StoredMessage): void {
    remember(this.recent, m.id, RECENT)
    if (!isBroadcastType(m.type)) return
    for (const c of this.clients) this.enqueue(c, async () => { this.send(c, m, false) })
  }

  private serially (task: () => Promise<void>): void {
    this.inbox = this.inbox.then(task).catch((err: unknown) => {
      this.opts.log.error({ err: (err as Error).message }, 'push: delivery failed')
    })
  }

  /** A NOTIFY arrived: fetch the ids heard in this tick in one query. */
  private heard (id: number): void {
    if (this.recent.has(id)) return
    this.pending.push(id)
    if (this.pending.length > 1) return
    this.serially(async () => {
      const ids = this.pending.filter((i) => !this.recent.has(i))
      this.pending = []
      for (const m of await this.repo.byIds(ids)) this.deliver(m)
    })
  }

  /** After a (re)connect of the listener: what was stored while we were not listening. */
  private async catchUp (): Promise<void> {
    for (;;) {
      const batch = await this.repo.after(this.maxSeen, 500)
      for (const m of batch) this.deliver(m)
      if (batch.length < 500) return
    }
  }

  private disconnected (client: Client): void {
    if (!this.clients.delete(client) || this.closing) return
    const id = client.user.id
    const n = (this.localCount.get(id) ?? 1) - 1
    if (n <= 0) this.localCount.delete(id)
    else this.localCount.set(id, n)
    void this.presenceChanged(id, n, n === 0)
  }

  private async presenceChanged (userId: number, connections: number, announce: boolean): Promise<void> {
    try {
      await this.repo.setPresence(this.instanceId, userId, connections, this.opts.clock())
      if (announce) await this.publishPresence()
    } catch (err) {
      if (!this.closing) this.opts.log.warn({ err: (err as Error).message }, 'push: presence update failed')
    }
  }

  private async publishPresence (): Promise<void> {
    await this.publish('presence', { specialists: await this.presence() })
  }

  /** Logged out, expired or disabled meanwhile (on any instance): that screen gets no more calls. */
  private async closeEndedSessions (): Promise<void> {
    const check = this.opts.sessionAlive
    if (check === undefined) return
    const byToken = new Map<string, Client[]>()
    for (const c of this.clients) {
      if (c.sessionToken === null) continue
      byToken.set(c.sessionToken, [...(byToken.get(c.sessionToken) ?? []), c])
    }
    for (const [token, clients] of byToken) {
      if (await check(token)) continue
      for (const c of clients) {
        this.opts.log.info({ userId: c.user.id }, 'push: the session ended, closing its socket')
        c.socket.close(SESSION_ENDED_CODE, 'session ended')
      }
    }
  }

  /** Heartbeat: ping sockets and drop the silent ones; keep presence fresh; prune the log. */
  private async tick (): Promise<void> {
    for (const c of this.clients) {
      if (!c.alive) {
        this.opts.log.info({ userId: c.user.id }, 'push: socket did not answer ping, dropping it')
        c.socket.terminate()
        continue
      }
      c.alive = false
      if (c.socket.readyState === OPEN) c.socket.ping()
    }
    if (this.housekeeping) return // the previous tick's queries are still running
    this.housekeeping = true
    try {
      await this.closeEndedSessions()
      const now = this.opts.clock()
      await this.repo.refreshPresence(this.instanceId, now)
      const expired = await this.repo.expirePresence(new Date(now.getTime() - this.presenceTtlMs))
      if (expired > 0) await this.publishPresence()
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

function frame (m: StoredMessage, replay: boolean): string {
  return JSON.stringify({ id: m.id, type: m.type, at: m.createdAt.toISOString(), ...(replay ? { replay: true } : {}), ...m.payload })
}

function remember (set: Set<number>, id: number, max: number): void {
  set.add(id)
  if (set.size > max) {
    const oldest = set.values().next().value
    if (oldest !== undefined) set.delete(oldest)
  }
}
