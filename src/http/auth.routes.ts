// Log-in, log-out, who am I, change my password.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { UsersRepository } from '../db/users.repository.js'
import { DUMMY_HASH, hashPassword, verifyPassword } from '../auth/passwords.js'
import { CSRF_COOKIE, SESSION_COOKIE, currentUser } from './auth.js'
import { httpError } from './errors.js'
import { Password, UserSchema } from './schemas.js'

export interface AuthRoutesOptions {
  users: UsersRepository
  clock: () => Date
  sessionTtlMs: number
  cookieSecure: boolean
  loginRateLimit: number
}

const SessionAnswer = Type.Object({ user: UserSchema, csrfToken: Type.String() })

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, opts) => {
  const { users, clock } = opts
  const cookieBase = { path: '/', sameSite: 'strict' as const, secure: opts.cookieSecure }

  app.post('/api/auth/login', {
    schema: {
      tags: ['auth'],
      summary: 'Log in: sets the session cookie and answers the CSRF token for writes',
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 100 }), password: Type.String({ minLength: 1, maxLength: 200 }) }),
      response: { 200: SessionAnswer }
    },
    config: {
      rateLimit: {
        max: opts.loginRateLimit,
        timeWindow: '1 minute',
        keyGenerator: (req) => `${req.ip}|${String((req.body as { username?: unknown } | undefined)?.username ?? '').toLowerCase()}`
      }
    }
  }, async (req, reply) => {
    const username = req.body.username.trim().toLowerCase()
    const found = await users.credentials(username)
    const ok = await verifyPassword(found?.passwordHash ?? DUMMY_HASH, req.body.password)
    if (found === undefined || !ok || !found.user.active) {
      req.log.warn({ username }, 'log-in refused')
      throw httpError(401, 'INVALID_CREDENTIALS', 'wrong user name or password')
    }
    const session = await users.startSession(found.user.id, clock(), opts.sessionTtlMs, { userAgent: req.headers['user-agent'], ip: req.ip })
    const maxAge = Math.floor(opts.sessionTtlMs / 1000)
    reply.setCookie(SESSION_COOKIE, session.token, { ...cookieBase, httpOnly: true, maxAge })
    reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...cookieBase, httpOnly: false, maxAge })
    req.log.info({ userId: found.user.id, username }, 'logged in')
    return { user: found.user, csrfToken: session.csrfToken }
  })

  app.post('/api/auth/logout', {
    schema: { tags: ['auth'], summary: 'Log out: revokes this session', response: { 204: Type.Null() } }
  }, async (req, reply) => {
    if (req.sessionToken !== null) await users.revokeSession(req.sessionToken, clock())
    reply.clearCookie(SESSION_COOKIE, cookieBase).clearCookie(CSRF_COOKIE, cookieBase)
    return await reply.code(204).send(null)
  })

  app.get('/api/auth/me', {
    schema: { tags: ['auth'], summary: 'The logged-in user and the CSRF token of the session', response: { 200: SessionAnswer } }
  }, async (req) => ({ user: currentUser(req), csrfToken: req.csrfToken ?? '' }))

  app.post('/api/auth/password', {
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
    const now = clock()
    await users.update(me.id, { passwordHash: await hashPassword(req.body.newPassword) }, now)
    await users.revokeAllSessions(me.id, now)
    const session = await users.startSession(me.id, now, opts.sessionTtlMs, { userAgent: req.headers['user-agent'], ip: req.ip })
    const maxAge = Math.floor(opts.sessionTtlMs / 1000)
    reply.setCookie(SESSION_COOKIE, session.token, { ...cookieBase, httpOnly: true, maxAge })
    reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...cookieBase, httpOnly: false, maxAge })
    return await reply.code(204).send(null)
  })
}
