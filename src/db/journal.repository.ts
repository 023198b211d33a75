// Journal entries in PostgreSQL, and nothing else: rows in, domain objects out. The rules (which
// change is allowed, the due dates) are decided in src/services/journal.service.ts with the pure
// rules of src/journal; this module writes a decision (the year's next number from a counter row,
// the columns, the pause, the extension and the history lines) inside the service's transaction.
import { sql, type Kysely, type OrderByItemBuilder, type Selectable, type Transaction, type Updateable } from 'kysely'
import type { Db } from './database.js'
import type { DB } from './types.js'
import type { JournalEntryTable } from './tables/journal.js'
import type { IsoDate } from '../calendar/index.js'
import {
  displayPhone, normalizePhone, toJsonValue,
  type Channel, type Decision, type Entry, type EntryExtension, type EntryFields, type EntryPause,
  type EntrySet, type EntryType, type HistoryItem, type Module, type Status
} from '../journal/index.js'
import { searchTerms } from '../journal/search.js'
import { cappedTotal, countLimit, mayBeNull } from './journal-list.js'
import type { HistoryRow } from '../journal/history-lines.js'

type Executor = Kysely<DB> | Transaction<DB>


export const ENTRY_SORTS = ['created', 'registered', 'number', 'due', 'updated', 'resolved', 'type', 'status', 'organization'] as const
export type EntrySort = typeof ENTRY_SORTS[number]

export interface EntryFilter {
  /** Registration date from / to, inclusive. */
  from?: IsoDate
  to?: IsoDate
  type?: EntryType[]
  status?: Status[]
  channel?: Channel[]
  module?: Module[]
  organizationId?: number
  contactId?: number
  assignedTo?: number
  /** true: drafts only; false: registered only; absent: both */
  draft?: boolean
  /** true: overdue only (due_at < now, the clock running, not annulled); false: all but those */
  overdue?: boolean
  /** Russian full-text search over description, additional info, note, resolution, organization and contact. */
  q?: string
  callerNumber?: string
  /** true: annulled only; false (default): not annulled; 'all': both */
  annulled?: boolean | 'all'
  now: Date
  sort?: EntrySort
  order?: 'asc' | 'desc'
  limit: number
  offset: number
}

/** A page of the list; `total` is a lower bound («more than») when `totalExact` is false. */
export interface EntryPage { items: Entry[], total: number, totalExact: boolean }

type EntryRow = Selectable<JournalEntryTable>

function toEntry (r: Omit<EntryRow, 'search'>, pauses: EntryPause[], extensions: EntryExtension[]): Entry {
  return {
    id: r.id,
    registeredOn: r.registered_on,
    year: r.year,
    number: r.number,
    type: r.type,
    description: r.description,
    organizationId: r.organization_id,
    organizationName: r.organization_name,
    contactId: r.contact_id,
    contactText: r.contact_text,
    additionalInfo: r.additional_info,
    status: r.status,
    resolvedOn: r.resolved_on,
    note: r.note,
    resolution: r.resolution,
    channel: r.channel,
    module: r.module,
    callerNumber: r.caller_number,
    callerEmail: r.caller_email,
    registeredAt: r.registered_at,
    registeredBy: r.registered_by,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
    assignedTo: r.assigned_to,
    dueAt: r.due_at,
    agreement: r.agreement_state === null
      ? null
      : { state: r.agreement_state, by: r.agreement_by, at: r.agreement_at, comment: r.agreement_comment, recordedBy: r.agreement_recorded_by },
    annulment: r.annulled_at === null ? null : { at: r.annulled_at, reason: r.annul_reason ?? '', by: r.annulled_by },
    referenceId: r.reference_id,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    pauses,
    extensions
  }
}

