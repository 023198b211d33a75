-- The working calendar. The weekly schedule of each helpdesk center (zone, hours, lunch) is data;
-- the official production calendar is national (seeded at start from src/calendar/data/ru-YYYY.json,
-- idempotently); the head's edits of single days are kept apart so they can be reverted.
create table center_schedule (
  center_id text primary key,
  country text not null default 'RU',
  -- ScheduleJson: { zone, week: { mon: { from: 'HH:mm', to: 'HH:mm' } | null, … }, lunch, workingWeekendHours, shortenedBy }
  schedule jsonb not null,
  updated_at timestamptz not null default now(),
  updated_by integer references app_user (id)
);

-- A year entered from a decree. A year with no row is provisional (Labour Code art. 112 and 95).
create table calendar_year (
  country text not null,
  year integer not null check (year between 1990 and 2200),
  confirmed boolean not null,
  source text not null,
  primary key (country, year)
);

-- The official exceptions of a year: days off, working weekend days, shortened pre-holiday days.
create table calendar_day (
  country text not null,
  day date not null,
  kind text not null check (kind in ('holiday', 'working', 'shortened')),
  primary key (country, day)
);

-- The head's edit of one day of one center; wins over calendar_day; deleting it reverts to the official data.
create table calendar_day_override (
  center_id text not null,
  day date not null,
  kind text not null check (kind in ('holiday', 'working', 'shortened', 'normal')),
  -- exact hours of a working or shortened day, minutes after local midnight
  hours_from smallint check (hours_from between 0 and 1440),
  hours_to smallint check (hours_to between 0 and 1440),
  comment text,
  updated_at timestamptz not null default now(),
  updated_by integer references app_user (id),
  primary key (center_id, day),
  check ((hours_from is null) = (hours_to is null) and (hours_from is null or hours_from < hours_to))
);
