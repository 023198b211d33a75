// The specialists' phones as a second availability signal (issue 12, item 4): whether each
// extension's phone is registered on the PBX, kept as history. Pure: the PBX adapter (src/ami)
// turns its events into PhoneStates; this folds them into intervals of a known state per
// extension; src/db stores them. An interval is open (to null) while its state holds.

/** An extension's phone registered (reachable) or not, as observed at `at`. */
export interface PhoneState {
  extension: string
  registered: boolean
  at: Date
}

/** A stretch during which an extension's phone was (not) registered; to null: still so. */
export interface PhoneInterval {
  extension: string
  registered: boolean
  from: Date
  to: Date | null
}

/** What to store: close an extension's open interval at `at`, and/or open one from `at`. */
export type PhoneChange =
  | { type: 'close', extension: string, at: Date }
  | { type: 'open', extension: string, registered: boolean, at: Date }

/**
 * The changes one observation makes to the open intervals (extension → its open state): none when
 * the state holds (a phone ringing, in use and idle again stays registered), otherwise the open
 * interval closes and one of the new state opens at the same instant. An observation older than
 * the open interval's start only closes nothing (the history never runs backwards).
 */
export function phoneChanges (open: ReadonlyMap<string, { registered: boolean, from: Date }>, s: PhoneState): PhoneChange[] {
  const current = open.get(s.extension)
  if (current !== undefined && current.registered === s.registered) return []
  if (current !== undefined && s.at < current.from) return []
  const changes: PhoneChange[] = []
  if (current !== undefined) changes.push({ type: 'close', extension: s.extension, at: s.at })
  changes.push({ type: 'open', extension: s.extension, registered: s.registered, at: s.at })
  return changes
}

/**
 * The PBX's full list of device states at `at` (after a (re)connect): each listed phone as
 * observed; an extension with an open interval that the PBX no longer lists is closed (its state
 * is unknown from then on, neither registered nor not).
 */
export function snapshotChanges (open: ReadonlyMap<string, { registered: boolean, from: Date }>, states: readonly PhoneState[], at: Date): PhoneChange[] {
  const listed = new Set(states.map((s) => s.extension))
  const changes: PhoneChange[] = []
  for (const [extension, current] of open) {
    if (!listed.has(extension)) changes.push({ type: 'close', extension, at: current.from > at ? current.from : at })
  }
  for (const s of states) changes.push(...phoneChanges(open, s))
  return changes
}

/** Applies changes to the open intervals (the in-memory mirror of what was stored). */
export function applyPhoneChanges (open: Map<string, { registered: boolean, from: Date }>, changes: readonly PhoneChange[]): void {
  for (const c of changes) {
    if (c.type === 'close') open.delete(c.extension)
    else open.set(c.extension, { registered: c.registered, from: c.at })
  }
}

/** A sequence of observations folded into the history of intervals (what the stored rows become). */
export function foldPhoneStates (states: readonly PhoneState[]): PhoneInterval[] {
  const open = new Map<string, { registered: boolean, from: Date }>()
  const done: PhoneInterval[] = []
  for (const s of states) {
    const changes = phoneChanges(open, s)
    for (const c of changes) {
      if (c.type === 'close') {
        const cur = open.get(c.extension)!
        done.push({ extension: c.extension, registered: cur.registered, from: cur.from, to: c.at })
      }
    }
    applyPhoneChanges(open, changes)
  }
  for (const [extension, cur] of open) done.push({ extension, registered: cur.registered, from: cur.from, to: null })
  return done.sort((a, b) => +a.from - +b.from || (a.extension < b.extension ? -1 : a.extension > b.extension ? 1 : 0))
}
