// Reports: the monthly journal of the regulation's appendix (PDF/XLSX). The head and the auditor
// read the whole center's; a specialist gets his own journal only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { ReportsRepository } from '../db/reports.repository.js'
import { CONTENT_TYPES, journalFileName, monthlyJournal, type MonthlyJournalDeps } from '../services/monthly-journal.js'
import { currentUser, requireRole } from './auth.js'
import { httpError } from './errors.js'
import type { WorkCalendar } from '../calendar/index.js'
import { buildStatistics, type Statistics } from '../reports/statistics.js'
import { periodDays, previousPeriod, type Period } from '../reports/period.js'
import { statisticsXlsx } from '../reports/statistics-xlsx.js'
import type { ArchiveRepository } from '../db/archive.repository.js'
import { archiveRoutes } from './archive.routes.js'
import { buildCompliance } from '../reports/compliance.js'
import { complianceTables, complianceTitle } from '../reports/compliance-tables.js'
import { tablesPdf } from '../reports/table-pdf.js'
import { tablesXlsx } from '../reports/tables-xlsx.js'
import { officeDateTime } from '../reports/dates.js'

export interface ReportsRoutesOptions {
  reports: ReportsRepository
  centerName: string
  /** The calendar in force (its zone is the center's). */
  calendar: () => WorkCalendar
  clock: () => Date
  archive: ArchiveRepository
}

export const Year = Type.Integer({ minimum: 2000, maximum: 2200 })
export const MonthNumber = Type.Integer({ minimum: 1, maximum: 12 })

const JournalQuery = Type.Object({
  year: Year,
  month: MonthNumber,
  format: Type.Union([Type.Literal('pdf'), Type.Literal('xlsx')], { default: 'pdf' }),
  specialistId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647, description: 'one specialist\'s journal: the entries he registered' }))
}, { additionalProperties: false })

const IsoDay = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'yyyy-MM-dd, a day in the center\'s zone' })
const PeriodQuery = Type.Object({
  from: IsoDay,
  to: IsoDay,
  format: Type.Union([Type.Literal('json'), Type.Literal('xlsx')], { default: 'json' })
}, { additionalProperties: false })

const MAX_PERIOD_DAYS = 3 * 366

/** A valid period of real days, from ≤ to, at most three years. */
export function checkPeriod (q: { from: string, to: string }): Period {
  for (const d of [q.from, q.to]) {
    const [y, m, day] = d.split('-').map(Number) as [number, number, number]
    const t = new Date(Date.UTC(y, m - 1, day))
    if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== day || y < 2000 || y > 2200) throw httpError(400, 'INVALID_DATE', `not a valid date: ${d}`)
  }
  if (q.from > q.to) throw httpError(400, 'INVALID_PERIOD', '"from" must not be after "to"')
  const p = { from: q.from, to: q.to }
  if (periodDays(p) > MAX_PERIOD_DAYS) throw httpError(400, 'PERIOD_TOO_LONG', `a period of at most ${MAX_PERIOD_DAYS} days`)
  return p
}

