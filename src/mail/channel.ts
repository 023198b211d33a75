// The e-mail channel as one feature: the mailbox reader and the reply sender run on the elected
// instance only (the same leadership as AMI: service.ts calls start/stop on leadership); every
// instance answers /health with the mailbox's link and queues replies (withMailReplies).
import { ImapFlow } from 'imapflow'
import type { Database } from '../db/database.js'
import { mailRepository } from '../db/mail.repository.js'
import type { JournalService } from '../services/journal.service.js'
import type { Intake as SharedIntake } from '../intake/intake.js'
import type { Publish } from '../push/hub.js'
import type { ImapEndpoint, MailConfig } from '../config.js'
import { MailboxReader, tlsOptions, type ImapLogger } from './imap.js'
import { createIntake as createMailIntake, type Intake, type MailAnnouncement } from './intake.js'
import { journalMailPort } from './journal-port.js'
import { OutboxSender } from './outbox.js'

export type MailStatus = 'disabled' | 'connected' | 'disconnected'

export interface MailChannelDeps {
  config: MailConfig
  database: Database
  journal: JournalService
  /** the shared intake: opens a request's draft (one identification of the sender for calls and mail) */
  intake: Pick<SharedIntake, 'open'>
  clock: () => Date
  log: ImapLogger
  publish?: Publish
  /** tests: shorter waits */
  reader?: { pollMs?: number, minBackoffMs?: number, maxBackoffMs?: number }
  sender?: { everyMs?: number, retryMinMs?: number, retryMaxMs?: number, maxAttempts?: number, staleSendingMs?: number }
}

export interface MailChannel {
  /** the mailbox link for /health: 'disabled' without IMAP_URL */
  status: () => MailStatus
  reader: MailboxReader | undefined
  sender: OutboxSender | undefined
  intake: Intake
  /** a reply was queued: send it now rather than at the next round */
  queued: () => void
  /** reads and sends (on the elected instance) */
  start: () => void
  /** stops reading and sending (stepped down) */
  stop: () => Promise<void>
  /** stops for good */
  close: () => Promise<void>
}

/** A copy of what we sent, in the mailbox's Sent folder (found by its special-use flag, RFC 6154). */
export function sentFolderCopier (endpoint: ImapEndpoint): (raw: Buffer, at: Date) => Promise<{ done: boolean, note: string | null }> {
  return async (raw, at) => {
    const c = new ImapFlow({
      host: endpoint.host, port: endpoint.port, secure: endpoint.secure, auth: { user: endpoint.user, pass: endpoint.password },
      tls: tlsOptions(endpoint),
      logger: false, disableAutoIdle: true, connectionTimeout: 15_000
    })
    c.on('error', () => {})
    await c.connect()
    try {
      const sent = (await c.list()).find((m) => m.specialUse === '\\Sent')
      if (sent === undefined) return { done: false, note: 'на почтовом сервере нет папки «Отправленные»' }
      await c.append(sent.path, raw, ['\\Seen'], at)
      return { done: true, note: sent.path }
    } finally {
      await c.logout().catch(() => { c.close() })
    }
  }
}

export function createMailChannel (deps: MailChannelDeps): MailChannel {
  const { config, database, clock, log } = deps
  const db = database.db
  const port = journalMailPort(deps.journal, deps.intake)
  const announce = async (a: MailAnnouncement): Promise<void> => {
    if (deps.publish === undefined || a.outcome.entry === null || a.outcome.mailId === null) return
    await deps.publish('mail.received', {
      // the journal's entry as the intake has it (like a call's draft); GET /api/entries/:id has the full view
      entry: JSON.parse(JSON.stringify(a.outcome.entry)) as { id: number },
      mail: {
        id: a.outcome.mailId, kind: a.outcome.kind, fromAddress: a.from.address, fromName: a.from.name, subject: a.subject,
        receivedAt: a.receivedAt.toISOString(), created: a.outcome.created, resumed: a.outcome.resumed
      }
    })
  }
  const intake = createMailIntake({ port, ownAddresses: config.ownAddresses, maxAttachmentBytes: config.maxAttachmentBytes, clock, log, announce })

  let reader: MailboxReader | undefined
  if (config.imap === undefined) log.info({}, 'IMAP_URL is not set: no mailbox (the e-mail channel is off)')
  else {
    const store = mailRepository(db)
    reader = new MailboxReader({
      endpoint: config.imap,
      store,
      handle: intake.handle,
      keepAside: intake.keepAside,
      catchUp: intake.openPending,
      log,
      clock,
      pollMs: deps.reader?.pollMs ?? config.pollSeconds * 1000,
      backfillMs: config.backfillDays * 24 * 3600_000,
      maxMessageBytes: config.maxMessageBytes,
      ...(deps.reader?.minBackoffMs !== undefined ? { minBackoffMs: deps.reader.minBackoffMs } : {}),
      ...(deps.reader?.maxBackoffMs !== undefined ? { maxBackoffMs: deps.reader.maxBackoffMs } : {})
    })
  }

  let sender: OutboxSender | undefined
  if (config.smtp !== undefined) {
    sender = new OutboxSender({
      db,
      smtp: config.smtp,
      clock,
      log,
      ...(config.imap !== undefined ? { copyToSent: sentFolderCopier(config.imap) } : {}),
      onChange: (job) => {
        if (deps.publish === undefined) return
        deps.publish('mail.outbox', { entryId: job.entryId, mailId: job.mailId, state: job.state })
          .catch((err: unknown) => { log.error({ err }, 'mail: announcing a delivery failed') })
      },
      ...deps.sender
    })
  }

  let running = false
  const start = (): void => { running = true; reader?.start(); sender?.start() }
  const stop = async (): Promise<void> => { running = false; await reader?.stop(); await sender?.stop() }
  return {
    status: () => reader === undefined ? 'disabled' : running ? reader.status : 'disconnected',
    reader,
    sender,
    intake,
    queued: () => { sender?.kick() },
    start,
    stop,
    close: async () => { await stop(); sender?.close() }
  }
}
