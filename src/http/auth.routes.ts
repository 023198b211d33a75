// Log-in, log-out, who am I, change my password.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { UsersRepository } from '../db/users.repository.js'
import { DUMMY_HASH, hashPassword, verifyPassword } from '../auth/passwords.js'
import { CSRF_COOKIE, SESSION_COOKIE, assertStrongPassword, currentUser } from './auth.js'
import { httpError } from './errors.js'
import { Password, UserSchema } from './schemas.js'
import { loginThrottle, loginThrottleLimits } from '../auth/login-throttle.js'

export interface AuthRoutesOptions {
  users: UsersRepository
  clock: () => Date
  sessionTtlMs: number
  cookieSecure: boolean
  loginRateLimit: number
  /** sessions were revoked: their open screens are closed at once */
  sessionsEnded: () => Promise<void>
}

// an address the user logged in from within this time is theirs: a guesser elsewhere cannot lock them out there
const KNOWN_ADDRESS_MS = 90 * 24 * 3600_000

const SessionAnswer = Type.Object({ user: UserSchema, csrfToken: Type.String() })

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, opts) => {
  const { users, clock } = opts
  const cookieBase = { path: '/', sameSite: 'strict' as const, secure: opts.cookieSecure }

  const throttle = loginThrottle(loginThrottleLimits(opts.loginRateLimit))

  app.post('/api/auth/login', {
    config: { access: 'public' },
    schema: {
      tags: ['auth'],
      summary: 'Log in: sets the session cookie and answers the CSRF token for writes',
      description: 'Failed attempts are limited per address and user name, per address, and per user name from addresses it never logged in from (429 TOO_MANY_LOGIN_ATTEMPTS with Retry-After).',
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 200 }) }),
      response: { 200: SessionAnswer }
    }
  }, async (req, reply) => {
    const username = req.body.username.trim().toLowerCase()
    const found = await users.credentials(username)
    const now = clock()
    // the same query whether the user exists or not: the answer time does not tell
    const knownAddress = await users.hasLoggedInFrom(found?.user.id ?? -1, req.ip, new Date(now.getTime() - KNOWN_ADDRESS_MS))
    const attempt = { address: req.ip, username, knownAddress }
    const verdict = throttle.check(attempt, now.getTime())
    if (!verdict.allowed) {
      const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000))
      req.log.warn({ username, ip: req.ip, limit: verdict.reason }, 'log-in throttled')
      void reply.header('retry-after', String(seconds))
      throw httpError(429, 'TOO_MANY_LOGIN_ATTEMPTS', `too many failed log-in attempts; try again in ${seconds} s`, { retryAfterSeconds: seconds })
    }
    throttle.started(attempt) // counted from now on: a volley of parallel guesses does not all pass the check
    const ok = await verifyPassword(found?.passwordHash ?? DUMMY_HASH, req.body.password)
    if (found === undefined || !ok || !found.user.active) {
      throttle.failed(attempt, clock().getTime())
      req.log.warn({ username, ip: req.ip }, 'log-in refused')
      throw httpError(401, 'INVALID_CREDENTIALS', 'wrong user name or password')
    }
    throttle.succeeded(attempt)
    const session = await users.startSession(found.user.id, now, opts.sessionTtlMs, { userAgent: req.headers['user-agent'], ip: req.ip })
    const maxAge = Math.floor(opts.sessionTtlMs / 1000)
    reply.setCookie(SESSION_COOKIE, session.token, { ...cookieBase, httpOnly: true, maxAge })
    reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...cookieBase, httpOnly: false, maxAge })
    req.log.info({ userId: found.user.id, username, ip: req.ip }, 'logged in')
    return { user: found.user, csrfToken: session.csrfToken }
  })

  app.post('/api/auth/logout', {
    config: { auditorMayWrite: true },
    schema: { tags: ['auth'], summary: 'Log out: revokes this session', response: { 204: Type.Null() } }
  }, async (req, reply) => {
    if (req.sessionToken !== null) {
      await users.revokeSession(req.sessionToken, clock())
      await opts.sessionsEnded()
    }
    reply.clearCookie(SESSION_COOKIE, cookieBase).clearCookie(CSRF_COOKIE, cookieBase)
    return await reply.code(204).send(null)
  })

  app.get('/api/auth/me', {
    schema: { tags: ['auth'], summary: 'The logged-in user and the CSRF token of the session', response: { 200: SessionAnswer } }
  }, async (req) => ({ user: currentUser(req), csrfToken: req.csrfToken ?? '' }))

  app.post('/api/auth/password', {
    config: { auditorMayWrite: true },
    schema: {
      tags: ['auth'],
      summary: 'Change my password (ends my other sessions)',
      body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Password }),
      response: { 204: Type.Null() }
    }
  }, async (req, reply) => {
    const me = currentUser(req)
    const found = await users.credentials(me.username)
    if (found === undefined || !(await verifyPassword(found.passwordHash, req.body.currentPassword))) {
      throw httpError(403, 'INVALID_CREDENTIALS', 'the current password is wrong')
    }
    assertStrongPassword(req.body.newPassword, me.username)
    const now = clock()
    await users.update(me.id, { passwordHash: await hashPassword(req.body.newPassword) }, now)
    // the other computers are logged out; this one goes on (its screen and socket stay: revoking it
    // too raced the page's own socket against the answer)
    await users.revokeAllSessions(me.id, now, req.sessionToken ?? undefined)
    await opts.sessionsEnded()
    return await reply.code(204).send(null)
  })
}