export const reportsRoutes: FastifyPluginAsyncTypebox<ReportsRoutesOptions> = async (app, opts) => {
  const zone = (): string => opts.calendar().schedule.zone
  const deps: MonthlyJournalDeps = { reports: opts.reports, centerName: opts.centerName, zone, clock: opts.clock }
  const readers = requireRole('head', 'auditor')

  /** A period's statistics and those of the period before it. */
  const statistics = async (p: Period): Promise<{ current: Statistics, previous: Statistics }> => {
    const cal = opts.calendar()
    const prev = previousPeriod(p)
    const now = opts.clock()
    const [a, b] = await Promise.all([opts.reports.statistics(p, cal.schedule.zone, now), opts.reports.statistics(prev, cal.schedule.zone, now)])
    return { current: buildStatistics(a, p, cal), previous: buildStatistics(b, prev, cal) }
  }

  await app.register(archiveRoutes, {
    deps: { ...deps, archive: opts.archive },
    archive: opts.archive,
    yearStatistics: async (year) => {
      const s = await statistics({ from: `${year}-01-01`, to: `${year}-12-31` })
      return await statisticsXlsx(s.current, s.previous)
    }
  })

  app.get('/api/reports/compliance', {
    preHandler: readers,
    schema: {
      tags: ['reports'],
      summary: 'Working-hours compliance for a period: unanswered calls in hours, calls out of hours, late registrations (reg. 3.3), late resolutions, time with no specialist on line',
      querystring: Type.Object({
        from: IsoDay,
        to: IsoDay,
        format: Type.Union([Type.Literal('json'), Type.Literal('pdf'), Type.Literal('xlsx')], { default: 'json' })
      }, { additionalProperties: false })
    }
  }, async (req, reply) => {
    const p = checkPeriod(req.query)
    const cal = opts.calendar()
    const zone = cal.schedule.zone
    const now = opts.clock()
    const compliance = buildCompliance(await opts.reports.complianceFacts(p, zone), p, cal, now)
    const tables = complianceTables(compliance, zone)
    const title = complianceTitle(compliance)
    const subtitle = `Ситуационный центр ${opts.centerName}. Сформирован ${officeDateTime(now, zone)}`
    const name = `compliance-${p.from}-${p.to}`
    if (req.query.format === 'pdf') {
      return await reply.type(CONTENT_TYPES.pdf).header('content-disposition', `attachment; filename="${name}.pdf"`).header('cache-control', 'private, no-store')
        .send(tablesPdf({ title, subtitle, tables }))
    }
    if (req.query.format === 'xlsx') {
      return await reply.type(CONTENT_TYPES.xlsx).header('content-disposition', `attachment; filename="${name}.xlsx"`).header('cache-control', 'private, no-store')
        .send(await tablesXlsx({ title, subtitle, tables, sheetNames: ['Без ответа', 'Вне графика', 'Регистрация', 'Решены после срока', 'Без специалиста'] }))
    }
    return { title, compliance, tables }
  })

  app.get('/api/reports/specialists', {
    preHandler: readers,
    schema: {
      tags: ['reports'],
      summary: 'The specialists whose journals can be printed',
      response: { 200: Type.Object({ items: Type.Array(Type.Object({ id: Type.Integer(), fullName: Type.String(), active: Type.Boolean() })) }) }
    }
  }, async () => ({ items: await opts.reports.specialists() }))

  app.get('/api/reports/statistics', {
    preHandler: readers,
    schema: {
      tags: ['reports'],
      summary: 'Statistics of requests and calls for a period, with the period before it (?format=xlsx for a workbook)',
      querystring: PeriodQuery
    }
  }, async (req, reply) => {
    const p = checkPeriod(req.query)
    const s = await statistics(p)
    if (req.query.format === 'xlsx') {
      return await reply.type(CONTENT_TYPES.xlsx)
        .header('content-disposition', `attachment; filename="statistics-${p.from}-${p.to}.xlsx"`)
        .header('cache-control', 'private, no-store')
        .send(await statisticsXlsx(s.current, s.previous))
    }
    return s
  })

  app.get('/api/reports/journal', {
    schema: {
      tags: ['reports'],
      summary: 'The monthly journal («Журнал специалиста») as PDF or XLSX; ?specialistId= for one specialist\'s',
      querystring: JournalQuery
    }
  }, async (req, reply) => {
    const me = currentUser(req)
    let specialistId = req.query.specialistId
    if (me.role === 'specialist') {
      if (specialistId !== undefined && specialistId !== me.id) throw httpError(403, 'FORBIDDEN', 'a specialist gets only his own journal')
      specialistId = me.id
    }
    let specialist: { id: number, fullName: string } | undefined
    if (specialistId !== undefined) {
      specialist = await opts.reports.userById(specialistId)
      if (specialist === undefined) throw httpError(404, 'USER_NOT_FOUND', `user ${specialistId} not found`)
    }
    const r = { year: req.query.year, month: req.query.month, format: req.query.format, specialist }
    const stream = await monthlyJournal(deps, r)
    return await reply
      .type(CONTENT_TYPES[r.format])
      .header('content-disposition', `attachment; filename="${journalFileName(r)}.${r.format}"`)
      .header('cache-control', 'private, no-store')
      .send(stream)
  })
}
