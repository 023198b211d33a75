// The specialist's journal over HTTP: drafts, registration, statuses, agreement, extensions,
// annulment, history and the filtered list. The rules live in src/journal; a refusal there
// becomes a 4xx here with the rule's stable code.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type, type Static } from 'typebox'
import type { EntrySort } from '../db/journal.repository.js'
import { TOTAL_CAP } from '../db/journal-list.js'
import type { JournalService, Outcome } from '../services/journal.service.js'
import {
  AGREEMENT_LABELS, AGREEMENT_STATES, CHANNELS, CHANNEL_LABELS, ENTRY_TYPES, ENTRY_TYPE_LABELS, MODULES, MODULE_LABELS,
  ORGANIZATION_KINDS, ORGANIZATION_KIND_LABELS, STATUSES, STATUS_LABELS, TRANSITIONS, HISTORY_ACTION_LABELS, HISTORY_FIELD_LABELS, formatNumber, historyLines, isEntryOverdue, isPaused,
  type Entry, type EntryFields, type RefusalCode
} from '../journal/index.js'
import { CALL_OUTCOMES, CALL_OUTCOME_LABELS, REJECT_REASONS, REJECT_REASON_LABELS } from '../calls/call.js'
import { currentUser } from './auth.js'
import { httpError } from './errors.js'
import { DateTimeOut, IdParams, NullableDateTimeOut } from './schemas.js'

export interface EntriesRoutesOptions {
  journal: JournalService
  clock: () => Date
  /** The center's zone (the calendar's): the UI shows every date in it. */
  zone: () => string
  /** Tells the specialists' screens (push hub): entry.created / entry.updated with the entry as GET returns it. */
  publish?: (type: 'entry.created' | 'entry.updated', entry: { id: number } & Record<string, unknown>) => Promise<unknown>
  /** The users' names by id: the history names assignees and registrars, not their ids. */
  userNames?: () => Promise<ReadonlyMap<number, string>>
  /** Resolving an e-mail request sends its comment to the sender (SMTP configured): the screens may promise it. */
  mailReplies?: boolean
}

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

const EntryTypeSchema = Type.Enum([...ENTRY_TYPES], { description: 'support = Поддержка, error = Ошибка, improvement = Улучшение' })
const StatusSchema = Type.Enum([...STATUSES], { description: 'resolved = Решен, in_progress = В работе, to_developer = Передано разработчику, feedback = Обратная связь, closed = Закрыт' })
const ChannelSchema = Type.Enum([...CHANNELS], { description: 'phone, email, walk_in (Телефон, Электронная почта, Личное обращение)' })
const ModuleSchema = Type.Enum([...MODULES], { description: 'navigator = Навигатор дополнительного образования, talents = Региональная база данных талантливых детей и молодежи, paid_services = Учет платных услуг, other' })
const AgreementStateSchema = Type.Enum([...AGREEMENT_STATES], { description: 'pending, agreed, rejected' })
const IsoDateSchema = Type.String({ format: 'date', description: 'YYYY-MM-DD' })
const Text = (max: number) => Type.String({ maxLength: max })
const Id = Type.Integer({ minimum: 1, maximum: 2147483647 })

export const EntrySchema = Type.Object({
  id: Type.Integer(),
  registeredOn: Nullable(Type.String({ description: 'Дата: the registration date (null for a draft)' })),
  year: Nullable(Type.Integer()),
  number: Nullable(Type.Integer({ description: '№ п/п within the year' })),
  numberLabel: Nullable(Type.String({ description: 'e.g. 2026-153' })),
  type: Nullable(EntryTypeSchema),
  description: Nullable(Type.String()),
  organizationId: Nullable(Type.Integer()),
  organizationName: Nullable(Type.String()),
  contactId: Nullable(Type.Integer()),
  contactText: Nullable(Type.String()),
  additionalInfo: Nullable(Type.String()),
  status: Nullable(StatusSchema),
  resolvedOn: Nullable(Type.String()),
  note: Nullable(Type.String()),
  resolution: Nullable(Type.String()),
  channel: ChannelSchema,
  module: Nullable(ModuleSchema),
  callerNumber: Nullable(Type.String()),
  callerEmail: Nullable(Type.String()),
  registeredAt: NullableDateTimeOut,
  registeredBy: Nullable(Type.Integer()),
  resolvedAt: NullableDateTimeOut,
  resolvedBy: Nullable(Type.Integer()),
  assignedTo: Nullable(Type.Integer()),
  dueAt: NullableDateTimeOut,
  overdue: Type.Boolean(),
  paused: Type.Boolean(),
  draft: Type.Boolean(),
  agreement: Nullable(Type.Object({
    state: AgreementStateSchema,
    by: Nullable(Type.String()),
    at: NullableDateTimeOut,
    comment: Nullable(Type.String()),
    recordedBy: Nullable(Type.Integer())
  })),
  annulment: Nullable(Type.Object({ at: DateTimeOut, reason: Type.String(), by: Nullable(Type.Integer()) })),
  referenceId: Nullable(Type.Integer()),
  createdAt: DateTimeOut,
  createdBy: Nullable(Type.Integer()),
  updatedAt: DateTimeOut,
  pauses: Type.Array(Type.Object({ from: DateTimeOut, to: NullableDateTimeOut })),
  extensions: Type.Array(Type.Object({
    dueOn: Type.String(),
    dueAt: DateTimeOut,
    previousDueAt: NullableDateTimeOut,
    reason: Type.String(),
    agreedBy: Type.String(),
    recordedBy: Nullable(Type.Integer()),
    recordedAt: DateTimeOut
  }))
})

