-- The PBX's own durable record of every call: Asterisk's cdr_pgsql inserts one row per call detail
-- record here (dialplan/cdr_pgsql.conf), whether the service listens or not. After every start and
-- (re)connect the service reads it to add the calls it did not hear and to correct the ones it heard
-- only in part (src/calls/reconcile.ts). The PBX's database role may only INSERT (see below).
-- The column names are cdr_pgsql's own: it fills every column whose name is a CDR field and leaves
-- the others to their defaults. start/answer/end are double precision, so cdr_pgsql writes epoch
-- seconds with microseconds: no time zone to guess (answer = 0 when nobody answered). No surrogate
-- key: cdr_pgsql would try to fill an identity column; a call is keyed by linkedid.
create table pbx_cdr (
  start double precision not null,
  answer double precision,
  "end" double precision not null,
  clid text,
  src text,
  dst text,
  dcontext text,
  channel text,
  dstchannel text,
  lastapp text,
  lastdata text,
  duration integer,
  billsec integer,
  disposition text,
  amaflags text,
  accountcode text,
  uniqueid text not null,
  linkedid text,
  -- the dialplan's decision and the PBX's UTC offset: 'status=closed tz=+0500' (dialplan/extensions.conf)
  userfield text,
  peeraccount text,
  sequence integer,
  recorded_at timestamptz not null default now()
);
create index pbx_cdr_start_idx on pbx_cdr (start);
create index pbx_cdr_linkedid_idx on pbx_cdr (linkedid);

-- The PBX's role (created by the administrator, dialplan/README.md): INSERT into this table only.
-- Granted here when the role exists already; otherwise by the README's GRANT after creating it.
do $$
begin
  if exists (select 1 from pg_roles where rolname = 'helpdesk_pbx') then
    execute 'grant insert on table pbx_cdr to helpdesk_pbx';
  end if;
end
$$;
