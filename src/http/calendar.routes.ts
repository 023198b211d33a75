// The working calendar over HTTP: open/closed now, registration date and deadline of a request,
// the production calendar of a year, and the head's edits of days and of the weekly schedule.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static, type TSchema } from 'typebox'
import { DateTime } from 'luxon'
import {
  DAY_KINDS, addDays, dueAt, describeDay, parseSpan, registrationDate, scheduleState, scheduleToJson,
  spanToJson, yearCalendar, type Day, type DayRule, type IsoDate, type WorkCalendar
} from '../calendar/index.js'
import type { CalendarService } from '../services/calendar.service.js'
import { currentUser, requireRole } from './auth.js'
import { httpError } from './errors.js'

export interface CalendarRoutesOptions { calendar: CalendarService }

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

const HHMM = Type.String({ pattern: '^\\d{2}:\\d{2}$', description: 'HH:mm, local time of the center' })
const SpanSchema = Type.Object({ from: HHMM, to: HHMM }, { additionalProperties: false })
const DateParam = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' })
// the years the calendar reasons about: outside them a date is a typo, not a day to compute with
const FIRST_YEAR = 1990
const LAST_YEAR = 2200
const YearNumber = Type.Integer({ minimum: FIRST_YEAR, maximum: LAST_YEAR })
const InstantQuery = Type.String({ minLength: 1, maxLength: 64, description: 'ISO 8601 instant, e.g. 2026-12-01T12:45:00+05:00 (no offset: the center zone)' })

const ScheduleStatus = Type.Object({
  open: Type.Boolean(),
  reason: Type.Enum(['open', 'before-hours', 'after-hours', 'lunch', 'weekend', 'holiday']),
  opensAt: Nullable(Type.String()),
  closesAt: Nullable(Type.String())
})

const Deadline = Type.Object({ registeredOn: Type.String(), due: Type.String() })

const DaySchema = Type.Object({
  date: Type.String(),
  weekday: Type.Integer({ minimum: 1, maximum: 7, description: '1 = Monday' }),
  kind: Type.Enum([...DAY_KINDS]),
  working: Type.Boolean(),
  shortened: Type.Boolean(),
  closedReason: Nullable(Type.Enum(['weekend', 'holiday'])),
  hours: Nullable(SpanSchema),
  lunch: Nullable(SpanSchema),
  origin: Type.Enum(['schedule', 'official', 'provisional', 'manual']),
  comment: Nullable(Type.String()),
  editedAt: Nullable(Type.String())
})

const YearSchema = Type.Object({
  year: Type.Integer(),
  confirmed: Type.Boolean(),
  source: Type.String(),
  warning: Nullable(Type.String()),
  zone: Type.String(),
  workingDays: Type.Integer(),
  days: Type.Array(DaySchema)
})

const WeekdayHours = Nullable(SpanSchema)
const ScheduleSchema = Type.Object({
  zone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Asia/Yekaterinburg' }),
  week: Type.Object({
    mon: WeekdayHours, tue: WeekdayHours, wed: WeekdayHours, thu: WeekdayHours, fri: WeekdayHours, sat: WeekdayHours, sun: WeekdayHours
  }, { additionalProperties: false, description: 'hours per weekday; null: closed' }),
  lunch: Nullable(SpanSchema),
  workingWeekendHours: SpanSchema,
  shortenedBy: Type.Integer({ minimum: 0, maximum: 240, description: 'minutes a shortened pre-holiday day loses (Labour Code art. 95: 60)' })
}, { additionalProperties: false })

const DayEdit = Type.Object({
  kind: Type.Enum([...DAY_KINDS]),
  hours: Type.Optional(SpanSchema),
  comment: Type.Optional(Type.String({ maxLength: 500 }))
}, { additionalProperties: false })

/** ISO text → instant. Lenient where URLs are: a '+' of the offset decoded as a space is put back. */
function parseInstant (text: string, zone: string, name: string): DateTime {
  const iso = text.trim().replace(/ (\d{2}(:?\d{2})?)$/, '+$1')
  const invalid = httpError(400, 'INVALID_INSTANT', `${name}: "${text}" is not an ISO 8601 instant (e.g. 2026-12-01T12:45:00+05:00)`)
  let t: DateTime
  try { t = DateTime.fromISO(iso, { zone, setZone: true }) } catch { throw invalid } // luxon throws when Settings.throwOnInvalid is on
  if (!t.isValid) throw invalid
  if (t.year < FIRST_YEAR || t.year > LAST_YEAR) throw httpError(400, 'INVALID_INSTANT', `${name}: "${text}" is outside the years ${FIRST_YEAR}–${LAST_YEAR}`)
  return t
}