const fieldProps = {
  type: Type.Optional(Nullable(EntryTypeSchema)),
  description: Type.Optional(Nullable(Text(10000))),
  organizationId: Type.Optional(Nullable(Id)),
  organizationName: Type.Optional(Nullable(Text(500))),
  contactId: Type.Optional(Nullable(Id)),
  contactText: Type.Optional(Nullable(Text(1000))),
  additionalInfo: Type.Optional(Nullable(Text(10000))),
  note: Type.Optional(Nullable(Text(10000))),
  module: Type.Optional(Nullable(ModuleSchema)),
  callerNumber: Type.Optional(Nullable(Type.String({ maxLength: 40, pattern: '^[0-9+()\\- .]*$' }))),
  callerEmail: Type.Optional(Nullable(Type.String({ maxLength: 320, format: 'email' }))),
  assignedTo: Type.Optional(Nullable(Id)),
  referenceId: Type.Optional(Nullable(Id))
}
const CreateBody = Type.Object({ channel: ChannelSchema, ...fieldProps }, { additionalProperties: false })
const PatchBody = Type.Object({ channel: Type.Optional(ChannelSchema), ...fieldProps }, { additionalProperties: false, minProperties: 1 })

const SORTS = {
  createdAt: 'created', registeredOn: 'registered', number: 'number', dueAt: 'due', updatedAt: 'updated',
  resolvedOn: 'resolved', type: 'type', status: 'status', organizationName: 'organization'
} as const satisfies Record<string, EntrySort>
const ListQuery = Type.Object({
  from: Type.Optional(IsoDateSchema),
  to: Type.Optional(IsoDateSchema),
  type: Type.Optional(Type.Array(EntryTypeSchema)),
  status: Type.Optional(Type.Array(StatusSchema)),
  channel: Type.Optional(Type.Array(ChannelSchema)),
  module: Type.Optional(Type.Array(ModuleSchema)),
  organizationId: Type.Optional(Id),
  contactId: Type.Optional(Id),
  assignedTo: Type.Optional(Id),
  draft: Type.Optional(Type.Boolean({ description: 'true: drafts only (e.g. missed calls to call back); false: registered only' })),
  overdue: Type.Optional(Type.Boolean({ description: 'true: past due while «В работе» or «Передано разработчику» (not paused, resolved, closed or annulled)' })),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Russian full-text search («навигатор» finds «Навигатора»)' })),
  callerNumber: Type.Optional(Type.String({ maxLength: 40 })),
  annulled: Type.Optional(Type.Union([Type.Literal('exclude'), Type.Literal('only'), Type.Literal('include')], { default: 'exclude' })),
  sort: Type.Optional(Type.Union(Object.keys(SORTS).map((k) => Type.Literal(k)), { default: 'createdAt' })),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'desc' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }))
}, { additionalProperties: false })

const StatusBody = Type.Object({
  status: StatusSchema,
  comment: Type.Optional(Nullable(Text(10000))),
  resolution: Type.Optional(Nullable(Text(10000)))
}, { additionalProperties: false, description: 'comment: the resolution comment for «Решен» (resolution is accepted as its other name) or what was asked / why' })
const AgreementBody = Type.Object({
  state: AgreementStateSchema,
  by: Type.Optional(Nullable(Text(500))),
  comment: Type.Optional(Nullable(Text(10000)))
}, { additionalProperties: false })
const ExtensionBody = Type.Object({
  dueOn: IsoDateSchema,
  reason: Type.String({ minLength: 1, maxLength: 5000 }),
  agreedBy: Type.String({ minLength: 1, maxLength: 500 })
}, { additionalProperties: false })
const AnnulBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 5000 }) }, { additionalProperties: false })

