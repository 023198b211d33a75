-- The phones' registration on the PBX as history, the second availability signal of working-hours
-- compliance (issue 12): one row per stretch an extension's phone was registered (or known not to
-- be), from AMI device states (src/ami/phones.ts). Per extension, not per user: the report maps an
-- extension to the user who has it (app_user.extension). One open stretch (to_at null) per extension.
create table phone_interval (
  id bigint generated always as identity primary key,
  extension text not null check (extension ~ '^[0-9]{2,10}$'),
  registered boolean not null,
  from_at timestamptz not null,
  to_at timestamptz check (to_at >= from_at)
);
create unique index phone_interval_open_key on phone_interval (extension) where to_at is null;
create index phone_interval_period_idx on phone_interval (extension, from_at);