function parseDate (text: string): IsoDate {
  const invalid = httpError(400, 'INVALID_DATE', `"${text}" is not a calendar date YYYY-MM-DD`)
  let d: DateTime
  try { d = DateTime.fromISO(text, { zone: 'UTC' }) } catch { throw invalid }
  if (!d.isValid || d.toISODate() !== text) throw invalid
  if (d.year < FIRST_YEAR || d.year > LAST_YEAR) throw httpError(400, 'INVALID_DATE', `"${text}" is outside the years ${FIRST_YEAR}–${LAST_YEAR}`)
  return text
}

const iso = (t: DateTime | null, zone: string): string | null => t === null ? null : t.setZone(zone).toISO({ suppressMilliseconds: true })

function dayJson (day: Day, cal: WorkCalendar, editedAt: Date | undefined): Static<typeof DaySchema> {
  const lunch = cal.schedule.lunch
  const hasLunch = day.hours !== null && lunch !== null && day.open.length > 1
  return {
    date: day.date,
    weekday: day.weekday,
    kind: day.kind,
    working: day.working,
    shortened: day.shortened,
    closedReason: day.closedReason,
    hours: day.hours === null ? null : spanToJson(day.hours),
    lunch: hasLunch ? spanToJson(lunch) : null,
    origin: day.origin,
    comment: day.comment,
    editedAt: editedAt?.toISOString() ?? null
  }
}

function toRule (body: Static<typeof DayEdit>): DayRule {
  const comment = body.comment?.trim()
  const rule: DayRule = { kind: body.kind, ...(comment ? { comment } : {}) }
  if (body.hours === undefined) return rule
  if (body.kind !== 'working' && body.kind !== 'shortened') {
    throw httpError(400, 'HOURS_NOT_ALLOWED', `hours can be given only for a working or shortened day, not for kind ${body.kind}`)
  }
  const span = parseSpan(body.hours, 'hours')
  if (!span.ok) throw httpError(400, 'INVALID_HOURS', span.error)
  return { ...rule, hours: span.value }
}

