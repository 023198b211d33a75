// The monthly duty of the regulation's appendix done by the service: on the 5th (center time) the
// previous month's journal is produced and archived once, whichever instance comes first; on
// request a month is produced again as a new version. And the year's folder as one zip.
import type { Readable } from 'node:stream'
import type { ArchiveRepository, ArchivedReport } from '../db/archive.repository.js'
import { monthlyJournal, type MonthlyJournalDeps } from './monthly-journal.js'
import { MONTHS_RU, officeDateTime, type Month } from '../reports/dates.js'
import { zipStream, type ZipFile } from '../reports/zip.js'
import { DateTime } from 'luxon'

export interface JournalArchiveDeps extends MonthlyJournalDeps {
  archive: ArchiveRepository
}

/** The day of the month the journal is printed (regulation, appendix). */
export const ARCHIVE_DAY = 5

/** The month the schedule archives at `now`: the previous one, from the 5th on (center time). */
export function dueMonth (now: Date, zone: string): Month | undefined {
  const local = DateTime.fromJSDate(now, { zone })
  if (local.day < ARCHIVE_DAY) return undefined
  const prev = local.startOf('month').minus({ months: 1 })
  return { year: prev.year, month: prev.month }
}

async function bytes (stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(Buffer.from(c as Uint8Array))
  return Buffer.concat(chunks)
}

/** Produces a month's journal (PDF + XLSX) and stores it; `by` null is the schedule (at most one copy). */
export async function archiveMonth (deps: JournalArchiveDeps, month: Month, by: number | null): Promise<ArchivedReport | undefined> {
  if (by === null && await deps.archive.hasScheduled(month.year, month.month)) return undefined
  const [pdf, xlsx, entries] = await Promise.all([
    monthlyJournal(deps, { ...month, format: 'pdf' }).then(bytes),
    monthlyJournal(deps, { ...month, format: 'xlsx' }).then(bytes),
    deps.reports.journalCount({ ...month, zone: deps.zone() })
  ])
  return await deps.archive.add({ ...month, origin: by === null ? 'schedule' : 'request', pdf, xlsx, entries, createdBy: by })
}

export interface ArchiveSchedule {
  /** One check now: archives the due month when it is not yet archived by the schedule. */
  tick: () => Promise<ArchivedReport | undefined>
  stop: () => void
}

export function startArchiveSchedule (deps: JournalArchiveDeps & { everyMs?: number, onError: (err: unknown) => void, onArchived?: (r: ArchivedReport) => void }): ArchiveSchedule {
  let running: Promise<ArchivedReport | undefined> | undefined
  const tick = async (): Promise<ArchivedReport | undefined> => {
    if (running !== undefined) return await running // one check at a time per instance
    running = (async () => {
      const month = dueMonth(deps.clock(), deps.zone())
      if (month === undefined) return undefined
      const r = await archiveMonth(deps, month, null)
      if (r !== undefined) deps.onArchived?.(r)
      return r
    })()
    try { return await running } finally { running = undefined }
  }
  const timer = setInterval(() => { tick().catch(deps.onError) }, deps.everyMs ?? 10 * 60_000)
  timer.unref()
  const first = setTimeout(() => { tick().catch(deps.onError) }, 30_000)
  first.unref()
  return { tick, stop: () => { clearInterval(timer); clearTimeout(first) } }
}

const mm = (m: number): string => String(m).padStart(2, '0')
export const archiveFileName = (r: { year: number, month: number, version: number }, format: 'pdf' | 'xlsx'): string =>
  `${r.year}-${mm(r.month)} Журнал специалиста (${MONTHS_RU[r.month - 1]}, версия ${r.version}).${format}`

/** The year's folder: the latest version of each archived month, the year's statistics, and an inventory. */
export function yearArchiveZip (deps: JournalArchiveDeps, year: number, statistics: () => Promise<Buffer>): Readable {
  const zone = deps.zone()
  async function * files (): AsyncGenerator<ZipFile> {
    const months = await deps.archive.latestOfYear(year)
    const lines = [`Папка годовой отчетности за ${year} год`, `Сформирована ${officeDateTime(deps.clock(), zone)}`, '']
    for (const r of months) {
      for (const format of ['pdf', 'xlsx'] as const) {
        const content = await deps.archive.content(r.id, format)
        if (content === undefined) continue
        const name = archiveFileName(r, format)
        lines.push(`${name}\tзаписей: ${r.entries}\tсформирован ${officeDateTime(r.createdAt, zone)} ${r.createdBy === null ? 'по расписанию' : r.createdBy.fullName}\tSHA-256 ${format === 'pdf' ? r.pdfSha256 : r.xlsxSha256}`)
        yield { name, bytes: content, modified: r.createdAt }
      }
    }
    if (months.length === 0) lines.push('Архивных журналов за этот год нет.')
    const stats = `Статистика ${year}.xlsx`
    yield { name: stats, bytes: await statistics(), modified: deps.clock() }
    lines.push(`${stats}\tстатистика запросов и звонков за год`)
    yield { name: 'Опись.txt', bytes: Buffer.from('\ufeff' + lines.join('\r\n') + '\r\n', 'utf8'), compress: true, modified: deps.clock() }
  }
  return zipStream(files())
}

/** main.ts's one line: the schedule on the service's own database, calendar and log. */
export function scheduleMonthlyArchive (o: {
  reports: JournalArchiveDeps['reports'], archive: ArchiveRepository, centerName: string, zone: () => string, clock: () => Date,
  log: { info: (obj: object, msg: string) => void, error: (obj: object, msg: string) => void }
}): ArchiveSchedule {
  return startArchiveSchedule({
    ...o,
    onError: (err) => { o.log.error({ err }, 'the monthly journal was not archived; retried at the next check') },
    onArchived: (r) => { o.log.info({ year: r.year, month: r.month, version: r.version, entries: r.entries }, 'monthly journal archived by schedule') }
  })
}
