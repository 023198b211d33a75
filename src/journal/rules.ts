// What it takes to register a draft, to edit an entry, to record an agreement (reg. 3.5), to extend
// a deadline (reg. 3.4.3) and to annul an entry instead of deleting it. Pure: the time and the
// working calendar are arguments; each function answers a Change to write or a refusal.
import { DateTime } from 'luxon'
import { closingTime, describeDay, registrationDate, type IsoDate, type WorkCalendar } from '../calendar/index.js'
import { blank, refuse, type Agreement, type Decision, type Entry, type EntryExtension, type EntryFields, type EntrySet } from './entry.js'
import { computeDue } from './deadline.js'
import { changedOnly, diff, toJsonValue } from './history.js'
import { INITIAL_STATUS, checkWritable } from './status.js'
import { AGREEMENT_LABELS, ENTRY_TYPE_LABELS, needsAgreement, type AgreementState } from './vocabulary.js'

/** What a draft must have to be registered, in the order of the journal's columns. */
const REQUIRED_TO_REGISTER = ['type', 'description', 'organization', 'contact', 'module'] as const
export type RequiredField = typeof REQUIRED_TO_REGISTER[number]

export function missingForRegistration (e: Pick<Entry, 'type' | 'description' | 'organizationId' | 'organizationName' | 'contactId' | 'contactText' | 'module'>): RequiredField[] {
  const has: Record<RequiredField, boolean> = {
    type: e.type !== null,
    description: !blank(e.description),
    organization: e.organizationId !== null || !blank(e.organizationName),
    contact: e.contactId !== null || !blank(e.contactText),
    module: e.module !== null
  }
  return REQUIRED_TO_REGISTER.filter((f) => !has[f])
}

const FIELD_NAMES: Record<RequiredField, string> = {
  type: 'type (Тип запроса)',
  description: 'description (Описание запроса)',
  organization: 'organization (Наименование организации)',
  contact: 'contact (ФИО, контактная информация)',
  module: 'module (модуль системы)'
}

export interface RegisterInput {
  at: Date
  by: number | null
  cal: WorkCalendar
  /**
   * The draft is assigned to another specialist (who took the call): registering it is refused
   * unless the registrar takes it over knowingly; it then becomes theirs (issue 10).
   */
  takeOver?: boolean
}

/**
 * Registration gives the entry its date (reg. 3.3: today, or the next working day after hours),
 * its number (taken by the storage in the same transaction), «В работе» and a due date.
 */
export function register (e: Entry, input: RegisterInput): Decision {
  if (e.annulment !== null) return refuse('ENTRY_ANNULLED', `entry ${e.id} is annulled and cannot be registered`)
  if (e.number !== null) return refuse('ALREADY_REGISTERED', `entry ${e.id} is already registered as № ${e.year}-${e.number}`)
  const foreign = e.assignedTo !== null && input.by !== null && e.assignedTo !== input.by
  if (foreign && input.takeOver !== true) {
    return refuse('ASSIGNED_TO_ANOTHER', 'Этот запрос принял другой специалист, и зарегистрировать его должен он. Зарегистрировать самому можно, только взяв запрос на себя.', { assignedTo: e.assignedTo })
  }
  const missing = missingForRegistration(e)
  if (missing.length > 0) {
    return refuse('DRAFT_INCOMPLETE', `the draft cannot be registered without: ${missing.map((f) => FIELD_NAMES[f]).join(', ')}`, { missing })
  }
  const registeredOn = registrationDate(DateTime.fromJSDate(receivedAt(e, input.at)), input.cal)
  const set: EntrySet = {
    registeredOn,
    year: Number(registeredOn.slice(0, 4)),
    status: INITIAL_STATUS,
    registeredAt: input.at,
    registeredBy: input.by,
    ...(e.assignedTo === null || foreign ? { assignedTo: input.by } : {}),
    dueAt: computeDue({ registeredOn, pauses: [], extensions: [] }, input.cal)
  }
  if (needsAgreement(e.type) && e.agreement === null) set.agreement = pendingAgreement()
  return { ok: true, set, history: diff(e, set, 'registered'), assignNumber: true }
}

