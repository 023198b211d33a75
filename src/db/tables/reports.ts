// Kysely types of migrations/0020_report_archive.sql, 0021_presence_interval.sql and 0070_phone_interval.sql.
import type { ColumnType, Generated } from 'kysely'

export interface ReportArchiveTable {
  id: Generated<number>
  year: number
  month: number
  version: number
  origin: 'schedule' | 'request'
  pdf: ColumnType<Buffer, Buffer, never>
  pdf_sha256: string
  xlsx: ColumnType<Buffer, Buffer, never>
  xlsx_sha256: string
  entries: number
  created_at: ColumnType<Date, Date | undefined, never>
  created_by: number | null
}

export interface ReportsTables {
  report_archive: ReportArchiveTable
  presence_interval: PresenceIntervalTable
  phone_interval: PhoneIntervalTable
}

/** migrations/0021_presence_interval.sql */
export interface PresenceIntervalTable {
  id: Generated<number>
  user_id: number
  from_at: Date
  to_at: Date | null
}

/** migrations/0070_phone_interval.sql */
export interface PhoneIntervalTable {
  id: Generated<number>
  extension: string
  registered: boolean
  from_at: Date
  to_at: Date | null
}
