// Produces the monthly journal document (PDF or XLSX) from the database: the one place that ties
// the reports repository to the renderers, used by the download route and by the archive job.
import type { Readable } from 'node:stream'
import type { ReportsRepository } from '../db/reports.repository.js'
import { journalPdf } from '../reports/journal-pdf.js'
import { journalXlsx } from '../reports/journal-xlsx.js'
import { officeDateTime, type Month } from '../reports/dates.js'

export type JournalFormat = 'pdf' | 'xlsx'

export const CONTENT_TYPES: Record<JournalFormat, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
}

export interface MonthlyJournalDeps {
  reports: ReportsRepository
  centerName: string
  zone: () => string
  clock: () => Date
}

export interface JournalRequest extends Month {
  format: JournalFormat
  specialist?: { id: number, fullName: string }
}

/** '2026-11' or '2026-11-ivanova-12': the file name without extension (Latin: safe in every header). */
export function journalFileName (r: JournalRequest): string {
  const mm = String(r.month).padStart(2, '0')
  return r.specialist === undefined ? `journal-${r.year}-${mm}` : `journal-${r.year}-${mm}-specialist-${r.specialist.id}`
}

export async function monthlyJournal (deps: MonthlyJournalDeps, r: JournalRequest): Promise<Readable> {
  const zone = deps.zone()
  const q = { year: r.year, month: r.month, zone, specialistId: r.specialist?.id }
  const signers = r.specialist !== undefined ? [r.specialist.fullName] : (await deps.reports.journalSigners(q)).map((s) => s.fullName)
  const heading = { center: deps.centerName, month: { year: r.year, month: r.month }, specialistName: r.specialist?.fullName ?? null }
  const producedAt = officeDateTime(deps.clock(), zone)
  return r.format === 'pdf'
    ? journalPdf({ heading, rows: () => deps.reports.journalRows(q), signers, producedAt })
    : journalXlsx({ heading, rows: deps.reports.journalRows(q), signers, producedAt })
}