/** The columns of a decision's `set` (absent fields stay as they are). */
function toRow (s: EntrySet): Updateable<JournalEntryTable> {
  const row: Updateable<JournalEntryTable> = {}
  if (s.type !== undefined) row.type = s.type
  if (s.description !== undefined) row.description = s.description
  if (s.organizationId !== undefined) row.organization_id = s.organizationId
  if (s.organizationName !== undefined) row.organization_name = s.organizationName
  if (s.contactId !== undefined) row.contact_id = s.contactId
  if (s.contactText !== undefined) row.contact_text = s.contactText
  if (s.additionalInfo !== undefined) row.additional_info = s.additionalInfo
  if (s.note !== undefined) row.note = s.note
  if (s.channel !== undefined) row.channel = s.channel
  if (s.module !== undefined) row.module = s.module
  if (s.callerNumber !== undefined) row.caller_number = s.callerNumber
  if (s.callerEmail !== undefined) row.caller_email = s.callerEmail
  if (s.assignedTo !== undefined) row.assigned_to = s.assignedTo
  if (s.referenceId !== undefined) row.reference_id = s.referenceId
  if (s.registeredOn !== undefined) row.registered_on = s.registeredOn
  if (s.year !== undefined) row.year = s.year
  if (s.status !== undefined) row.status = s.status
  if (s.resolvedOn !== undefined) row.resolved_on = s.resolvedOn
  if (s.resolution !== undefined) row.resolution = s.resolution
  if (s.registeredAt !== undefined) row.registered_at = s.registeredAt
  if (s.registeredBy !== undefined) row.registered_by = s.registeredBy
  if (s.resolvedAt !== undefined) row.resolved_at = s.resolvedAt
  if (s.resolvedBy !== undefined) row.resolved_by = s.resolvedBy
  if (s.dueAt !== undefined) row.due_at = s.dueAt
  if (s.agreement !== undefined) {
    const a = s.agreement
    Object.assign(row, {
      agreement_state: a?.state ?? null, agreement_by: a?.by ?? null, agreement_at: a?.at ?? null,
      agreement_comment: a?.comment ?? null, agreement_recorded_by: a?.recordedBy ?? null
    } satisfies Updateable<JournalEntryTable>)
  }
  if (s.annulment !== undefined) {
    const a = s.annulment
    Object.assign(row, { annulled_at: a?.at ?? null, annul_reason: a?.reason ?? null, annulled_by: a?.by ?? null } satisfies Updateable<JournalEntryTable>)
  }
  return row
}

const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(toJsonValue(v)))

async function inTransaction<T> (db: Executor, fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? await fn(db as Transaction<DB>) : await db.transaction().execute(fn)
}

async function loadParts (db: Executor, ids: number[]): Promise<{ pauses: Map<number, EntryPause[]>, extensions: Map<number, EntryExtension[]> }> {
  const pauses = new Map<number, EntryPause[]>()
  const extensions = new Map<number, EntryExtension[]>()
  if (ids.length === 0) return { pauses, extensions }
  // both parts in one statement (an entry is read on every change: one statement fewer each time)
  const list = sql.join(ids)
  const rows = await sql<{ part: 'pause' | 'extension', entry_id: number, at: Date, until: Date | null, due_on: IsoDate | null, reason: string | null, agreed_by: string | null, recorded_by: number | null, recorded_at: Date | null }>`
    select 'pause' as part, entry_id, id, from_at as at, to_at as until, null::date as due_on, null::text as reason, null::text as agreed_by, null::integer as recorded_by, null::timestamptz as recorded_at
      from entry_pause where entry_id in (${list})
    union all
    select 'extension', entry_id, id, due_at, previous_due_at, due_on, reason, agreed_by, recorded_by, recorded_at
      from entry_extension where entry_id in (${list})
    order by part desc, id`.execute(db)
  for (const r of rows.rows) {
    if (r.part === 'pause') pauses.set(r.entry_id, [...pauses.get(r.entry_id) ?? [], { from: r.at, to: r.until }])
    else {
      extensions.set(r.entry_id, [...extensions.get(r.entry_id) ?? [], {
        dueAt: r.at, dueOn: r.due_on!, previousDueAt: r.until, reason: r.reason!, agreedBy: r.agreed_by!, recordedBy: r.recorded_by, recordedAt: r.recorded_at!
      }])
    }
  }
  return { pauses, extensions }
}

