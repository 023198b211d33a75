// The mail channel on a test database against the test Dovecot (and SMTP sink), with a clock in
// the test's week and short waits.
import { loadConfig, type MailConfig } from '../../src/config.js'
import { startMailChannel, type MailChannel, type MailChannelDeps } from '../../src/mail/channel.js'
import { defaultCalendar } from '../../src/calendar/index.js'
import type { Database } from '../../src/db/database.js'

export const cal = defaultCalendar()
export const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} }
export const loud = { debug: () => {}, info: () => {}, warn: (o: object, m: string) => { console.error('warn', m, o) }, error: (o: object, m: string) => { console.error('error', m, o) } }
export const log = process.env.TEST_LOG === '1' ? loud : quiet

interface Teardown { teardown: (fn: () => unknown) => void }

export function mailConfig (env: Record<string, string>, over: Partial<MailConfig> = {}): MailConfig {
  const c = loadConfig({ MAIL_FROM: 'Ситуационный центр <aisedo@pioner72.ru>', MAIL_BACKFILL_DAYS: '7', ...env }).mail
  return { ...c, maxAttachmentBytes: 2048, ...over }
}

export function channel (t: Teardown, database: Database, config: MailConfig, clock: () => Date, extra: Partial<MailChannelDeps> = {}): MailChannel {
  const ch = startMailChannel({
    config, database, clock, log,
    journalOptions: { currentCalendar: () => cal, clock },
    reader: { pollMs: 500, minBackoffMs: 100, maxBackoffMs: 500 },
    sender: { everyMs: 200, retryMinMs: 100, retryMaxMs: 400 },
    ...extra
  })
  t.teardown(async () => { await ch.stop() })
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
