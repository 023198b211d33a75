// The mail channel's storage: how far each mailbox was read, every message kept whole with its
// attachments, the entries' correspondence, and the outbox. Every write that must happen once is
// keyed (a message by its key, an outbox row by its message), so a replay changes nothing.
import { sql, type Kysely, type Transaction } from 'kysely'
import type { DB } from './types.js'
import type { MailDirection, MailMessageKind, OutboxState } from './tables/mail.js'

type Executor = Kysely<DB> | Transaction<DB>

export interface MailboxCursor { mailbox: string, uidValidity: number, lastUid: number, since: Date }

export interface NewIncoming {
  kind: MailMessageKind
  /** a request about a closed or annulled entry */
  refersTo?: number | null
  mailbox: string
  uidValidity: number
  uid: number
  dedupKey: string
  messageId: string | null
  inReplyTo: string[]
  references: string[]
  fromAddress: string | null
  fromName: string | null
  to: string[]
  subject: string
  body: string
  sentDate: Date | null
  receivedAt: Date
  size: number
  raw: Buffer
  rawTruncated: boolean
  note: string | null
  attachments: Array<{ filename: string, contentType: string, size: number, contentId: string | null, inline: boolean, content: Buffer | null }>
}

export interface NewOutgoing {
  kind: 'answer' | 'question'
  entryId: number
  messageId: string
  inReplyTo: string[]
  references: string[]
  fromAddress: string
  to: string
  subject: string
  body: string
  at: Date
  raw: Buffer
}

export interface MailItem {
  id: number
  direction: MailDirection
  kind: MailMessageKind
  entryId: number | null
  messageId: string | null
  fromAddress: string | null
  fromName: string | null
  to: string[]
  subject: string
  body: string
  sentDate: Date | null
  receivedAt: Date
  size: number
  rawTruncated: boolean
  note: string | null
  attachments: Array<{ id: number, filename: string, contentType: string, size: number, inline: boolean, kept: boolean }>
  outbox: { id: number, state: OutboxState, attempts: number, lastError: string | null, nextAttemptAt: Date, sentAt: Date | null, sentCopy: boolean | null } | null
}

export interface OutboxJob { id: number, mailId: number, recipient: string, from: string, raw: Buffer, attempts: number, entryId: number | null }

const buf = (v: Buffer | Uint8Array | null): Buffer | null => v === null ? null : Buffer.isBuffer(v) ? v : Buffer.from(v)

