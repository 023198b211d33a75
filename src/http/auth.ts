// Who is calling: a server-side session behind an HttpOnly cookie. Every /api/ route but
// log-in needs one; writes also need the session's CSRF token in the x-csrf-token header
// (a page reads it from the csrf cookie, a script from the log-in answer); auditors only read.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { User, UsersRepository, Role } from '../db/users.repository.js'
import { httpError } from './errors.js'

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

const PUBLIC_ROUTES = new Set(['POST /api/auth/login'])
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
// writes an auditor may still do: they concern only the auditor's own session
const AUDITOR_WRITES = new Set(['POST /api/auth/logout', 'POST /api/auth/password'])

export interface AuthOptions {
  users: UsersRepository
  clock: () => Date
  sessionTtlMs: number
}

function needsSession (method: string, path: string): boolean {
  if (PUBLIC_ROUTES.has(`${method} ${path}`)) return false
  return path.startsWith('/api/') || path === '/api' || path === '/ws'
}

export function installAuth (app: FastifyInstance, opts: AuthOptions): void {
  app.decorateRequest('user', null)
  app.decorateRequest('sessionToken', null)
  app.decorateRequest('csrfToken', null)

  app.addHook('onRequest', async (req: FastifyRequest) => {
    const path = req.url.split('?')[0] ?? ''
    if (!needsSession(req.method, path)) return
    const token = req.cookies[SESSION_COOKIE]
    const session = token === undefined || token === '' ? undefined : await opts.users.touchSession(token, opts.clock(), opts.sessionTtlMs)
    if (session === undefined) throw httpError(401, 'UNAUTHENTICATED', 'log in first: no valid session')
    req.user = session.user
    req.sessionToken = token ?? null
    req.csrfToken = session.csrfToken
    if (SAFE_METHODS.has(req.method) || path === '/ws') return
    if (req.headers[CSRF_HEADER] !== session.csrfToken) {
      throw httpError(403, 'CSRF_TOKEN_MISMATCH', `send the session's CSRF token in the ${CSRF_HEADER} header (it is in the log-in answer and in the ${CSRF_COOKIE} cookie)`)
    }
    if (session.user.role === 'auditor' && !AUDITOR_WRITES.has(`${req.method} ${path}`)) {
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