/**
 * When the request came in, which fixes its registration date (reg. 3.3). A call's draft is opened
 * by the PBX (no author) as the call arrives: a call taken at 16:55 and registered at 17:05 belongs
 * to that day, and a missed call registered on the call-back keeps the day it came in. A message's
 * draft is opened by the mail intake with the instant the mail server received it (INTERNALDATE):
 * mail of Friday 18:30 is registered on Monday, and mail read late after an outage keeps its day.
 */
export function receivedAt (e: Entry, registeringAt: Date): Date {
  return (e.channel === 'phone' || e.channel === 'email') && e.createdBy === null ? e.createdAt : registeringAt
}

const pendingAgreement = (): Agreement => ({ state: 'pending', by: null, at: null, comment: null, recordedBy: null })

const TEXT_FIELDS = ['description', 'organizationName', 'contactText', 'additionalInfo', 'note', 'callerNumber', 'callerEmail'] as const

/** Trims text and turns empty text into null. */
function normalizeFields (f: EntryFields): EntryFields {
  const out: EntryFields = { ...f }
  for (const k of TEXT_FIELDS) {
    const v = out[k]
    if (typeof v === 'string') out[k] = v.trim() === '' ? null : v.trim()
  }
  return out
}

/** An edit of the journal's columns (not the status, number, dates or agreement: they have their own moves). */
export function updateFields (e: Entry, fields: EntryFields): Decision {
  const guard = checkWritable(e)
  if (guard !== undefined) return guard
  const f = normalizeFields(fields)
  if (f.referenceId !== undefined && f.referenceId !== null && f.referenceId === e.id) {
    return refuse('INVALID_REFERENCE', 'an entry cannot refer to itself')
  }
  const after = { ...e, ...stripUndefined(f) }
  if (e.number !== null) {
    const missing = missingForRegistration(after)
    if (missing.length > 0) {
      return refuse('VALUE_REQUIRED', `a registered entry cannot lose: ${missing.map((m) => FIELD_NAMES[m]).join(', ')}`, { missing })
    }
  }
  const set: EntrySet = changedOnly(e, f)
  if (set.type !== undefined) {
    if (e.status === 'resolved') {
      return refuse('TYPE_LOCKED', `entry ${e.id} is resolved as ${e.type === null ? 'it is' : `«${ENTRY_TYPE_LABELS[e.type]}»`}: reopen it («В работе») to change the type`)
    }
    if (e.status === 'to_developer' && !needsAgreement(set.type)) {
      return refuse('TYPE_LOCKED', `entry ${e.id} is with the developer: it stays an «Ошибка» or «Улучшение»`)
    }
    // a new Ошибка / Улучшение waits for agreement; a «Поддержка» needs none
    if (needsAgreement(set.type) && !needsAgreement(e.type)) set.agreement = pendingAgreement()
    if (!needsAgreement(set.type) && e.agreement !== null) set.agreement = null
  }
  const { assignedTo, ...rest } = set
  const history = [...diff(e, rest, 'updated'), ...(assignedTo !== undefined ? diff(e, { assignedTo }, 'assigned') : [])]
  return { ok: true, set, history }
}

