// The call log and the recordings. A recording is found from the call's row (a bare file name the
// PBX announced), never from the request, and streamed with HTTP range support for seeking.
import fs from 'node:fs'
import path from 'node:path'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { DateTime } from 'luxon'
import type { CallsRepository } from '../db/calls.repository.js'
import { CALL_OUTCOMES, REJECT_REASONS, isMissed, type CallOutcome, type RejectReason } from '../calls/call.js'
import { CALLBACK_HOW, type CallbackHow } from '../calls/callback.js'
import { httpError } from './errors.js'
import { currentUser } from './auth.js'
import { DateTimeOut, IdParams, NullableDateTimeOut } from './schemas.js'

export interface CallsRoutesOptions {
  calls: CallsRepository
  recordingsDir: string
  /** the center's zone: a bare date in from/to is a local day */
  timeZone: string
  clock: () => Date
}

const ErrorOut = Type.Object({ statusCode: Type.Integer(), code: Type.String(), error: Type.Optional(Type.String()), message: Type.String() })

const Outcome = Type.Unsafe<CallOutcome>({ type: 'string', enum: [...CALL_OUTCOMES] })
const Reason = Type.Unsafe<RejectReason>({ type: 'string', enum: [...REJECT_REASONS] })
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

const CallLogItemSchema = Type.Object({
  id: Type.Integer(),
  linkedId: Type.String(),
  callerNumber: Nullable(Type.String()),
  arrivedAt: DateTimeOut,
  answeredAt: NullableDateTimeOut,
  endedAt: NullableDateTimeOut,
  state: Type.Union([Type.Literal('arrived'), Type.Literal('ringing'), Type.Literal('talking'), Type.Literal('ended')]),
  outcome: Nullable(Outcome),
  rejectReason: Nullable(Reason),
  answeredBy: Nullable(Type.Object({ extension: Type.String(), userId: Nullable(Type.Integer()), fullName: Nullable(Type.String()) })),
  transferredTo: Nullable(Type.String()),
  waitSeconds: Nullable(Type.Integer({ description: 'waiting for a specialist; null for a rejected call (the announcement is not waiting)' })),
  talkSeconds: Nullable(Type.Integer()),
  announcementSeconds: Nullable(Type.Integer({ description: 'a rejected call: the time with the announcement of the hours' })),
  hangupCause: Nullable(Type.Integer()),
  hangupCauseText: Nullable(Type.String()),
  missed: Type.Boolean({ description: 'rang in working hours and nobody answered: to be called back' }),
  hasRecording: Type.Boolean(),
  entryId: Nullable(Type.Integer()),
  approximate: Type.Boolean({ description: 'instants reconstructed after a reconnect or restart where the PBX has no record of the call' }),
  calledBack: Nullable(Type.Object({
    at: DateTimeOut,
    how: Type.Unsafe<CallbackHow>({ type: 'string', enum: [...CALLBACK_HOW], description: 'answered: the caller called again and was answered (callId); outgoing: a specialist\'s phone dialled the number and was answered; by-hand: marked' }),
    by: Nullable(Type.Object({ userId: Type.Integer(), fullName: Nullable(Type.String()) })),
    callId: Nullable(Type.Integer({ description: 'the later answered call with this number that settled it; null: marked by hand' })),
    note: Nullable(Type.String())
  }, { description: 'a missed call called back: when, by whom, how' }))
})

const DateOrDateTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?$',
  description: 'yyyy-MM-dd (a day in the center\'s zone) or an ISO 8601 instant'
})

const CallLogQuery = Type.Object({
  from: Type.Optional(DateOrDateTime),
  to: Type.Optional(DateOrDateTime),
  outcome: Type.Optional(Outcome),
  missed: Type.Optional(Type.Boolean({ description: 'true: only the missed calls (to call back); false: all but those' })),
  entryId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647, description: 'only the calls of this journal entry' })),
  calledBack: Type.Optional(Type.Boolean({ description: 'with missed=true: false is the callback list (not called back yet), true the ones settled' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 1000 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }))
}, { additionalProperties: false })

/** `from` is inclusive; `to` is inclusive for a date (the whole day) and exclusive for an instant. */
function bound (value: string, zone: string, end: boolean): Date {
  const isDate = /^\d{4}-\d{2}-\d{2}$/.test(value)
  let dt = isDate ? DateTime.fromISO(value, { zone }) : DateTime.fromISO(value, { zone, setZone: true })
  if (!dt.isValid) throw httpError(400, 'INVALID_DATE', `not a valid date or time: ${value}`)
  if (isDate && end) dt = dt.plus({ days: 1 })
  return dt.toJSDate()
}

const CONTENT_TYPES: Record<string, string> = { '.wav': 'audio/wav', '.mp3': 'audio/mpeg', '.ogg': 'audio/ogg', '.gsm': 'audio/x-gsm' }

