-- A call's draft must exist: 0004 was written before the journal's table. Journal entries are never
-- deleted (annulled instead), so the reference never blocks anything legitimate.
alter table call alter column entry_id type integer;
alter table call add constraint call_entry_fk foreign key (entry_id) references journal_entry (id);
