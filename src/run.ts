// Runs the service as a process: database (+ migrations) → first user → createService → listen,
// and a graceful stop on SIGINT/SIGTERM. main.ts and demo.ts both start the service this way.
import type { Config } from './config.js'
import { DataDirError, DataDirLockedError, openDatabase, type Database } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { usersRepository } from './db/users.repository.js'
import { bootstrapAdmin } from './auth/bootstrap.js'
import { createService, type Service } from './service.js'

export interface RunOptions {
  /** Runs on the migrated database before the service is built (the demo adds its users). */
  prepare?: (database: Database) => Promise<void>
  /** Called once the service is stopped, before the process exits (the demo stops its PBX). */
  onStopped?: () => Promise<void>
}

export async function runService (config: Config, opts: RunOptions = {}): Promise<Service> {
  let database: Database
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  } catch (err) {
    if (err instanceof DataDirLockedError || err instanceof DataDirError) {
      console.error(`refusing to start: ${err.message}`)
      process.exit(3)
    }
    throw err
  }
  const applied = await migrateToLatest(database)
  await opts.prepare?.(database)
  const service = await createService(config, { database, clock: () => new Date() })
  const { app } = service
  app.log.info({ db: database.kind, dataDir: database.kind === 'pglite' ? config.dataDir : undefined, migrations: applied }, 'database ready')
  if (await bootstrapAdmin(database, config.bootstrapAdminPassword)) app.log.info('created user admin (role head) from BOOTSTRAP_ADMIN_PASSWORD')
  if ((await usersRepository(database.db).count()) === 0) app.log.warn('no users yet: set BOOTSTRAP_ADMIN_PASSWORD and restart to create user admin')

  let closing = false
  const shutdown = async (signal: string): Promise<void> => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    try {
      await service.close()
    } finally {
      await database.close()
      await opts.onStopped?.()
    }
    process.exit(0)
  }
  process.on('SIGINT', () => { void shutdown('SIGINT') })
  process.on('SIGTERM', () => { void shutdown('SIGTERM') })

  await service.start()
  await app.listen({ port: config.port, host: config.host })
  return service
}
