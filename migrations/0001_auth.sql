-- Users of the journal and their server-side sessions (revocable, unlike a signed cookie).
create table app_user (
  id integer generated always as identity primary key,
  username text not null unique check (username ~ '^[a-z0-9._-]{2,64}$'),
  full_name text not null,
  password_hash text not null,
  role text not null check (role in ('specialist', 'head', 'auditor')),
  extension text unique check (extension ~ '^[0-9]{2,10}$'),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table user_session (
  -- sha-256 of the cookie token: a leaked table does not hand out sessions
  id text primary key,
  user_id integer not null references app_user (id),
  csrf_token text not null,
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  user_agent text,
  ip text
);
create index user_session_user_idx on user_session (user_id);
