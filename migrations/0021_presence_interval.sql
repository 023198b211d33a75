-- Presence as history, for working-hours compliance («no specialist on line»): one row per stretch
-- a user had at least one screen open on any instance. Kept by triggers on push_presence, the live
-- table the push hub maintains per instance, so the hub itself needs no change: the user's first
-- row opens a stretch, the delete of his last row closes it (at his last sign of life when the
-- row was removed as expired, otherwise at once).
create table presence_interval (
  id bigint generated always as identity primary key,
  user_id integer not null references app_user (id),
  from_at timestamptz not null,
  to_at timestamptz check (to_at >= from_at)
);
create unique index presence_interval_open_key on presence_interval (user_id) where to_at is null;
create index presence_interval_period_idx on presence_interval (from_at, to_at);

create function presence_interval_open () returns trigger language plpgsql as $$
begin
  insert into presence_interval (user_id, from_at) values (new.user_id, new.seen_at)
    on conflict (user_id) where to_at is null do nothing;
  return null;
end
$$;
create trigger presence_interval_open after insert on push_presence
  for each row execute function presence_interval_open();

create function presence_interval_close () returns trigger language plpgsql as $$
begin
  if not exists (select 1 from push_presence where user_id = old.user_id) then
    update presence_interval
       set to_at = greatest(from_at, case when old.seen_at < now() - interval '60 seconds' then old.seen_at else now() end)
     where user_id = old.user_id and to_at is null;
  end if;
  return null;
end
$$;
create trigger presence_interval_close after delete on push_presence
  for each row execute function presence_interval_close();
