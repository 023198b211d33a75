// The archived monthly journals: immutable versions (the table's trigger refuses changes), the
// next version number and the schedule's one-copy rule decided under a per-month advisory lock,
// so instances producing the same month at once never both store a scheduled copy.
import { createHash } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from './database.js'

export interface ArchivedReport {
  id: number
  year: number
  month: number
  version: number
  origin: 'schedule' | 'request'
  entries: number
  pdfSha256: string
  pdfSize: number
  xlsxSha256: string
  xlsxSize: number
  createdAt: Date
  createdBy: { id: number, fullName: string } | null
}

export interface NewArchivedReport {
  year: number
  month: number
  origin: 'schedule' | 'request'
  pdf: Buffer
  xlsx: Buffer
  entries: number
  createdBy: number | null
}

const ARCHIVE_LOCK = 20_201 // advisory lock class of the archive; the second key is yyyymm

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

export function archiveRepository (db: Db) {
  const meta = db.selectFrom('report_archive as a').leftJoin('app_user as u', 'u.id', 'a.created_by')
    .select(['a.id', 'a.year', 'a.month', 'a.version', 'a.origin', 'a.entries', 'a.pdf_sha256', 'a.xlsx_sha256', 'a.created_at', 'a.created_by', 'u.full_name',
      sql<number>`octet_length(a.pdf)`.as('pdf_size'), sql<number>`octet_length(a.xlsx)`.as('xlsx_size')])
  type Row = Awaited<ReturnType<typeof meta.executeTakeFirstOrThrow>>
  const toArchived = (r: Row): ArchivedReport => ({
    id: Number(r.id),
    year: r.year,
    month: r.month,
    version: r.version,
    origin: r.origin,
    entries: r.entries,
    pdfSha256: r.pdf_sha256,
    pdfSize: Number(r.pdf_size),
    xlsxSha256: r.xlsx_sha256,
    xlsxSize: Number(r.xlsx_size),
    createdAt: r.created_at,
    createdBy: r.created_by === null ? null : { id: r.created_by, fullName: r.full_name ?? '' }
  })

  return {
    hasScheduled: async (year: number, month: number): Promise<boolean> =>
      (await db.selectFrom('report_archive').select('id').where('year', '=', year).where('month', '=', month).where('origin', '=', 'schedule').executeTakeFirst()) !== undefined,

    /** Stores a new version; undefined when it is the schedule's and the month already has the schedule's copy. */
    add: async (r: NewArchivedReport): Promise<ArchivedReport | undefined> => {
      const id = await db.transaction().execute(async (tx) => {
        await sql`select pg_advisory_xact_lock(${ARCHIVE_LOCK}, ${r.year * 100 + r.month})`.execute(tx)
        if (r.origin === 'schedule') {
          const done = await tx.selectFrom('report_archive').select('id').where('year', '=', r.year).where('month', '=', r.month).where('origin', '=', 'schedule').executeTakeFirst()
          if (done !== undefined) return undefined
        }
        const last = await tx.selectFrom('report_archive').select((eb) => eb.fn.max('version').as('v')).where('year', '=', r.year).where('month', '=', r.month).executeTakeFirst()
        const row = await tx.insertInto('report_archive').values({
          year: r.year,
          month: r.month,
          version: Number(last?.v ?? 0) + 1,
          origin: r.origin,
          pdf: r.pdf,
          pdf_sha256: sha256(r.pdf),
          xlsx: r.xlsx,
          xlsx_sha256: sha256(r.xlsx),
          entries: r.entries,
          created_by: r.createdBy
        }).returning('id').executeTakeFirstOrThrow()
        return Number(row.id)
      })
      return id === undefined ? undefined : toArchived(await meta.where('a.id', '=', id).executeTakeFirstOrThrow())
    },

    /** Every version of a year, month by month, newest version first. */
    list: async (year: number): Promise<ArchivedReport[]> =>
      (await meta.where('a.year', '=', year).orderBy('a.month').orderBy('a.version', 'desc').execute()).map(toArchived),

    byId: async (id: number): Promise<ArchivedReport | undefined> => {
      const r = await meta.where('a.id', '=', id).executeTakeFirst()
      return r === undefined ? undefined : toArchived(r)
    },

    /** The bytes of one stored document. */
    content: async (id: number, format: 'pdf' | 'xlsx'): Promise<Buffer | undefined> => {
      const r = await db.selectFrom('report_archive').select(format === 'pdf' ? 'pdf as bytes' : 'xlsx as bytes').where('id', '=', id).executeTakeFirst()
      return r === undefined ? undefined : Buffer.from(r.bytes)
    },

    /** The latest version of each archived month of a year. */
    latestOfYear: async (year: number): Promise<ArchivedReport[]> =>
      (await meta.where('a.year', '=', year)
        .where('a.version', '=', (eb) => eb.selectFrom('report_archive as b').select((e) => e.fn.max('b.version').as('v')).whereRef('b.year', '=', 'a.year').whereRef('b.month', '=', 'a.month'))
        .orderBy('a.month').execute()).map(toArchived),

    years: async (): Promise<number[]> =>
      (await db.selectFrom('report_archive').select('year').distinct().orderBy('year', 'desc').execute()).map((r) => r.year)
  }
}

export type ArchiveRepository = ReturnType<typeof archiveRepository>
