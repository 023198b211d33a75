// A journal entry as the rules see it, and the shape of every decision: a pure function takes the
// entry, the input and the time, and answers either a change to write or a refusal with a stable code.
import type { IsoDate } from '../calendar/index.js'
import type { AgreementState, Channel, EntryType, Module, Status } from './vocabulary.js'

export interface Agreement {
  state: AgreementState
  /** Who at the system operator and/or the department agreed or rejected (free text). */
  by: string | null
  at: Date | null
  comment: string | null
  /** The user who recorded the decision. */
  recordedBy: number | null
}

export interface Annulment { at: Date, reason: string, by: number | null }

/** A stretch in «Обратная связь»: the deadline clock stops (reg. 3.4.3); `to: null` while paused. */
export interface EntryPause { from: Date, to: Date | null }

/** A recorded agreement to extend the deadline (reg. 3.4.3). */
export interface EntryExtension {
  /** The new due instant: closing time of `dueOn`. */
  dueAt: Date
  dueOn: IsoDate
  previousDueAt: Date | null
  reason: string
  /** Who agreed (free text: the operator or the department). */
  agreedBy: string
  recordedBy: number | null
  recordedAt: Date
}

export interface Entry {
  id: number
  // the columns of the printed journal, in order
  registeredOn: IsoDate | null
  year: number | null
  number: number | null
  type: EntryType | null
  description: string | null
  organizationId: number | null
  organizationName: string | null
  contactId: number | null
  contactText: string | null
  additionalInfo: string | null
  /** null while a draft */
  status: Status | null
  resolvedOn: IsoDate | null
  note: string | null
  // kept beside them
  /** The comment on the resolution (reg. 3.4.1); e-mailed back for an e-mail request. */
  resolution: string | null
  channel: Channel
  module: Module | null
  callerNumber: string | null
  callerEmail: string | null
  registeredAt: Date | null
  registeredBy: number | null
  resolvedAt: Date | null
  resolvedBy: number | null
  assignedTo: number | null
  dueAt: Date | null
  agreement: Agreement | null
  annulment: Annulment | null
  /** An earlier entry this request refers to (e.g. a closed one asked about again). */
  referenceId: number | null
  createdAt: Date
  createdBy: number | null
  updatedAt: Date
  pauses: EntryPause[]
  extensions: EntryExtension[]
}

/** The editable fields of an entry (the PATCH body). */
export interface EntryFields {
  type?: EntryType | null
  description?: string | null
  organizationId?: number | null
  organizationName?: string | null
  contactId?: number | null
  contactText?: string | null
  additionalInfo?: string | null
  note?: string | null
  channel?: Channel
  module?: Module | null
  callerNumber?: string | null
  callerEmail?: string | null
  assignedTo?: number | null
  referenceId?: number | null
}

/** Columns a decision writes: the editable fields and the ones only the rules set. */
export type EntrySet = EntryFields & Partial<Pick<Entry,
  'registeredOn' | 'year' | 'status' | 'resolvedOn' | 'resolution' | 'registeredAt' | 'registeredBy' |
  'resolvedAt' | 'resolvedBy' | 'dueAt' | 'agreement' | 'annulment'>>

const HISTORY_ACTIONS = ['created', 'updated', 'registered', 'status', 'agreement', 'extension', 'annulled', 'assigned', 'deadline'] as const
export type HistoryAction = typeof HISTORY_ACTIONS[number]
/** How the history reads each action (the UI shows these words). */
export const HISTORY_ACTION_LABELS: Readonly<Record<HistoryAction, string>> = {
  created: 'Создана', updated: 'Изменена', registered: 'Зарегистрирована', status: 'Статус', agreement: 'Согласование',
  extension: 'Продление срока', annulled: 'Аннулирована', assigned: 'Назначена', deadline: 'Срок пересчитан'
}

/** One line of the history: what changed, old → new (JSON values). */
export interface HistoryItem {
  action: HistoryAction
  field: string | null
  old: unknown
  new: unknown
}

/** What a decision asks the storage to do, all in one transaction. */
export interface Change {
  set: EntrySet
  history: HistoryItem[]
  /** Take the next number of the registration year (registration only). */
  assignNumber?: boolean
  /** Open a pause at this instant, or close the open one. */
  pause?: { open: Date } | { close: Date }
  extension?: EntryExtension
}

export interface Refusal {
  ok: false
  code: RefusalCode
  message: string
  details?: Record<string, unknown>
}
export type Decision = ({ ok: true } & Change) | Refusal

const REFUSAL_CODES = [
  'ILLEGAL_STATUS_TRANSITION', 'ENTRY_CLOSED', 'ENTRY_ANNULLED', 'NOT_REGISTERED', 'ALREADY_REGISTERED',
  'DRAFT_INCOMPLETE', 'RESOLUTION_REQUIRED', 'COMMENT_REQUIRED', 'AGREEMENT_REQUIRED', 'AGREEMENT_NOT_APPLICABLE',
  'AGREEMENT_IN_USE', 'AGREED_BY_REQUIRED', 'VALUE_REQUIRED', 'TYPE_LOCKED', 'NOT_A_WORKING_DAY',
  'EXTENSION_NOT_LATER', 'REASON_REQUIRED', 'INVALID_REFERENCE', 'ENTRY_NOT_OPEN', 'ASSIGNED_TO_ANOTHER'
] as const
export type RefusalCode = typeof REFUSAL_CODES[number]

export function refuse (code: RefusalCode, message: string, details?: Record<string, unknown>): Refusal {
  return details === undefined ? { ok: false, code, message } : { ok: false, code, message, details }
}

/** Text that is empty after trimming counts as absent. */
export function blank (s: string | null | undefined): boolean {
  return s === null || s === undefined || s.trim() === ''
}

export const isPaused = (e: Pick<Entry, 'pauses'>): boolean => e.pauses.some((p) => p.to === null)
