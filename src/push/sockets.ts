// This instance's screens: each logged-in socket gets the messages it missed (?since= or a resume
// request), then its greeting, then the live messages, one frame at a time and each id once. The
// heartbeat drops sockets that stop answering pings and closes those whose session ended.
import type { WebSocket } from 'ws'
import type { PushRepository, StoredMessage } from '../db/push.repository.js'
import type { User } from '../db/users.repository.js'
import { serialQueue, type SerialQueue } from '../util/serial-queue.js'
import { isBroadcastType, parseClientMessage, type ServerMessages } from './messages.js'
import { remember } from './remember.js'

export interface SocketsLogger {
  debug: (obj: object, msg: string) => void
  info: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
}

export interface SocketsOptions {
  repo: PushRepository
  clock: () => Date
  log: SocketsLogger
  /** At most this many messages are replayed to one reconnecting socket (more → gap: true). */
  maxReplay: number
  /** The calls in progress and the presence list, for a greeting. */
  snapshot: () => Promise<Pick<ServerMessages['hello'], 'calls' | 'presence'>>
  /** A user's screens on this instance: counted when one opens or closes. */
  joined: (user: User) => void
  left: (user: User) => void
  /** Is the session behind a socket still valid? Checked every heartbeat. */
  sessionAlive?: (token: string) => Promise<boolean>
}

interface Client {
  socket: WebSocket
  user: User
  alive: boolean
  /** the greeting (hello) has been sent: until then the socket waits on us, not we on it */
  greeted: boolean
  queue: SerialQueue
  sent: Set<number>
  sessionToken: string | null
  /** when this socket may ask for a replay again; a request meanwhile is ignored */
  resumeAllowedAt: number
  resumePending: boolean
}

const OPEN = 1
// a screen that reads nothing for this long is dropped: its frames would pile up in our memory
const MAX_BUFFERED = 1024 * 1024
// a replay costs the log's reading and up to maxReplay frames: one per socket at a time, and not more
// often than this (a real screen asks once after a wake-up or a network change)
const RESUME_COOLDOWN_MS = 5_000
// one session (one browser) with more screens than this is a script, not a specialist's tabs
export const MAX_SOCKETS_PER_SESSION = 8
/** Close code of the oldest screen of a session that opened too many. */
export const TOO_MANY_SOCKETS_CODE = 4429
/** Close code for a socket whose session was logged out, expired or disabled: log in again. */
export const SESSION_ENDED_CODE = 4401
/**
 * A stored message (the ringing's draft, an answer, an end, presence) waits up to this long for
 * company before it leaves: a write to 200 screens is 200 system calls, two fifths of the service's
 * CPU at 50 calls/s. A ring and a greeting do not wait (they take whatever is held with them).
 */
export const LAZY_FLUSH_MS = 20
/**
 * The lazy writes go out this many screens per turn of the event loop: one write to a screen costs
 * 50–80 µs on a busy machine, so all 200 at once held the PBX's next ring for 10–17 ms.
 */
const LAZY_SLICE = 25

/** The TCP socket under a ws socket (ws keeps it as `_socket`); absent in a test double. */
function transportOf (socket: WebSocket): { cork: () => void, uncork: () => void } | undefined {
  const raw = (socket as unknown as { _socket?: { cork?: unknown, uncork?: unknown } })._socket
  return typeof raw?.cork === 'function' && typeof raw.uncork === 'function' ? raw as { cork: () => void, uncork: () => void } : undefined
}

export class Sockets {
  private readonly clients = new Set<Client>()
  private closing = false
  /** sockets holding their frames until the current batch of sends is over (one write each, not one per frame) */
  private readonly corked = new Set<{ uncork: () => void }>()
  private flushSoon = false
  private flushTimer: NodeJS.Timeout | undefined
  private slicing = false

  constructor (private readonly opts: SocketsOptions) {}

  get count (): number { return this.clients.size }

  /** Takes a logged-in socket: replays what it missed after `since`, then hello, then live messages. */
  connect (socket: WebSocket, user: User, since?: number, sessionToken: string | null = null): void {
    if (this.closing) { socket.close(1001, 'server shutting down'); return }
    const client: Client = { socket, user, alive: true, greeted: false, queue: serialQueue(), sent: new Set(), sessionToken, resumeAllowedAt: 0, resumePending: false }
    this.limitSession(sessionToken, user)
    this.clients.add(client)
    socket.on('pong', () => { client.alive = true })
    socket.on('message', (data, isBinary) => {
      if (isBinary) return
      const req = parseClientMessage(data.toString())
      if (req === undefined) return
      const now = this.opts.clock().getTime()
      if (client.resumePending || now < client.resumeAllowedAt) {
        this.opts.log.debug({ userId: user.id }, 'push: a replay asked for too soon, ignored')
        return
      }
      client.resumePending = true
      client.resumeAllowedAt = now + RESUME_COOLDOWN_MS
      this.enqueue(client, async () => {
        try { await this.greet(client, 'resync', req.since) } finally { client.resumePending = false }
      })
    })
    socket.on('close', () => { if (this.clients.delete(client) && !this.closing) this.opts.left(user) })
    socket.on('error', (err) => { this.opts.log.debug({ err: err.message, userId: user.id }, 'push: socket error') })
    this.enqueue(client, async () => { await this.greet(client, 'hello', since); client.greeted = true })
    this.opts.joined(user)
  }

  /** A new screen of a session that has MAX_SOCKETS_PER_SESSION already closes the oldest of them. */
  private limitSession (sessionToken: string | null, user: User): void {
    if (sessionToken === null) return
    const same = [...this.clients].filter((c) => c.sessionToken === sessionToken)
    for (const c of same.slice(0, Math.max(0, same.length - MAX_SOCKETS_PER_SESSION + 1))) {
      this.opts.log.info({ userId: user.id }, 'push: too many screens for one session, closing the oldest')
      c.socket.close(TOO_MANY_SOCKETS_CODE, 'too many screens for one session')
      this.clients.delete(c)
      this.opts.left(c.user)
    }
  }

