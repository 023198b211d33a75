// What the journal list's SQL needs to know beyond the filter itself, so PostgreSQL can read a page
// along an index and stop: which sort columns can hold nulls under a filter, and how far to count.

/** A list's total is counted exactly up to this many rows past the page's start; beyond, «more than». */
export const TOTAL_CAP = 1000

/**
 * The rows to count: at least TOTAL_CAP, and always past the page's end, so a capped total still
 * says whether a next page exists. Counting one more than this tells «exactly» from «more than».
 */
export function countLimit (offset: number, limit: number): number {
  return Math.max(TOTAL_CAP, offset + limit)
}

/** The total the list reports from `counted` rows found, at most `countLimit + 1`. */
export function cappedTotal (counted: number, cap: number): { total: number, totalExact: boolean } {
  return counted > cap ? { total: cap, totalExact: false } : { total: counted, totalExact: true }
}

interface NullsFilter { from?: string, to?: string, status?: readonly string[], draft?: boolean, overdue?: boolean }

/** Columns a registered entry always has (journal_entry_registered_check), null only in a draft. */
const REGISTRATION = new Set(['registered_on', 'year', 'number', 'status'])

/**
 * Whether `column` can be null in the rows the filter selects. Where it cannot, the list orders
 * without NULLS LAST: the same rows in the same order, and an ascending index serves both directions.
 */
export function mayBeNull (column: string, f: NullsFilter): boolean {
  if (column === 'created_at' || column === 'updated_at' || column === 'id') return false
  const registeredOnly = f.draft === false || f.from !== undefined || f.to !== undefined ||
    (f.status !== undefined && f.status.length > 0) || f.overdue === true
  if (REGISTRATION.has(column)) return !registeredOnly
  if (column === 'due_at') return f.overdue !== true // overdue: due_at < now
  return true
}
