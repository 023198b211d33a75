-- The yearly archive («папка годовой отчетности»): each production of a month's journal is kept as
-- an immutable version (PDF and XLSX bytes, their checksums, when, by whom or by the schedule).
-- The schedule makes at most one copy per month, whichever instance gets there first.
create table report_archive (
  id bigint generated always as identity primary key,
  year integer not null check (year between 2000 and 2200),
  month integer not null check (month between 1 and 12),
  version integer not null check (version > 0),
  origin text not null check (origin in ('schedule', 'request')),
  pdf bytea not null,
  pdf_sha256 text not null check (pdf_sha256 ~ '^[0-9a-f]{64}$'),
  xlsx bytea not null,
  xlsx_sha256 text not null check (xlsx_sha256 ~ '^[0-9a-f]{64}$'),
  entries integer not null check (entries >= 0),
  created_at timestamptz not null default now(),
  created_by integer references app_user (id),
  constraint report_archive_version_key unique (year, month, version),
  constraint report_archive_created_by_check check ((origin = 'schedule') = (created_by is null))
);
create unique index report_archive_schedule_key on report_archive (year, month) where origin = 'schedule';

-- Immutable: an archived copy is never changed or removed (a new production is a new version).
create function report_archive_immutable () returns trigger language plpgsql as $$
begin
  raise exception 'an archived report is immutable (produce a new version instead)' using errcode = '55000';
end
$$;
create trigger report_archive_immutable before update or delete on report_archive
  for each row execute function report_archive_immutable();

-- Statistics over a year: calls per specialist and period, entries per registrar and day.
create index call_answered_by_idx on call (answered_by_user_id, arrived_at);
create index journal_entry_registered_by_idx on journal_entry (registered_by, registered_on) where number is not null;
create index journal_entry_resolved_by_idx on journal_entry (resolved_by, resolved_at) where resolved_at is not null;
