// One message read from the mailbox → kept whole, classified, matched to a thread, and turned into
// a reply on its entry, a message kept aside, or a request whose draft the shared intake opens. The
// message, its entry's change and the mailbox cursor commit in one transaction keyed by the message:
// a restart, a reconnect or a second instance that reads it again finds it kept and changes nothing;
// the draft follows, idempotent on the same key (and caught up if the service stopped in between).
import crypto from 'node:crypto'
import type { Entry } from '../journal/index.js'
import type { MailMessageKind } from '../db/tables/mail.js'
import type { MailJournalPort } from './journal-port.js'
import { MalformedMailError, parseMail, type ParsedMessage } from './parse.js'
import { classify, contactOf, describe, pickThread, threadKeys } from './rules.js'

/** A message as the IMAP reader fetched it. */
export interface FetchedMessage {
  /** the cursor's name of the mailbox (user@host/INBOX) */
  mailbox: string
  uidValidity: number
  uid: number
  /** when the mail server received it */
  internalDate: Date
  size: number
  source: Buffer
  /** the source was cut at the size limit */
  truncated: boolean
}

export interface IntakeOutcome {
  mailId: number | null
  kind: MailMessageKind
  /** the message was kept before (a replay): nothing changed */
  duplicate: boolean
  entry: Entry | null
  /** a new draft was opened for it */
  created: boolean
  /** its entry went from «Обратная связь» back to «В работе» */
  resumed: boolean
  reason: string
}

export interface MailAnnouncement {
  outcome: IntakeOutcome
  from: { address: string | null, name: string | null }
  subject: string
  receivedAt: Date
}

export interface IntakeLogger {
  info: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
  error: (obj: object, msg: string) => void
}

export interface IntakeDeps {
  port: MailJournalPort
  /** our addresses (MAIL_FROM, the mailbox's): mail from them is never a request */
  ownAddresses: string[]
  maxAttachmentBytes: number
  clock: () => Date
  log: IntakeLogger
  /** after commit: a draft opened or an entry answered (the specialists' screens) */
  announce?: (a: MailAnnouncement) => Promise<void>
}

export const RESUME_COMMENT = 'Получен ответ заявителя по электронной почте'

const sha256 = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex')

/** The Message-IDs a bounce quotes (the returned message's headers), to find whose mail came back. */
function quotedMessageIds (source: Buffer, own: string | null): string[] {
  const text = source.toString('latin1')
  const ids = [...text.matchAll(/^Message-ID:\s*<([^<>\s]+)>/gim)].map((m) => m[1]!).filter((id) => id !== own)
  return [...new Set(ids)]
}

