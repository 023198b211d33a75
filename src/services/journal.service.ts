// The specialist's journal as the routes, the intake and the telephony use it: every change runs
// in one transaction: the entry is locked, a pure rule of src/journal decides with the calendar in
// force and the clock's now (both given, never assumed), and the repository writes the decision.
import type { Transaction } from 'kysely'
import type { DB } from '../db/types.js'
import type { JournalEntries, JournalRepository } from '../db/journal.repository.js'
import type { IsoDate, WorkCalendar } from '../calendar/index.js'
import {
  annul, assign, changeStatus, computeDue, displayPhone, extendDeadline, normalizePhone, recordAgreement, register, toJsonValue, updateFields,
  type AgreementState, type Channel, type Decision, type Entry, type EntryFields, type Refusal, type Status
} from '../journal/index.js'

/** Who acts and when; `at` defaults to the clock's now. */
export interface Actor { by: number | null, at?: Date }

export interface NewDraft extends EntryFields {
  channel: Channel
  /** The call's Linkedid, for the history (the call table links the call to the entry). */
  callId?: string
}

export type NotFound = { ok: false, code: 'ENTRY_NOT_FOUND', message: string }
export type Outcome = { ok: true, entry: Entry } | Refusal | NotFound

export interface JournalServiceDeps {
  repo: JournalRepository
  /** The working calendar in force (the calendar service's current()). */
  calendar: () => WorkCalendar
  clock: () => Date
}

export function journalService (deps: JournalServiceDeps) {
  const { repo, calendar, clock } = deps
  return {
    ...operations(repo, async (fn) => await repo.transaction(fn), calendar, clock),
    /**
     * Several steps in one transaction (the intake: the channel's link and the draft): `journal` is
     * the journal bound to it, `trx` is for the other repositories taking part.
     */
    transaction: async <T>(fn: (journal: JournalOperations, trx: Transaction<DB>) => Promise<T>): Promise<T> =>
      await repo.transaction(async (tx, trx) => await fn(operations(tx, async (inner) => await inner(tx, trx), calendar, clock), trx))
  }
}

export type JournalService = ReturnType<typeof journalService>
export type JournalOperations = ReturnType<typeof operations>

type InTransaction = <T>(fn: (tx: JournalEntries, trx: Transaction<DB>) => Promise<T>) => Promise<T>

