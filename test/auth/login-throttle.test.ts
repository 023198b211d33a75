// The log-in throttle's budgets, in time given by the test (pure: no clock, no I/O).
import t from 'tap'
import { loginThrottle, loginThrottleLimits, type LoginAttempt } from '../../src/auth/login-throttle.js'

const at = (address: string, username: string, knownAddress = false): LoginAttempt => ({ address, username, knownAddress })

t.test('login throttle: a name at an address gets its failures per minute, the window slides', async (t) => {
  const th = loginThrottle(loginThrottleLimits(3))
  const a = at('10.0.0.1', 'Ivanova')
  for (const s of [0, 10, 20]) {
    t.same(th.check(a, s * 1000), { allowed: true }, `attempt at ${s} s allowed`)
    th.failed(a, s * 1000)
  }
  t.same(th.check(a, 30_000), { allowed: false, retryAfterMs: 30_000, reason: 'address-and-name' }, 'the fourth is refused until the first failure is a minute old')
  t.same(th.check(at('10.0.0.1', ' IVANOVA '), 30_000).allowed, false, 'the name is compared as typed, case and spaces aside')
  t.same(th.check(a, 60_001), { allowed: true }, 'a minute after the first failure one more attempt is allowed')
  th.failed(a, 60_001)
  t.same(th.check(a, 60_002), { allowed: false, retryAfterMs: 9_998, reason: 'address-and-name' }, 'and then the next failure in line decides')
})

t.test('login throttle: a success clears its own count only', async (t) => {
  const th = loginThrottle(loginThrottleLimits(2))
  th.failed(at('10.0.0.1', 'a'), 0)
  th.failed(at('10.0.0.1', 'a'), 1)
  th.succeeded(at('10.0.0.1', 'a'))
  t.same(th.check(at('10.0.0.1', 'a'), 2), { allowed: true }, 'the user who finally typed it right starts afresh')
  for (let i = 0; i < 8; i++) th.failed(at('10.0.0.1', `x${i}`), 3)
  t.same(th.check(at('10.0.0.1', 'b'), 4).allowed, false, 'but the address keeps every failure it made (10 = 5 × 2)')
})

t.test('login throttle: a known address is exempt from the name budget, an unknown one is not', async (t) => {
  const th = loginThrottle(loginThrottleLimits(3))
  for (let i = 0; i < 6; i++) th.failed(at(`203.0.113.${i}`, 'ivanova'), i)
  t.same(th.check(at('203.0.113.200', 'ivanova'), 10), { allowed: false, retryAfterMs: 15 * 60_000 - 10, reason: 'name' }, 'a seventh address is slowed down for a quarter of an hour')
  t.same(th.check(at('198.51.100.7', 'ivanova', true), 10), { allowed: true }, 'the address she logged in from is not')
  for (let i = 0; i < 5; i++) th.failed(at('198.51.100.7', 'ivanova', true), 20)
  t.same(th.check(at('203.0.113.201', 'ivanova'), 21).allowed, false, 'her own mistakes are not counted against the name')
  t.same(th.check(at('203.0.113.201', 'ivanova'), 15 * 60_000 + 6).allowed, true, 'the name budget lets go after its window')
})

t.test('login throttle: an attempt under way counts until it is decided', async (t) => {
  const th = loginThrottle(loginThrottleLimits(2))
  const a = at('10.0.0.1', 'ivanova')
  for (let i = 0; i < 2; i++) {
    t.same(th.check(a, 0), { allowed: true }, `attempt ${i + 1} allowed`)
    th.started(a)
  }
  t.same(th.check(a, 0), { allowed: false, retryAfterMs: 1_000, reason: 'address-and-name' }, 'a third while two are being checked is refused: the verdict comes in a second')
  th.succeeded(a)
  t.same(th.check(a, 1), { allowed: true }, 'a success frees its place')
  th.started(a)
  th.failed(a, 2)
  t.same(th.check(a, 3).allowed, false, 'a failure keeps it, now as a failure')
  th.failed(a, 4) // the other attempt under way fails
  t.same(th.check(a, 5), { allowed: false, retryAfterMs: 60_000 - 3, reason: 'address-and-name' }, 'and with nothing under way the failures decide alone')
  const spread = loginThrottle(loginThrottleLimits(1))
  for (let i = 0; i < 2; i++) spread.started(at(`203.0.113.${i}`, 'petrov'))
  t.match(spread.check(at('203.0.113.9', 'petrov'), 0), { allowed: false, reason: 'name' }, 'the name budget counts the attempts under way from other addresses')
  t.same(spread.check(at('198.51.100.7', 'petrov', true), 0), { allowed: true }, 'but not against an address of its user')
})

t.test('login throttle: memory stays bounded under a flood of addresses', async (t) => {
  const th = loginThrottle({ ...loginThrottleLimits(3), maxKeys: 100 })
  for (let i = 0; i < 10_000; i++) th.failed(at(`10.${i >> 16 & 255}.${i >> 8 & 255}.${i & 255}`, `u${i}`), i)
  const last = at('10.0.39.15', 'u9999')
  for (let i = 0; i < 2; i++) th.failed(last, 10_001 + i)
  t.same(th.check(last, 10_010).allowed, false, 'the most recent keys are kept')
  t.same(th.check(at('10.0.0.0', 'u0'), 10_010).allowed, true, 'the oldest are forgotten first')
})
