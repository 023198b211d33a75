// The AMI connection: asterisk-manager is used only as socket and login (one fresh instance per
// connection; the blocks come from our reader, src/ami/reader.ts), and everything it gets wrong is
// done here: login errors, reconnect with exponential backoff and jitter, Ping keep-alive, unique
// ActionIDs, actions as promises with timeouts, EventList collection, tolerant parsing (asterisk-manager 0.2.0 swallows login errors,
// loses callbacks on a dropped socket and reuses ActionIDs). Flow control: a consumer that falls
// behind pauses the reading (pauseEvents), so TCP holds the PBX's events instead of our memory.
import { EventEmitter } from 'node:events'
import net from 'node:net'
import { randomBytes } from 'node:crypto'
import AsteriskManager, { type Manager, type RawAmiMessage } from 'asterisk-manager'
import { fromRaw, type AmiMessage } from './message.js'
import { AmiBlockReader } from './reader.js'

/** A Ping reply still behind a stream of events after this long means a broken PBX. */
const PING_REPLY_CAP_MS = 60_000

export interface AmiEndpoint {
  host: string
  port: number
  username: string
  secret: string
}

/** pino-compatible: object first, message second. */
export interface AmiLogger {
  debug: (obj: object, msg: string) => void
  info: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
  error: (obj: object, msg: string) => void
}

export type AmiDisconnectReason = 'not-started' | 'auth-failed' | 'refused' | 'closed' | 'timeout' | 'stopped'
export type AmiStatus =
  | { state: 'connected', since: Date }
  /** `lastFailure`: why the previous attempt failed (a retry after a wrong secret is still that) */
  | { state: 'connecting', attempt: number, lastFailure: AmiDisconnectReason | undefined }
  | { state: 'disconnected', reason: AmiDisconnectReason, message: string, since: Date }

export interface AmiClientOptions {
  endpoint: AmiEndpoint
  log: AmiLogger
  /** first reconnect delay; doubles per failed attempt up to maxBackoffMs, with ±50 % jitter */
  minBackoffMs?: number
  maxBackoffMs?: number
  connectTimeoutMs?: number
  loginTimeoutMs?: number
  actionTimeoutMs?: number
  /**
   * interval of the AMI Ping keep-alive; its timeout drops and re-opens the connection. Any byte
   * received counts as proof of life, and no Ping is sent while the reading is paused: its answer
   * would wait behind the events we chose not to read yet.
   */
  pingIntervalMs?: number
  pingTimeoutMs?: number
  clock?: () => Date
  random?: () => number
}

/** A finished action: its Response and, for EventList actions, the list items (without the …Complete). */
export interface AmiReply {
  response: AmiMessage
  items: AmiMessage[]
}

export class AmiActionError extends Error {
  constructor (message: string, readonly action: string, readonly response?: AmiMessage) {
    super(message)
    this.name = 'AmiActionError'
  }
}

interface Pending {
  id: string
  action: string
  resolve: (r: AmiReply) => void
  reject: (e: Error) => void
  timer: NodeJS.Timeout
  response: AmiMessage | undefined
  items: AmiMessage[]
}

export interface AmiClientEvents {
  connected: []
  disconnected: [status: Extract<AmiStatus, { state: 'disconnected' }>]
  event: [message: AmiMessage]
}

export class AmiClient extends EventEmitter<AmiClientEvents> {
  private readonly opts: Required<Omit<AmiClientOptions, 'endpoint' | 'log'>>
  private readonly endpoint: AmiEndpoint
  private readonly log: AmiLogger
  private manager: Manager | undefined
  /** bumped per connection: callbacks of an abandoned connection see a stale value and do nothing */
  private generation = 0
  private attempt = 0
  private stopped = true
  private statusValue: AmiStatus
  private readonly pending = new Map<string, Pending>()
  private readonly idPrefix = `hd-${process.pid}-${randomBytes(3).toString('hex')}`
  private seq = 0
  private reconnectTimer: NodeJS.Timeout | undefined
  private pingTimer: NodeJS.Timeout | undefined
  private connectTimer: NodeJS.Timeout | undefined
  /** the reason last logged at warn/error: repeats of the same failure go to debug */
  private lastFailure: AmiDisconnectReason | undefined
  /**
   * Events parsed after the login response but before the library's (nextTick) login callback:
   * held so that 'connected' (reconcile) always comes before the events of the new connection.
   */
  private early: AmiMessage[] = []
  /** the current connection's socket (asterisk-manager keeps it private; captured at creation) */
  private socket: net.Socket | undefined
  /** a consumer asked to stop reading (pauseEvents) */
  private holdRequested = false
  /** when the last byte arrived (liveness) */
  private lastReceived = 0

