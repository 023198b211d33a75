// The HTTP composition root: plugins, the error handler, authentication and every route.
// It never listens; main.ts does, tests use inject().
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import cookie from '@fastify/cookie'
import websocket from '@fastify/websocket'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from './config.js'
import type { Database } from './db/database.js'
import { usersRepository } from './db/users.repository.js'
import { answerMalformedRequest, installErrorHandler } from './http/errors.js'
import { installAuth } from './http/auth.js'
import { installValidation, refuseNulCharacters } from './http/validation.js'
import { authRoutes } from './http/auth.routes.js'
import { usersRoutes } from './http/users.routes.js'
import { healthRoutes, type AmiStatus } from './http/health.routes.js'
import { refuseStrayUpgrades, wsRoutes } from './http/ws.routes.js'
import { startPushHub, type PushHub } from './push/hub.js'
import { callerIdentifier } from './push/identify.js'
import { webRoutes } from './http/web.routes.js'
import { calendarRoutes } from './http/calendar.routes.js'
import { calendarRepository } from './db/calendar.repository.js'
import { createCalendarService, type CalendarService } from './services/calendar.service.js'
import { DEFAULT_SCHEDULE_JSON } from './calendar/index.js'
import { journalRepository } from './db/journal.repository.js'
import { organizationsRepository } from './db/organizations.repository.js'
import { entriesRoutes } from './http/entries.routes.js'
import { organizationsRoutes } from './http/organizations.routes.js'
import { keepDueDatesInStep } from './services/journal-deadlines.js'
import { callsRoutes } from './http/calls.routes.js'
import { callsRepository } from './db/calls.repository.js'
import { mailRepository } from './db/mail.repository.js'
import { mailRoutes } from './http/mail.routes.js'
import { withMailReplies } from './mail/outbox.js'

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

export interface AppDeps {
  config: Config
  database: Database
  clock: () => Date
  amiStatus?: () => AmiStatus
  /** The center's working calendar; created from the database when not given (main.ts shares one with the AMI side). */
  calendar?: CalendarService
  logger?: FastifyServerOptions['logger']
  /** The realtime hub; created (and closed with the app) when not given. */
  push?: PushHub
  /** The mailbox link for /health (the mail channel's status()). */
  mailStatus?: () => AmiStatus
  /** A reply was queued: the mail channel sends it now (main.ts wires its queued()). */
  mailQueued?: () => void
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The realtime hub: publish() / publishCall() reach every screen of every instance. */
    push: PushHub
  }
}

export const LOG_REDACT = ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]', '*.password', '*.secret', '*.passwordHash']

export async function buildApp (deps: AppDeps): Promise<FastifyInstance> {
  const { config, database, clock } = deps
  const db = database.db
  const app = Fastify({
    logger: deps.logger ?? { level: config.logLevel, redact: LOG_REDACT },
    // X-Forwarded-For is believed only from the configured proxies (none by default): req.ip is the real peer
    trustProxy: config.trustProxy.length === 0 ? false : config.trustProxy,
    bodyLimit: 1024 * 1024,
    clientErrorHandler: answerMalformedRequest
  }).withTypeProvider<TypeBoxTypeProvider>()

  installErrorHandler(app)
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

  const users = usersRepository(db)
  const sessionTtlMs = config.sessionTtlHours * 3600_000
  installAuth(app, { users, clock, sessionTtlMs })

  await app.register(healthRoutes, { db, amiStatus: deps.amiStatus ?? (() => 'disabled'), mailStatus: deps.mailStatus ?? (() => 'disabled') })
  await app.register(authRoutes, { users, clock, sessionTtlMs, cookieSecure: config.cookieSecure, loginRateLimit: config.loginRateLimit })
  await app.register(usersRoutes, { users, clock })
  const push = deps.push ?? await startPushHub({
    database, users, clock, log: app.log.child({ module: 'push' }),
    sessionAlive: async (token) => (await users.touchSession(token, clock(), sessionTtlMs)) !== undefined
  })
  if (deps.push === undefined) app.addHook('onClose', async () => { await push.close() })
  app.decorate('push', push)
  await app.register(wsRoutes, { hub: push })
  const calendar = deps.calendar ?? await createCalendarService({
    repo: calendarRepository(db),
    clock,
    initialSchedule: { ...DEFAULT_SCHEDULE_JSON, zone: config.timeZone },
    onListenerError: (err) => app.log.error({ err }, 'calendar listener failed')
  })
  await app.register(calendarRoutes, { calendar })
  const journal = journalRepository(db, { currentCalendar: () => calendar.current(), clock })
  push.identifyCallerWith(callerIdentifier({ byCallerNumber: journal.byCallerNumber, findByPhone: organizationsRepository(db).findByPhone }))
  const stopDueDates = keepDueDatesInStep(calendar, journal, app.log)
  app.addHook('onClose', async () => { stopDueDates() })
  // with SMTP configured, resolving an e-mail request queues its reply in the same transaction (reg. 3.4.1)
  const { smtp, from } = config.mail
  const journalForRoutes = smtp === undefined || from === undefined
    ? journal
    : withMailReplies(journal, { db, journalOptions: { currentCalendar: () => calendar.current(), clock }, from, clock, onQueued: () => deps.mailQueued?.() })
  await app.register(entriesRoutes, { journal: journalForRoutes, clock, publish: async (type, entry) => await push.publish(type, { entry }) })
  await app.register(mailRoutes, {
    mail: mailRepository(db), journal, clock, queued: () => deps.mailQueued?.(),
    publish: async (entryId, mailId) => await push.publish('mail.outbox', { entryId, mailId, state: 'queued' })
  })
  await app.register(organizationsRoutes, { organizations: organizationsRepository(db), clock })
  await app.register(callsRoutes, { calls: callsRepository(db), recordingsDir: config.recordingsDir, timeZone: config.timeZone })
  await app.register(webRoutes, { root: PROJECT_ROOT })

  return app
}
