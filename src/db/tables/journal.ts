// Tables of migrations/0002_journal.sql.
import type { ColumnType, Generated } from 'kysely'
import type { AgreementState, Channel, EntryType, Module, OrganizationKind, Status } from '../../journal/vocabulary.js'

type CreatedAt = ColumnType<Date, Date | undefined, never>
type UpdatedAt = ColumnType<Date, Date | undefined, Date>
/** jsonb: read as a value, written as JSON text */
type Json = ColumnType<unknown, string | null, string | null>

export interface OrganizationTable {
  id: Generated<number>
  name: string
  kind: OrganizationKind
  inn: string | null
  note: string | null
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface ContactTable {
  id: Generated<number>
  full_name: string
  phones: ColumnType<string[], string[] | undefined, string[]>
  emails: ColumnType<string[], string[] | undefined, string[]>
  organization_id: number | null
  position: string | null
  created_at: CreatedAt
  updated_at: UpdatedAt
}

export interface EntryNumberCounterTable {
  year: number
  last_number: number
}

export interface JournalEntryTable {
  id: Generated<number>
  registered_on: string | null // 'YYYY-MM-DD'
  year: number | null
  number: number | null
  type: EntryType | null
  description: string | null
  organization_id: number | null
  organization_name: string | null
  contact_id: number | null
  contact_text: string | null
  additional_info: string | null
  status: Status | null
  resolved_on: string | null
  note: string | null
  resolution: string | null
  channel: Channel
  module: Module | null
  caller_number: string | null
  caller_email: string | null
  registered_at: Date | null
  registered_by: number | null
  resolved_at: Date | null
  resolved_by: number | null
  assigned_to: number | null
  due_at: Date | null
  agreement_state: AgreementState | null
  agreement_by: string | null
  agreement_at: Date | null
  agreement_comment: string | null
  agreement_recorded_by: number | null
  annulled_at: Date | null
  annul_reason: string | null
  annulled_by: number | null
  reference_id: number | null
  created_at: CreatedAt
  created_by: number | null
  updated_at: UpdatedAt
  search: ColumnType<string, never, never>
}

export interface EntryExtensionTable {
  id: Generated<number>
  entry_id: number
  due_on: string
  due_at: Date
  previous_due_at: Date | null
  reason: string
  agreed_by: string
  recorded_by: number | null
  recorded_at: ColumnType<Date, Date | undefined, never>
}

export interface EntryPauseTable {
  id: Generated<number>
  entry_id: number
  from_at: Date
  to_at: Date | null
}

export interface EntryHistoryTable {
  id: Generated<number>
  entry_id: number
  at: Date
  user_id: number | null
  action: string
  field: string | null
  old: Json
  new: Json
}

export interface JournalTables {
  organization: OrganizationTable
  contact: ContactTable
  entry_number_counter: EntryNumberCounterTable
  journal_entry: JournalEntryTable
  entry_extension: EntryExtensionTable
  entry_pause: EntryPauseTable
  entry_history: EntryHistoryTable
}