  constructor (options: AmiClientOptions) {
    super()
    this.endpoint = options.endpoint
    this.log = options.log
    this.opts = {
      minBackoffMs: options.minBackoffMs ?? 1000,
      maxBackoffMs: options.maxBackoffMs ?? 60_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      loginTimeoutMs: options.loginTimeoutMs ?? 10_000,
      actionTimeoutMs: options.actionTimeoutMs ?? 10_000,
      pingIntervalMs: options.pingIntervalMs ?? 20_000,
      pingTimeoutMs: options.pingTimeoutMs ?? 5_000,
      clock: options.clock ?? (() => new Date()),
      random: options.random ?? Math.random
    }
    this.statusValue = { state: 'disconnected', reason: 'not-started', message: 'not started', since: this.opts.clock() }
  }

  get status (): AmiStatus {
    return this.statusValue
  }

  /** Whether the socket is being read right now (false while paused for a consumer's backlog). */
  get reading (): boolean {
    return this.socket !== undefined && !this.socket.isPaused()
  }

  /**
   * Stops reading the AMI socket until resumeEvents(): what the PBX sends waits in the TCP buffers
   * (the PBX's send buffer and then its manager queue), not in this process. Replies to actions in
   * flight sit behind those events, so the reading goes on while an action waits for its reply.
   */
  pauseEvents (): void {
    this.holdRequested = true
    this.applyFlow()
  }

  resumeEvents (): void {
    this.holdRequested = false
    this.applyFlow()
  }

  private applyFlow (): void {
    const s = this.socket
    if (s === undefined || s.destroyed) return
    const hold = this.holdRequested && this.pending.size === 0
    if (hold && !s.isPaused()) s.pause()
    else if (!hold && s.isPaused()) {
      s.resume()
      this.lastReceived = Date.now() // the silence while paused was ours, not the PBX's
    }
  }

  /** Where it connects, without the secret (for logs and /health). */
  get target (): string {
    return `${this.endpoint.username}@${this.endpoint.host}:${this.endpoint.port}`
  }

  start (): void {
    if (!this.stopped) return
    this.stopped = false
    this.attempt = 0
    this.open()
  }

  async stop (): Promise<void> {
    this.stopped = true
    clearTimeout(this.reconnectTimer)
    this.drop('stopped', 'stopped by the service', false)
  }

  /**
   * Sends an action and resolves with its reply; EventList actions (CoreShowChannels, Status,
   * DBGet) resolve at their …Complete event. An `Response: Error` rejects with AmiActionError.
   */
  async action (fields: Record<string, string>, timeoutMs = this.opts.actionTimeoutMs): Promise<AmiReply> {
    const action = fields.Action ?? fields.action
    if (action === undefined || action === '') throw new AmiActionError('an AMI action needs an Action field', '')
    for (const [k, v] of Object.entries(fields)) {
      if (/[\r\n]/.test(k) || /[\r\n]/.test(v)) throw new AmiActionError(`CR/LF in the ${k} field of ${action} (header injection)`, action)
      if (k.toLowerCase() === 'actionid') throw new AmiActionError('ActionID is assigned by the client', action)
    }
    if (this.statusValue.state !== 'connected' || this.manager === undefined) {
      throw new AmiActionError(`AMI not connected: ${action} not sent`, action)
    }
    return await this.send(this.manager, action, fields, timeoutMs)
  }