const entryColumns = [
  'id', 'registered_on', 'year', 'number', 'type', 'description', 'organization_id', 'organization_name', 'contact_id', 'contact_text',
  'additional_info', 'status', 'resolved_on', 'note', 'resolution', 'channel', 'module', 'caller_number', 'caller_email', 'registered_at',
  'registered_by', 'resolved_at', 'resolved_by', 'assigned_to', 'due_at', 'agreement_state', 'agreement_by', 'agreement_at',
  'agreement_comment', 'agreement_recorded_by', 'annulled_at', 'annul_reason', 'annulled_by', 'reference_id', 'created_at', 'created_by', 'updated_at'
] as const

async function withParts (db: Executor, rows: Array<Omit<EntryRow, 'search'>>): Promise<Entry[]> {
  const { pauses, extensions } = await loadParts(db, rows.map((r) => r.id))
  return rows.map((r) => toEntry(r, pauses.get(r.id) ?? [], extensions.get(r.id) ?? []))
}

async function load (db: Executor, id: number, lock = false): Promise<Entry | undefined> {
  const row = await db.selectFrom('journal_entry').select(entryColumns).where('id', '=', id)
    .$if(lock, (qb) => qb.forUpdate()).executeTakeFirst()
  return row === undefined ? undefined : (await withParts(db, [row]))[0]
}

/**
 * The journal keeps the organization's name and the contact's name and phones as written when the
 * entry was made (the printed column), copied from the directory when only an id is given.
 */
async function fillNames (db: Executor, f: EntryFields, before?: Entry): Promise<EntryFields> {
  const out: EntryFields = { ...f }
  if (f.contactId !== undefined && f.contactId !== null && f.contactId !== before?.contactId) {
    const c = await db.selectFrom('contact').select(['full_name', 'phones', 'emails', 'organization_id']).where('id', '=', f.contactId).executeTakeFirst()
    if (c !== undefined) {
      if (f.contactText === undefined) out.contactText = [c.full_name, ...c.phones.map(displayPhone), ...c.emails].join(', ')
      if (f.organizationId === undefined && c.organization_id !== null && (before?.organizationId ?? null) === null) out.organizationId = c.organization_id
    }
  }
  if (out.organizationId !== undefined && out.organizationId !== null && out.organizationId !== before?.organizationId && f.organizationName === undefined) {
    const o = await db.selectFrom('organization').select('name').where('id', '=', out.organizationId).executeTakeFirst()
    if (o !== undefined) out.organizationName = o.name
  }
  return out
}

async function insertHistory (db: Executor, entryId: number, items: HistoryItem[], by: number | null, at: Date): Promise<void> {
  if (items.length === 0) return
  await db.insertInto('entry_history').values(items.map((h) => ({
    entry_id: entryId, at, user_id: by, action: h.action, field: h.field, old: json(h.old), new: json(h.new)
  }))).execute()
}

/** Writes a decision: the year's next number, the columns, the pause, the extension and the history. */
async function write (trx: Executor, e: Entry, d: Extract<Decision, { ok: true }>, by: number | null, at: Date): Promise<void> {
  const row = toRow(d.set)
  const history = [...d.history]
  if (d.assignNumber === true) {
    const year = d.set.year ?? e.year
    if (year === null || year === undefined) throw new Error('a number is assigned within a registration year')
    const { last_number: number } = await trx.insertInto('entry_number_counter').values({ year, last_number: 1 })
      .onConflict((oc) => oc.column('year').doUpdateSet({ last_number: sql<number>`entry_number_counter.last_number + 1` }))
      .returning('last_number').executeTakeFirstOrThrow()
    row.number = number
    history.push({ action: 'registered', field: 'number', old: null, new: number })
  }
  if (Object.keys(row).length > 0) {
    await trx.updateTable('journal_entry').set({ ...row, updated_at: at }).where('id', '=', e.id).execute()
  }
  if (d.pause !== undefined) {
    if ('open' in d.pause) await trx.insertInto('entry_pause').values({ entry_id: e.id, from_at: d.pause.open, to_at: null }).execute()
    else await trx.updateTable('entry_pause').set({ to_at: d.pause.close }).where('entry_id', '=', e.id).where('to_at', 'is', null).execute()
  }
  if (d.extension !== undefined) {
    const x = d.extension
    await trx.insertInto('entry_extension').values({
      entry_id: e.id, due_on: x.dueOn, due_at: x.dueAt, previous_due_at: x.previousDueAt, reason: x.reason, agreed_by: x.agreedBy, recorded_by: x.recordedBy, recorded_at: x.recordedAt
    }).execute()
  }
  await insertHistory(trx, e.id, history, by, at)
}