export const callsRoutes: FastifyPluginAsyncTypebox<CallsRoutesOptions> = async (app, { calls, recordingsDir, timeZone, clock }) => {
  const root = path.resolve(recordingsDir)

  app.get('/api/calls', {
    schema: {
      tags: ['calls'],
      summary: 'The call log, newest first: every call to the helpdesk number, rejected ones included (?entryId= for one entry\'s calls)',
      querystring: CallLogQuery,
      response: { 200: Type.Object({ items: Type.Array(CallLogItemSchema), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer(), from: NullableDateTimeOut, to: NullableDateTimeOut }) }
    }
  }, async (req) => {
    const from = req.query.from === undefined ? undefined : bound(req.query.from, timeZone, false)
    const to = req.query.to === undefined ? undefined : bound(req.query.to, timeZone, true)
    if (from !== undefined && to !== undefined && from.getTime() >= to.getTime()) {
      throw httpError(400, 'INVALID_PERIOD', '"from" must be before "to"')
    }
    const query = { from, to, outcome: req.query.outcome, missed: req.query.missed, entryId: req.query.entryId, calledBack: req.query.calledBack }
    const limit = req.query.limit ?? 1000
    const offset = req.query.offset ?? 0
    const [items, total] = await Promise.all([calls.list({ ...query, limit, offset }), calls.count(query)])
    return { items, total, limit, offset, from: from ?? null, to: to ?? null }
  })

  app.post('/api/calls/:id/called-back', {
    schema: {
      tags: ['calls'],
      summary: 'Mark a missed call called back by hand (who and when are recorded; the first mark stands). A later answered call with the number marks it by itself',
      params: IdParams,
      body: Type.Object({ note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))) }, { additionalProperties: false }),
      response: { 200: CallLogItemSchema, 404: ErrorOut, 409: ErrorOut }
    }
  }, async (req) => {
    const stored = await calls.byId(req.params.id)
    if (stored === undefined) throw httpError(404, 'CALL_NOT_FOUND', `call ${req.params.id} not found`)
    // only a missed call is on the callback list (the one rule, calls/call.ts)
    if (!isMissed(stored.call)) throw httpError(409, 'CALL_NOT_MISSED', 'Этот звонок не пропущен: перезванивать по нему не нужно.')
    await calls.markCalledBack(req.params.id, currentUser(req).id, clock(), req.body.note?.trim() || null)
    const [item] = await calls.list({ id: req.params.id, limit: 1 })
    return item!
  })

  app.get('/api/calls/:id/recording', {
    schema: {
      tags: ['calls'],
      summary: 'The conversation recording; supports Range requests (seeking)',
      params: IdParams
    }
  }, async (req, reply) => {
    const stored = await calls.byId(req.params.id)
    if (stored === undefined) throw httpError(404, 'CALL_NOT_FOUND', `call ${req.params.id} not found`)
    const file = stored.call.recordingFile
    if (file === null || stored.call.answeredAt === null) throw httpError(404, 'RECORDING_NOT_FOUND', 'this call has no recording')
    // the name comes from our own row and is a bare name (checked on write and here again)
    const full = path.resolve(root, file)
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(file) || path.dirname(full) !== root) {
      throw httpError(404, 'RECORDING_NOT_FOUND', 'this call has no recording')
    }
    let size: number
    try {
      const st = await fs.promises.stat(full)
      if (!st.isFile()) throw new Error('not a file')
      size = st.size
    } catch {
      req.log.warn({ callId: stored.id, file }, 'recording file missing in RECORDINGS_DIR')
      throw httpError(404, 'RECORDING_FILE_MISSING', 'the recording file is not in the recordings folder (yet)')
    }
    reply.header('accept-ranges', 'bytes')
    reply.header('content-type', CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream')
    reply.header('content-disposition', `inline; filename="call-${stored.id}${path.extname(file)}"`)
    reply.header('cache-control', 'private, max-age=3600')
    const range = parseRange(req.headers.range, size)
    if (range === 'unsatisfiable') {
      reply.header('content-range', `bytes */${size}`)
      throw httpError(416, 'RANGE_NOT_SATISFIABLE', `the recording has ${size} bytes`)
    }
    if (range === undefined) {
      reply.header('content-length', size)
      return await reply.code(200).send(fs.createReadStream(full))
    }
    reply.header('content-range', `bytes ${range.start}-${range.end}/${size}`)
    reply.header('content-length', range.end - range.start + 1)
    return await reply.code(206).send(fs.createReadStream(full, { start: range.start, end: range.end }))
  })
}

/**
 * One byte range (RFC 9110 §14): `bytes=a-b`, `bytes=a-`, `bytes=-n`. Several ranges or another
 * unit are answered with the whole file (allowed); a syntactically valid range outside the file is
 * unsatisfiable (416).
 */
export function parseRange (header: string | undefined, size: number): { start: number, end: number } | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (m === null) return header.trim().startsWith('bytes=') && !header.includes(',') ? 'unsatisfiable' : undefined
  const [, a, b] = m
  if (a === '' && b === '') return 'unsatisfiable'
  if (a === '') {
    const n = Number(b)
    if (n === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(a)
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1)
  if (start >= size || (b !== '' && Number(b) < start)) return 'unsatisfiable'
  return { start, end }
}
