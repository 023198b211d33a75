// Reads the helpdesk mailbox over IMAP (imapflow): opens it read-only (EXAMINE — the \Seen flag of
// the people who read the mailbox in a mail client is never touched), reads every message past the
// stored cursor in UID order, waits with IDLE where the server offers it and polls otherwise, and
// reconnects with backoff. The cursor is UIDVALIDITY + last UID in the database (see intake.ts).
import net from 'node:net'
import { ImapFlow } from 'imapflow'
import type { FetchedMessage } from './intake.js'
import type { MailboxCursor } from '../db/mail.repository.js'
import type { ImapEndpoint } from '../config.js'
import { rerunner } from '../util/serial-queue.js'

export interface ImapLogger {
  debug: (obj: object, msg: string) => void
  info: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
  error: (obj: object, msg: string) => void
}

export interface ReaderStore {
  cursor: (mailbox: string) => Promise<MailboxCursor | undefined>
  resetCursor: (mailbox: string, uidValidity: number, since: Date, at: Date) => Promise<void>
  advance: (mailbox: string, uidValidity: number, uid: number, at: Date) => Promise<void>
}

export interface ReaderOptions {
  endpoint: ImapEndpoint
  store: ReaderStore
  /** processes one message; throwing leaves the cursor where it was (read again later) */
  handle: (m: FetchedMessage) => Promise<unknown>
  /** at the start of every round: work left over by a stop (requests kept without a draft) */
  catchUp?: () => Promise<unknown>
  /** after `maxAttempts` failures of one message: keep it aside and go on (never blocks the mailbox) */
  keepAside: (m: FetchedMessage, why: string) => Promise<unknown>
  log: ImapLogger
  clock: () => Date
  /** a poll even while idling (a missed notification, a server without IDLE) */
  pollMs?: number
  /** at the very first start, mail that arrived this long before is read too */
  backfillMs?: number
  /** larger sources are cut here (and marked truncated) */
  maxMessageBytes?: number
  minBackoffMs?: number
  maxBackoffMs?: number
  maxAttempts?: number
}

export type MailLinkState = 'connected' | 'disconnected'

export class MailboxReader {
  private client: ImapFlow | undefined
  private running = false
  private loop: Promise<void> | undefined
  private wake: (() => void) | undefined
  /** one sync at a time; a failed sync ends the repeats until the next notification or poll */
  private readonly syncs = rerunner(async () => {
    try {
      await this.sync()
    } catch (err) {
      this.lastError = (err as Error).message
      this.opts.log.warn({ mailbox: this.name, err: describe(err) }, 'mail: reading the mailbox failed; trying again later')
      throw err
    }
  }, () => this.running)
  private poll: NodeJS.Timeout | undefined
  private readonly failures = new Map<number, number>()
  private state: MailLinkState = 'disconnected'
  /** the last connection or sync failure, for the log and /health */
  lastError: string | null = null
  /** 'idle' when the server offers IDLE, else 'poll' */
  mode: 'idle' | 'poll' | null = null
  readonly name: string

  constructor (private readonly opts: ReaderOptions) {
    const e = opts.endpoint
    this.name = `${e.user}@${e.host}/${e.mailbox}`
  }

  get status (): MailLinkState { return this.running ? this.state : 'disconnected' }

  start (): void {
    if (this.running) return
    this.running = true
    this.loop = this.run()
  }

  async stop (): Promise<void> {
    this.running = false
    if (this.poll !== undefined) clearInterval(this.poll)
    await this.syncs.idle()
    // a connected client says LOGOUT (its close ends the wait in run()); otherwise the wait ends here
    const c = this.client
    if (c !== undefined && c.usable) await c.logout().catch(() => {})
    this.wake?.()
    await this.loop
    this.loop = undefined
  }

  /** Reads what is new now (tests; the poll and IDLE notifications call it too). */
  async syncNow (): Promise<void> {
    this.kick()
    await this.syncs.idle()
  }

