// The database as kysely sees it: one interface per area, kept next to its migration.
import type { AuthTables } from './tables/auth.js'
import type { CalendarTables } from './tables/calendar.js'

export interface DB extends AuthTables, CalendarTables {}
