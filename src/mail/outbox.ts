// Replies by SMTP through a durable outbox. Resolving an e-mail request (reg. 3.4.1: the resolution
// comment goes back to the address the request came from) or asking it for more information
// («Обратная связь») queues the message in the same transaction as the status change: the reply is
// composed once (its bytes and Message-ID fixed), then sent by the elected instance, retried with
// backoff, its state kept on the entry; a copy goes to the mailbox's Sent folder.
import crypto from 'node:crypto'
import MailComposer from 'nodemailer/lib/mail-composer/index.js'
import nodemailer, { type Transporter, type TransportOptions } from 'nodemailer'
import type { Db } from '../db/database.js'
import { mailRepository, type MailRepository, type OutboxJob } from '../db/mail.repository.js'
import type { JournalService } from '../services/journal.service.js'
import { formatNumber, type Entry, type Status } from '../journal/index.js'
import { replyHeaders } from './rules.js'
import { rerunner } from '../util/serial-queue.js'
import type { SmtpEndpoint } from '../config.js'

export interface ReplyParts {
  kind: 'answer' | 'question'
  to: string
  from: { address: string, name: string | null }
  subject: string
  inReplyTo: string | null
  references: string[]
  text: string
  messageId: string
  date: Date
}

const ruDate = (iso: string): string => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`

/** What the requester reads: the comment, then which request it answers. */
export function replyText (entry: Entry, kind: 'answer' | 'question', comment: string): string {
  const n = entry.year !== null && entry.number !== null ? `№ ${formatNumber(entry.year, entry.number)}` : ''
  const on = entry.registeredOn === null ? '' : ` от ${ruDate(entry.registeredOn)}`
  const lead = kind === 'answer' ? `Ответ на обращение ${n}${on}` : `Уточнение по обращению ${n}${on}`
  const tail = kind === 'question' ? '\n\nПожалуйста, ответьте на это письмо, не меняя тему: ответ попадёт к вашему обращению.' : ''
  return `${lead}\n\n${comment.trim()}${tail}\n\n--\nСитуационный центр АИС «Электронное дополнительное образование»`
}

export async function composeReply (p: ReplyParts): Promise<Buffer> {
  const composer = new MailComposer({
    from: p.from.name === null ? p.from.address : { name: p.from.name, address: p.from.address },
    to: p.to,
    subject: p.subject,
    text: p.text,
    messageId: `<${p.messageId}>`,
    date: p.date,
    ...(p.inReplyTo !== null ? { inReplyTo: `<${p.inReplyTo}>` } : {}),
    ...(p.references.length > 0 ? { references: p.references.map((r) => `<${r}>`) } : {}),
    // RFC 3834: an automatic answer's own auto-replies are suppressed; ours is written by a person
    headers: { 'Auto-Submitted': 'no', 'X-Auto-Response-Suppress': 'All' }
  })
  return await new Promise((resolve, reject) => { composer.compile().build((err, msg) => { if (err !== null) reject(err); else resolve(msg) }) })
}

export interface RepliesDeps {
  from: { address: string, name: string | null }
  clock: () => Date
  /** after commit: a reply was queued (wake the sender) */
  onQueued?: (mailId: number, entryId: number) => void
}

/** Which status change e-mails the comment, and as what. */
export function replyKind (entry: Entry, to: Status, comment: string | null | undefined): 'answer' | 'question' | undefined {
  if (entry.channel !== 'email' || comment === null || comment === undefined || comment.trim() === '') return undefined
  if (to === 'resolved') return 'answer'
  // closing after «Решен» says nothing new; closing a rejected request tells the requester why
  if (to === 'closed') return entry.status === 'resolved' ? undefined : 'answer'
  if (to === 'feedback') return 'question'
  return undefined
}

/**
 * The journal as the HTTP routes use it, with one difference: a status change that answers an
 * e-mail request queues the reply in the same transaction (never a resolution without its reply,
 * never a reply for a refused change).
 */
export function withMailReplies (journal: JournalService, deps: RepliesDeps): JournalService {
  const domain = deps.from.address.split('@')[1] ?? 'localhost'
  return {
    ...journal,
    changeStatus: async (id, input, actor) => {
      let queued: { mailId: number, entryId: number } | undefined
      const outcome = await journal.transaction(async (ops, trx) => {
        const before = await ops.byId(id)
        const r = await ops.changeStatus(id, input, actor)
        if (!r.ok || before === undefined) return r
        const kind = replyKind(before, input.to, input.comment)
        if (kind === undefined) return r
        queued = await queueReply(mailRepository(trx), r.entry, kind, input.comment!, { ...deps, domain }, actor.at ?? deps.clock())
        return r
      })
      if (queued !== undefined) deps.onQueued?.(queued.mailId, queued.entryId)
      return outcome
    }
  }
}

async function queueReply (mail: MailRepository, entry: Entry, kind: 'answer' | 'question', comment: string, deps: RepliesDeps & { domain: string }, at: Date): Promise<{ mailId: number, entryId: number } | undefined> {
  const original = await mail.latestIncoming(entry.id)
  const to = entry.callerEmail ?? original?.from_address ?? null
  if (to === null || entry.year === null || entry.number === null) return undefined
  const h = replyHeaders(original === undefined ? null : { messageId: original.message_id, references: original.refs, subject: original.subject }, { year: entry.year, number: entry.number })
  const messageId = `hdj-${entry.year}-${entry.number}-${crypto.randomUUID()}@${deps.domain}`
  const text = replyText(entry, kind, comment)
  const raw = await composeReply({ kind, to, from: deps.from, subject: h.subject, inReplyTo: h.inReplyTo, references: h.references, text, messageId, date: at })
  const mailId = await mail.enqueue({
    kind, entryId: entry.id, messageId, inReplyTo: h.inReplyTo === null ? [] : [h.inReplyTo], references: h.references,
    fromAddress: deps.from.address, to, subject: h.subject, body: text, at, raw
  })
  return { mailId, entryId: entry.id }
}

export interface SenderLogger {
  info: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
  error: (obj: object, msg: string) => void
}

export interface OutboxOptions {
  db: Db
  smtp: SmtpEndpoint
  clock: () => Date
  log: SenderLogger
  /** puts a copy into the mailbox's Sent folder: true done, false no such folder (with why) */
  copyToSent?: (raw: Buffer, at: Date) => Promise<{ done: boolean, note: string | null }>
  /** after a state change of a message (the entry's screens) */
  onChange?: (job: { id: number, mailId: number, entryId: number | null, state: 'sent' | 'queued' | 'failed' }) => void
  everyMs?: number
  /** after this many attempts a temporary failure is final */
  maxAttempts?: number
  retryMinMs?: number
  retryMaxMs?: number
  /** a row 'sending' for longer was left by a process that died */
  staleSendingMs?: number
}

export const INTERRUPTED = 'отправка прервана (перезапуск сервиса): письмо могло уйти — проверьте папку «Отправленные» и отправьте снова вручную'

/** The elected instance's sender: takes due rows one by one, sends, records the server's answer. */
export class OutboxSender {
  private timer: NodeJS.Timeout | undefined
  private running = false
  /** one round at a time; a reply queued during a round makes it run once more */
  private readonly rounds = rerunner(async () => {
    try { await this.drain() } catch (err) { this.opts.log.error({ err }, 'mail outbox: a round failed') }
  }, () => this.running)
  private readonly transport: Transporter
  private readonly repo: MailRepository

  constructor (private readonly opts: OutboxOptions) {
    this.repo = mailRepository(opts.db)
    this.transport = nodemailer.createTransport({
      url: opts.smtp.url,
      tls: { rejectUnauthorized: opts.smtp.rejectUnauthorized, ...(opts.smtp.ca !== undefined ? { ca: opts.smtp.ca } : {}) },
      connectionTimeout: 30_000,
      greetingTimeout: 30_000,
      socketTimeout: 60_000
    } as TransportOptions)
  }

  start (): void {
    if (this.running) return
    this.running = true
    this.timer = setInterval(() => { this.kick() }, this.opts.everyMs ?? 15_000)
    this.timer.unref()
    this.kick()
  }

  async stop (): Promise<void> {
    this.running = false
    if (this.timer !== undefined) clearInterval(this.timer)
    await this.rounds.idle()
  }

  close (): void { this.transport.close() }

  /** Send what is due now (a reply was queued; the timer). */
  kick (): void {
    if (this.running) this.rounds.kick()
  }

  /** Resolves when nothing is being sent (tests). */
  async idle (): Promise<void> { await this.rounds.idle() }

  private async drain (): Promise<void> {
    const now = this.opts.clock()
    for (const id of await this.repo.failInterrupted(new Date(now.getTime() - (this.opts.staleSendingMs ?? 5 * 60_000)), now, INTERRUPTED)) {
      this.opts.log.warn({ outboxId: id }, 'mail outbox: a message was left sending by a stopped process; not sent again by itself')
    }
    for (let job = await this.repo.claimNext(this.opts.clock()); job !== undefined && this.running; job = await this.repo.claimNext(this.opts.clock())) {
      await this.send(job)
    }
    if (this.opts.copyToSent !== undefined) await this.copies()
  }

  private async send (job: OutboxJob): Promise<void> {
    const { log, clock } = this.opts
    try {
      const info = await this.transport.sendMail({ envelope: { from: job.from, to: [job.recipient] }, raw: job.raw }) as { response?: string }
      await this.repo.markSent(job.id, clock(), info.response ?? '')
      log.info({ outboxId: job.id, entryId: job.entryId, to: job.recipient, response: info.response }, 'mail outbox: sent')
      this.opts.onChange?.({ id: job.id, mailId: job.mailId, entryId: job.entryId, state: 'sent' })
    } catch (err) {
      const e = err as { responseCode?: number, response?: string, message?: string, code?: string }
      const answer = e.response ?? [e.code, e.message].filter((x) => x !== undefined).join(': ')
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500
      const last = job.attempts >= (this.opts.maxAttempts ?? 10)
      if (permanent || last) {
        await this.repo.markFailed(job.id, clock(), answer)
        log.error({ outboxId: job.id, entryId: job.entryId, answer, attempts: job.attempts }, 'mail outbox: not sent (final)')
        this.opts.onChange?.({ id: job.id, mailId: job.mailId, entryId: job.entryId, state: 'failed' })
      } else {
        const min = this.opts.retryMinMs ?? 60_000
        const delay = Math.min(this.opts.retryMaxMs ?? 3600_000, min * 2 ** (job.attempts - 1))
        await this.repo.markRetry(job.id, clock(), new Date(clock().getTime() + delay), answer)
        log.warn({ outboxId: job.id, entryId: job.entryId, answer, attempts: job.attempts, retryInMs: delay }, 'mail outbox: not sent yet; will retry')
        this.opts.onChange?.({ id: job.id, mailId: job.mailId, entryId: job.entryId, state: 'queued' })
      }
    }
  }

  private async copies (): Promise<void> {
    for (const c of await this.repo.pendingCopies(20)) {
      try {
        const r = await this.opts.copyToSent!(c.raw, c.at)
        await this.repo.markCopy(c.id, r.done, r.note)
      } catch (err) {
        // the mailbox is unreachable now: tried again next round
        this.opts.log.warn({ outboxId: c.id, err: (err as Error).message }, 'mail outbox: the copy to Sent failed; trying later')
        return
      }
    }
  }
}
