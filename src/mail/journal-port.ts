// The mail channel's one door into the journal: what it needs, in one small interface, so the
// channel stays a feature of its own (the shared intake of calls and mail can implement the same
// port later). journalMailPort() implements it with the journal's and directory's repositories;
// every step of one message runs in one transaction (atomically), with the message's own rows.
import type { Db } from '../db/database.js'
import { journalRepository, type JournalRepositoryOptions } from '../db/journal.repository.js'
import { organizationsRepository } from '../db/organizations.repository.js'
import { mailRepository, type MailRepository } from '../db/mail.repository.js'
import type { Entry, EntryFields } from '../journal/index.js'
import type { EntryNumber } from './rules.js'

/** Who writes, as the directory and earlier requests know the address. */
export interface Sender {
  contactId: number | null
  contactText: string | null
  organizationId: number | null
  organizationName: string | null
}

export interface MailJournal {
  /** A directory contact with this address, else what the latest request from it says. */
  identifySender: (address: string) => Promise<Sender>
  /** The draft of an arriving message; the same key gives the same draft (never a second one). */
  openDraft: (input: { key: string, arrivedAt: Date, address: string | null, name: string | null, description: string, referenceId?: number }) => Promise<{ entry: Entry, created: boolean }>
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
}

const NO_ONE: Sender = { contactId: null, contactText: null, organizationId: null, organizationName: null }

export function journalMailPort (db: Db, journalOptions: JournalRepositoryOptions = {}): MailJournalPort {
  return {
    atomically: async (fn) => await db.transaction().execute(async (trx) => {
      const journal = journalRepository(trx, journalOptions)
      const directory = organizationsRepository(trx)
      const mail = mailRepository(trx)
      const identifySender = async (address: string): Promise<Sender> => {
        const { items: [contact] } = await directory.searchContacts({ email: address, limit: 1, offset: 0 })
        if (contact !== undefined) return { contactId: contact.id, contactText: null, organizationId: contact.organizationId, organizationName: contact.organizationName }
        const earlier = await mail.latestEntryByEmail(address)
        if (earlier === undefined) return NO_ONE
        return { contactId: earlier.contact_id, contactText: earlier.contact_text, organizationId: earlier.organization_id, organizationName: earlier.organization_name }
      }
      const port: MailJournal = {
        identifySender,
        openDraft: async ({ key, arrivedAt, address, name, description, referenceId }) => {
          const existing = await mail.entryOfKey(key)
          if (existing !== undefined && existing !== null) {
            const entry = await journal.byId(existing)
            if (entry !== undefined) return { entry, created: false }
          }
          const who = address === null ? NO_ONE : await identifySender(address)
          const fields: EntryFields & { channel: 'email' } = { channel: 'email', description, callerEmail: address }
          if (who.contactId !== null) fields.contactId = who.contactId
          else fields.contactText = who.contactText ?? ([name, address].filter((x) => x !== null && x !== '').join(', ') || null)
          if (who.organizationId !== null) fields.organizationId = who.organizationId
          else if (who.organizationName !== null) fields.organizationName = who.organizationName
          if (referenceId !== undefined) fields.referenceId = referenceId
          // opened by no one, at the arrival: reg. 3.3 dates it by when the mail server received it
          return { entry: await journal.createDraft(fields, { by: null, at: arrivedAt }), created: true }
        },
        attach: async (mailId, entryId) => { await mail.setEntry(mailId, entryId) },
        entry: async (id) => await journal.byId(id),
        entryByNumber: async (n) => await journal.byNumber(n.year, n.number),
        resumeFromFeedback: async (entryId, at, comment) => {
          const e = await journal.byId(entryId)
          if (e === undefined || e.status !== 'feedback' || e.annulment !== null) return undefined
          const open = e.pauses.find((p) => p.to === null)
          // the clock resumes when the answer arrived, never before the pause began
          const when = open !== undefined && open.from.getTime() > at.getTime() ? open.from : at
          const r = await journal.changeStatus(entryId, { to: 'in_progress', comment }, { by: null, at: when })
          return r.ok ? r.entry : undefined
        }
      }
      return await fn(port, mail)
    })
  }
}