const HistorySchema = Type.Object({
  items: Type.Array(Type.Object({
    id: Type.Integer(),
    at: DateTimeOut,
    userId: Nullable(Type.Integer()),
    userName: Nullable(Type.String()),
    action: Type.String(),
    field: Nullable(Type.String()),
    old: Type.Unknown(),
    new: Type.Unknown()
  }), { description: 'the stored rows, one per changed column (the official record)' }),
  lines: Type.Array(Type.Object({
    id: Type.Integer(),
    at: DateTimeOut,
    userId: Nullable(Type.Integer()),
    userName: Nullable(Type.String()),
    action: Type.String(),
    text: Type.String({ description: 'one sentence per action, in Russian, dates as dd.mm.yyyy in the center\'s zone' }),
    changes: Type.Array(Type.Object({ field: Type.String(), old: Nullable(Type.String()), new: Nullable(Type.String()) }))
  }), { description: 'the same rows as a person reads them: one line per action' })
})

/** The HTTP status of each refusal of the journal's rules. */
const REFUSAL_STATUS: Record<RefusalCode | 'ENTRY_NOT_FOUND', number> = {
  ENTRY_NOT_FOUND: 404,
  ILLEGAL_STATUS_TRANSITION: 409,
  ENTRY_CLOSED: 409,
  ENTRY_ANNULLED: 409,
  NOT_REGISTERED: 409,
  ALREADY_REGISTERED: 409,
  AGREEMENT_REQUIRED: 409,
  AGREEMENT_IN_USE: 409,
  TYPE_LOCKED: 409,
  ENTRY_NOT_OPEN: 409,
  ASSIGNED_TO_ANOTHER: 409,
  DRAFT_INCOMPLETE: 422,
  RESOLUTION_REQUIRED: 422,
  COMMENT_REQUIRED: 422,
  AGREEMENT_NOT_APPLICABLE: 422,
  AGREED_BY_REQUIRED: 422,
  VALUE_REQUIRED: 422,
  NOT_A_WORKING_DAY: 422,
  EXTENSION_NOT_LATER: 422,
  REASON_REQUIRED: 422,
  INVALID_REFERENCE: 422
}

export function entryView (e: Entry, now: Date): Static<typeof EntrySchema> {
  return {
    ...e,
    numberLabel: e.year !== null && e.number !== null ? formatNumber(e.year, e.number) : null,
    overdue: isEntryOverdue(e, now),
    paused: isPaused(e),
    draft: e.number === null
  }
}

/** The error body of src/http/errors.ts, with the details some refusals carry (e.g. the missing fields). */
export const ErrorOut = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  error: Type.Optional(Type.String()),
  message: Type.String(),
  details: Type.Optional(Type.Unknown())
})

const ErrorResponses = {
  400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut
}

