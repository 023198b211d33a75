-- Missed calls are a callback list (issue 10): a call that rang in working hours and nobody answered
-- is marked called back, automatically when a later call from (or to) that number was answered, or
-- by hand, with who and when. called_back_how: 'answered' (the caller called again and was answered:
-- called_back_call_id is that call), 'outgoing' (a specialist's phone dialled the number and it was
-- answered), 'by-hand' (a specialist marked it).
alter table call add column called_back_at timestamptz;
alter table call add column called_back_by integer references app_user (id);
alter table call add column called_back_call_id bigint references call (id);
alter table call add column called_back_note text;
alter table call add column called_back_how text check (called_back_how in ('answered', 'outgoing', 'by-hand'));
alter table call add constraint call_called_back_check check ((called_back_at is null) = (called_back_how is null));
-- the callback list: missed calls still waiting, newest first
create index call_callback_pending_idx on call (arrived_at)
  where outcome in ('abandoned', 'no-answer', 'busy', 'failed') and called_back_at is null;
-- a number's calls whatever its spelling (the last ten digits): identification and callbacks
create index call_caller_tail_idx on call (right(regexp_replace(coalesce(caller_number, ''), '[^0-9]', '', 'g'), 10));
