// Tables of migrations/0010_mail.sql.
import type { ColumnType, Generated } from 'kysely'

type CreatedAt = ColumnType<Date, Date | undefined, never>
type UpdatedAt = ColumnType<Date, Date | undefined, Date>
type TextArray = ColumnType<string[], string[] | undefined, string[]>

export type MailDirection = 'in' | 'out'
export type MailMessageKind = 'request' | 'reply' | 'auto-reply' | 'bounce' | 'own' | 'malformed' | 'answer' | 'question'
export type OutboxState = 'queued' | 'sending' | 'sent' | 'failed'

export interface MailboxStateTable {
  mailbox: string
  uid_validity: number
  last_uid: number
  since: Date
  updated_at: UpdatedAt
}

export interface MailMessageTable {
  id: Generated<number>
  direction: MailDirection
  kind: MailMessageKind
  entry_id: number | null
  refers_to: ColumnType<number | null, number | null | undefined, number | null>
  mailbox: string | null
  uid_validity: number | null
  uid: number | null
  dedup_key: string | null
  message_id: string | null
  in_reply_to: TextArray
  refs: TextArray
  from_address: string | null
  from_name: string | null
  to_addresses: TextArray
  subject: string
  body: string
  sent_date: Date | null
  received_at: Date
  size: number
  raw: Buffer | null
  raw_truncated: ColumnType<boolean, boolean | undefined, boolean>
  note: string | null
  created_at: CreatedAt
}

export interface MailAttachmentTable {
  id: Generated<number>
  mail_id: number
  position: number
  filename: string
  content_type: string
  size: number
  content_id: string | null
  inline: boolean
  content: Buffer | null
}

export interface MailOutboxTable {
  id: Generated<number>
  mail_id: number
  state: OutboxState
  recipient: string
  attempts: ColumnType<number, number | undefined, number>
  next_attempt_at: Date
  last_error: string | null
  sent_at: Date | null
  sent_response: string | null
  sent_copy: boolean | null
  sent_copy_note: string | null
  updated_at: UpdatedAt
}

export interface MailTables {
  mailbox_state: MailboxStateTable
  mail_message: MailMessageTable
  mail_attachment: MailAttachmentTable
  mail_outbox: MailOutboxTable
}
