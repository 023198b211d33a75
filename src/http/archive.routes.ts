// The yearly archive of the monthly journals: the list, each stored version (bytes as archived,
// with their checksum as ETag), producing a month again (the head), and the year's folder as a zip.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { DateTime } from 'luxon'
import type { ArchiveRepository } from '../db/archive.repository.js'
import { archiveMonth, archiveFileName, yearArchiveZip, type JournalArchiveDeps } from '../services/journal-archive.js'
import { CONTENT_TYPES } from '../services/monthly-journal.js'
import { currentUser, requireRole } from './auth.js'
import { httpError } from './errors.js'
import { DateTimeOut } from './schemas.js'

export interface ArchiveRoutesOptions {
  deps: JournalArchiveDeps
  archive: ArchiveRepository
  /** The year's statistics workbook (the folder carries it). */
  yearStatistics: (year: number) => Promise<Buffer>
}

const Year = Type.Integer({ minimum: 2000, maximum: 2200 })
const ArchivedSchema = Type.Object({
  id: Type.Integer(),
  year: Type.Integer(),
  month: Type.Integer(),
  version: Type.Integer(),
  origin: Type.Union([Type.Literal('schedule'), Type.Literal('request')]),
  entries: Type.Integer(),
  pdfSha256: Type.String(),
  pdfSize: Type.Integer(),
  xlsxSha256: Type.String(),
  xlsxSize: Type.Integer(),
  createdAt: DateTimeOut,
  createdBy: Type.Union([Type.Object({ id: Type.Integer(), fullName: Type.String() }), Type.Null()])
})

/** RFC 5987 file name: the Russian name for browsers, a Latin fallback for the rest. */
function disposition (name: string, fallback: string): string {
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`
}

export const archiveRoutes: FastifyPluginAsyncTypebox<ArchiveRoutesOptions> = async (app, { deps, archive, yearStatistics }) => {
  const readers = requireRole('head', 'auditor')

  app.get('/api/reports/archive', {
    preHandler: readers,
    schema: {
      tags: ['reports'],
      summary: 'The archived monthly journals of a year (every version), and the years the archive has',
      querystring: Type.Object({ year: Type.Optional(Year) }, { additionalProperties: false }),
      response: { 200: Type.Object({ year: Type.Integer(), years: Type.Array(Type.Integer()), items: Type.Array(ArchivedSchema) }) }
    }
  }, async (req) => {
    const year = req.query.year ?? DateTime.fromJSDate(deps.clock(), { zone: deps.zone() }).year
    const [years, items] = await Promise.all([archive.years(), archive.list(year)])
    return { year, years, items }
  })

  app.post('/api/reports/archive', {
    preHandler: requireRole('head'),
    schema: {
      tags: ['reports'],
      summary: 'Produce a month\'s journal again: a new archived version (the earlier ones stay)',
      body: Type.Object({ year: Year, month: Type.Integer({ minimum: 1, maximum: 12 }) }, { additionalProperties: false }),
      response: { 201: ArchivedSchema }
    }
  }, async (req, reply) => {
    const now = DateTime.fromJSDate(deps.clock(), { zone: deps.zone() })
    if (req.body.year * 12 + req.body.month >= now.year * 12 + now.month) {
      throw httpError(409, 'MONTH_NOT_OVER', 'only a month that is over can be archived')
    }
    const r = await archiveMonth(deps, req.body, currentUser(req).id)
    if (r === undefined) throw new Error('a requested production is always stored') // only the schedule's can be skipped
    return await reply.code(201).send(r)
  })

  app.get('/api/reports/archive/:id/:format', {
    preHandler: readers,
    schema: {
      tags: ['reports'],
      summary: 'One archived journal, byte for byte as stored',
      params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }), format: Type.Union([Type.Literal('pdf'), Type.Literal('xlsx')]) })
    }
  }, async (req, reply) => {
    const r = await archive.byId(req.params.id)
    const content = r === undefined ? undefined : await archive.content(r.id, req.params.format)
    if (r === undefined || content === undefined) throw httpError(404, 'ARCHIVED_REPORT_NOT_FOUND', `archived report ${req.params.id} not found`)
    const f = req.params.format
    const mm = String(r.month).padStart(2, '0')
    return await reply.type(CONTENT_TYPES[f])
      .header('etag', `"${f === 'pdf' ? r.pdfSha256 : r.xlsxSha256}"`)
      .header('content-disposition', disposition(archiveFileName(r, f), `journal-${r.year}-${mm}-v${r.version}.${f}`))
      .header('cache-control', 'private, max-age=31536000, immutable')
      .send(content)
  })

  app.get('/api/reports/archive/year/:year', {
    preHandler: readers,
    schema: {
      tags: ['reports'],
      summary: 'The year\'s folder («папка годовой отчетности») as one zip: the monthly journals, the year\'s statistics, an inventory',
      params: Type.Object({ year: Year })
    }
  }, async (req, reply) => {
    const year = req.params.year
    return await reply.type('application/zip')
      .header('content-disposition', disposition(`Папка годовой отчетности ${year}.zip`, `archive-${year}.zip`))
      .header('cache-control', 'private, no-store')
      .send(yearArchiveZip(deps, year, async () => await yearStatistics(year)))
  })
}
