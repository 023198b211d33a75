// The one composition root: builds every piece of the service once, from its configuration and the
// things only the caller can give (the open database, the clock), and wires them together. main.ts,
// demo.ts and the tests all start the service through createService; nothing is set after it returns.
import type { FastifyInstance, FastifyServerOptions } from 'fastify'
import type { Config } from './config.js'
import type { Database } from './db/database.js'
import { createHttp, mountRoutes } from './app.js'
import { usersRepository } from './db/users.repository.js'
import { journalRepository } from './db/journal.repository.js'
import { journalService } from './services/journal.service.js'
import { organizationsRepository } from './db/organizations.repository.js'
import { callsRepository } from './db/calls.repository.js'
import { pbxCdrRepository } from './db/pbx-cdr.repository.js'
import { calendarRepository } from './db/calendar.repository.js'
import { clusterRepository } from './db/cluster.repository.js'
import { createCalendarService, type CalendarService } from './services/calendar.service.js'
import { followCalendarChanges } from './services/calendar-sync.js'
import { keepDueDatesInStep } from './services/journal-deadlines.js'
import { DEFAULT_SCHEDULE_JSON } from './calendar/index.js'
import { PushHub, type PushHubOptions } from './push/hub.js'
import { callerIdentifier, callersIdentifier } from './intake/identify.js'
import { createIntake, type Intake } from './intake/intake.js'
import { phoneLink } from './telephony/phone-link.js'
import { entryView } from './http/entries.routes.js'
import { LeaderElection, type LeaderOptions } from './cluster/leader.js'
import { sharedAmiStatus, type AmiLinkStatus } from './cluster/ami-status.js'
import { createTelephony, type Telephony, type TelephonyDeps } from './telephony/telephony.js'
import type { Listener } from './push/listener.js'
import { scheduleMonthlyArchive, type ArchiveSchedule } from './services/journal-archive.js'
import { reportsRepository } from './db/reports.repository.js'
import { phonesRepository } from './db/phones.repository.js'
import { archiveRepository } from './db/archive.repository.js'
import { mailRepository } from './db/mail.repository.js'
import { createMailChannel, type MailChannel, type MailChannelDeps } from './mail/channel.js'
import { emailLink } from './mail/journal-port.js'
import { withMailReplies } from './mail/outbox.js'

/** Calls the pipeline works on side by side on PostgreSQL. */
export const CALL_LANES_ON_PG = 6

export interface ServiceDeps {
  database: Database
  clock: () => Date
  /** Fastify's logger option; defaults to JSON lines at config.logLevel (tests: false). */
  logger?: FastifyServerOptions['logger']
  /** Tuning of the telephony feature (tests: short AMI backoffs, a log to assert on). */
  telephony?: Partial<Pick<TelephonyDeps, 'client' | 'reconcileEveryMs' | 'log'>>
  /** Tuning of the realtime hub (tests: a fast heartbeat). */
  push?: Pick<PushHubOptions, 'heartbeatMs' | 'retentionMs' | 'maxReplay'>
  /** Tuning of the AMI leader election (tests: short retries). */
  leader?: Pick<LeaderOptions, 'retryMs' | 'checkMs'>
  /** Tuning of the e-mail channel (tests: short polls and retries, a small attachment limit). */
  mail?: Pick<MailChannelDeps, 'reader' | 'sender'> & { maxAttachmentBytes?: number }
}

export interface Service {
  app: FastifyInstance
  /** Where every channel opens the draft of an arriving request (src/intake/intake.ts). */
  intake: Intake
  calendar: CalendarService
  push: PushHub
  telephony: Telephony
  /** The e-mail channel (reads the mailbox and sends replies on the elected instance). */
  mail: MailChannel
  /** Several instances on one PostgreSQL: the election of the one AMI consumer (none without AMI_URL). */
  leader: LeaderElection | undefined
  /** Starts the background work: calendar sync across instances, the leader election, the PBX link. */
  start: () => Promise<void>
  /** Stops everything started and closes the HTTP side (the database stays open: the caller's). */
  close: () => Promise<void>
}

