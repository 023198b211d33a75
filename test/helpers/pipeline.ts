import { defaultCalendar } from '../../src/calendar/index.js'
// The whole AMI path on a real database: simulator → TCP → AmiClient → pipeline → call table + drafts.
import type { Test } from 'tap'
import { createPipeline, type CallMessage, type Pipeline } from '../../src/telephony/pipeline.js'
import { createIntake, type Intake } from '../../src/intake/intake.js'
import { callerIdentifier, callersIdentifier } from '../../src/intake/identify.js'
import { phoneLink } from '../../src/telephony/phone-link.js'
import { journalRepository } from '../../src/db/journal.repository.js'
import { journalService } from '../../src/services/journal.service.js'
import { organizationsRepository } from '../../src/db/organizations.repository.js'
import { callsRepository, type CallsRepository } from '../../src/db/calls.repository.js'
import { usersRepository, type User } from '../../src/db/users.repository.js'
import type { Database } from '../../src/db/database.js'
import { testDatabase, type Backend } from './db.js'
import { client, memoryLogger, DID } from './ami.js'
import type { AmiClient, AmiClientOptions } from '../../src/ami/client.js'
import type { PipelineDeps } from '../../src/telephony/pipeline.js'

export interface StoredDraft { entryId: number, linkedId: string | null, callerNumber: string | null, assignedTo: number | null, contactText?: string | null, channel?: string, annulReason?: string | null }

export interface Service {
  client: AmiClient & { logs: ReturnType<typeof memoryLogger> }
  pipeline: Pipeline
  published: CallMessage[]
  /** the rings sent ahead (Linkedids), and the ones taken back */
  rung: string[]
  withdrawn: string[]
  /** what reached the screens' side, in order: `ring <id>`, `withdraw <id>`, `<type> <id>` */
  sequence: string[]
  log: ReturnType<typeof memoryLogger>
}

export interface Stack {
  database: Database
  calls: CallsRepository
  users: { s101: User, s102: User }
  /** the shared intake the pipeline opens drafts through */
  intake: Intake
  /** the drafts as stored in journal_entry, with the call that links each */
  listDrafts: () => Promise<StoredDraft[]>
  /** one running service (client + pipeline); call again after stopping it to "restart" */
  service: (url: string, opts?: ServiceTuning) => Service
}

export interface ServiceTuning {
  client?: Partial<AmiClientOptions>
  pipeline?: Partial<Pick<PipelineDeps, 'highWater' | 'lowWater' | 'followUpHighWater' | 'pbxRecords' | 'pbxTimeZone' | 'centerTimeZone' | 'lanes' | 'calls' | 'intake'>>
  /** the service's clock (a replay pins it to the recorded instants); default the real one */
  clock?: () => Date
}

export async function stack (t: Test, backend?: Backend): Promise<Stack> {
  const database = await testDatabase(t, backend)
  const users = usersRepository(database.db)
  const s101 = await users.create({ username: 'ivanova', fullName: 'Иванова Анна Сергеевна', passwordHash: 'x', role: 'specialist', extension: '101' })
  const s102 = await users.create({ username: 'smirnov', fullName: 'Смирнов Павел Андреевич', passwordHash: 'x', role: 'specialist', extension: '102' })
  const calls = callsRepository(database.db)
  const journal = journalService({ repo: journalRepository(database.db), calendar: defaultCalendar, clock: () => new Date() })
  const organizations = organizationsRepository(database.db)
  const identify = callerIdentifier({ byCallerNumber: journal.byCallerNumber, findByPhone: organizations.findByPhone, callsFrom: calls.callsFrom })
  const identifyMany = callersIdentifier(identify, { findByPhones: organizations.findByPhones, byCallerNumbers: journal.byCallerNumbers, callsFromMany: calls.callsFromMany })
  const intake = createIntake({ journal, identify, identifyMany, clock: () => new Date(), links: { phone: phoneLink } })
  const listDrafts = async (): Promise<StoredDraft[]> => {
    const rows = await database.db.selectFrom('journal_entry').leftJoin('call', 'call.entry_id', 'journal_entry.id')
      .select(['journal_entry.id', 'call.linked_id', 'journal_entry.caller_number', 'journal_entry.assigned_to', 'journal_entry.contact_text', 'journal_entry.channel', 'journal_entry.annul_reason'])
      .orderBy('journal_entry.id').execute()
    return rows.map((r) => ({ entryId: r.id, linkedId: r.linked_id, callerNumber: r.caller_number, assignedTo: r.assigned_to, contactText: r.contact_text, channel: r.channel, annulReason: r.annul_reason }))
  }
  return {
    database,
    calls,
    users: { s101, s102 },
    intake,
    listDrafts,
    service: (url, tuning = {}) => {
      const c = client(t, url, tuning.client)
      const published: CallMessage[] = []
      const rung: string[] = []
      const withdrawn: string[] = []
      const sequence: string[] = []
      const log = memoryLogger()
      const pipeline = createPipeline({
        calls,
        users,
        intake,
        journal,
        helpdeskDid: DID,
        clock: tuning.clock ?? (() => new Date()),
        log,
        publish: (m) => { published.push(m); sequence.push(`${m.type} ${m.call.linkedId}`) },
        ring: (call) => { rung.push(call.linkedId); sequence.push(`ring ${call.linkedId}`) },
        withdraw: (linkedId) => { withdrawn.push(linkedId); sequence.push(`withdraw ${linkedId}`) },
        ...tuning.pipeline
      })
      pipeline.attach(c)
      c.start()
      return { client: c, pipeline, published, rung, withdrawn, sequence, log }
    }
  }
}