export const entriesRoutes: FastifyPluginAsyncTypebox<EntriesRoutesOptions> = async (app, { journal, clock, zone, publish, userNames, mailReplies = false }) => {
  const actor = (req: Parameters<typeof currentUser>[0]) => ({ by: currentUser(req).id, at: clock() })
  /** A change is pushed to the screens; a push that fails is logged, the change stands. */
  const announce = async (type: 'entry.created' | 'entry.updated', view: Static<typeof EntrySchema>): Promise<void> => {
    if (publish === undefined) return
    await publish(type, JSON.parse(JSON.stringify(view)) as { id: number }).catch((err: unknown) => { app.log.error({ err, entryId: view.id }, 'entry change not pushed') })
  }
  const answer = async (o: Outcome): Promise<Static<typeof EntrySchema>> => {
    if (!o.ok) throw httpError(REFUSAL_STATUS[o.code], o.code, o.message, 'details' in o ? o.details : undefined)
    const view = entryView(o.entry, clock())
    await announce('entry.updated', view)
    return view
  }
  const withErrors = <T extends object>(ok: T) => ({ ...ok, ...ErrorResponses })
  const tags = ['journal']

  app.get('/api/journal/vocabulary', {
    schema: {
      tags,
      summary: 'Codes and Russian labels of types, statuses, channels, modules, agreement states, organization kinds, history actions and fields, call outcomes; the allowed status moves; the center\'s zone (the UI takes all of it from here)',
      response: { 200: Type.Object({}, { additionalProperties: true }) }
    }
  }, async () => ({
    types: ENTRY_TYPE_LABELS, statuses: STATUS_LABELS, channels: CHANNEL_LABELS, modules: MODULE_LABELS,
    agreementStates: AGREEMENT_LABELS, organizationKinds: ORGANIZATION_KIND_LABELS, transitions: TRANSITIONS,
    historyActions: HISTORY_ACTION_LABELS, historyFields: HISTORY_FIELD_LABELS, outcomes: CALL_OUTCOME_LABELS, rejectReasons: REJECT_REASON_LABELS,
    zone: zone(),
    mailReplies,
    order: {
      types: ENTRY_TYPES, statuses: STATUSES, channels: CHANNELS, modules: MODULES, agreementStates: AGREEMENT_STATES,
      organizationKinds: ORGANIZATION_KINDS, outcomes: CALL_OUTCOMES, rejectReasons: REJECT_REASONS
    }
  }))

  app.get('/api/entries', {
    schema: {
      tags,
      summary: 'Journal entries with filters, full-text search, sorting and pagination',
      querystring: ListQuery,
      response: withErrors({
        200: Type.Object({
          items: Type.Array(EntrySchema),
          total: Type.Integer({ description: `The entries matching the filter when totalExact; otherwise more than this many (counted up to ${TOTAL_CAP} past offset, and always past the page's end)` }),
          totalExact: Type.Boolean({ description: 'false: total is a lower bound, there are more entries than total (and a next page)' }),
          limit: Type.Integer(),
          offset: Type.Integer()
        })
      })
    }
  }, async (req) => {
    const q = req.query
    const now = clock()
    const limit = q.limit ?? 50
    const offset = q.offset ?? 0
    if (q.from !== undefined && q.to !== undefined && q.from > q.to) throw httpError(400, 'INVALID_PERIOD', `the period starts (${q.from}) after it ends (${q.to})`)
    const annulled = { exclude: false, only: true, include: 'all' } as const
    const { items, total, totalExact } = await journal.list({
      from: q.from, to: q.to, type: q.type, status: q.status, channel: q.channel, module: q.module,
      organizationId: q.organizationId, contactId: q.contactId, assignedTo: q.assignedTo, draft: q.draft, overdue: q.overdue,
      q: q.q, callerNumber: q.callerNumber, annulled: annulled[q.annulled ?? 'exclude'],
      sort: SORTS[(q.sort ?? 'createdAt') as keyof typeof SORTS], order: q.order ?? 'desc', limit, offset, now
    })
    return { items: items.map((e) => entryView(e, now)), total, totalExact, limit, offset }
  })

  app.post('/api/entries', {
    schema: { tags, summary: 'Create a draft (no number until registered)', body: CreateBody, response: withErrors({ 201: EntrySchema }) }
  }, async (req, reply) => {
    const entry = await journal.createDraft(req.body as EntryFields & { channel: typeof req.body.channel }, actor(req))
    req.log.info({ entryId: entry.id }, 'draft created')
    const view = entryView(entry, clock())
    await announce('entry.created', view)
    return reply.code(201).send(view)
  })

  app.get('/api/entries/:id', {
    schema: { tags, params: IdParams, response: withErrors({ 200: EntrySchema }) }
  }, async (req) => {
    const e = await journal.byId(req.params.id)
    if (e === undefined) throw httpError(404, 'ENTRY_NOT_FOUND', `journal entry ${req.params.id} not found`)
    return entryView(e, clock())
  })

  app.get('/api/entries/by-number/:year/:number', {
    schema: {
      tags,
      summary: 'An entry by its printed number, e.g. 2026-153 (as in an e-mail subject tag)',
      params: Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2200 }), number: Id }),
      response: withErrors({ 200: EntrySchema })
    }
  }, async (req) => {
    const e = await journal.byNumber(req.params.year, req.params.number)
    if (e === undefined) throw httpError(404, 'ENTRY_NOT_FOUND', `no journal entry № ${formatNumber(req.params.year, req.params.number)}`)
    return entryView(e, clock())
  })

  app.patch('/api/entries/:id', {
    schema: { tags, summary: 'Edit the columns of a draft or an open entry (not a closed or annulled one)', params: IdParams, body: PatchBody, response: withErrors({ 200: EntrySchema }) }
  }, async (req) => answer(await journal.update(req.params.id, req.body as EntryFields, actor(req))))

  app.post('/api/entries/:id/register', {
    schema: {
      tags,
      summary: 'Register a draft: the registration date (reg. 3.3), the next number of that year, «В работе», the due date (reg. 3.4.2)',
      params: IdParams,
      querystring: Type.Object({
        takeOver: Type.Optional(Type.Boolean({ description: 'true: register a draft another specialist took (their call), taking it over; without it such a draft is refused with 409 ASSIGNED_TO_ANOTHER' }))
      }, { additionalProperties: false }),
      response: withErrors({ 200: EntrySchema })
    }
  }, async (req) => answer(await journal.register(req.params.id, actor(req), { takeOver: req.query.takeOver === true })))

  app.post('/api/entries/:id/status', {
    schema: { tags, summary: 'Change the status (SPEC §1 transitions; GET /api/journal/vocabulary lists them)', params: IdParams, body: StatusBody, response: withErrors({ 200: EntrySchema }) }
  }, async (req) => {
    const b = req.body
    return answer(await journal.changeStatus(req.params.id, { to: b.status, comment: b.comment ?? b.resolution ?? null }, actor(req)))
  })

  // PUT is the API; POST (and /extension) are the same routes under the names the web UI first used
  for (const [method, hide] of [['PUT', false], ['POST', true]] as const) {
    app.route({
      method,
      url: '/api/entries/:id/agreement',
      schema: { tags, hide, summary: 'Record the agreement of an Ошибка / Улучшение (reg. 3.5): pending, agreed or rejected, by whom, comment', params: IdParams, body: AgreementBody, response: withErrors({ 200: EntrySchema }) },
      handler: async (req) => answer(await journal.recordAgreement(req.params.id, req.body, actor(req)))
    })
  }
  for (const [url, hide] of [['/api/entries/:id/extensions', false], ['/api/entries/:id/extension', true]] as const) {
    app.post(url, {
      schema: { tags, hide, summary: 'Extend the deadline by a recorded agreement (reg. 3.4.3): a later working day, the reason, who agreed', params: IdParams, body: ExtensionBody, response: withErrors({ 201: EntrySchema }) }
    }, async (req, reply) => reply.code(201).send(await answer(await journal.extend(req.params.id, req.body, actor(req)))))
  }

  app.post('/api/entries/:id/annul', {
    schema: { tags, summary: 'Annul instead of deleting: the entry keeps its number and stays in the journal, marked with the reason', params: IdParams, body: AnnulBody, response: withErrors({ 200: EntrySchema }) }
  }, async (req) => answer(await journal.annul(req.params.id, req.body.reason, actor(req))))

  app.post('/api/entries/dismiss', {
    schema: {
      tags,
      summary: 'Dismiss drafts with a reason, several at once: each draft is annulled (kept, never numbered); a registered entry in the list is refused (annul it on its own)',
      body: Type.Object({
        ids: Type.Array(Id, { minItems: 1, maxItems: 500, uniqueItems: true }),
        reason: Type.String({ minLength: 1, maxLength: 5000 })
      }, { additionalProperties: false }),
      response: withErrors({
        200: Type.Object({
          dismissed: Type.Array(Type.Integer()),
          refused: Type.Array(Type.Object({ id: Type.Integer(), code: Type.String(), message: Type.String() }))
        })
      })
    }
  }, async (req) => {
    const reason = req.body.reason.trim()
    if (reason === '') throw httpError(422, 'REASON_REQUIRED', 'Укажите причину, по которой черновики не нужны.')
    const dismissed: number[] = []
    const refused: Array<{ id: number, code: string, message: string }> = []
    for (const id of req.body.ids) {
      const e = await journal.byId(id)
      if (e === undefined) { refused.push({ id, code: 'ENTRY_NOT_FOUND', message: `Записи ${id} нет.` }); continue }
      if (e.number !== null) { refused.push({ id, code: 'NOT_A_DRAFT', message: `Запись № ${formatNumber(e.year!, e.number)} зарегистрирована: её можно только аннулировать со страницы записи.` }); continue }
      const o = await journal.annul(id, reason, actor(req))
      if (!o.ok) { refused.push({ id, code: o.code, message: o.message }); continue }
      dismissed.push(id)
      await announce('entry.updated', entryView(o.entry, clock()))
    }
    req.log.info({ dismissed: dismissed.length, refused: refused.length }, 'drafts dismissed')
    return { dismissed, refused }
  })

  app.get('/api/entries/:id/history', {
    schema: { tags, summary: 'Every change: who, when, what, old → new; and the same as one Russian sentence per action', params: IdParams, response: withErrors({ 200: HistorySchema }) }
  }, async (req) => {
    if (await journal.byId(req.params.id) === undefined) throw httpError(404, 'ENTRY_NOT_FOUND', `journal entry ${req.params.id} not found`)
    const items = await journal.history(req.params.id)
    const names = await userNames?.() ?? new Map<number, string>()
    return { items, lines: historyLines(items, { zone: zone(), userName: (id) => names.get(id) }) }
  })
}
