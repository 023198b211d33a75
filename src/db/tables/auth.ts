import type { ColumnType, Generated } from 'kysely'

export type Role = 'specialist' | 'head' | 'auditor'

export interface AppUserTable {
  id: Generated<number>
  username: string
  full_name: string
  password_hash: string
  role: Role
  extension: string | null
  active: Generated<boolean>
  created_at: ColumnType<Date, Date | undefined, Date>
  updated_at: ColumnType<Date, Date | undefined, Date>
}

export interface UserSessionTable {
  id: string
  user_id: number
  csrf_token: string
  created_at: ColumnType<Date, Date | undefined, never>
  last_seen_at: ColumnType<Date, Date | undefined, Date>
  expires_at: ColumnType<Date, Date, Date>
  revoked_at: Date | null
  user_agent: string | null
  ip: string | null
}

export interface SchemaMigrationTable {
  name: string
  applied_at: ColumnType<Date, Date | undefined, never>
}

export interface AuthTables {
  app_user: AppUserTable
  user_session: UserSessionTable
  schema_migration: SchemaMigrationTable
}
