// Starts the service: configuration → database (+ migrations) → first user → HTTP.
// Feature engines (AMI, realtime, calendar timers) are started here and stopped on exit.
import { ConfigError, loadConfig, type Config } from './config.js'
import { DataDirLockedError, openDatabase, type Database } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { usersRepository } from './db/users.repository.js'
import { bootstrapAdmin } from './auth/bootstrap.js'
import { buildApp } from './app.js'
import { calendarRepository } from './db/calendar.repository.js'
import { createCalendarService } from './services/calendar.service.js'
import { followCalendarChanges } from './services/calendar-sync.js'
import { DEFAULT_SCHEDULE_JSON } from './calendar/index.js'
import { LeaderElection } from './cluster/leader.js'
import { startTelephony, type Telephony } from './pipeline.js'
import { sharedAmiStatus, type AmiLinkStatus } from './cluster/ami-status.js'
import { clusterRepository } from './db/cluster.repository.js'
import { startMailChannel, type MailChannel } from './mail/channel.js'

async function main (): Promise<void> {
  let config: Config
  try {
    config = loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(2)
    }
    throw err
  }

  let database: Database
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      console.error(`refusing to start: ${err.message}`)
      process.exit(3)
    }
    throw err
  }
  const clock = (): Date => new Date()
  const applied = await migrateToLatest(database)
  // one calendar for the HTTP side and the PBX state writer
  const calendar = await createCalendarService({
    repo: calendarRepository(database.db),
    clock,
    initialSchedule: { ...DEFAULT_SCHEDULE_JSON, zone: config.timeZone },
    onListenerError: (err) => { console.error('calendar listener failed:', err) }
  })
  let telephony: Telephony | undefined
  let sharedAmi: ReturnType<typeof sharedAmiStatus> | undefined
  const ownAmi = (): AmiLinkStatus => telephony?.status() ?? (config.ami === undefined ? 'disabled' : 'disconnected')
  const amiStatus = (): AmiLinkStatus => sharedAmi?.status() ?? ownAmi()
  let mail: MailChannel | undefined
  let sharedMail: ReturnType<typeof sharedAmiStatus> | undefined
  const ownMail = (): AmiLinkStatus => mail?.status() ?? (config.mail.imap === undefined ? 'disabled' : 'disconnected')
  const mailStatus = (): AmiLinkStatus => sharedMail?.status() ?? ownMail()
  const app = await buildApp({ config, database, clock, calendar, amiStatus, mailStatus, mailQueued: () => { mail?.queued() } })
  app.log.info({ db: database.kind, dataDir: database.kind === 'pglite' ? config.dataDir : undefined, migrations: applied }, 'database ready')
  if (await bootstrapAdmin(database, config.bootstrapAdminPassword)) app.log.info('created user admin (role head) from BOOTSTRAP_ADMIN_PASSWORD')
  if ((await usersRepository(database.db).count()) === 0) app.log.warn('no users yet: set BOOTSTRAP_ADMIN_PASSWORD and restart to create user admin')
  // a calendar edit made through another instance reaches this one (NOTIFY hdj_calendar)
  const calendarSync = await followCalendarChanges({ database, calendar, log: app.log.child({ module: 'calendar' }) })

  // AMI and the mailbox: one consumer per PostgreSQL (advisory-lock leader); with PGlite this instance is it
  const mailOn = config.mail.imap !== undefined || config.mail.smtp !== undefined
  const leader = config.ami === undefined && !mailOn ? undefined : new LeaderElection({ database, log: app.log.child({ module: 'leader' }) })
  telephony = startTelephony({
    endpoint: config.ami,
    helpdeskDid: config.helpdeskDid,
    database,
    calendar,
    publishCall: async (m) => await app.push.publishCall(m),
    clock,
    log: app.log.child({ module: 'ami' }),
    leader: config.ami === undefined ? undefined : leader
  })
  // e-mail: the leader reads the mailbox and sends the replies (src/mail/)
  mail = startMailChannel({
    config: config.mail,
    database,
    journalOptions: { currentCalendar: () => calendar.current(), clock },
    clock,
    log: app.log.child({ module: 'mail' }),
    leader,
    publish: app.push.publish
  })
  await leader?.start()
  // a standby instance's /health reports the leader's AMI link, not its own absent one
  if (leader !== undefined) {
    if (config.ami !== undefined) {
      sharedAmi = sharedAmiStatus({
        cluster: clusterRepository(database.db), isLeader: () => leader.isLeader, own: ownAmi, clock,
        onError: (err) => { app.log.warn({ err }, 'shared AMI status not refreshed') }
      })
    }
    if (config.mail.imap !== undefined) {
      sharedMail = sharedAmiStatus({
        cluster: clusterRepository(database.db), key: 'mail', isLeader: () => leader.isLeader, own: ownMail, clock,
        onError: (err) => { app.log.warn({ err }, 'shared mail status not refreshed') }
      })
    }
  }

  let closing = false
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    try {
      sharedAmi?.close()
      sharedMail?.close()
      await leader?.close()
      await telephony?.stop()
      await mail?.stop()
      await calendarSync.close()
      await app.close()
    } finally {
      await database.close()
    }
    process.exit(0)
  }
  process.on('SIGINT', () => { void shutdown('SIGINT') })
  process.on('SIGTERM', () => { void shutdown('SIGTERM') })

  await app.listen({ port: config.port, host: config.host })
}

main().catch((err: unknown) => {
  console.error('the service failed to start:', err)
  process.exit(1)
})