  private async run (): Promise<void> {
    let attempt = 0
    while (this.running) {
      const c = this.connectClient()
      try {
        await c.connect()
        await c.mailboxOpen(this.opts.endpoint.mailbox, { readOnly: true })
        this.mode = c.capabilities.has('IDLE') ? 'idle' : 'poll'
        this.state = 'connected'
        this.lastError = null
        attempt = 0
        this.opts.log.info({ mailbox: this.name, mode: this.mode }, 'mail: mailbox connected')
        const closed = new Promise<void>((resolve) => { c.once('close', () => resolve()) })
        c.on('exists', () => { this.kick() })
        this.poll = setInterval(() => { this.kick() }, this.opts.pollMs ?? 60_000)
        this.poll.unref()
        this.kick()
        await Promise.race([closed, new Promise<void>((resolve) => { this.wake = resolve })])
      } catch (err) {
        this.lastError = (err as Error).message
        this.opts.log.warn({ mailbox: this.name, err: describe(err) }, 'mail: mailbox connection failed')
      }
      if (this.poll !== undefined) { clearInterval(this.poll); this.poll = undefined }
      this.state = 'disconnected'
      this.client = undefined
      c.removeAllListeners('exists')
      if (c.usable) c.close()
      await this.syncs.idle()
      if (!this.running) break
      const delay = backoff(attempt++, this.opts.minBackoffMs ?? 1000, this.opts.maxBackoffMs ?? 60_000)
      this.opts.log.info({ mailbox: this.name, delayMs: delay }, 'mail: reconnecting')
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay)
        this.wake = () => { clearTimeout(t); resolve() }
      })
    }
  }

  private connectClient (): ImapFlow {
    const e = this.opts.endpoint
    const c = new ImapFlow({
      host: e.host,
      port: e.port,
      secure: e.secure,
      auth: { user: e.user, pass: e.password },
      tls: tlsOptions(e),
      logger: false,
      autoIdleDelay: 1000,
      maxIdleTime: this.opts.pollMs ?? 60_000,
      missingIdleCommand: 'NOOP',
      connectionTimeout: 15_000,
      greetingTimeout: 15_000
    })
    c.on('error', (err: Error) => { this.lastError = err.message; this.opts.log.debug({ err: err.message }, 'mail: IMAP client error') })
    this.client = c
    return c
  }

  /** One sync at a time; a notification during a sync makes it run once more. */
  private kick (): void { this.syncs.kick() }

  private async sync (): Promise<void> {
    const c = this.client
    if (c === undefined || !c.usable || c.mailbox === false) return
    const { store, clock, log } = this.opts
    await this.opts.catchUp?.()
    const uidValidity = Number(c.mailbox.uidValidity)
    let cursor = await store.cursor(this.name)
    if (cursor === undefined) {
      const since = new Date(clock().getTime() - (this.opts.backfillMs ?? 3 * 24 * 3600_000))
      await store.resetCursor(this.name, uidValidity, since, clock())
      log.info({ mailbox: this.name, since }, 'mail: first reading of the mailbox')
      cursor = { mailbox: this.name, uidValidity, lastUid: 0, since }
    } else if (cursor.uidValidity !== uidValidity) {
      // RFC 9051 2.3.1.1: the old UIDs mean nothing now; read again, the message keys skip what is kept
      log.warn({ mailbox: this.name, was: cursor.uidValidity, now: uidValidity, since: cursor.since }, 'mail: UIDVALIDITY changed; reading the mailbox again')
      await store.resetCursor(this.name, uidValidity, cursor.since, clock())
      cursor = { ...cursor, uidValidity, lastUid: 0 }
    }
    const found = cursor.lastUid === 0
      ? await c.search({ since: dayBefore(cursor.since) }, { uid: true })
      : await c.search({ uid: `${cursor.lastUid + 1}:*` }, { uid: true })
    const uids = (found === false || found === undefined ? [] : found).filter((u) => u > cursor.lastUid).sort((a, b) => a - b)
    const max = this.opts.maxMessageBytes ?? 25 * 1024 * 1024
    for (const uid of uids) {
      if (!this.running || !c.usable) return
      const meta = await c.fetchOne(String(uid), { uid: true, internalDate: true, size: true }, { uid: true })
      if (meta === false) continue // expunged meanwhile
      const internalDate = meta.internalDate instanceof Date ? meta.internalDate : new Date(meta.internalDate ?? clock())
      if (internalDate.getTime() < cursor.since.getTime()) {
        await store.advance(this.name, uidValidity, uid, clock()) // before the service's time: not ours to take
        continue
      }
      const size = meta.size ?? 0
      const truncated = size > max
      const full = await c.fetchOne(String(uid), { uid: true, source: truncated ? { start: 0, maxLength: max } : true }, { uid: true })
      if (full === false || full.source === undefined) continue
      const message: FetchedMessage = { mailbox: this.name, uidValidity, uid, internalDate, size, source: full.source, truncated }
      try {
        await this.opts.handle(message)
        this.failures.delete(uid)
      } catch (err) {
        const n = (this.failures.get(uid) ?? 0) + 1
        this.failures.set(uid, n)
        if (n < (this.opts.maxAttempts ?? 3)) throw err
        this.failures.delete(uid)
        log.error({ mailbox: this.name, uid, err: describe(err) }, 'mail: a message failed again and again; keeping it aside')
        await this.opts.keepAside(message, `не обработано (${n} попытки): ${(err as Error).message}`)
      }
    }
  }
}

/** What a real provider needs: the CA to trust, or no check at all (IMAP_TLS_REJECT_UNAUTHORIZED=false). */
export function tlsOptions (e: Pick<ImapEndpoint, 'host' | 'ca' | 'rejectUnauthorized'>): { rejectUnauthorized: boolean, ca?: Buffer[], servername?: string } {
  // SNI carries a host name only (RFC 6066 3)
  return { rejectUnauthorized: e.rejectUnauthorized, ...(e.ca !== undefined ? { ca: e.ca } : {}), ...(net.isIP(e.host) === 0 ? { servername: e.host } : {}) }
}

/** IMAP SEARCH SINCE takes a date without time (RFC 9051 6.4.4): a day earlier, then filtered exactly. */
function dayBefore (d: Date): Date {
  return new Date(d.getTime() - 24 * 3600_000)
}

function backoff (attempt: number, min: number, max: number): number {
  const base = Math.min(max, min * 2 ** attempt)
  return Math.round(base / 2 + Math.random() * base / 2)
}

function describe (err: unknown): string {
  const e = err as { message?: string, responseText?: string, code?: string }
  return [e.code, e.responseText ?? e.message].filter((x) => x !== undefined).join(': ')
}