export function createIntake (deps: IntakeDeps) {
  const { port, log } = deps

  const announce = async (a: MailAnnouncement): Promise<void> => {
    if (deps.announce === undefined) return
    await deps.announce(a).catch((err: unknown) => { log.error({ err, mailId: a.outcome.mailId }, 'mail: announcing to the screens failed') })
  }

  /** Kept aside without an entry: what could not be read, with the reason. */
  async function keepAside (m: FetchedMessage, why: string): Promise<IntakeOutcome> {
    const id = await port.atomically(async (_journal, mail) => {
      const mailId = await mail.insertIncoming({
        kind: 'malformed', mailbox: m.mailbox, uidValidity: m.uidValidity, uid: m.uid, dedupKey: `sha256:${sha256(m.source)}`,
        messageId: null, inReplyTo: [], references: [], fromAddress: null, fromName: null, to: [], subject: '', body: '',
        sentDate: null, receivedAt: m.internalDate, size: m.size, raw: m.source, rawTruncated: m.truncated, note: why, attachments: []
      })
      await mail.advance(m.mailbox, m.uidValidity, m.uid, deps.clock())
      return mailId
    })
    log.warn({ uid: m.uid, mailbox: m.mailbox, mailId: id, why }, 'mail: a message kept aside')
    return { mailId: id ?? null, kind: 'malformed', duplicate: id === undefined, entry: null, created: false, resumed: false, reason: why }
  }

  /** Opens the draft of a kept request through the shared intake. */
  async function openRequest (r: { id: number, key: string, arrivedAt: Date, address: string | null, name: string | null, subject: string, body: string, refersTo: number | null }, base: IntakeOutcome): Promise<IntakeOutcome> {
    const description = describe({ subject: r.subject, text: r.body }) || contactOf({ address: r.address, name: r.name }) || '(письмо без темы и текста)'
    const opened = await port.openDraft({ key: r.key, arrivedAt: r.arrivedAt, address: r.address, name: r.name, description })
    if (opened.entry !== undefined && r.refersTo !== null) await port.refer(opened.entryId, r.refersTo)
    const entry = opened.entry ?? await port.atomically(async (journal) => await journal.entry(opened.entryId)) ?? null
    return { ...base, mailId: r.id, entry, created: opened.entry !== undefined }
  }

  /** Requests kept without a draft (the service stopped in between): their drafts now. */
  async function openPending (): Promise<number> {
    const rows = await port.atomically(async (_journal, mail) => await mail.requestsWithoutDraft(50))
    for (const r of rows) {
      if (r.dedup_key === null) continue
      const outcome = await openRequest({ id: r.id, key: r.dedup_key, arrivedAt: r.received_at, address: r.from_address, name: r.from_name, subject: r.subject, body: r.body, refersTo: r.refers_to },
        { mailId: r.id, kind: 'request', duplicate: false, entry: null, created: false, resumed: false, reason: 'caught up' })
      log.warn({ mailId: r.id, entryId: outcome.entry?.id }, 'mail: a kept request had no draft yet; opened now')
      if (outcome.created) await announce({ outcome, from: { address: r.from_address, name: r.from_name }, subject: r.subject, receivedAt: r.received_at })
    }
    return rows.length
  }

  async function handle (m: FetchedMessage): Promise<IntakeOutcome> {
    let parsed: ParsedMessage
    try {
      parsed = await parseMail(m.source, { maxAttachmentBytes: deps.maxAttachmentBytes })
    } catch (err) {
      if (err instanceof MalformedMailError) return await keepAside(m, err.message)
      throw err
    }
    const f = parsed.facts
    const verdict = classify(f, { addresses: deps.ownAddresses })
    const keys = threadKeys(f)
    if (verdict.kind === 'bounce') keys.messageIds.push(...quotedMessageIds(m.source, f.messageId).filter((id) => !keys.messageIds.includes(id)))
    const dedupKey = f.messageId ?? `sha256:${sha256(m.source)}`
    const now = deps.clock()

    const kept = await port.atomically(async (journal, mail): Promise<IntakeOutcome & { refersTo: number | null }> => {
      const byTag = keys.tag === null ? undefined : (await journal.entryByNumber(keys.tag))?.id
      const thread = pickThread(keys, { byMessageId: await mail.entriesByMessageIds(keys.messageIds), byTag })
      let threadEntry = thread === undefined ? undefined : await journal.entry(thread.entryId)
      let refersTo: number | null = null
      // a closed or annulled entry is not reopened by mail: the message is a new request referring to it
      if (threadEntry !== undefined && verdict.kind === 'request' && (threadEntry.annulment !== null || threadEntry.status === 'closed')) {
        if (threadEntry.number !== null) refersTo = threadEntry.id
        threadEntry = undefined
      }
      const kind: MailMessageKind = verdict.kind !== 'request' ? verdict.kind : threadEntry !== undefined ? 'reply' : 'request'
      const mailId = await mail.insertIncoming({
        kind, refersTo, mailbox: m.mailbox, uidValidity: m.uidValidity, uid: m.uid, dedupKey, messageId: f.messageId,
        inReplyTo: f.inReplyTo, references: f.references, fromAddress: f.from.address, fromName: f.from.name, to: parsed.to,
        subject: f.subject, body: f.text, sentDate: parsed.date, receivedAt: m.internalDate, size: m.size, raw: m.source,
        rawTruncated: m.truncated, note: verdict.kind === 'request' ? (thread !== undefined ? `в переписке по ${thread.by === 'tag' ? 'номеру в теме' : 'заголовкам'}` : null) : verdict.reason,
        attachments: parsed.attachments
      })
      await mail.advance(m.mailbox, m.uidValidity, m.uid, now)
      const base = { kind, refersTo, created: false, resumed: false, reason: verdict.reason }
      if (mailId === undefined) return { ...base, mailId: null, duplicate: true, entry: null, reason: 'kept before' }
      if (kind === 'request' || threadEntry === undefined) return { ...base, mailId, duplicate: false, entry: null }
      await journal.attach(mailId, threadEntry.id)
      // only a person's answer brings the information «Обратная связь» waits for; machine mail is only kept
      const resumed = kind === 'reply' ? await journal.resumeFromFeedback(threadEntry.id, m.internalDate, RESUME_COMMENT) : undefined
      return { ...base, mailId, duplicate: false, entry: resumed ?? threadEntry, resumed: resumed !== undefined }
    })
    // a request's draft is opened by the shared intake once the message is kept (idempotent on its
    // key: a stop in between is caught up by openPending on the next round)
    const outcome: IntakeOutcome = kept.kind === 'request' && !kept.duplicate && kept.mailId !== null
      ? await openRequest({ id: kept.mailId, key: dedupKey, arrivedAt: m.internalDate, address: f.from.address, name: f.from.name, subject: f.subject, body: f.text, refersTo: kept.refersTo }, kept)
      : kept

    log.info({ uid: m.uid, mailId: outcome.mailId, kind: outcome.kind, entryId: outcome.entry?.id, created: outcome.created, resumed: outcome.resumed, duplicate: outcome.duplicate }, 'mail: message read')
    if (!outcome.duplicate && outcome.entry !== null) await announce({ outcome, from: f.from, subject: f.subject, receivedAt: m.internalDate })
    return outcome
  }

  return { handle, keepAside, openPending }
}

export type Intake = ReturnType<typeof createIntake>
