-- The specialist's journal (regulation, appendix «Журнал специалиста»): the directory of participant
-- organizations and their contacts, the entries (drafts and registered, numbered gap-free per year),
-- deadline pauses and extensions, and the history of every change. Entries are never deleted.

create table organization (
  id integer generated always as identity primary key,
  name text not null check (btrim(name) <> ''),
  kind text not null check (kind in ('government_body', 'municipality', 'educational', 'entrepreneur', 'other')),
  -- ИНН: 10 digits for an organization, 12 for an individual entrepreneur
  inn text check (inn ~ '^([0-9]{10}|[0-9]{12})$'),
  note text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index organization_name_key on organization (lower(name));

create table contact (
  id integer generated always as identity primary key,
  full_name text not null check (btrim(full_name) <> ''),
  -- normalized: digits only, Russian numbers as 7XXXXXXXXXX (see organizations.repository.ts)
  phones text[] not null default '{}',
  emails text[] not null default '{}',
  organization_id integer references organization (id),
  position text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index contact_phones_idx on contact using gin (phones);
create index contact_emails_idx on contact using gin (emails);
create index contact_organization_idx on contact (organization_id);

-- The last number given in a year. Registration increments the year's row in its own transaction:
-- the row lock serializes concurrent registrations and a rollback gives the number back (no gaps).
create table entry_number_counter (
  year integer primary key check (year between 2000 and 2200),
  last_number integer not null check (last_number >= 0)
);

create table journal_entry (
  id integer generated always as identity primary key,
  -- the columns of the printed journal, in order
  registered_on date,                                  -- Дата
  year integer,                                        -- № п/п is (year, number)
  number integer check (number > 0),
  type text check (type in ('support', 'error', 'improvement')),            -- Тип запроса
  description text,                                    -- Описание запроса
  organization_id integer references organization (id),
  organization_name text,                              -- Наименование организации (as written then)
  contact_id integer references contact (id),
  contact_text text,                                   -- ФИО, контактная информация
  additional_info text,                                -- Дополнительная информация
  status text check (status in ('resolved', 'in_progress', 'to_developer', 'feedback', 'closed')), -- Статус решения запроса
  resolved_on date,                                    -- Дата решения запроса
  note text,                                           -- Примечание
  -- kept beside them
  resolution text,
  channel text not null check (channel in ('phone', 'email', 'walk_in')),
  module text check (module in ('navigator', 'talents', 'paid_services', 'other')),
  caller_number text,
  caller_email text,
  registered_at timestamptz,
  registered_by integer references app_user (id),
  resolved_at timestamptz,
  resolved_by integer references app_user (id),
  assigned_to integer references app_user (id),
  due_at timestamptz,
  agreement_state text check (agreement_state in ('pending', 'agreed', 'rejected')),
  agreement_by text,
  agreement_at timestamptz,
  agreement_comment text,
  agreement_recorded_by integer references app_user (id),
  annulled_at timestamptz,
  annul_reason text,
  annulled_by integer references app_user (id),
  reference_id integer references journal_entry (id),
  created_at timestamptz not null default now(),
  created_by integer references app_user (id),
  updated_at timestamptz not null default now(),
  search tsvector generated always as (to_tsvector('russian',
    coalesce(description, '') || ' ' || coalesce(additional_info, '') || ' ' || coalesce(note, '') || ' ' ||
    coalesce(resolution, '') || ' ' || coalesce(organization_name, '') || ' ' || coalesce(contact_text, ''))) stored,
  constraint journal_entry_number_key unique (year, number),
  -- a draft has no date, number or status; a registered entry has all of them
  constraint journal_entry_registered_check check (
    (number is null) = (year is null) and (number is null) = (registered_on is null) and (number is null) = (status is null)),
  constraint journal_entry_year_check check (year is null or year = extract(year from registered_on)::integer),
  constraint journal_entry_annulled_check check ((annulled_at is null) = (annul_reason is null)),
  constraint journal_entry_reference_check check (reference_id <> id)
);
create index journal_entry_search_idx on journal_entry using gin (search);
create index journal_entry_registered_on_idx on journal_entry (registered_on);
create index journal_entry_drafts_idx on journal_entry (created_at) where number is null;
create index journal_entry_open_due_idx on journal_entry (due_at) where status in ('in_progress', 'to_developer', 'feedback') and annulled_at is null;
create index journal_entry_organization_idx on journal_entry (organization_id);
create index journal_entry_assigned_idx on journal_entry (assigned_to);
create index journal_entry_caller_number_idx on journal_entry (caller_number);

-- Reg. 3.4.3: more time only with a recorded agreement.
create table entry_extension (
  id integer generated always as identity primary key,
  entry_id integer not null references journal_entry (id),
  due_on date not null,
  due_at timestamptz not null,
  previous_due_at timestamptz,
  reason text not null check (btrim(reason) <> ''),
  agreed_by text not null check (btrim(agreed_by) <> ''),
  recorded_by integer references app_user (id),
  recorded_at timestamptz not null default now()
);
create index entry_extension_entry_idx on entry_extension (entry_id);

-- Stretches in «Обратная связь»: the deadline clock stops (reg. 3.4.3). At most one open per entry.
create table entry_pause (
  id integer generated always as identity primary key,
  entry_id integer not null references journal_entry (id),
  from_at timestamptz not null,
  to_at timestamptz check (to_at >= from_at)
);
create index entry_pause_entry_idx on entry_pause (entry_id);
create unique index entry_pause_open_key on entry_pause (entry_id) where to_at is null;

-- Who changed what and when, old → new. Only ever inserted.
create table entry_history (
  id integer generated always as identity primary key,
  entry_id integer not null references journal_entry (id),
  at timestamptz not null,
  user_id integer references app_user (id),
  action text not null,
  field text,
  old jsonb,
  new jsonb
);
create index entry_history_entry_idx on entry_history (entry_id, id);
