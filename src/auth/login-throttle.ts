// How many failed log-ins are allowed before the next attempt is refused (429), kept per instance in
// memory. Pure: the time is an argument. Three budgets, each over a sliding window:
// - one address and one user name: a mistyping user, or a guesser aimed at one account;
// - one address, whatever the names: a guesser trying many accounts (an office behind one NAT shares
//   it, so it is several times the first);
// - one user name from addresses it never logged in from: a guesser spread over many addresses slows
//   that name down, while the real user at an address they have logged in from keeps their own budget,
//   so an attacker cannot lock them out.
// Only failures are counted; a success clears its address's count for that name. An attempt being
// checked (started, not yet failed or succeeded) counts as a failure until it is decided: the password
// check takes a while, and guesses sent all at once would otherwise all pass before the first failed.

export interface LoginThrottleLimits {
  /** failures allowed per address and user name within windowMs */
  perAddressAndName: number
  /** failures allowed per address within windowMs */
  perAddress: number
  /** failures allowed per user name from unknown addresses within nameWindowMs */
  perNameFromUnknownAddresses: number
  windowMs: number
  nameWindowMs: number
  /** keys kept at most (the oldest are forgotten first): memory stays bounded under a flood */
  maxKeys: number
}

export function loginThrottleLimits (perMinute: number): LoginThrottleLimits {
  return {
    perAddressAndName: perMinute,
    perAddress: perMinute * 5,
    perNameFromUnknownAddresses: perMinute * 2,
    windowMs: 60_000,
    nameWindowMs: 15 * 60_000,
    maxKeys: 50_000
  }
}

export interface LoginAttempt {
  address: string
  /** the user name as typed, compared case-insensitively */
  username: string
  /** whether this user has logged in from this address before (a known address is exempt from the name's budget) */
  knownAddress: boolean
}

export type ThrottleVerdict = { allowed: true } | { allowed: false, retryAfterMs: number, reason: 'address-and-name' | 'address' | 'name' }

export interface LoginThrottle {
  check: (attempt: LoginAttempt, now: number) => ThrottleVerdict
  /** an allowed attempt is being checked: call right after check, before any await */
  started: (attempt: LoginAttempt) => void
  failed: (attempt: LoginAttempt, now: number) => void
  succeeded: (attempt: LoginAttempt) => void
}

export function loginThrottle (limits: LoginThrottleLimits): LoginThrottle {
  // key → failure times, oldest first; a Map keeps insertion order, so the first key is the oldest
  const failures = new Map<string, number[]>()
  // key → attempts started and not yet decided (bounded by the requests under way)
  const pending = new Map<string, number>()
  const keysOf = (a: LoginAttempt): { pair: string, address: string, name: string } => {
    const name = a.username.trim().toLowerCase()
    return { pair: `p|${a.address}|${name}`, address: `a|${a.address}`, name: `n|${name}` }
  }
  const recent = (key: string, windowMs: number, now: number): number[] => {
    const times = failures.get(key)
    if (times === undefined) return []
    while (times.length > 0 && (times[0] ?? 0) <= now - windowMs) times.shift()
    if (times.length === 0) failures.delete(key)
    return times
  }
  const over = (key: string, max: number, windowMs: number, now: number): number | undefined => {
    const times = recent(key, windowMs, now)
    const count = times.length + (pending.get(key) ?? 0)
    if (count < max) return undefined
    // allowed again when the oldest failure that keeps it at the limit leaves the window; when attempts
    // under way keep it there, once they are decided
    const oldest = times[count - max]
    return oldest === undefined ? 1_000 : oldest + windowMs - now
  }
  const budgetsOf = (a: LoginAttempt): string[] => {
    const k = keysOf(a)
    return a.knownAddress ? [k.pair, k.address] : [k.pair, k.address, k.name]
  }
  const decided = (a: LoginAttempt): void => {
    for (const key of budgetsOf(a)) {
      const n = (pending.get(key) ?? 0) - 1
      if (n > 0) pending.set(key, n)
      else pending.delete(key)
    }
  }
  const add = (key: string, now: number, keep: number): void => {
    const times = failures.get(key) ?? []
    failures.delete(key) // re-inserted at the end: the most recently used key is the last to be forgotten
    times.push(now)
    if (times.length > keep) times.splice(0, times.length - keep)
    failures.set(key, times)
    while (failures.size > limits.maxKeys) {
      const oldest = failures.keys().next().value
      if (oldest === undefined) break
      failures.delete(oldest)
    }
  }

  return {
    check: (attempt, now) => {
      const k = keysOf(attempt)
      const pair = over(k.pair, limits.perAddressAndName, limits.windowMs, now)
      if (pair !== undefined) return { allowed: false, retryAfterMs: pair, reason: 'address-and-name' }
      const address = over(k.address, limits.perAddress, limits.windowMs, now)
      if (address !== undefined) return { allowed: false, retryAfterMs: address, reason: 'address' }
      if (!attempt.knownAddress) {
        const name = over(k.name, limits.perNameFromUnknownAddresses, limits.nameWindowMs, now)
        if (name !== undefined) return { allowed: false, retryAfterMs: name, reason: 'name' }
      }
      return { allowed: true }
    },
    started: (attempt) => {
      for (const key of budgetsOf(attempt)) pending.set(key, (pending.get(key) ?? 0) + 1)
    },
    failed: (attempt, now) => {
      decided(attempt)
      const k = keysOf(attempt)
      add(k.pair, now, limits.perAddressAndName)
      add(k.address, now, limits.perAddress)
      if (!attempt.knownAddress) add(k.name, now, limits.perNameFromUnknownAddresses)
    },
    succeeded: (attempt) => {
      decided(attempt)
      failures.delete(keysOf(attempt).pair)
    }
  }
}
