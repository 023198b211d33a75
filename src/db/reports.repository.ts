// What the reports read: the month's registered entries in pages (the printed journal never holds
// a whole month in memory), and the figures of the statistics and compliance reports. Its own
// SQL on journal_entry, call and app_user, so the journal repository stays about the journal.
import { sql } from 'kysely'
import type { Db } from './database.js'
import type { JournalRow } from '../reports/journal.js'
import { monthDays, type Month } from '../reports/dates.js'

export interface JournalQuery extends Month {
  /** Only the entries this user registered. */
  specialistId?: number
  /** The center's zone (the annulment's date). */
  zone: string
}

const PAGE = 500

export function reportsRepository (db: Db) {
  const journalPage = async (q: JournalQuery, after: number, limit: number): Promise<JournalRow[]> => {
    const { first, last } = monthDays(q)
    const rows = await db.selectFrom('journal_entry as e')
      .leftJoin('app_user as r', 'r.id', 'e.registered_by')
      .leftJoin('app_user as a', 'a.id', 'e.annulled_by')
      .select([
        'e.id', 'e.registered_on', 'e.year', 'e.number', 'e.type', 'e.description', 'e.organization_name', 'e.contact_text',
        'e.caller_number', 'e.caller_email', 'e.additional_info', 'e.status', 'e.resolved_on', 'e.note', 'e.resolution',
        'e.annul_reason', 'e.registered_by', 'r.full_name as registered_by_name', 'a.full_name as annulled_by_name',
        sql<string | null>`to_char(e.annulled_at at time zone ${q.zone}, 'YYYY-MM-DD')`.as('annulled_on')
      ])
      .where('e.number', 'is not', null)
      .where('e.registered_on', '>=', first).where('e.registered_on', '<=', last)
      .where('e.number', '>', after)
      .$if(q.specialistId !== undefined, (qb) => qb.where('e.registered_by', '=', q.specialistId!))
      .orderBy('e.number').limit(limit).execute()
    return rows.map((r) => ({
      id: r.id,
      registeredOn: r.registered_on!,
      year: r.year!,
      number: r.number!,
      type: r.type,
      description: r.description,
      organizationName: r.organization_name,
      contactText: r.contact_text,
      callerNumber: r.caller_number,
      callerEmail: r.caller_email,
      additionalInfo: r.additional_info,
      status: r.status!,
      resolvedOn: r.resolved_on,
      note: r.note,
      resolution: r.resolution,
      annulledOn: r.annulled_on,
      annulReason: r.annul_reason,
      annulledByName: r.annulled_by_name,
      registeredById: r.registered_by,
      registeredByName: r.registered_by_name
    }))
  }

  return {
    /** The month's registered entries in number order, a page at a time (keyset on the number). */
    journalRows: async function * (q: JournalQuery, pageSize = PAGE): AsyncGenerator<JournalRow> {
      let after = 0
      for (;;) {
        const page = await journalPage(q, after, pageSize)
        yield * page
        if (page.length < pageSize) return
        after = page[page.length - 1]!.number
      }
    },

    /** Who registered the month's entries (they sign the center's journal), by name. */
    journalSigners: async (q: JournalQuery): Promise<Array<{ id: number, fullName: string }>> => {
      const { first, last } = monthDays(q)
      return await db.selectFrom('journal_entry as e').innerJoin('app_user as u', 'u.id', 'e.registered_by')
        .select(['u.id', 'u.full_name as fullName']).distinct()
        .where('e.number', 'is not', null)
        .where('e.registered_on', '>=', first).where('e.registered_on', '<=', last)
        .$if(q.specialistId !== undefined, (qb) => qb.where('e.registered_by', '=', q.specialistId!))
        .orderBy('u.full_name').execute()
    },

    userById: async (id: number): Promise<{ id: number, fullName: string, role: string } | undefined> =>
      await db.selectFrom('app_user').select(['id', 'full_name as fullName', 'role']).where('id', '=', id).executeTakeFirst()
  }
}

export type ReportsRepository = ReturnType<typeof reportsRepository>