function operations (read: JournalEntries, transaction: InTransaction, calendar: () => WorkCalendar, clock: () => Date) {
  /** Locks the entry, lets the rule decide and writes the decision, all in one transaction. */
  const apply = async (id: number, actor: Actor, decide: (e: Entry, at: Date) => Decision): Promise<Outcome> => {
    const at = actor.at ?? clock()
    return await transaction(async (tx) => {
      const e = await tx.byId(id, { lock: true })
      if (e === undefined) return { ok: false, code: 'ENTRY_NOT_FOUND', message: `journal entry ${id} not found` }
      const d = decide(e, at)
      if (!d.ok) return d
      await tx.write(e, d, actor.by, at)
      return { ok: true, entry: (await tx.byId(id))! }
    })
  }

  /** Drafts, each as createDraft makes it, in one transaction and two statements (a burst of calls). */
  const createDrafts = async (drafts: ReadonlyArray<{ draft: NewDraft, actor?: Actor }>): Promise<Entry[]> => {
    if (drafts.length === 0) return []
    return await transaction(async (tx) => {
      const rows = []
      for (const { draft: d, actor = { by: null } } of drafts) {
        const { callId, ...given } = d
        const callerNumber = d.callerNumber === undefined || d.callerNumber === null ? null : normalizePhone(d.callerNumber)
        const fields = await tx.withNames(given)
        // a bare draft of a message: its address is the contact information; a call's number stays in
        // the phone field (the printed column adds it), so «ФИО» is left for the name (issue 10)
        const reachable = [d.channel === 'phone' || callerNumber === null ? null : displayPhone(callerNumber), d.callerEmail?.trim() || null].filter((x) => x !== null)
        if (fields.contactText === undefined && reachable.length > 0) fields.contactText = reachable.join(', ')
        const shown = Object.fromEntries(Object.entries({ ...fields, callerNumber }).filter(([, v]) => v !== undefined && v !== null))
        rows.push({
          fields: { ...fields, callerNumber, channel: d.channel },
          created: { action: 'created' as const, field: null, old: null, new: { ...shown, ...(callId !== undefined ? { callId } : {}) } },
          by: actor.by,
          at: actor.at ?? clock()
        })
      }
      return await tx.insertMany(rows)
    })
  }
  const createDraft = async (d: NewDraft, actor: Actor = { by: null }): Promise<Entry> => (await createDrafts([{ draft: d, actor }]))[0]!

  return {
    /**
     * A draft: no number, date or status yet. The intake opens one per arriving request
     * (`{ channel, callerNumber | callerEmail, contactId?, organizationId?, ... }`).
     */
    createDraft,
    createDrafts,
    byId: async (id: number): Promise<Entry | undefined> => await read.byId(id),
    byNumber: read.byNumber,
    list: read.list,
    history: read.history,
    /** Earlier entries from this number, newest first (who is calling). */
    byCallerNumber: read.byCallerNumber,
    byCallerNumbers: read.byCallerNumbers,
    byCallerEmail: read.byCallerEmail,
    apply,

    update: async (id: number, fields: EntryFields, actor: Actor): Promise<Outcome> => {
      const before = await read.byId(id)
      const filled = before === undefined ? fields : await read.withNames(fields, before)
      const callerNumber = fields.callerNumber === undefined || fields.callerNumber === null ? fields.callerNumber : normalizePhone(fields.callerNumber)
      return await apply(id, actor, (e) => updateFields(e, { ...filled, ...(callerNumber !== undefined ? { callerNumber } : {}) }))
    },

    /** `takeOver`: register a draft another specialist holds, making it the registrar's. */
    register: async (id: number, actor: Actor, opts: { takeOver?: boolean } = {}): Promise<Outcome> =>
      await apply(id, actor, (e, at) => register(e, { at, by: actor.by, cal: calendar(), takeOver: opts.takeOver === true })),

    changeStatus: async (id: number, input: { to: Status, comment?: string | null }, actor: Actor): Promise<Outcome> =>
      await apply(id, actor, (e, at) => changeStatus(e, { ...input, at, by: actor.by, cal: calendar() })),

    recordAgreement: async (id: number, input: { state: AgreementState, by?: string | null, comment?: string | null }, actor: Actor): Promise<Outcome> =>
      await apply(id, actor, (e, at) => recordAgreement(e, { ...input, at, recordedBy: actor.by })),

    extend: async (id: number, input: { dueOn: IsoDate, reason: string, agreedBy: string }, actor: Actor): Promise<Outcome> =>
      await apply(id, actor, (e, at) => extendDeadline(e, { ...input, at, by: actor.by, cal: calendar() })),

    annul: async (id: number, reason: string, actor: Actor): Promise<Outcome> =>
      await apply(id, actor, (e, at) => annul(e, { reason, at, by: actor.by })),

    /** Whoever holds the call takes its draft (the telephony). */
    assign: async (entryId: number, userId: number | null, actor: Actor = { by: null }): Promise<Outcome> =>
      await apply(entryId, actor, (e) => assign(e, userId)),

    /**
     * After the head edits the calendar: the due date of every open registered entry is computed
     * again; a changed one is written with a 'deadline' history line. Returns how many changed.
     */
    recomputeOpenDueDates: async (cal: WorkCalendar, actor: Actor = { by: null }): Promise<number> => {
      const at = actor.at ?? clock()
      let changed = 0
      for (const id of await read.openRegisteredIds()) {
        await apply(id, { ...actor, at }, (e) => {
          const due = e.status === 'resolved' || e.status === 'closed' || e.annulment !== null ? null : computeDue(e, cal)
          if (due === null || (e.dueAt !== null && due.getTime() === e.dueAt.getTime())) return { ok: true, set: {}, history: [] }
          changed++
          return { ok: true, set: { dueAt: due }, history: [{ action: 'deadline', field: 'dueAt', old: toJsonValue(e.dueAt), new: toJsonValue(due) }] }
        })
      }
      return changed
    }
  }
}
