// The history as a person reads it: one line per action («Зарегистрирована как № 2026-153»,
// «Статус: В работе → Решен, комментарий: …»), built from the stored rows (one per changed column,
// kept intact: the journal is official). Pure: the zone and the users' names are arguments.
import { DateTime } from 'luxon'
import {
  AGREEMENT_LABELS, CHANNEL_LABELS, ENTRY_TYPE_LABELS, HISTORY_FIELD_LABELS, MODULE_LABELS, STATUS_LABELS, formatNumber
} from './vocabulary.js'
import { HISTORY_ACTION_LABELS } from './entry.js'

/** A stored history row, as the repository reads it. */
export interface HistoryRow {
  id: number
  at: Date
  userId: number | null
  userName: string | null
  action: string
  field: string | null
  old: unknown
  new: unknown
}

/** One change inside a line: the field in Russian, the old and the new value as shown. */
export interface HistoryChange { field: string, old: string | null, new: string | null }

export interface HistoryLine {
  /** the first stored row of the action */
  id: number
  at: Date
  userId: number | null
  /** who acted; null for the service itself (a call, a message, the calendar) */
  userName: string | null
  action: string
  /** the sentence: «Статус: В работе → Решен, комментарий: …» */
  text: string
  /** the changed fields with their values (what a reader checks under the sentence) */
  changes: HistoryChange[]
}

export interface HistoryContext {
  zone: string
  /** a user's name by id (the history keeps ids of assignees and registrars) */
  userName: (id: number) => string | undefined
}

// the regulation's column names (appendix «Журнал специалиста») for the fields a person edits
const FIELD_NAMES: Readonly<Record<string, string>> = {
  ...HISTORY_FIELD_LABELS,
  type: 'тип запроса',
  module: 'модуль системы',
  description: 'описание запроса',
  organizationName: 'наименование организации',
  contactText: 'ФИО, контактная информация',
  additionalInfo: 'дополнительная информация',
  resolvedOn: 'дата решения запроса',
  assignedTo: 'исполнитель',
  referenceId: 'ссылка на запись'
}

// columns the sentence itself tells (or that only the service keeps): never a separate change
const QUIET = new Set(['registeredAt', 'registeredBy', 'resolvedAt', 'resolvedBy', 'year', 'number', 'organizationId', 'contactId', 'callId', 'resolution', 'comment', 'status', 'dueAt', 'extension', 'agreement', 'annulment'])
const USER_FIELDS = new Set(['assignedTo', 'registeredBy', 'resolvedBy', 'createdBy', 'recordedBy'])

const isDate = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)
const isInstant = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)

/** «28.11.2026» and «28.11.2026 18:00» in the center's zone, as the center writes them. */
export function shownDate (v: string): string { const [y, m, d] = v.slice(0, 10).split('-'); return `${d}.${m}.${y}` }
export function shownInstant (v: string | Date, zone: string): string {
  const t = typeof v === 'string' ? DateTime.fromISO(v, { zone }) : DateTime.fromJSDate(v, { zone })
  return t.isValid ? t.setZone(zone).toFormat('dd.MM.yyyy HH:mm') : String(v)
}

function person (id: unknown, ctx: HistoryContext): string | null {
  if (typeof id !== 'number') return null
  return ctx.userName(id) ?? 'пользователь, которого больше нет'
}

/** A stored value as the reader sees it. */
function shown (field: string, v: unknown, ctx: HistoryContext): string | null {
  if (v === null || v === undefined || v === '') return null
  if (USER_FIELDS.has(field)) return person(v, ctx)
  if (field === 'status') return STATUS_LABELS[v as keyof typeof STATUS_LABELS] ?? String(v)
  if (field === 'type') return ENTRY_TYPE_LABELS[v as keyof typeof ENTRY_TYPE_LABELS] ?? String(v)
  if (field === 'channel') return CHANNEL_LABELS[v as keyof typeof CHANNEL_LABELS] ?? String(v)
  if (field === 'module') return MODULE_LABELS[v as keyof typeof MODULE_LABELS] ?? String(v)
  if (field === 'callerNumber' && typeof v === 'string') return /^7\d{10}$/.test(v) ? `+${v}` : v
  if (isDate(v)) return shownDate(v)
  if (isInstant(v)) return shownInstant(v, ctx.zone)
  if (typeof v === 'boolean') return v ? 'да' : 'нет'
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>
    if (typeof o.state === 'string') return agreementText(o, ctx)
    if (typeof o.reason === 'string') return o.reason
    return Object.entries(o).filter(([k, x]) => x !== null && x !== undefined && !QUIET.has(k))
      .map(([k, x]) => `${FIELD_NAMES[k] ?? k}: ${shown(k, x, ctx) ?? '—'}`).join('; ')
  }
  return String(v)
}

function agreementText (a: Record<string, unknown>, ctx: HistoryContext): string {
  const state = AGREEMENT_LABELS[a.state as keyof typeof AGREEMENT_LABELS] ?? String(a.state)
  const by = typeof a.by === 'string' && a.by !== '' ? ` (${a.by})` : ''
  const comment = typeof a.comment === 'string' && a.comment !== '' ? `, комментарий: ${a.comment}` : ''
  return `${state}${by}${comment}`
}

function changesOf (rows: HistoryRow[], ctx: HistoryContext): HistoryChange[] {
  return rows.filter((r) => r.field !== null && !QUIET.has(r.field))
    .map((r) => ({ field: FIELD_NAMES[r.field!] ?? r.field!, old: shown(r.field!, r.old, ctx), new: shown(r.field!, r.new, ctx) }))
}

const quote = (v: string | null): string => v === null ? '(пусто)' : `«${v}»`