function stripUndefined<T extends object> (o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

export function assign (e: Entry, userId: number | null): Decision {
  const guard = checkWritable(e)
  if (guard !== undefined) return guard
  const set: EntrySet = changedOnly(e, { assignedTo: userId })
  return { ok: true, set, history: diff(e, set, 'assigned') }
}

export interface AgreementInput {
  state: AgreementState
  /** Who decided at the system operator and/or the department. */
  by?: string | null
  comment?: string | null
  at: Date
  recordedBy: number | null
}

/**
 * Reg. 3.5: an Ошибка or Улучшение needs agreement with the system operator and/or the department
 * and may be rejected until agreed. The decision is recorded with who, when and a comment
 * (a rejection needs one). Once the entry is with the developer or resolved, the agreement stands.
 */
export function recordAgreement (e: Entry, input: AgreementInput): Decision {
  const guard = checkWritable(e)
  if (guard !== undefined) return guard
  if (!needsAgreement(e.type)) {
    return refuse('AGREEMENT_NOT_APPLICABLE', `only an «Ошибка» or «Улучшение» needs agreement; entry ${e.id} is ${e.type === null ? 'of no type yet' : '«Поддержка»'}`)
  }
  const by = blank(input.by) ? null : input.by!.trim()
  const comment = blank(input.comment) ? null : input.comment!.trim()
  if (input.state !== 'pending' && by === null) return refuse('AGREED_BY_REQUIRED', `record who ${input.state === 'agreed' ? 'agreed' : 'rejected'}: the system operator or the department (by)`)
  if (input.state === 'rejected' && comment === null) return refuse('COMMENT_REQUIRED', 'a rejection needs a comment (why)')
  if ((e.status === 'to_developer' || e.status === 'resolved') && input.state !== 'agreed') {
    return refuse('AGREEMENT_IN_USE', `entry ${e.id} is already ${e.status === 'to_developer' ? 'with the developer' : 'resolved'} on the agreement; it cannot become «${AGREEMENT_LABELS[input.state]}»`)
  }
  const agreement: Agreement = {
    state: input.state,
    by,
    at: input.state === 'pending' ? null : input.at,
    comment,
    recordedBy: input.recordedBy
  }
  const set: EntrySet = changedOnly(e, { agreement })
  return { ok: true, set, history: diff(e, set, 'agreement') }
}

export interface ExtensionInput {
  /** The new last day: the deadline becomes its closing time. */
  dueOn: IsoDate
  reason: string
  agreedBy: string
  at: Date
  by: number | null
  cal: WorkCalendar
}

/** Reg. 3.4.3: more time only with a recorded agreement (new due date, reason, who agreed). */
export function extendDeadline (e: Entry, input: ExtensionInput): Decision {
  const guard = checkWritable(e)
  if (guard !== undefined) return guard
  if (e.status === null) return refuse('NOT_REGISTERED', `entry ${e.id} is a draft: it has no deadline yet`)
  if (e.status === 'resolved') return refuse('ENTRY_NOT_OPEN', `entry ${e.id} is resolved: there is nothing to extend`)
  if (blank(input.reason)) return refuse('REASON_REQUIRED', 'an extension needs a reason')
  if (blank(input.agreedBy)) return refuse('AGREED_BY_REQUIRED', 'an extension needs who agreed it (the operator or the department)')
  const day = describeDay(input.dueOn, input.cal)
  const closes = day.working ? closingTime(input.dueOn, input.cal) : null
  if (closes === null) return refuse('NOT_A_WORKING_DAY', `${input.dueOn} is not a working day of the center`, { dueOn: input.dueOn })
  const due = closes.toJSDate()
  if (e.dueAt !== null && due.getTime() <= e.dueAt.getTime()) {
    return refuse('EXTENSION_NOT_LATER', `the new due date must be later than the current one (${e.dueAt.toISOString()})`, { currentDueAt: e.dueAt.toISOString() })
  }
  const extension: EntryExtension = {
    dueAt: due,
    dueOn: input.dueOn,
    previousDueAt: e.dueAt,
    reason: input.reason.trim(),
    agreedBy: input.agreedBy.trim(),
    recordedBy: input.by,
    recordedAt: input.at
  }
  const set: EntrySet = { dueAt: computeDue({ ...e, extensions: [...e.extensions, extension] }, input.cal) }
  return {
    ok: true,
    set,
    extension,
    history: [
      ...diff(e, set, 'extension'),
      { action: 'extension', field: 'extension', old: null, new: toJsonValue({ dueOn: extension.dueOn, reason: extension.reason, agreedBy: extension.agreedBy }) }
    ]
  }
}

export interface AnnulInput { reason: string, at: Date, by: number | null }

/** Entries are never deleted: annulled with a reason, they keep their number and stay in the journal. */
export function annul (e: Entry, input: AnnulInput): Decision {
  const guard = checkWritable(e)
  if (guard !== undefined) return guard
  if (blank(input.reason)) return refuse('REASON_REQUIRED', 'annulment needs a reason')
  const set: EntrySet = { annulment: { at: input.at, reason: input.reason.trim(), by: input.by } }
  const change: Decision = { ok: true, set, history: diff(e, set, 'annulled') }
  return change
}
