// One message read from the mailbox → kept whole, classified, matched to a thread, and turned into
// a draft, a reply on its entry, or a message kept aside. All of it and the mailbox cursor commit
// in one transaction, keyed by the message: a restart, a reconnect or a second instance that reads
// the same message again finds it kept and changes nothing.
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

    const outcome = await port.atomically(async (journal, mail): Promise<IntakeOutcome> => {
      const byTag = keys.tag === null ? undefined : (await journal.entryByNumber(keys.tag))?.id
      const thread = pickThread(keys, { byMessageId: await mail.entriesByMessageIds(keys.messageIds), byTag })
      let threadEntry = thread === undefined ? undefined : await journal.entry(thread.entryId)
      let referenceId: number | undefined
      // a closed or annulled entry is not reopened by mail: the message is a new request referring to it
      if (threadEntry !== undefined && verdict.kind === 'request' && (threadEntry.annulment !== null || threadEntry.status === 'closed')) {
        if (threadEntry.number !== null) referenceId = threadEntry.id
        threadEntry = undefined
      }
      const kind: MailMessageKind = verdict.kind !== 'request' ? verdict.kind : threadEntry !== undefined ? 'reply' : 'request'
      const mailId = await mail.insertIncoming({
        kind, mailbox: m.mailbox, uidValidity: m.uidValidity, uid: m.uid, dedupKey, messageId: f.messageId,
        inReplyTo: f.inReplyTo, references: f.references, fromAddress: f.from.address, fromName: f.from.name, to: parsed.to,
        subject: f.subject, body: f.text, sentDate: parsed.date, receivedAt: m.internalDate, size: m.size, raw: m.source,
        rawTruncated: m.truncated, note: verdict.kind === 'request' ? (thread !== undefined ? `в переписке по ${thread.by === 'tag' ? 'номеру в теме' : 'заголовкам'}` : null) : verdict.reason,
        attachments: parsed.attachments
      })
      await mail.advance(m.mailbox, m.uidValidity, m.uid, now)
      if (mailId === undefined) {
        return { mailId: null, kind, duplicate: true, entry: null, created: false, resumed: false, reason: 'kept before' }
      }
      if (kind === 'request') {
        const description = describe(f) || contactOf(f.from) || '(письмо без темы и текста)'
        const { entry, created } = await journal.openDraft({ key: dedupKey, arrivedAt: m.internalDate, address: f.from.address, name: f.from.name, description, ...(referenceId !== undefined ? { referenceId } : {}) })
        await journal.attach(mailId, entry.id)
        return { mailId, kind, duplicate: false, entry, created, resumed: false, reason: verdict.reason }
      }
      if (threadEntry === undefined) return { mailId, kind, duplicate: false, entry: null, created: false, resumed: false, reason: verdict.reason }
      await journal.attach(mailId, threadEntry.id)
      // only a person's answer brings the information «Обратная связь» waits for; machine mail is only kept
      const resumed = kind === 'reply' ? await journal.resumeFromFeedback(threadEntry.id, m.internalDate, RESUME_COMMENT) : undefined
      return { mailId, kind, duplicate: false, entry: resumed ?? threadEntry, created: false, resumed: resumed !== undefined, reason: verdict.reason }
    })

    log.info({ uid: m.uid, mailId: outcome.mailId, kind: outcome.kind, entryId: outcome.entry?.id, created: outcome.created, resumed: outcome.resumed, duplicate: outcome.duplicate }, 'mail: message read')
    if (!outcome.duplicate && outcome.entry !== null) await announce({ outcome, from: f.from, subject: f.subject, receivedAt: m.internalDate })
    return outcome
  }

  return { handle, keepAside }
}

export type Intake = ReturnType<typeof createIntake>
