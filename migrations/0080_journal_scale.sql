-- The journal at a million entries (issue 15): indexes in the order the screens read the entries,
-- so a page newest first walks an index and stops after its rows instead of sorting every match.
-- Created in the migration's transaction (not concurrently): at a million entries each takes a few
-- seconds, with writes to the journal waiting meanwhile.

-- The lists sorted by creation (the API's default, the drafts, a search newest first): walked from
-- either end; a common word is filtered along it, a rare one still comes from the GIN index.
create index journal_entry_created_idx on journal_entry (created_at, id);

-- The journal sorted by registration date (the screen's default), in the list's full order: a
-- period × status × module page is read backwards from its end. It replaces the date-only index
-- (its prefix serves the period reads of the reports).
create index journal_entry_registered_idx on journal_entry (registered_on, year, number, id);
drop index journal_entry_registered_on_idx;

-- The popup's earlier entries from a number, newest first: a caller with hundreds of entries
-- reads only the last ones. Replaces the number-only index (its prefix).
create index journal_entry_caller_idx on journal_entry (caller_number, created_at, id);
drop index journal_entry_caller_number_idx;

-- GIN indexes collect new rows in a pending list that every search scans until a vacuum merges it
-- (up to 4 MB: a contact directory loaded at once sat there whole, 20 000 phones scanned for each
-- ringing call). Rows go straight into the index instead, and what is pending now is merged.
alter index contact_phones_idx set (fastupdate = off);
alter index contact_emails_idx set (fastupdate = off);
alter index journal_entry_search_idx set (fastupdate = off);
select gin_clean_pending_list('contact_phones_idx'::regclass);
select gin_clean_pending_list('contact_emails_idx'::regclass);
select gin_clean_pending_list('journal_entry_search_idx'::regclass);
