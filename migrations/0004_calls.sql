-- Helpdesk phone calls as the PBX reported them (AMI), one row per call = per Asterisk Linkedid.
-- The unique linked_id makes every write idempotent: replays, reconnects and restarts of the
-- service update the same row and never add a second one.
create table call (
  id bigint generated always as identity primary key,
  linked_id text not null unique,
  caller_number text,
  dialled text not null,
  state text not null check (state in ('arrived', 'ringing', 'talking', 'ended')),
  arrived_at timestamptz not null,
  answered_at timestamptz,
  ended_at timestamptz,
  answered_by_extension text,
  answered_by_user_id integer references app_user (id),
  transferred_to_extension text,
  -- the dialplan's last HD_STATUS (open, lunch, closed, weekend, holiday, before-hours, after-hours)
  decision text,
  outcome text check (outcome in ('answered', 'abandoned', 'no-answer', 'busy', 'rejected', 'failed')),
  reject_reason text check (reject_reason in ('lunch', 'weekend', 'holiday', 'before-hours', 'after-hours', 'closed')),
  hangup_cause integer,
  hangup_cause_text text,
  -- a bare file name inside RECORDINGS_DIR (never a path)
  recording_file text check (recording_file ~ '^[A-Za-z0-9][A-Za-z0-9._-]*$'),
  caller_hung_up boolean not null default false,
  -- per dialled phone: { "<channel uniqueid>": { "extension": "101", "result": "answered" } }
  legs jsonb not null default '{}',
  -- instants reconstructed after a reconnect/restart rather than observed live
  approximate boolean not null default false,
  -- the draft journal entry opened for the call (journal_entry.id); none for rejected calls
  entry_id bigint unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((outcome = 'rejected') = (reject_reason is not null))
);
create index call_arrived_at_idx on call (arrived_at);
create index call_caller_number_idx on call (caller_number);
create index call_open_idx on call (arrived_at) where ended_at is null;
