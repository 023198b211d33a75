// An app on a fresh migrated database with one user per role, for inject() tests.
import type { FastifyInstance } from 'fastify'
import { createService, type Service, type ServiceDeps } from '../../src/service.js'
import type { PushHub } from '../../src/push/hub.js'
import { loadConfig, type Config } from '../../src/config.js'
import type { Database, Db } from '../../src/db/database.js'
import { usersRepository, type Role, type User } from '../../src/db/users.repository.js'
import { hashPassword } from '../../src/auth/passwords.js'
import { testDatabase, type Backend } from './db.js'

export const TEST_PASSWORD = 'correct-horse-battery'

export interface TestApp {
  app: FastifyInstance
  /** the whole service as createService built it (started) */
  service: Service
  push: PushHub
  database: Database
  db: Db
  config: Config
  users: Record<Role, User>
  /** Headers of a fresh logged-in session of that role's user (cookie + x-csrf-token). */
  as: (role: Role) => Promise<Record<string, string>>
  login: (username: string, password?: string) => Promise<Record<string, string>>
}

type Teardown = { teardown: (fn: () => unknown) => void }

export async function testApp (t: Teardown, extra: Partial<ServiceDeps> & { config?: Config, env?: Record<string, string>, backend?: Backend } = {}): Promise<TestApp> {
  const database = extra.database ?? await testDatabase(t, extra.backend)
  const config = extra.config ?? loadConfig({ LOG_LEVEL: 'silent', LOGIN_RATE_LIMIT: '1000', ...extra.env })
  const repo = usersRepository(database.db)
  const passwordHash = await hashPassword(TEST_PASSWORD)
  const users = {
    specialist: await repo.create({ username: 'ivanova', fullName: 'Иванова Анна Сергеевна', passwordHash, role: 'specialist', extension: '101' }),
    head: await repo.create({ username: 'petrov', fullName: 'Петров Олег Иванович', passwordHash, role: 'head', extension: null }),
    auditor: await repo.create({ username: 'sidorova', fullName: 'Сидорова Мария Павловна', passwordHash, role: 'auditor', extension: null })
  }
  const { env: _env, backend: _backend, config: _config, ...deps } = extra
  const service = await createService(config, { clock: () => new Date(), logger: process.env.TEST_LOG === '1' ? { level: 'debug' } : false, ...deps, database })
  t.teardown(async () => { await service.close() })
  await service.start()
  const app = service.app

  const login = async (username: string, password = TEST_PASSWORD): Promise<Record<string, string>> => {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })
    if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`)
    const sid = res.cookies.find((c) => c.name === 'sid')?.value
    return { cookie: `sid=${sid}`, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken }
  }
  return { app, service, push: service.push, database, db: database.db, config, users, login, as: async (role) => await login(users[role].username) }
}