export function mailRepository (db: Executor) {
  return {
    cursor: async (mailbox: string): Promise<MailboxCursor | undefined> => {
      const r = await db.selectFrom('mailbox_state').selectAll().where('mailbox', '=', mailbox).executeTakeFirst()
      return r === undefined ? undefined : { mailbox: r.mailbox, uidValidity: Number(r.uid_validity), lastUid: Number(r.last_uid), since: r.since }
    },

    /** First sight of a mailbox, or its UIDVALIDITY changed: read again from `since` (keys prevent duplicates). */
    resetCursor: async (mailbox: string, uidValidity: number, since: Date, at: Date): Promise<void> => {
      await db.insertInto('mailbox_state').values({ mailbox, uid_validity: uidValidity, last_uid: 0, since, updated_at: at })
        .onConflict((oc) => oc.column('mailbox').doUpdateSet({ uid_validity: uidValidity, last_uid: 0, updated_at: at })).execute()
    },

    /** The cursor only moves forward, and only within the UIDVALIDITY it was read under. */
    advance: async (mailbox: string, uidValidity: number, uid: number, at: Date): Promise<void> => {
      await db.updateTable('mailbox_state').set({ last_uid: sql<number>`greatest(last_uid, ${uid})`, updated_at: at })
        .where('mailbox', '=', mailbox).where('uid_validity', '=', uidValidity).execute()
    },

    /** Keeps an incoming message once: undefined when its key (or its UID) is stored already. */
    insertIncoming: async (m: NewIncoming): Promise<number | undefined> => {
      const row = await db.insertInto('mail_message').values({
        direction: 'in', kind: m.kind, entry_id: null, refers_to: m.refersTo ?? null, mailbox: m.mailbox, uid_validity: m.uidValidity, uid: m.uid,
        dedup_key: m.dedupKey, message_id: m.messageId, in_reply_to: m.inReplyTo, refs: m.references,
        from_address: m.fromAddress, from_name: m.fromName, to_addresses: m.to, subject: m.subject, body: m.body,
        sent_date: m.sentDate, received_at: m.receivedAt, size: m.size, raw: m.raw, raw_truncated: m.rawTruncated, note: m.note
      }).onConflict((oc) => oc.doNothing()).returning('id').executeTakeFirst()
      if (row === undefined) return undefined
      if (m.attachments.length > 0) {
        await db.insertInto('mail_attachment').values(m.attachments.map((a, position) => ({
          mail_id: row.id, position, filename: a.filename, content_type: a.contentType, size: a.size, content_id: a.contentId, inline: a.inline, content: a.content
        }))).execute()
      }
      return row.id
    },

    /** The shared intake's lock on a kept request: its draft's id, null when none yet, undefined when not kept. */
    lockForDraft: async (dedupKey: string): Promise<number | null | undefined> => {
      const r = await db.selectFrom('mail_message').select('entry_id').where('direction', '=', 'in').where('dedup_key', '=', dedupKey).forUpdate().executeTakeFirst()
      return r === undefined ? undefined : r.entry_id
    },

    linkDraft: async (dedupKey: string, entryId: number): Promise<void> => {
      await db.updateTable('mail_message').set({ entry_id: entryId }).where('direction', '=', 'in').where('dedup_key', '=', dedupKey).execute()
    },

    /** Requests kept without a draft yet (the process stopped between keeping and opening): opened on the next round. */
    requestsWithoutDraft: async (limit: number) => await db.selectFrom('mail_message')
      .select(['id', 'dedup_key', 'received_at', 'from_address', 'from_name', 'subject', 'body', 'refers_to'])
      .where('direction', '=', 'in').where('kind', '=', 'request').where('entry_id', 'is', null).orderBy('id').limit(limit).execute(),

    setEntry: async (mailId: number, entryId: number): Promise<void> => {
      await db.updateTable('mail_message').set({ entry_id: entryId }).where('id', '=', mailId).execute()
    },

    /** The entries whose correspondence holds these Message-IDs (incoming or ours). */
    entriesByMessageIds: async (ids: string[]): Promise<Map<string, number>> => {
      const out = new Map<string, number>()
      if (ids.length === 0) return out
      const rows = await db.selectFrom('mail_message').select(['message_id', 'entry_id'])
        .where('message_id', 'in', ids).where('entry_id', 'is not', null).orderBy('id').execute()
      for (const r of rows) if (r.message_id !== null && r.entry_id !== null && !out.has(r.message_id)) out.set(r.message_id, r.entry_id)
      return out
    },

    /** The message an answer replies to: the entry's latest incoming one from a person. */
    latestIncoming: async (entryId: number) => await db.selectFrom('mail_message')
      .select(['id', 'message_id', 'refs', 'subject', 'from_address'])
      .where('entry_id', '=', entryId).where('direction', '=', 'in').where('kind', 'in', ['request', 'reply'])
      .orderBy('received_at', 'desc').orderBy('id', 'desc').executeTakeFirst(),

    /** An entry's correspondence in order, incoming and outgoing, with attachments and delivery state. */
    correspondence: async (entryId: number): Promise<MailItem[]> => {
      const rows = await db.selectFrom('mail_message as m').leftJoin('mail_outbox as o', 'o.mail_id', 'm.id')
        .select(['m.id', 'm.direction', 'm.kind', 'm.entry_id', 'm.message_id', 'm.from_address', 'm.from_name', 'm.to_addresses', 'm.subject', 'm.body',
          'm.sent_date', 'm.received_at', 'm.size', 'm.raw_truncated', 'm.note',
          'o.id as outbox_id', 'o.state', 'o.attempts', 'o.last_error', 'o.next_attempt_at', 'o.sent_at', 'o.sent_copy'])
        .where('m.entry_id', '=', entryId).orderBy('m.received_at').orderBy('m.id').execute()
      const ids = rows.map((r) => r.id)
      const atts = ids.length === 0
        ? []
        : await db.selectFrom('mail_attachment').select(['id', 'mail_id', 'filename', 'content_type', 'size', 'inline', sql<boolean>`content is not null`.as('kept')])
          .where('mail_id', 'in', ids).orderBy('mail_id').orderBy('position').execute()
      return rows.map((r) => ({
        id: r.id, direction: r.direction, kind: r.kind, entryId: r.entry_id, messageId: r.message_id, fromAddress: r.from_address, fromName: r.from_name,
        to: r.to_addresses, subject: r.subject, body: r.body, sentDate: r.sent_date, receivedAt: r.received_at, size: r.size, rawTruncated: r.raw_truncated, note: r.note,
        attachments: atts.filter((a) => a.mail_id === r.id).map((a) => ({ id: a.id, filename: a.filename, contentType: a.content_type, size: a.size, inline: a.inline, kept: a.kept })),
        outbox: r.outbox_id === null || r.state === null
          ? null
          : { id: r.outbox_id, state: r.state, attempts: r.attempts ?? 0, lastError: r.last_error, nextAttemptAt: r.next_attempt_at!, sentAt: r.sent_at, sentCopy: r.sent_copy }
      }))
    },

    attachment: async (id: number) => {
      const r = await db.selectFrom('mail_attachment as a').innerJoin('mail_message as m', 'm.id', 'a.mail_id')
        .select(['a.id', 'a.filename', 'a.content_type', 'a.size', 'a.content', 'm.entry_id']).where('a.id', '=', id).executeTakeFirst()
      return r === undefined ? undefined : { id: r.id, filename: r.filename, contentType: r.content_type, size: r.size, content: buf(r.content), entryId: r.entry_id }
    },

    /** The whole source of a kept message. */
    source: async (id: number) => {
      const r = await db.selectFrom('mail_message').select(['raw', 'entry_id']).where('id', '=', id).executeTakeFirst()
      return r === undefined ? undefined : { raw: buf(r.raw), entryId: r.entry_id }
    },

    /** Incoming mail with no entry: machine mail, our own, malformed (kept aside), newest first. */
    aside: async (limit: number) => await db.selectFrom('mail_message')
      .select(['id', 'kind', 'from_address', 'subject', 'received_at', 'note'])
      .where('direction', '=', 'in').where('entry_id', 'is', null).orderBy('received_at', 'desc').limit(limit).execute(),

    incomingCount: async (): Promise<number> => Number((await db.selectFrom('mail_message').select((eb) => eb.fn.countAll<number>().as('n')).where('direction', '=', 'in').executeTakeFirstOrThrow()).n),

    // ── the outbox ──

    /** Our message and its outbox row, in the caller's transaction (the status change that causes it). */
    enqueue: async (m: NewOutgoing): Promise<number> => {
      const { id } = await db.insertInto('mail_message').values({
        direction: 'out', kind: m.kind, entry_id: m.entryId, message_id: m.messageId, in_reply_to: m.inReplyTo, refs: m.references,
        from_address: m.fromAddress, to_addresses: [m.to], subject: m.subject, body: m.body, received_at: m.at, size: m.raw.length, raw: m.raw
      }).returning('id').executeTakeFirstOrThrow()
      await db.insertInto('mail_outbox').values({ mail_id: id, state: 'queued', recipient: m.to, next_attempt_at: m.at, updated_at: m.at }).execute()
      return id
    },

    /** Takes the next due row ('sending'); another instance or worker never takes the same one. */
    claimNext: async (now: Date): Promise<OutboxJob | undefined> => {
      const r = await sql<{ id: number, mail_id: number, recipient: string, attempts: number }>`
        update mail_outbox set state = 'sending', attempts = attempts + 1, updated_at = ${now}
        where id = (select id from mail_outbox where state = 'queued' and next_attempt_at <= ${now} order by next_attempt_at, id limit 1 for update skip locked)
        returning id, mail_id, recipient, attempts`.execute(db)
      const row = r.rows[0]
      if (row === undefined) return undefined
      const m = await db.selectFrom('mail_message').select(['raw', 'from_address', 'entry_id']).where('id', '=', row.mail_id).executeTakeFirstOrThrow()
      return { id: row.id, mailId: row.mail_id, recipient: row.recipient, from: m.from_address ?? '', raw: buf(m.raw) ?? Buffer.alloc(0), attempts: row.attempts, entryId: m.entry_id }
    },

    markSent: async (id: number, at: Date, response: string): Promise<void> => {
      await db.updateTable('mail_outbox').set({ state: 'sent', sent_at: at, sent_response: response, last_error: null, updated_at: at }).where('id', '=', id).execute()
    },

    /** A temporary failure: queued again for `next`, with the server's answer. */
    markRetry: async (id: number, at: Date, next: Date, error: string): Promise<void> => {
      await db.updateTable('mail_outbox').set({ state: 'queued', next_attempt_at: next, last_error: error, updated_at: at }).where('id', '=', id).execute()
    },

    markFailed: async (id: number, at: Date, error: string): Promise<void> => {
      await db.updateTable('mail_outbox').set({ state: 'failed', last_error: error, updated_at: at }).where('id', '=', id).execute()
    },

    /** Rows left 'sending' by a process that died: they may have gone, so they are not sent again by themselves. */
    failInterrupted: async (olderThan: Date, at: Date, why: string): Promise<number[]> =>
      (await db.updateTable('mail_outbox').set({ state: 'failed', last_error: why, updated_at: at })
        .where('state', '=', 'sending').where('updated_at', '<', olderThan).returning('id').execute()).map((r) => r.id),

    /** A person asks to try a failed message again. */
    requeue: async (id: number, at: Date): Promise<{ mailId: number, entryId: number | null } | undefined> => {
      const r = await db.updateTable('mail_outbox').set({ state: 'queued', next_attempt_at: at, updated_at: at })
        .where('id', '=', id).where('state', '=', 'failed').returning('mail_id').executeTakeFirst()
      if (r === undefined) return undefined
      const m = await db.selectFrom('mail_message').select('entry_id').where('id', '=', r.mail_id).executeTakeFirstOrThrow()
      return { mailId: r.mail_id, entryId: m.entry_id }
    },

    outboxById: async (id: number) => await db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst(),

    /** Sent messages whose copy is not in the Sent folder yet. */
    pendingCopies: async (limit: number): Promise<Array<{ id: number, raw: Buffer, at: Date }>> =>
      (await db.selectFrom('mail_outbox as o').innerJoin('mail_message as m', 'm.id', 'o.mail_id').select(['o.id', 'm.raw', 'o.sent_at'])
        .where('o.state', '=', 'sent').where('o.sent_copy', 'is', null).orderBy('o.id').limit(limit).execute())
        .map((r) => ({ id: r.id, raw: buf(r.raw) ?? Buffer.alloc(0), at: r.sent_at ?? new Date(0) })),

    markCopy: async (id: number, done: boolean, note: string | null): Promise<void> => {
      await db.updateTable('mail_outbox').set({ sent_copy: done, sent_copy_note: note }).where('id', '=', id).execute()
    }
  }
}

export type MailRepository = ReturnType<typeof mailRepository>
