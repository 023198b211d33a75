// The database as kysely sees it: one interface per area, kept next to its migration.
import type { AuthTables } from './tables/auth.js'
import type { CalendarTables } from './tables/calendar.js'
import type { ClusterTables } from './tables/cluster.js'
import type { CallsTables } from './tables/calls.js'
import type { JournalTables } from './tables/journal.js'
import type { MailTables } from './tables/mail.js'
import type { PushTables } from './tables/push.js'
import type { PbxCdrTables } from './tables/pbx-cdr.js'
import type { ReportsTables } from './tables/reports.js'

export interface DB extends AuthTables, CalendarTables, ClusterTables, CallsTables, JournalTables, MailTables, PushTables, PbxCdrTables, ReportsTables {}
