// The mail channel on a test database against the test Dovecot (and SMTP sink), with a clock in
// the test's week and short waits.
import { loadConfig, type MailConfig } from '../../src/config.js'
import { createMailChannel, type MailChannel, type MailChannelDeps } from '../../src/mail/channel.js'
import { emailLink } from '../../src/mail/journal-port.js'
import { defaultCalendar } from '../../src/calendar/index.js'
import type { Database } from '../../src/db/database.js'
import { journalRepository } from '../../src/db/journal.repository.js'
import { organizationsRepository } from '../../src/db/organizations.repository.js'
import { journalService, type JournalService } from '../../src/services/journal.service.js'
import { callerIdentifier } from '../../src/intake/identify.js'
import { createIntake } from '../../src/intake/intake.js'
import type { LeaderElection } from '../../src/cluster/leader.js'

export const cal = defaultCalendar()
export const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }
export const loud = { debug: () => {}, info: () => {}, warn: (o: object, m: string) => { console.error('warn', m, o) }, error: (o: object, m: string) => { console.error('error', m, o) } }
export const log = process.env.TEST_LOG === '1' ? loud : quiet

interface Teardown { teardown: (fn: () => unknown) => void }

export function mailConfig (env: Record<string, string>, over: Partial<MailConfig> = {}): MailConfig {
  const c = loadConfig({ MAIL_FROM: 'Ситуационный центр <aisedo@pioner72.ru>', MAIL_BACKFILL_DAYS: '7', ...env }).mail
  return { ...c, maxAttachmentBytes: 2048, ...over }
}

/** The journal as the service builds it, on the test's clock and the default calendar. */
export function testJournal (database: Database, clock: () => Date): JournalService {
  return journalService({ repo: journalRepository(database.db), calendar: () => cal, clock })
}

/**
 * The mail channel on the shared intake (as service.ts wires it), started at once or on leadership.
 * `extra.leader`: only the elected instance reads.
 */
export function channel (t: Teardown, database: Database, config: MailConfig, clock: () => Date, extra: Partial<MailChannelDeps> & { leader?: Pick<LeaderElection, 'onLeader'> } = {}): MailChannel {
  const journal = testJournal(database, clock)
  const organizations = organizationsRepository(database.db)
  const identify = callerIdentifier({ byCallerNumber: journal.byCallerNumber, findByPhone: organizations.findByPhone, byCallerEmail: journal.byCallerEmail, findByEmail: organizations.findByEmail })
  const intake = createIntake({ journal, identify, clock, links: { email: emailLink } })
  const { leader, ...rest } = extra
  const ch = createMailChannel({
    config, database, clock, log, journal, intake,
    reader: { pollMs: 500, minBackoffMs: 100, maxBackoffMs: 500 },
    sender: { everyMs: 200, retryMinMs: 100, retryMaxMs: 400 },
    ...rest
  })
  if (leader === undefined) ch.start()
  else leader.onLeader(ch.start, ch.stop)
  t.teardown(async () => { await ch.close() })
  return ch
}

/** Waits for a condition that a background reader makes true. */
export async function until<T> (what: string, probe: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await probe()
    if (v !== undefined && v !== false) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
