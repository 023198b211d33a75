// Exactly one instance consumes AMI: the one holding a PostgreSQL session-level advisory lock on
// a dedicated connection. The others retry every few seconds; when the leader's connection
// drops (the process died, the network broke) PostgreSQL releases the lock and one of them
// takes over. The embedded database (PGlite) has a single instance: it is always the leader.
// A leader whose lock connection drops (a PostgreSQL restart) does not step down at once: it goes
// on reading AMI and takes the lock again as soon as the server answers; it steps down only when
// another instance got the lock first, or when the server stayed out of reach for graceMs.
import pg from 'pg'
import type { Database } from '../db/database.js'
import { serialQueue } from '../util/serial-queue.js'
import { clusterRepository } from '../db/cluster.repository.js'

/** Any constant shared by every instance of the service (another than the migration lock). */
const LEADER_LOCK_KEY = 7345229026

export interface LeaderLogger {
  info: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
  error: (obj: object, msg: string) => void
}

export interface LeaderOptions {
  database: Database
  log: LeaderLogger
  key?: number
  /** How often a follower tries to take the lock (and a lost connection is reopened). */
  retryMs?: number
  /** How often the leader checks its connection is alive (a query with this timeout). */
  checkMs?: number
  /** How long a leader that lost its lock connection keeps the AMI while it takes the lock again (default 60 s). */
  graceMs?: number
  /** How often it tries during that time (default 250 ms: before any follower, which tries every retryMs). */
  graceRetryMs?: number
}

type Hook = () => unknown

export class LeaderElection {
  private readonly hooks: Array<{ start: Hook, stop: Hook }> = []
  private leader = false
  private closed = false
  private client: pg.Client | undefined
  private timer: NodeJS.Timeout | undefined
  private check: NodeJS.Timeout | undefined
  /** start/stop hooks run one after another, never overlapping. */
  private readonly transitions = serialQueue()
  private readonly key: number
  private readonly retryMs: number
  private readonly checkMs: number
  private readonly graceMs: number
  private readonly graceRetryMs: number
  /** set while the leader has lost its lock connection and is taking the lock again */
  private graceUntil: number | undefined

  constructor (private readonly opts: LeaderOptions) {
    this.key = opts.key ?? LEADER_LOCK_KEY
    this.retryMs = opts.retryMs ?? 3000
    this.checkMs = opts.checkMs ?? 5000
    this.graceMs = opts.graceMs ?? 60_000
    this.graceRetryMs = opts.graceRetryMs ?? 250
  }

  get isLeader (): boolean { return this.leader }

  /** `start` runs when this instance becomes the leader, `stop` when it stops being one. */
  onLeader (start: Hook, stop: Hook): this {
    this.hooks.push({ start, stop })
    if (this.leader) this.transition(true, [{ start, stop }])
    return this
  }

  /** Starts campaigning; resolves after the first attempt (leader or not). */
  async start (): Promise<void> {
    if (this.opts.database.kind === 'pglite') {
      this.become(true, 'embedded database: the only instance')
      return
    }
    await this.attempt()
  }

  /** Waits for the hooks started so far (tests). */
  async settled (): Promise<void> { await this.transitions.idle() }

  /** Gives up leadership (stop hooks run first), releases the lock, stops campaigning. */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    if (this.check !== undefined) clearInterval(this.check)
    if (this.leader) this.become(false, 'closing')
    await this.transitions.idle()
    const c = this.client
    this.client = undefined
    if (c !== undefined) {
      c.removeAllListeners('error')
      c.on('error', () => {})
      await c.query('select pg_advisory_unlock($1)', [this.key]).catch(() => {})
      await c.end().catch(() => {})
    }
  }

  /**
   * Whether any instance holds the leader lock now. A leader killed outright lets go of it the moment
   * PostgreSQL sees its connection close, seconds before a follower's next try takes it over.
   */
  async heldByAnyone (): Promise<boolean> {
    return await clusterRepository(this.opts.database.db).advisoryLockHeld(this.key)
  }

  private async attempt (): Promise<void> {
    if (this.closed) return
    try {
      const c = this.client ?? await this.connect()
      if (this.closed) return
      const r = await c.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [this.key])
      if (this.closed) return
      if (r.rows[0]?.locked === true) {
        if (this.graceUntil !== undefined) {
          this.graceUntil = undefined
          this.opts.log.info({}, 'leader: took the lock again; the AMI was read all along')
        }
        this.become(true, 'took the leader lock')
        this.check = setInterval(() => { void this.alive(c) }, this.checkMs)
        this.check.unref()
        return
      }
      if (this.graceUntil !== undefined) {
        this.graceUntil = undefined
        this.become(false, 'another instance took the lock while this one reconnected')
      }
    } catch (err) {
      this.opts.log.warn({ err: (err as Error).message }, 'leader: could not try the lock')
      this.dropClient()
      if (this.graceUntil !== undefined && Date.now() >= this.graceUntil) {
        this.graceUntil = undefined
        this.become(false, `the database stayed unreachable for ${this.graceMs} ms`)
      }
    }
    this.retry()
  }

  private retry (): void {
    if (this.closed || this.timer !== undefined) return
    const delay = this.graceUntil !== undefined ? this.graceRetryMs : this.retryMs
    this.timer = setTimeout(() => { this.timer = undefined; void this.attempt() }, delay)
    this.timer.unref()
  }

  private async connect (): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: this.opts.database.url, keepAlive: true, query_timeout: this.checkMs, connectionTimeoutMillis: this.checkMs, application_name: 'hdj-leader' })
    const lost = (err?: Error): void => { if (this.client === c) this.lost(err) }
    c.on('error', lost)
    c.on('end', () => { lost() })
    this.client = c
    try {
      await c.connect()
    } catch (err) {
      this.client = undefined
      c.removeAllListeners()
      c.on('error', () => {})
      throw err
    }
    return c
  }

  /** The leader's periodic proof that its session (and so the lock) still exists. */
  private async alive (c: pg.Client): Promise<void> {
    try {
      await c.query('select 1')
    } catch (err) {
      if (this.client === c) this.lost(err as Error)
    }
  }

  private lost (err?: Error): void {
    this.dropClient()
    if (this.closed) return
    if (this.leader && this.graceUntil === undefined) {
      // no other instance can take the lock while the server is down: keep the AMI and take it again
      this.graceUntil = Date.now() + this.graceMs
      this.opts.log.warn({ err: err?.message }, 'leader: lost the connection holding the lock; goes on reading AMI while it takes the lock again')
    }
    this.retry()
  }

  private dropClient (): void {
    if (this.check !== undefined) { clearInterval(this.check); this.check = undefined }
    const c = this.client
    this.client = undefined
    if (c !== undefined) {
      c.removeAllListeners()
      c.on('error', () => {})
      c.end().catch(() => {})
    }
  }

  private become (leader: boolean, why: string): void {
    if (this.leader === leader) return
    this.leader = leader
    this.opts.log.info({ leader, why }, leader ? 'leader: this instance consumes AMI' : 'leader: this instance stepped down')
    this.transition(leader, this.hooks)
  }

  private transition (start: boolean, hooks: Array<{ start: Hook, stop: Hook }>): void {
    const list = start ? [...hooks] : [...hooks].reverse()
    void this.transitions.run(async () => {
      for (const h of list) {
        try {
          await (start ? h.start() : h.stop())
        } catch (err) {
          this.opts.log.error({ err: (err as Error).message }, start ? 'leader: a start hook failed' : 'leader: a stop hook failed')
        }
      }
    })
  }
}
