// The HTTP side: plugins, the error handler, authentication and every route. It receives the
// pieces service.ts built and never builds or listens itself (main.ts listens, tests inject()).
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import cookie from '@fastify/cookie'
import websocket from '@fastify/websocket'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from './config.js'
import type { Db } from './db/database.js'
import type { UsersRepository } from './db/users.repository.js'
import type { JournalService } from './services/journal.service.js'
import type { OrganizationsRepository } from './db/organizations.repository.js'
import type { CallsRepository } from './db/calls.repository.js'
import type { CalendarService } from './services/calendar.service.js'
import type { PushHub } from './push/hub.js'
import { answerMalformedRequest, installErrorHandler } from './http/errors.js'
import { installAuth } from './http/auth.js'
import { addSecurityHeaders, checkOrigins } from './http/browser-guards.js'
import { installValidation, refuseNulCharacters } from './http/validation.js'
import { authRoutes } from './http/auth.routes.js'
import { usersRoutes } from './http/users.routes.js'
import { healthRoutes, type AmiStatus } from './http/health.routes.js'
import { refuseStrayUpgrades, wsRoutes } from './http/ws.routes.js'
import { webRoutes } from './http/web.routes.js'
import { calendarRoutes } from './http/calendar.routes.js'
import { entriesRoutes } from './http/entries.routes.js'
import { mailRoutes } from './http/mail.routes.js'
import type { MailRepository } from './db/mail.repository.js'
import { organizationsRoutes } from './http/organizations.routes.js'
import { callsRoutes } from './http/calls.routes.js'
import { reportsRoutes } from './http/reports.routes.js'
import { reportsRepository } from './db/reports.repository.js'
import { archiveRepository } from './db/archive.repository.js'

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

const LOG_REDACT = ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]', '*.password', '*.secret', '*.passwordHash']

/** The Fastify instance with its plugins and error handling, before any route (its logger is the service's). */
export async function createHttp (config: Config, clock: () => Date, logger?: FastifyServerOptions['logger']): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? { level: config.logLevel, redact: LOG_REDACT },
    // X-Forwarded-For is believed only from the configured proxies (none by default): req.ip is the real peer
    trustProxy: config.trustProxy.length === 0 ? false : config.trustProxy,
    bodyLimit: 1024 * 1024,
    clientErrorHandler: answerMalformedRequest
  }).withTypeProvider<TypeBoxTypeProvider>()
  installErrorHandler(app, clock)
  installValidation(app)
  refuseNulCharacters(app)
  await app.register(cookie)
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } })
  refuseStrayUpgrades(app)
  await app.register(swagger, {
    openapi: {
      info: { title: 'Журнал специалиста Ситуационного центра — API', version: '1' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sid' }, csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' } } },
      security: [{ session: [], csrf: [] }]
    }
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs' })
  checkOrigins(app, config.allowedOrigins)
  addSecurityHeaders(app)
  return app
}

/** What the routes need; service.ts builds each once. */
export interface HttpDeps {
  config: Config
  db: Db
  clock: () => Date
  users: UsersRepository
  journal: JournalService
  organizations: OrganizationsRepository
  calls: CallsRepository
  calendar: CalendarService
  push: PushHub
  amiStatus: () => AmiStatus
  /** the e-mail channel's storage (the entries' correspondence, attachments, the outbox) */
  mail: MailRepository
  mailStatus: () => AmiStatus
  /** a failed reply queued again by hand: send it now */
  mailQueued: () => void
}

export async function mountRoutes (app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { config, clock, users, push } = deps
  const sessionTtlMs = config.sessionTtlHours * 3600_000
  installAuth(app, { users, clock, sessionTtlMs })
  await app.register(healthRoutes, { db: deps.db, amiStatus: deps.amiStatus, mailStatus: deps.mailStatus })
  const sessionsEnded = async (): Promise<void> => { await push.sessionsEnded() }
  await app.register(authRoutes, { users, clock, sessionTtlMs, cookieSecure: config.cookieSecure, loginRateLimit: config.loginRateLimit, sessionsEnded })
  await app.register(usersRoutes, { users, clock, sessionsEnded })
  await app.register(wsRoutes, { hub: push })
  await app.register(calendarRoutes, { calendar: deps.calendar })
  await app.register(entriesRoutes, {
    journal: deps.journal,
    clock,
    zone: () => deps.calendar.current().schedule.zone,
    publish: async (type, entry) => { await push.publishCommitted(type, { entry }) },
    userNames: async () => new Map((await users.list()).map((u) => [u.id, u.fullName])),
    mailReplies: config.mail.smtp !== undefined && config.mail.from !== undefined
  })
  await app.register(organizationsRoutes, { organizations: deps.organizations, clock })
  await app.register(callsRoutes, { calls: deps.calls, recordingsDir: config.recordingsDir, timeZone: config.timeZone, clock: deps.clock })
  await app.register(reportsRoutes, { reports: reportsRepository(deps.db), archive: archiveRepository(deps.db), centerName: config.centerName, calendar: () => deps.calendar.current(), clock })
  await app.register(mailRoutes, {
    mail: deps.mail, journal: deps.journal, clock, queued: deps.mailQueued,
    publish: async (entryId, mailId) => { await push.publishCommitted('mail.outbox', { entryId, mailId, state: 'queued' }) }
  })
  await app.register(webRoutes, { root: PROJECT_ROOT })
}
