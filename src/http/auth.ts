// Who is calling: a server-side session behind an HttpOnly cookie. Every route needs one but those
// that declare themselves public (log-in, /health, the UI's files); writes also need the session's CSRF token in the x-csrf-token header
// (a page reads it from the csrf cookie, a script from the log-in answer); auditors only read.
import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { User, UsersRepository, Role } from '../db/users.repository.js'
import { httpError } from './errors.js'
import { MIN_PASSWORD_LENGTH, passwordProblem, passwordWeakness } from '../util/password-policy.js'

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null
    sessionToken: string | null
    csrfToken: string | null
  }
}

export const SESSION_COOKIE = 'sid'
export const CSRF_COOKIE = 'csrf'
const CSRF_HEADER = 'x-csrf-token'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'public': the route answers without a session (log-in, /health, the UI's static files). Every other route needs one. */
    access?: 'public'
    /** a write the auditor may still do: it concerns only the auditor's own session */
    auditorMayWrite?: boolean
    /** the UI's catch-all route: public, but never for a path that names the API */
    uiFallback?: boolean
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

// Only to refuse more, never to grant: a path the UI fallback caught that, decoded and in any case,
// still names the API or the socket (/API/x, //api/x, /api%2Fx) is treated as an API path.
const API_LIKE = /^\/+(api|ws)(\/|$)/i

/** The path of a URL as the router reads it (percent-decoded; left as it is when it does not decode). */
export function decodedPath (url: string): string {
  const path = url.split('?')[0] ?? ''
  try {
    return decodeURIComponent(path)
  } catch {
    return path
  }
}

/**
 * Whether a request needs a session, decided on the route the router chose, never on the URL string
 * (the router decodes %61 and the like, so a string check and the router disagree). A route is public
 * only when it says so; a request no route matched is treated as private.
 */
export function needsSession (req: FastifyRequest): boolean {
  const config: FastifyContextConfig = req.is404 ? {} : req.routeOptions.config
  if (config.access !== 'public') return true
  return config.uiFallback === true && API_LIKE.test(decodedPath(req.url))
}

export interface AuthOptions {
  users: UsersRepository
  clock: () => Date
  sessionTtlMs: number
}

export function installAuth (app: FastifyInstance, opts: AuthOptions): void {
  app.decorateRequest('user', null)
  app.decorateRequest('sessionToken', null)
  app.decorateRequest('csrfToken', null)

  app.addHook('onRequest', async (req: FastifyRequest) => {
    if (!needsSession(req)) return
    const token = req.cookies[SESSION_COOKIE]
    const session = token === undefined || token === '' ? undefined : await opts.users.touchSession(token, opts.clock(), opts.sessionTtlMs)
    if (session === undefined) throw httpError(401, 'UNAUTHENTICATED', 'log in first: no valid session')
    req.user = session.user
    req.sessionToken = token ?? null
    req.csrfToken = session.csrfToken
    if (SAFE_METHODS.has(req.method)) return
    if (req.headers[CSRF_HEADER] !== session.csrfToken) {
      throw httpError(403, 'CSRF_TOKEN_MISMATCH', `send the session's CSRF token in the ${CSRF_HEADER} header (it is in the log-in answer and in the ${CSRF_COOKIE} cookie)`)
    }
    if (session.user.role === 'auditor' && req.routeOptions.config.auditorMayWrite !== true) {
      throw httpError(403, 'READ_ONLY_ROLE', 'the auditor role can only read')
    }
  })
}

/** preHandler: only these roles may use the route. */
export function requireRole (...roles: Role[]) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (req.user === null) throw httpError(401, 'UNAUTHENTICATED', 'log in first: no valid session')
    if (!roles.includes(req.user.role)) throw httpError(403, 'FORBIDDEN', `this needs the role ${roles.join(' or ')}`)
  }
}

/** The logged-in user of a route behind the session hook. */
export function currentUser (req: FastifyRequest): User {
  if (req.user === null) throw httpError(401, 'UNAUTHENTICATED', 'log in first: no valid session')
  return req.user
}

/** A new password must pass the policy (src/util/password-policy.ts): 400 WEAK_PASSWORD naming why. */
export function assertStrongPassword (password: string, username: string): void {
  const problem = passwordProblem(password, username)
  if (problem !== undefined) throw httpError(400, 'WEAK_PASSWORD', `the password must be ${problem}`, { reason: passwordWeakness(password, username), minLength: MIN_PASSWORD_LENGTH })
}
