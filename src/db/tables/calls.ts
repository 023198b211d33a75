// Kysely types of migrations/0004_calls.sql.
import type { ColumnType, Generated, JSONColumnType } from 'kysely'
import type { CallOutcome, CallState, LegResult, RejectReason } from '../../calls/call.js'
import type { CallbackHow } from '../../calls/callback.js'

export interface CallTable {
  id: Generated<number>
  linked_id: string
  caller_number: string | null
  dialled: string
  state: CallState
  arrived_at: Date
  answered_at: Date | null
  ended_at: Date | null
  answered_by_extension: string | null
  answered_by_user_id: number | null
  transferred_to_extension: string | null
  decision: string | null
  outcome: CallOutcome | null
  reject_reason: RejectReason | null
  hangup_cause: number | null
  hangup_cause_text: string | null
  recording_file: string | null
  caller_hung_up: Generated<boolean>
  legs: JSONColumnType<Record<string, { extension: string | null, result: LegResult }>>
  approximate: Generated<boolean>
  entry_id: number | null
  /** migrations/0040_callback.sql: a missed call called back (by the answered call, or by hand) */
  called_back_at: ColumnType<Date | null, Date | null | undefined, Date | null>
  called_back_by: ColumnType<number | null, number | null | undefined, number | null>
  called_back_call_id: ColumnType<number | null, number | null | undefined, number | null>
  called_back_note: ColumnType<string | null, string | null | undefined, string | null>
  called_back_how: ColumnType<CallbackHow | null, CallbackHow | null | undefined, CallbackHow | null>
  created_at: ColumnType<Date, Date | undefined, never>
  updated_at: ColumnType<Date, Date | undefined, Date>
}

export interface CallsTables {
  call: CallTable
}
