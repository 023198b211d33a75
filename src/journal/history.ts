// The journal is an official record: every change is kept as who / when / what, old → new.
// A decision's `set` is compared with the entry it starts from; each field that differs is a line.
import type { Entry, EntrySet, HistoryAction, HistoryItem } from './entry.js'

/** A value as stored in the history (jsonb): instants as ISO strings, absent as null. */
export function toJsonValue (v: unknown): unknown {
  if (v === undefined || v === null) return null
  if (v instanceof Date) return v.toISOString()
  if (Array.isArray(v)) return v.map(toJsonValue)
  if (typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, toJsonValue(x)]))
  }
  return v
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(toJsonValue(a)) === JSON.stringify(toJsonValue(b))

/** The fields of `set` whose value differs from the entry's, as history lines of one action. */
export function diff (before: Entry, set: EntrySet, action: HistoryAction): HistoryItem[] {
  const items: HistoryItem[] = []
  for (const [field, value] of Object.entries(set)) {
    if (value === undefined) continue
    const old = (before as unknown as Record<string, unknown>)[field]
    if (!same(old, value)) items.push({ action, field, old: toJsonValue(old), new: toJsonValue(value) })
  }
  return items
}

/** Keeps only the fields of `set` that actually change (no-op writes leave no trace). */
export function changedOnly (before: Entry, set: EntrySet): EntrySet {
  const out: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(set)) {
    if (value !== undefined && !same((before as unknown as Record<string, unknown>)[field], value)) out[field] = value
  }
  return out as EntrySet
}
