// The mail channel's one door into the journal: what it needs, in one small interface. Drafts are
// opened by the shared intake (src/intake/intake.ts: one identification of the sender for calls and
// mail, idempotent on the message's key through emailLink); the rest of one message's work —
// keeping it, attaching it to its entry, ending «Обратная связь», the mailbox cursor — runs in one
// transaction of the journal service (atomically).
import { mailRepository, type MailRepository } from '../db/mail.repository.js'
import type { ChannelLink, Intake } from '../intake/intake.js'
import type { JournalService } from '../services/journal.service.js'
import type { Entry } from '../journal/index.js'
import type { EntryNumber } from './rules.js'

export interface MailJournal {
  /** Attaches a kept message to an entry (its correspondence). */
  attach: (mailId: number, entryId: number) => Promise<void>
  entry: (id: number) => Promise<Entry | undefined>
  /** The entry a subject's tag names. */
  entryByNumber: (n: EntryNumber) => Promise<Entry | undefined>
  /**
   * The requester answered: an entry in «Обратная связь» goes back to «В работе» and its deadline
   * resumes (the history says why). undefined when the entry was not waiting.
   */
  resumeFromFeedback: (entryId: number, at: Date, comment: string) => Promise<Entry | undefined>
}

export interface MailJournalPort {
  /** Runs fn in one transaction: the journal's side and the mail rows commit together or not at all. */
  atomically: <T>(fn: (journal: MailJournal, mail: MailRepository) => Promise<T>) => Promise<T>
  /** The draft of a kept request (by its key); the same key gives the same draft, never a second one. */
  openDraft: (input: { key: string, arrivedAt: Date, address: string | null, name: string | null, description: string }) => Promise<{ entryId: number, entry?: Entry }>
  /** A new request about a closed or annulled entry refers to it. */
  refer: (entryId: number, referenceId: number) => Promise<void>
}

/** The e-mail channel's record of which draft a message has: its mail_message row (the intake locks it). */
export const emailLink: ChannelLink = {
  lock: async (trx, key) => await mailRepository(trx).lockForDraft(key),
  link: async (trx, key, entryId) => { await mailRepository(trx).linkDraft(key, entryId) }
}

export function journalMailPort (journal: JournalService, intake: Pick<Intake, 'open'>): MailJournalPort {
  return {
    atomically: async (fn) => await journal.transaction(async (ops, trx) => {
      const mail = mailRepository(trx)
      const port: MailJournal = {
        attach: async (mailId, entryId) => { await mail.setEntry(mailId, entryId) },
        entry: async (id) => await ops.byId(id),
        entryByNumber: async (n) => await ops.byNumber(n.year, n.number),
        resumeFromFeedback: async (entryId, at, comment) => {
          const e = await ops.byId(entryId)
          if (e === undefined || e.status !== 'feedback' || e.annulment !== null) return undefined
          const open = e.pauses.find((p) => p.to === null)
          // the clock resumes when the answer arrived, never before the pause began
          const when = open !== undefined && open.from.getTime() > at.getTime() ? open.from : at
          const r = await ops.changeStatus(entryId, { to: 'in_progress', comment }, { by: null, at: when })
          return r.ok ? r.entry : undefined
        }
      }
      return await fn(port, mail)
    }),
    openDraft: async ({ key, arrivedAt, address, name, description }) => {
      const opened = await intake.open({ channel: 'email', from: { email: address, name }, arrivedAt, description, externalKey: key })
      return opened.entry === undefined ? { entryId: opened.entryId } : { entryId: opened.entryId, entry: opened.entry }
    },
    refer: async (entryId, referenceId) => {
      const r = await journal.update(entryId, { referenceId }, { by: null })
      if (!r.ok) throw new Error(`${r.code}: ${r.message}`)
    }
  }
}