export async function createService (config: Config, deps: ServiceDeps): Promise<Service> {
  const { database, clock } = deps
  const db = database.db
  const app = await createHttp(config, clock, deps.logger)
  const log = (module: string) => app.log.child({ module })

  const users = usersRepository(db)
  const organizations = organizationsRepository(db)
  const calls = callsRepository(db)
  const calendar = await createCalendarService({
    repo: calendarRepository(db),
    clock,
    initialSchedule: { ...DEFAULT_SCHEDULE_JSON, zone: config.timeZone },
    onListenerError: (err) => { app.log.error({ err }, 'calendar listener failed') }
  })
  const journal = journalService({ repo: journalRepository(db), calendar: () => calendar.current(), clock })
  const sessionTtlMs = config.sessionTtlHours * 3600_000
  // who a request is from: one rule for the draft and the popup (src/intake/identify.ts)
  const identify = callerIdentifier({
    byCallerNumber: journal.byCallerNumber, findByPhone: organizations.findByPhone,
    byCallerEmail: journal.byCallerEmail, findByEmail: organizations.findByEmail, callsFrom: calls.callsFrom
  })
  const identifyMany = callersIdentifier(identify, { findByPhones: organizations.findByPhones, byCallerNumbers: journal.byCallerNumbers, callsFromMany: calls.callsFromMany })
  const push = new PushHub({
    database, users, clock, log: log('push'),
    identifyCaller: identify,
    sessionAlive: async (token) => (await users.touchSession(token, clock(), sessionTtlMs)) !== undefined,
    ...deps.push
  })
  await push.start()

  // one elected instance consumes AMI and reads the mailbox
  const mailOn = config.mail.imap !== undefined || config.mail.smtp !== undefined
  const leader = config.ami === undefined && !mailOn ? undefined : new LeaderElection({ database, log: log('leader'), ...deps.leader })
  // every channel opens its requests' drafts here
  const intake = createIntake({
    journal,
    identify,
    identifyMany,
    clock,
    links: { phone: phoneLink, email: emailLink },
    announce: async (entry) => { await push.publishCommitted('entry.created', { entry: JSON.parse(JSON.stringify(entryView(entry, clock()))) as { id: number } }) }
  })
  const telephony = createTelephony({
    endpoint: config.ami,
    helpdeskDid: config.helpdeskDid,
    calls,
    users,
    journal,
    intake,
    calendar,
    publishCall: push.publishCall,
    ring: push.ring,
    withdraw: push.withdraw,
    pbxRecords: pbxCdrRepository(db),
    phones: phonesRepository(db),
    pbxTimeZone: config.pbxTimeZone,
    centerTimeZone: config.timeZone,
    clock,
    log: log('ami'),
    // PostgreSQL's pool (10) takes several calls at once, leaving room for the HTTP side; PGlite has one connection
    lanes: database.kind === 'pg' ? CALL_LANES_ON_PG : 1,
    ...deps.telephony
  })
  const mail = createMailChannel({
    config: deps.mail?.maxAttachmentBytes === undefined ? config.mail : { ...config.mail, maxAttachmentBytes: deps.mail.maxAttachmentBytes },
    database, journal, intake, clock, log: log('mail'), publish: push.publish,
    ...(deps.mail?.reader !== undefined ? { reader: deps.mail.reader } : {}),
    ...(deps.mail?.sender !== undefined ? { sender: deps.mail.sender } : {})
  })
  // a standby instance's /health reports the leader's AMI link (and mailbox), not its own absent one
  const sharedAmi = leader === undefined || config.ami === undefined
    ? undefined
    : sharedAmiStatus({
      cluster: clusterRepository(db), isLeader: () => leader.isLeader, own: telephony.status, clock, leaderAlive: async () => await leader.heldByAnyone(),
      onError: (err) => { app.log.warn({ err }, 'shared AMI status not refreshed') }
    })
  const amiStatus = (): AmiLinkStatus => sharedAmi?.status() ?? telephony.status()
  const sharedMail = leader === undefined || config.mail.imap === undefined
    ? undefined
    : sharedAmiStatus({
      cluster: clusterRepository(db), key: 'mail', isLeader: () => leader.isLeader, own: mail.status, clock, leaderAlive: async () => await leader.heldByAnyone(),
      onError: (err) => { app.log.warn({ err }, 'shared mail status not refreshed') }
    })
  const mailStatus = (): AmiLinkStatus => sharedMail?.status() ?? mail.status()
  // with SMTP, resolving an e-mail request queues its reply in the status change's transaction (reg. 3.4.1)
  const { smtp, from } = config.mail
  const routesJournal = smtp === undefined || from === undefined ? journal : withMailReplies(journal, { from, clock, onQueued: () => { mail.queued() } })

  await mountRoutes(app, { config, db, clock, users, journal: routesJournal, organizations, calls, calendar, push, amiStatus, mail: mailRepository(db), mailStatus, mailQueued: mail.queued })

  const stopDueDates = keepDueDatesInStep(calendar, journal, app.log)
  let calendarSync: Listener | undefined
  let archive: ArchiveSchedule | undefined
  let started = false
  app.addHook('onClose', async () => {
    archive?.stop()
    sharedAmi?.close()
    sharedMail?.close()
    await leader?.close()
    await telephony.close()
    await mail.close()
    await calendarSync?.close()
    stopDueDates()
    await push.close()
  })

  return {
    app,
    intake,
    calendar,
    push,
    telephony,
    mail,
    leader,
    start: async () => {
      if (started) return
      started = true
      // a calendar edit made through another instance reaches this one (NOTIFY hdj_calendar)
      calendarSync = await followCalendarChanges({ database, calendar, log: log('calendar') })
      // the 5th-of-the-month journal (reg. appendix): archived once a month, whichever instance comes first
      archive = scheduleMonthlyArchive({ reports: reportsRepository(db), archive: archiveRepository(db), centerName: config.centerName, zone: () => calendar.current().schedule.zone, clock, log: log('archive') })
      // AMI and the mailbox: one consumer per PostgreSQL (advisory-lock leader); with PGlite this instance is it
      if (leader === undefined) {
        telephony.start()
        mail.start()
      } else {
        leader.onLeader(telephony.start, telephony.stop)
        leader.onLeader(mail.start, mail.stop)
        await leader.start()
      }
    },
    close: async () => { await app.close() }
  }
}
