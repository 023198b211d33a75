// Reports: the monthly journal of the regulation's appendix (PDF/XLSX). The head and the auditor
// read the whole center's; a specialist gets his own journal only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { ReportsRepository } from '../db/reports.repository.js'
import { CONTENT_TYPES, journalFileName, monthlyJournal, type MonthlyJournalDeps } from '../services/monthly-journal.js'
import { currentUser } from './auth.js'
import { httpError } from './errors.js'

export interface ReportsRoutesOptions {
  reports: ReportsRepository
  centerName: string
  /** The center's zone, from the calendar in force. */
  zone: () => string
  clock: () => Date
}

export const Year = Type.Integer({ minimum: 2000, maximum: 2200 })
export const MonthNumber = Type.Integer({ minimum: 1, maximum: 12 })

const JournalQuery = Type.Object({
  year: Year,
  month: MonthNumber,
  format: Type.Union([Type.Literal('pdf'), Type.Literal('xlsx')], { default: 'pdf' }),
  specialistId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647, description: 'one specialist\'s journal: the entries he registered' }))
}, { additionalProperties: false })

export const reportsRoutes: FastifyPluginAsyncTypebox<ReportsRoutesOptions> = async (app, opts) => {
  const deps: MonthlyJournalDeps = { reports: opts.reports, centerName: opts.centerName, zone: opts.zone, clock: opts.clock }

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