export const calendarRoutes: FastifyPluginAsyncTypebox<CalendarRoutesOptions> = async (app, { calendar }) => {
  const headOnly = requireRole('head')
  const zone = (): string => calendar.current().schedule.zone
  const editedAt = (date: IsoDate): Date | undefined => calendar.edits().find((e) => e.date === date)?.updatedAt
  const describe = (date: IsoDate) => dayJson(describeDay(date, calendar.current()), calendar.current(), editedAt(date))

  app.get('/api/schedule/status', {
    schema: {
      tags: ['calendar'],
      summary: 'Open or closed at an instant (default now), why, and the next opening and closing',
      querystring: Type.Object({ at: Type.Optional(InstantQuery) }),
      response: { 200: ScheduleStatus }
    }
  }, async (req) => {
    const at = req.query.at === undefined ? calendar.now() : parseInstant(req.query.at, zone(), 'at')
    const s = scheduleState(at, calendar.current())
    return { open: s.open, reason: s.reason, opensAt: iso(s.opensAt, zone()), closesAt: iso(s.closesAt, zone()) }
  })

  app.get('/api/calendar/deadline', {
    schema: {
      tags: ['calendar'],
      summary: 'Registration date (reg. 3.3) and due instant (reg. 3.4.2) of a request arriving at an instant',
      querystring: Type.Object({
        from: Type.Optional(InstantQuery),
        days: Type.Integer({ minimum: 1, maximum: 60, default: 5, description: 'working days (reg. 3.4.2: 5)' })
      }),
      response: { 200: Deadline }
    }
  }, async (req) => {
    const cal = calendar.current()
    const from = req.query.from === undefined ? calendar.now() : parseInstant(req.query.from, zone(), 'from')
    const registeredOn = registrationDate(from, cal)
    return { registeredOn, due: iso(dueAt({ registeredOn, days: req.query.days }, cal), zone())! }
  })

  const yearSummary = (year: number): Static<typeof YearSchema> => {
    const cal = calendar.current()
    const info = yearCalendar(year, cal)
    const days = []
    for (let d = `${year}-01-01`; d.startsWith(`${year}-`); d = addDays(d, 1)) days.push(describe(d))
    return {
      year,
      confirmed: info.confirmed,
      source: info.source,
      warning: info.confirmed
        ? null
        : `no Government decree on the transfer of days off in ${year} is entered: holidays follow Labour Code art. 112 only; ` +
          'enter the decree\'s days when it is published, then confirm the year (PUT /api/calendar/years/' + year + ')',
      zone: cal.schedule.zone,
      workingDays: days.filter((d) => d.working).length,
      days
    }
  }

  app.get('/api/calendar', {
    schema: {
      tags: ['calendar'],
      summary: 'Every day of a year: working or not, hours, and where that comes from (decree, Labour Code, the head)',
      querystring: Type.Object({ year: Type.Optional(YearNumber) }),
      response: { 200: YearSchema }
    }
  }, async (req) => yearSummary(req.query.year ?? calendar.now().year))

  app.put('/api/calendar/years/:year', {
    preHandler: headOnly,
    schema: {
      tags: ['calendar'],
      summary: "Confirm a provisional year once its decree's days are entered (head only): its days as they stand become official",
      params: Type.Object({ year: YearNumber }),
      body: Type.Object({ source: Type.String({ minLength: 5, maxLength: 500, description: 'the decree, e.g. «Постановление Правительства РФ от … № …»' }) }, { additionalProperties: false }),
      response: { 200: YearSchema }
    }
  }, async (req) => {
    const { year } = req.params
    await calendar.confirmYear(year, req.body.source.trim())
    req.log.info({ year, by: currentUser(req).id }, 'calendar year confirmed')
    return yearSummary(year)
  })

  app.put('/api/calendar/days/:date', {
    preHandler: headOnly,
    schema: {
      tags: ['calendar'],
      summary: 'Change one day (head only): holiday, working, shortened, or normal (the weekly schedule); applies at once',
      params: Type.Object({ date: DateParam }),
      body: DayEdit,
      response: { 200: DaySchema }
    }
  }, async (req) => {
    const date = parseDate(req.params.date)
    const rule = toRule(req.body)
    await calendar.setDay(date, rule, currentUser(req).id)
    req.log.info({ date, kind: rule.kind, by: currentUser(req).id }, 'calendar day changed')
    return describe(date)
  })

  app.delete('/api/calendar/days/:date', {
    preHandler: headOnly,
    schema: {
      tags: ['calendar'],
      summary: "Undo the head's change of a day: back to the official calendar (head only)",
      params: Type.Object({ date: DateParam }),
      response: { 200: DaySchema }
    }
  }, async (req) => {
    const date = parseDate(req.params.date)
    if (!await calendar.revertDay(date)) throw httpError(404, 'CALENDAR_DAY_NOT_EDITED', `${date} has no change to undo`, { date })
    req.log.info({ date, by: currentUser(req).id }, 'calendar day reverted')
    return describe(date)
  })

  app.get('/api/schedule', {
    schema: { tags: ['calendar'], summary: 'The weekly schedule of the center', response: { 200: Type.Intersect([ScheduleSchema, Type.Object({ updatedAt: Type.String() })]) } }
  }, async () => ({ ...scheduleToJson(calendar.current().schedule), updatedAt: calendar.scheduleUpdatedAt().toISOString() }))

  app.put('/api/schedule', {
    preHandler: headOnly,
    schema: { tags: ['calendar'], summary: 'Change the weekly schedule (head only); applies at once', body: ScheduleSchema, response: { 200: Type.Intersect([ScheduleSchema, Type.Object({ updatedAt: Type.String() })]) } }
  }, async (req) => {
    const saved = await calendar.setSchedule(req.body, currentUser(req).id)
    if (!saved.ok) throw httpError(400, 'INVALID_SCHEDULE', saved.error)
    req.log.info({ by: currentUser(req).id }, 'schedule changed')
    return { ...scheduleToJson(calendar.current().schedule), updatedAt: calendar.scheduleUpdatedAt().toISOString() }
  })
}
