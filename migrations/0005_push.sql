-- The realtime push log: every server→browser message is stored here before it is sent, so a
-- reconnecting browser gets what it missed from any instance, after a restart too. Instances
-- learn of new rows through NOTIFY hdj_push (payload = the id; the row holds the message).
create table push_message (
  id bigint generated always as identity primary key,
  type text not null,
  payload jsonb not null,
  created_at timestamptz not null default now()
);
create index push_message_created_idx on push_message (created_at);

-- The calls in progress as the browsers were told (the last call.* message merged over the
-- earlier ones): the snapshot a (re)connecting browser starts from.
create table push_call (
  linked_id text primary key,
  message_id bigint not null,
  type text not null,
  payload jsonb not null,
  ended boolean not null default false,
  updated_at timestamptz not null default now()
);
create index push_call_open_idx on push_call (ended, updated_at);

-- Who has the screen open, per instance (an instance that dies stops refreshing its rows and
-- they expire): the presence of specialists across all instances.
create table push_presence (
  instance_id text not null,
  user_id integer not null references app_user (id),
  connections integer not null check (connections > 0),
  seen_at timestamptz not null default now(),
  primary key (instance_id, user_id)
);
