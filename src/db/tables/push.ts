import type { ColumnType, Generated } from 'kysely'

export interface PushMessageTable {
  id: Generated<number>
  type: string
  payload: ColumnType<unknown, string, string>
  created_at: ColumnType<Date, Date | undefined, never>
}

export interface PushCallTable {
  linked_id: string
  message_id: number
  type: string
  payload: ColumnType<unknown, string, string>
  ended: Generated<boolean>
  updated_at: ColumnType<Date, Date | undefined, Date>
}

export interface PushPresenceTable {
  instance_id: string
  user_id: number
  connections: number
  seen_at: ColumnType<Date, Date | undefined, Date>
}

export interface PushTables {
  push_message: PushMessageTable
  push_call: PushCallTable
  push_presence: PushPresenceTable
}
