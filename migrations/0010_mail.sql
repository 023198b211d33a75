-- The e-mail channel (SPEC §4): the helpdesk mailbox read over IMAP, every message kept whole with
-- its attachments, threads attached to journal entries, and replies sent through a durable outbox.

-- How far the service has read a mailbox. UIDs are only meaningful with their UIDVALIDITY
-- (RFC 9051 2.3.1.1): when it changes, the mailbox is read again from `since` and the messages
-- already kept are recognised by their key (mail_message.dedup_key), so nothing is taken twice.
create table mailbox_state (
  mailbox text primary key,            -- user@host/INBOX
  uid_validity bigint not null,
  last_uid bigint not null default 0 check (last_uid >= 0),
  -- the service answers for mail that arrived from here on (its first start, less the backfill)
  since timestamptz not null,
  updated_at timestamptz not null default now()
);

-- Every message of the channel, incoming and outgoing, in one place (the entry's correspondence).
create table mail_message (
  id integer generated always as identity primary key,
  direction text not null check (direction in ('in', 'out')),
  -- request: a person's new message; reply: a person's message in an entry's thread;
  -- auto-reply, bounce, own: machine mail and our own (never a request, never answered);
  -- malformed: kept aside; answer / question: ours (reg. 3.4.1 resolution, «Обратная связь»)
  kind text not null check (kind in ('request', 'reply', 'auto-reply', 'bounce', 'own', 'malformed', 'answer', 'question')),
  entry_id integer references journal_entry (id),
  -- a new request about a closed or annulled entry: its draft refers to that entry
  refers_to integer references journal_entry (id),
  mailbox text,
  uid_validity bigint,
  uid bigint,
  -- the Message-ID, or 'sha256:<hex>' of the source when there is none: the second key
  dedup_key text,
  message_id text,                     -- without angle brackets
  in_reply_to text[] not null default '{}',
  refs text[] not null default '{}',
  from_address text,
  from_name text,
  to_addresses text[] not null default '{}',
  subject text not null default '',
  body text not null default '',       -- as text (HTML-only mail converted; never HTML)
  sent_date timestamptz,               -- its Date header
  -- incoming: INTERNALDATE (when the mail server received it); outgoing: when it was queued
  received_at timestamptz not null,
  size integer not null check (size >= 0),
  raw bytea,                           -- the whole source; cut at the size limit when raw_truncated
  raw_truncated boolean not null default false,
  note text,                           -- why it is what it is (the classification, the parse error)
  created_at timestamptz not null default now(),
  check ((direction = 'in') = (kind in ('request', 'reply', 'auto-reply', 'bounce', 'own', 'malformed')))
);
create unique index mail_message_uid_key on mail_message (mailbox, uid_validity, uid) where direction = 'in';
create unique index mail_message_dedup_key on mail_message (dedup_key) where direction = 'in';
create index mail_message_entry_idx on mail_message (entry_id, received_at) where entry_id is not null;
create index mail_message_message_id_idx on mail_message (message_id);
create index mail_message_aside_idx on mail_message (received_at) where entry_id is null;

create table mail_attachment (
  id integer generated always as identity primary key,
  mail_id integer not null references mail_message (id),
  position integer not null,
  filename text not null,
  content_type text not null,
  size integer not null check (size >= 0),
  content_id text,
  inline boolean not null default false,
  content bytea,                       -- null when over the size limit (the source may still hold it)
  unique (mail_id, position)
);

-- Outgoing mail waits here until the SMTP server took it. A row is claimed ('sending') before the
-- attempt; one found still 'sending' after a crash is never sent again by itself (it may have
-- gone): it becomes 'failed' with that reason, and a person decides.
create table mail_outbox (
  id integer generated always as identity primary key,
  mail_id integer not null unique references mail_message (id),
  state text not null check (state in ('queued', 'sending', 'sent', 'failed')),
  recipient text not null,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  last_error text,                     -- the server's answer to the last attempt
  sent_at timestamptz,
  sent_response text,
  -- the copy in the mailbox's Sent folder: null not tried yet, true done, false none (no folder / failed)
  sent_copy boolean,
  sent_copy_note text,
  updated_at timestamptz not null default now()
);
create index mail_outbox_queued_idx on mail_outbox (next_attempt_at) where state = 'queued';
create index mail_outbox_copy_idx on mail_outbox (id) where state = 'sent' and sent_copy is null;