function sentence (action: string, rows: HistoryRow[], ctx: HistoryContext): { text: string, changes: HistoryChange[] } {
  const by = (field: string) => rows.find((r) => r.field === field)
  const due = by('dueAt')
  const dueText = (r: HistoryRow | undefined) => typeof r?.new === 'string' ? shownInstant(r.new, ctx.zone) : null
  switch (action) {
    case 'created': {
      const given = (rows[0]?.new ?? {}) as Record<string, unknown>
      const number = typeof given.callerNumber === 'string' ? shown('callerNumber', given.callerNumber, ctx) : null
      const email = typeof given.callerEmail === 'string' ? given.callerEmail : null
      const text = given.channel === 'phone' && number !== null
        ? `Создан черновик по звонку с номера ${number}`
        : given.channel === 'email' && email !== null
          ? `Создан черновик по письму с адреса ${email}`
          : `Создан черновик (канал: ${shown('channel', given.channel, ctx)?.toLowerCase() ?? 'не указан'})`
      const changes = Object.entries(given)
        .filter(([k, v]) => !QUIET.has(k) && k !== 'channel' && k !== 'callerNumber' && k !== 'callerEmail' && v !== null && v !== undefined)
        .map(([k, v]) => ({ field: FIELD_NAMES[k] ?? k, old: null, new: shown(k, v, ctx) }))
      return { text, changes }
    }
    case 'registered': {
      const year = by('year')?.new ?? (typeof by('registeredOn')?.new === 'string' ? Number(String(by('registeredOn')!.new).slice(0, 4)) : null)
      const number = by('number')?.new
      const label = typeof year === 'number' && typeof number === 'number' ? `№ ${formatNumber(year, number)}` : 'запись журнала'
      const d = dueText(due)
      return { text: `Зарегистрирована как ${label}${d !== null ? `, срок — до ${d}` : ''}`, changes: changesOf(rows, ctx).filter((c) => c.field !== FIELD_NAMES.registeredOn) }
    }
    case 'status': {
      const st = by('status')
      const comment = by('resolution')?.new ?? by('comment')?.new
      const from = shown('status', st?.old, ctx) ?? '—'
      const to = shown('status', st?.new, ctx) ?? '—'
      let text = st === undefined ? 'Статус' : `Статус: ${from} → ${to}`
      if (typeof comment === 'string' && comment !== '') text += `, комментарий: ${comment}`
      const d = dueText(due)
      if (d !== null && st?.old === 'feedback') text += `; срок возобновлён — до ${d}`
      return { text, changes: changesOf(rows, ctx).filter((c) => c.field !== FIELD_NAMES.resolvedOn) }
    }
    case 'agreement': {
      const a = by('agreement')?.new
      const text = a !== null && typeof a === 'object' ? `Согласование: ${agreementText(a as Record<string, unknown>, ctx)}` : 'Согласование снято'
      return { text, changes: [] }
    }
    case 'extension': {
      const x = (by('extension')?.new ?? {}) as Record<string, unknown>
      const d = dueText(due) ?? (isDate(x.dueOn) ? shownDate(x.dueOn) : '—')
      const was = typeof due?.old === 'string' ? ` (был до ${shownInstant(due.old, ctx.zone)})` : ''
      const reason = typeof x.reason === 'string' ? `, причина: ${x.reason}` : ''
      const agreed = typeof x.agreedBy === 'string' ? `, согласовал: ${x.agreedBy}` : ''
      return { text: `Срок продлён до ${d}${was}${reason}${agreed}`, changes: [] }
    }
    case 'annulled': {
      const a = by('annulment')?.new as Record<string, unknown> | null | undefined
      return { text: `Аннулирована${typeof a?.reason === 'string' ? `, причина: ${a.reason}` : ''}`, changes: [] }
    }
    case 'assigned': {
      const r = by('assignedTo')
      return { text: `Исполнитель: ${person(r?.old, ctx) ?? 'не назначен'} → ${person(r?.new, ctx) ?? 'не назначен'}`, changes: [] }
    }
    case 'deadline': {
      const was = typeof due?.old === 'string' ? ` (был до ${shownInstant(due.old, ctx.zone)})` : ''
      return { text: `Срок пересчитан по календарю: до ${dueText(due) ?? '—'}${was}`, changes: [] }
    }
    case 'updated': {
      const changes = changesOf(rows, ctx)
      if (changes.length === 0) return { text: 'Изменена запись', changes }
      if (changes.length === 1) {
        const c = changes[0]!
        return { text: `Изменено: ${c.field} — ${quote(c.old)} → ${quote(c.new)}`, changes: [] }
      }
      return { text: `Изменено: ${changes.map((c) => c.field).join(', ')}`, changes }
    }
    default:
      return { text: HISTORY_ACTION_LABELS[action as keyof typeof HISTORY_ACTION_LABELS] ?? 'Изменена запись', changes: changesOf(rows, ctx) }
  }
}

/** The rows of one action (same instant, same user, same action, one after another) as one line each. */
export function historyLines (rows: readonly HistoryRow[], ctx: HistoryContext): HistoryLine[] {
  const groups: HistoryRow[][] = []
  for (const r of rows) {
    const last = groups.at(-1)?.[0]
    // a field seen again is the next action (two requests in the same millisecond stay two lines)
    const again = groups.at(-1)?.some((x) => x.field !== null && x.field === r.field) === true
    if (last !== undefined && !again && last.action === r.action && last.userId === r.userId && last.at.getTime() === r.at.getTime() && r.action !== 'created') groups.at(-1)!.push(r)
    else groups.push([r])
  }
  return groups.map((g) => {
    const first = g[0]!
    return { id: first.id, at: first.at, userId: first.userId, userName: first.userName, action: first.action, ...sentence(first.action, g, ctx) }
  })
}