  /** A stored message to every socket (each socket gets an id once). */
  broadcast (m: StoredMessage): void {
    if (!isBroadcastType(m.type)) return
    const text = frame(m, false) // once per message, not once per screen (200 screens: 200 stringifications)
    for (const c of this.clients) this.enqueue(c, async () => { this.send(c, m, false, false, text) })
  }

  /** A live frame (no id, not stored) to every socket, in line behind what each is being sent. */
  broadcastLive (text: string): void {
    for (const c of this.clients) this.enqueue(c, async () => { this.sendRaw(c, text, true) })
  }

  /**
   * Pings every greeted socket; one that did not answer the previous ping is dropped. A socket still
   * being greeted (its replay and snapshot under way on a busy database) is left alone until then.
   */
  ping (): void {
    for (const c of this.clients) {
      if (!c.greeted) continue
      if (!c.alive) {
        this.opts.log.info({ userId: c.user.id }, 'push: socket did not answer ping, dropping it')
        c.socket.terminate()
        continue
      }
      c.alive = false
      if (c.socket.readyState === OPEN) c.socket.ping()
    }
  }

  /** Logged out, expired or disabled meanwhile (on any instance): that screen gets no more calls. */
  async closeEndedSessions (): Promise<void> {
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

  closeAll (): void {
    this.closing = true
    for (const c of this.clients) c.socket.close(1001, 'server shutting down')
    this.clients.clear()
  }

  private async greet (client: Client, type: 'hello' | 'resync', since: number | undefined): Promise<void> {
    const { repo } = this.opts
    const lastId = await repo.lastId()
    // a since beyond the log: the ids came from another database (restored, reset): start over
    let gap = since !== undefined && since > lastId
    if (since !== undefined && since < lastId) {
      const first = await repo.firstId()
      gap = first === undefined || first > since + 1
      let cursor = since
      let replayed = 0
      while (cursor < lastId) {
        const batch = (await repo.after(cursor, 200)).filter((m) => m.id <= lastId)
        if (batch.length === 0) break
        for (const m of batch) {
          cursor = m.id
          if (m.type === 'presence' || !isBroadcastType(m.type)) continue // the greeting carries the current presence
          if (++replayed > this.opts.maxReplay) { gap = true; break }
          this.send(client, m, true, type === 'resync') // an explicit resume gets everything again
        }
        if (replayed > this.opts.maxReplay) break
      }
    }
    const { calls, presence } = await this.opts.snapshot()
    const u = client.user
    const payload: ServerMessages['hello'] = { user: { userId: u.id, fullName: u.fullName, extension: u.extension, role: u.role }, calls, presence, gap }
    this.sendRaw(client, JSON.stringify({ id: lastId, type, at: this.opts.clock().toISOString(), ...payload }), true)
  }

  private enqueue (client: Client, task: () => Promise<void>): void {
    client.queue.run(task).catch((err: unknown) => {
      this.opts.log.warn({ err: (err as Error).message, userId: client.user.id }, 'push: could not serve a socket, closing it')
      client.socket.close(1011, 'server error')
    })
  }

  private send (client: Client, m: StoredMessage, replay: boolean, again = false, text?: string): void {
    if (client.sent.has(m.id) && !again) return
    remember(client.sent, m.id, 500)
    this.sendRaw(client, text ?? frame(m, replay))
  }

  private sendRaw (client: Client, text: string, urgent = false): void {
    const s = client.socket
    if (s.readyState !== OPEN) return
    if (s.bufferedAmount > MAX_BUFFERED) {
      this.opts.log.warn({ userId: client.user.id }, 'push: socket too slow, dropping it')
      s.terminate()
      return
    }
    this.hold(s, urgent)
    s.send(text)
  }

  /**
   * The frames sent to a socket in one go leave in one write, not one system call each: an urgent
   * one when the current sends are over, the others within LAZY_FLUSH_MS (or with the next ring).
   */
  private hold (socket: WebSocket, urgent: boolean): void {
    const transport = transportOf(socket)
    if (transport === undefined) return
    if (!this.corked.has(transport)) {
      transport.cork()
      this.corked.add(transport)
    }
    if (urgent && !this.flushSoon) {
      this.flushSoon = true
      process.nextTick(() => { this.release() })
    } else if (!this.flushSoon && this.flushTimer === undefined && !this.slicing) {
      this.flushTimer = setTimeout(() => { this.releaseSlice() }, LAZY_FLUSH_MS)
    }
  }

  /** Everything held, now (a ring, a greeting). */
  private release (): void {
    this.flushSoon = false
    clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    this.uncork(this.corked.size)
  }

  /** The lazy writes, LAZY_SLICE screens a turn (a ring meanwhile takes the rest at once). */
  private releaseSlice (): void {
    this.flushTimer = undefined
    this.uncork(LAZY_SLICE)
    this.slicing = this.corked.size > 0
    if (this.slicing) setImmediate(() => { this.releaseSlice() })
  }

  private uncork (count: number): void {
    let n = 0
    for (const t of this.corked) {
      if (n++ >= count) break
      this.corked.delete(t)
      try { t.uncork() } catch { /* a socket closed meanwhile: nothing to send */ }
    }
  }
}

function frame (m: StoredMessage, replay: boolean): string {
  return JSON.stringify({ id: m.id, type: m.type, at: m.createdAt.toISOString(), ...(replay ? { replay: true } : {}), ...m.payload })
}