  private async send (manager: Manager, action: string, fields: Record<string, string>, timeoutMs: number): Promise<AmiReply> {
    const id = `${this.idPrefix}-${++this.seq}`
    return await new Promise<AmiReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(id)?.reject(new AmiActionError(`AMI ${action} timed out after ${timeoutMs} ms`, action))
      }, timeoutMs)
      this.pending.set(id, { id, action, resolve, reject, timer, response: undefined, items: [] })
      this.applyFlow() // its reply is behind the events not read yet
      const lowered: Record<string, string> = {}
      for (const [k, v] of Object.entries(fields)) lowered[k.toLowerCase()] = v
      try {
        // the library honours only a lower-case actionid key; we route the reply ourselves
        manager.action({ ...lowered, actionid: id })
      } catch (err) {
        this.settle(id)?.reject(new AmiActionError(`AMI ${action} could not be sent: ${(err as Error).message}`, action))
      }
    })
  }

  private settle (id: string): Pending | undefined {
    const p = this.pending.get(id)
    if (p === undefined) return undefined
    this.pending.delete(id)
    clearTimeout(p.timer)
    this.manager?.removeAllListeners(id) // the library's once(actionid) listener
    this.applyFlow()
    return p
  }

  private rejectAll (why: string): void {
    for (const id of [...this.pending.keys()]) {
      const p = this.settle(id)
      p?.reject(new AmiActionError(`AMI ${p.action} aborted: ${why}`, p.action))
    }
  }

  private setStatus (status: AmiStatus): void {
    this.statusValue = status
  }

  private open (): void {
    const gen = ++this.generation
    this.attempt++
    this.setStatus({ state: 'connecting', attempt: this.attempt, lastFailure: this.lastFailure })
    const { host, port, username, secret } = this.endpoint
    const manager = AsteriskManager()
    manager.options.username = username
    manager.options.password = secret
    manager.options.events = true
    this.manager = manager

    // Our handler runs first and sees each block before the library mutates it; the library's
    // own handler (needed for its login callback) only gets blocks that cannot make it throw.
    const [libraryHandler] = manager.listeners('rawevent') as Array<(raw: RawAmiMessage) => void>
    manager.removeAllListeners('rawevent')
    manager.on('rawevent', (raw: RawAmiMessage) => {
      if (gen !== this.generation) return
      const ok = this.onBlock(raw)
      // the library needs the replies only (its login callback); an event there costs two ticks for nothing
      if (ok && libraryHandler !== undefined && raw.response !== undefined) {
        try { libraryHandler(raw) } catch (err) { this.log.warn({ err }, 'AMI: the parser library failed on a block; skipped') }
      }
    })
    manager.on('error', (err: NodeJS.ErrnoException) => {
      if (gen !== this.generation) return
      const reason = this.statusValue.state === 'connected' ? 'closed' : 'refused'
      this.drop(reason, `${err.code ?? ''} ${err.message}`.trim(), true)
    })
    manager.on('close', () => {
      if (gen !== this.generation) return
      this.drop('closed', 'connection closed by the PBX', true)
    })

    this.connectTimer = setTimeout(() => {
      if (gen === this.generation) this.drop('timeout', `no TCP connection within ${this.opts.connectTimeoutMs} ms`, true)
    }, this.opts.connectTimeoutMs)
    this.log.debug({ ami: this.target, attempt: this.attempt }, 'AMI connecting')
    const socket = connectCapturingSocket(() => { manager.connect(port, host, (err) => { if (err === null) this.onTcp(gen, manager) }) })
    this.socket = socket
    // our reader in place of the library's (the same blocks, a fraction of the work: src/ami/reader.ts)
    const reader = new AmiBlockReader((raw) => { manager.emit('rawevent', raw) })
    for (const listener of socket?.listeners('data') ?? []) socket?.removeListener('data', listener as () => void)
    socket?.on('data', (chunk: string | Buffer) => {
      if (gen !== this.generation) return
      this.lastReceived = Date.now() // any byte is a sign of life
      reader.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'))
    })
  }

  /** TCP is up: log in, then report connected and hand over what arrived with the login reply. */
  private onTcp (gen: number, manager: Manager): void {
    if (gen !== this.generation) return
    clearTimeout(this.connectTimer)
    const loginTimer = setTimeout(() => {
      if (gen === this.generation) this.drop('timeout', `no answer to Login within ${this.opts.loginTimeoutMs} ms`, true)
    }, this.opts.loginTimeoutMs)
    manager.login((loginErr) => {
      clearTimeout(loginTimer)
      if (gen !== this.generation) return
      if (loginErr !== undefined) {
        const message = typeof loginErr.message === 'string' ? loginErr.message : 'login refused'
        this.drop(/auth/i.test(message) ? 'auth-failed' : 'refused', message, true)
        return
      }
      this.attempt = 0
      this.lastFailure = undefined
      this.setStatus({ state: 'connected', since: this.opts.clock() })
      this.log.info({ ami: this.target }, 'AMI connected and logged in')
      this.lastReceived = Date.now()
      this.schedulePing(gen)
      this.safeEmit('connected')
      const early = this.early
      this.early = []
      for (const msg of early) if (gen === this.generation) this.safeEmit('event', msg)
      this.applyFlow()
    })
  }

  /** Returns whether the library may see the block (false: malformed, logged and skipped). */
  private onBlock (raw: RawAmiMessage): boolean {
    let parsed
    try {
      parsed = fromRaw(raw)
    } catch (err) {
      this.log.warn({ err }, 'AMI: unreadable block skipped')
      return false
    }
    if (!parsed.ok) {
      this.log.warn({ problem: parsed.problem, headers: Object.keys(raw).slice(0, 8) }, 'AMI: malformed block skipped')
      return false
    }
    const msg = parsed.message
    if (parsed.dropped.length > 0) this.log.warn({ dropped: parsed.dropped, name: msg.name }, 'AMI: garbage lines dropped from a block')
    const pending = msg.actionId === undefined ? undefined : this.pending.get(msg.actionId)
    if (msg.kind === 'response') {
      if (pending === undefined) return true // the library's login reply, or a reply we gave up on
      if (msg.name.toLowerCase() === 'error') {
        this.settle(pending.id)?.reject(new AmiActionError(`AMI ${pending.action} failed: ${msg.headers.message ?? 'Error'}`, pending.action, msg))
      } else if ((msg.headers.eventlist ?? '').toLowerCase() === 'start') {
        pending.response = msg // items follow as events with our ActionID
      } else {
        this.settle(pending.id)?.resolve({ response: msg, items: [] })
      }
      return true
    }
    // events: list items of one of our EventList actions, or ordinary events (route by kind first,
    // then ActionID: a UserEvent carries whatever ActionID its sender used)
    if (pending?.response !== undefined) {
      if ((msg.headers.eventlist ?? '').toLowerCase() === 'complete') {
        const p = this.settle(pending.id)
        p?.resolve({ response: pending.response, items: p.items })
      } else {
        pending.items.push(msg)
      }
      return true
    }
    if (this.statusValue.state !== 'connected') {
      if (this.early.length < 100_000) this.early.push(msg)
      return true
    }
    this.safeEmit('event', msg)
    return true
  }

  private safeEmit<K extends keyof AmiClientEvents> (name: K, ...args: AmiClientEvents[K]): void {
    try {
      (this.emit as (n: K, ...a: AmiClientEvents[K]) => boolean)(name, ...args)
    } catch (err) {
      this.log.error({ err, listener: name }, 'AMI: a listener failed; the connection goes on')
    }
  }

  private schedulePing (gen: number): void {
    clearTimeout(this.pingTimer)
    this.pingTimer = setTimeout(() => {
      if (gen !== this.generation || this.manager === undefined) return
      // bytes arrived lately, or we are not reading (our backlog, not the PBX): no Ping needed now
      const quiet = (): boolean => !this.holdRequested && Date.now() - this.lastReceived >= this.opts.pingIntervalMs
      if (!quiet()) { this.schedulePing(gen); return }
      // a busy event loop fires this late with bytes waiting: one I/O poll first, then decide
      setImmediate(() => {
        if (gen !== this.generation || this.manager === undefined) return
        if (quiet()) this.ping(gen, this.manager)
        else this.schedulePing(gen)
      })
    }, this.opts.pingIntervalMs)
  }

  /**
   * The reply to a Ping comes after whatever the PBX queued before it, so the connection is dead
   * only when nothing at all arrives for pingTimeoutMs; a reply slow behind a stream of events is
   * waited for (up to PING_REPLY_CAP_MS).
   */
  private ping (gen: number, manager: Manager): void {
    const sentAt = Date.now()
    let done = false
    const fail = (why: string): void => {
      if (done || gen !== this.generation) return
      done = true
      this.drop('timeout', `keep-alive failed: ${why}`, true)
    }
    const watch = (): void => {
      if (done || gen !== this.generation) return
      const silent = Date.now() - Math.max(sentAt, this.lastReceived)
      if (silent < this.opts.pingTimeoutMs) { this.pingTimer = setTimeout(watch, this.opts.pingTimeoutMs - silent); return }
      // a busy event loop fires this late, with bytes already waiting: let one I/O poll read them first
      setImmediate(() => {
        if (Date.now() - Math.max(sentAt, this.lastReceived) >= this.opts.pingTimeoutMs) fail(`no answer to Ping and nothing received for ${this.opts.pingTimeoutMs} ms`)
        else watch()
      })
    }
    this.pingTimer = setTimeout(watch, this.opts.pingTimeoutMs)
    this.send(manager, 'Ping', { Action: 'Ping' }, Math.max(PING_REPLY_CAP_MS, this.opts.pingTimeoutMs)).then(
      () => {
        if (done || gen !== this.generation) return
        done = true
        this.schedulePing(gen)
      },
      (err: Error) => { fail(err.message) }
    )
  }

  /** Abandons the current connection (if any), reports it, and schedules the next attempt. */
  private drop (reason: AmiDisconnectReason, message: string, reconnect: boolean): void {
    const wasConnected = this.statusValue.state === 'connected'
    this.generation++
    clearTimeout(this.pingTimer)
    clearTimeout(this.connectTimer)
    const manager = this.manager
    this.manager = undefined
    this.socket = undefined
    this.early = []
    this.rejectAll(message)
    if (manager !== undefined) {
      try { manager.disconnect() } catch { /* already gone */ }
      manager.removeAllListeners()
      manager.on('error', () => {}) // a late socket error must not become an unhandled 'error'
    }
    const status = { state: 'disconnected' as const, reason, message, since: this.opts.clock() }
    this.setStatus(status)
    const fields = { ami: this.target, reason, detail: message }
    const repeated = this.lastFailure === reason
    if (reason !== 'stopped') this.lastFailure = reason
    if (reason === 'stopped') this.log.info(fields, 'AMI connection stopped')
    else if (wasConnected) this.log.warn(fields, 'AMI connection lost')
    else if (repeated) this.log.debug(fields, 'AMI connection failed again')
    else if (reason === 'auth-failed') this.log.error(fields, 'AMI login failed: check the user and secret in AMI_URL and manager.conf')
    else this.log.warn(fields, 'AMI connection failed')
    this.safeEmit('disconnected', status)
    if (reconnect && !this.stopped) {
      const delay = this.backoff()
      this.log.debug({ ami: this.target, delayMs: delay }, 'AMI reconnect scheduled')
      clearTimeout(this.reconnectTimer)
      this.reconnectTimer = setTimeout(() => { if (!this.stopped) this.open() }, delay)
    }
  }

  private backoff (): number {
    const exp = Math.min(this.opts.maxBackoffMs, this.opts.minBackoffMs * 2 ** Math.max(0, this.attempt - 1))
    return Math.round(exp * (0.5 + this.opts.random() / 2))
  }
}

/**
 * asterisk-manager creates its socket inside connect() and keeps it private; the flow control
 * needs it (pause/resume), so it is taken as net.createConnection returns it, during that call only.
 */
function connectCapturingSocket (connect: () => void): net.Socket | undefined {
  const original = net.createConnection
  let socket: net.Socket | undefined
  net.createConnection = ((...args: Parameters<typeof net.createConnection>) => {
    socket = original.apply(net, args)
    return socket
  }) as typeof net.createConnection
  try {
    connect()
  } finally {
    net.createConnection = original
  }
  return socket
}