/** The search box: the Russian full text, or the phone number in any spelling, the e-mail address, the printed number. */
function searchCondition (q: string) {
  const s = searchTerms(q)
  const any = [sql<boolean>`search @@ websearch_to_tsquery('russian', ${s.text})`]
  if (s.phoneTail !== undefined) {
    const like = `%${s.phoneTail}`
    any.push(sql<boolean>`caller_number like ${like}`)
    any.push(sql<boolean>`regexp_replace(coalesce(contact_text, ''), '[^0-9]', '', 'g') like ${'%' + s.phoneTail + '%'}`)
  }
  if (s.email !== undefined) {
    any.push(sql<boolean>`lower(caller_email) = ${s.email}`)
    any.push(sql<boolean>`strpos(lower(coalesce(contact_text, '')), ${s.email}) > 0`)
  }
  if (s.number !== undefined) {
    any.push(s.number.year === null ? sql<boolean>`number = ${s.number.number}` : sql<boolean>`(year = ${s.number.year} and number = ${s.number.number})`)
  }
  return sql<boolean>`(${sql.join(any, sql` or `)})`
}

/** The reads and writes, on the pool or inside a transaction. */
function entries (db: Executor) {
  const filtered = (f: EntryFilter) => {    const phone = f.callerNumber === undefined ? undefined : normalizePhone(f.callerNumber)
    const annulled = f.annulled ?? false
    const overdueExpr = sql<boolean>`(due_at < ${f.now} and status in ('in_progress', 'to_developer') and annulled_at is null)`
    return db.selectFrom('journal_entry')
      .$if(f.from !== undefined, (qb) => qb.where('registered_on', '>=', f.from!))
      .$if(f.to !== undefined, (qb) => qb.where('registered_on', '<=', f.to!))
      .$if(f.type !== undefined && f.type.length > 0, (qb) => qb.where('type', 'in', f.type!))
      .$if(f.status !== undefined && f.status.length > 0, (qb) => qb.where('status', 'in', f.status!))
      .$if(f.channel !== undefined && f.channel.length > 0, (qb) => qb.where('channel', 'in', f.channel!))
      .$if(f.module !== undefined && f.module.length > 0, (qb) => qb.where('module', 'in', f.module!))
      .$if(f.organizationId !== undefined, (qb) => qb.where('organization_id', '=', f.organizationId!))
      .$if(f.contactId !== undefined, (qb) => qb.where('contact_id', '=', f.contactId!))
      .$if(f.assignedTo !== undefined, (qb) => qb.where('assigned_to', '=', f.assignedTo!))
      .$if(f.draft === true, (qb) => qb.where('number', 'is', null))
      .$if(f.draft === false, (qb) => qb.where('number', 'is not', null))
      .$if(f.overdue === true, (qb) => qb.where(overdueExpr))
      .$if(f.overdue === false, (qb) => qb.where(sql<boolean>`not coalesce(${overdueExpr}, false)`))
      .$if(f.q !== undefined && f.q.trim() !== '', (qb) => qb.where(searchCondition(f.q!)))
      .$if(phone !== undefined, (qb) => qb.where('caller_number', '=', phone ?? ''))
      .$if(annulled === true, (qb) => qb.where('annulled_at', 'is not', null))
      .$if(annulled === false, (qb) => qb.where('annulled_at', 'is', null))
  }

  return {
    /** `lock`: FOR UPDATE, inside a transaction. */
    byId: async (id: number, opts: { lock?: boolean } = {}): Promise<Entry | undefined> => await load(db, id, opts.lock === true),

    byNumber: async (year: number, number: number): Promise<Entry | undefined> => {
      const row = await db.selectFrom('journal_entry').select('id').where('year', '=', year).where('number', '=', number).executeTakeFirst()
      return row === undefined ? undefined : await load(db, row.id)
    },

    /** The organization's and contact's names copied in when only their ids are given (the printed column). */
    withNames: async (fields: EntryFields, before?: Entry): Promise<EntryFields> => await fillNames(db, fields, before),

    /** A new entry with its 'created' history line. */
    insert: async (fields: EntrySet & { channel: Channel }, created: HistoryItem, by: number | null, at: Date): Promise<Entry> => {
      const row = await db.insertInto('journal_entry')
        .values({ ...toRow(fields), channel: fields.channel, created_at: at, updated_at: at, created_by: by })
        .returning(entryColumns).executeTakeFirstOrThrow()
      await insertHistory(db, row.id, [created], by, at)
      return toEntry(row, [], []) // a new entry has no pauses or extensions yet: no reading back (a draft per call)
    },

    /**
     * New entries in one statement, with their 'created' lines in another (a burst of calls opens
     * its drafts together); the entries in the order given.
     */
    insertMany: async (drafts: ReadonlyArray<{ fields: EntrySet & { channel: Channel }, created: HistoryItem, by: number | null, at: Date }>): Promise<Entry[]> => {
      if (drafts.length === 0) return []
      const rows = await db.insertInto('journal_entry')
        .values(drafts.map((d) => ({ ...toRow(d.fields), channel: d.fields.channel, created_at: d.at, updated_at: d.at, created_by: d.by })))
        .returning(entryColumns).execute()
      // the ids are drawn row by row in the order of the values: ascending ids are the order given
      rows.sort((a, b) => a.id - b.id)
      if (rows.length !== drafts.length) throw new Error(`journal_entry insert returned ${rows.length} rows of ${drafts.length}`)
      await db.insertInto('entry_history').values(drafts.map((d, i) => ({
        entry_id: rows[i]!.id, at: d.at, user_id: d.by, action: d.created.action, field: d.created.field, old: json(d.created.old), new: json(d.created.new)
      }))).execute()
      return rows.map((r) => toEntry(r, [], []))
    },

    /** Writes a decision of the rules (inside a transaction, the entry locked). */
    write: async (e: Entry, d: Extract<Decision, { ok: true }>, by: number | null, at: Date): Promise<void> => { await write(db, e, d, by, at) },

    /** Ids of the registered entries whose clock may run (their due dates follow the calendar). */
    openRegisteredIds: async (): Promise<number[]> =>
      (await db.selectFrom('journal_entry').select('id')
        .where('number', 'is not', null).where('annulled_at', 'is', null)
        .where('status', 'in', ['in_progress', 'to_developer', 'feedback']).orderBy('id').execute()).map((r) => r.id),

    /**
     * A page of the filter and its total: exact up to TOTAL_CAP rows past the page's start, else
     * «more than» (`totalExact: false`) — counting every match of a common word was most of a
     * search's time at a million entries. A page that is not full is its own total.
     */
    list: async (f: EntryFilter): Promise<EntryPage> => {
      const order = f.order ?? 'desc'
      const sort = f.sort ?? 'created'
      const byColumn = {
        created: 'created_at', registered: 'registered_on', due: 'due_at', updated: 'updated_at', number: 'year',
        resolved: 'resolved_on', type: 'type', status: 'status', organization: 'organization_name'
      } as const
      // NULLS LAST only where nulls can be there: otherwise the order is an index's (see journal-list.ts)
      const direction = (column: string) => (ob: OrderByItemBuilder) => {
        const d = order === 'asc' ? ob.asc() : ob.desc()
        return mayBeNull(column, f) ? d.nullsLast() : d
      }
      let q = filtered(f).select(entryColumns).orderBy(byColumn[sort], direction(byColumn[sort]))
      if (sort === 'number') q = q.orderBy('number', direction('number'))
      if (sort !== 'number' && sort !== 'created') q = q.orderBy('year', order).orderBy('number', order)
      const rows = await q.orderBy('id', order).limit(f.limit).offset(f.offset).execute()
      const items = await withParts(db, rows)
      if (rows.length < f.limit && (rows.length > 0 || f.offset === 0)) return { items, total: f.offset + rows.length, totalExact: true }
      const cap = countLimit(f.offset, f.limit)
      const counted = await db.selectFrom(filtered(f).select(sql<number>`1`.as('one')).limit(cap + 1).as('capped'))
        .select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      return { items, ...cappedTotal(Number(counted.n), cap) }
    },

    history: async (id: number): Promise<HistoryRow[]> =>
      (await db.selectFrom('entry_history as h').leftJoin('app_user as u', 'u.id', 'h.user_id')
        .select(['h.id', 'h.at', 'h.user_id', 'u.full_name', 'h.action', 'h.field', 'h.old', 'h.new'])
        .where('h.entry_id', '=', id).orderBy('h.id').execute())
        .map((r) => ({ id: r.id, at: r.at, userId: r.user_id, userName: r.full_name, action: r.action, field: r.field, old: r.old, new: r.new })),

    /** Earlier entries from this number, newest first (the popup shows the caller's open requests). */
    byCallerNumber: async (number: string, limit = 20): Promise<Entry[]> => {
      const phone = normalizePhone(number)
      if (phone === null) return []
      const rows = await db.selectFrom('journal_entry').select(entryColumns).where('caller_number', '=', phone)
        .where('annulled_at', 'is', null).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
      return await withParts(db, rows)
    },

    /** The same for several numbers in one read: each normalized number's entries, newest first. */
    byCallerNumbers: async (numbers: readonly string[], limit = 20): Promise<Map<string, Entry[]>> => {
      const phones = [...new Set(numbers.map(normalizePhone).filter((p): p is string => p !== null))]
      const out = new Map<string, Entry[]>(phones.map((p) => [p, []]))
      if (phones.length === 0) return out
      // per number its last entries along journal_entry_caller_idx (a number with thousands stops at the limit)
      const rows = await sql<Omit<EntryRow, 'search'>>`
        select e.* from unnest(array[${sql.join(phones)}]::text[]) as n (phone)
        cross join lateral (
          select ${sql.join(entryColumns.map((c) => sql.ref(c)))} from journal_entry
           where caller_number = n.phone and annulled_at is null
           order by created_at desc, id desc limit ${limit}) e
        order by n.phone, e.created_at desc, e.id desc`.execute(db)
      for (const entry of await withParts(db, rows.rows)) out.get(entry.callerNumber!)?.push(entry)
      return out
    },

    /** Earlier entries from this e-mail address (any letter case), newest first. */
    byCallerEmail: async (email: string, limit = 20): Promise<Entry[]> => {
      const address = email.trim().toLowerCase()
      if (address === '') return []
      const rows = await db.selectFrom('journal_entry').select(entryColumns).where(sql<string>`lower(caller_email)`, '=', address)
        .where('annulled_at', 'is', null).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
      return await withParts(db, rows)
    }
  }
}

export type JournalEntries = ReturnType<typeof entries>

export function journalRepository (db: Executor) {
  return {
    ...entries(db),
    /**
     * Runs fn in one transaction (joining the caller's when there is one) with the entries bound to
     * it; `trx` is for the other repositories taking part (a channel's link, the call row).
     */
    transaction: async <T>(fn: (tx: JournalEntries, trx: Transaction<DB>) => Promise<T>): Promise<T> =>
      await inTransaction(db, async (trx) => await fn(entries(trx), trx))
  }
}

export type JournalRepository = ReturnType<typeof journalRepository>
