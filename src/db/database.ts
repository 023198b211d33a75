// Opens the journal's database: a real PostgreSQL when DATABASE_URL is set, otherwise an
// embedded PostgreSQL (PGlite) in DATA_DIR, so `npm start` needs no server.
import fs from 'node:fs'
import path from 'node:path'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite'
import { PGliteDialect } from 'kysely-pglite-dialect'
import { turnIfBusy } from '../util/event-loop.js'
import type { DB } from './types.js'

export type Db = Kysely<DB>

export interface Database {
  db: Db
  /**
   * For the screens' message log (push_message, the calls in progress, presence): on PostgreSQL its
   * commits do not wait for the disk (synchronous_commit off). Every commit that NOTIFYs holds the
   * server's one notification lock through its flush, so a burst of messages flushing one by one
   * delays every NOTIFY — the ring to the other instances' screens too. A server crash may lose the
   * last fraction of a second of messages (a screen's greeting after the restart rebuilds what it
   * shows), never a journal change or a call, which go through `db`. PGlite: `db` itself.
   */
  liveDb: Db
  kind: 'pg' | 'pglite'
  /** Runs a multi-statement SQL script in one transaction (migrations). */
  execScript: (sql: string) => Promise<void>
  /** A pg connection string when kind is 'pg' (LISTEN/NOTIFY needs a dedicated client). */
  url: string | undefined
  /** The embedded instance, when kind is 'pglite' (its own listen()). */
  pglite: PGlite | undefined
  close: () => Promise<void>
}

// Dates stay 'YYYY-MM-DD' strings (a JS Date would shift them by the process zone) and
// int8 (count(*), sums) become numbers on both drivers.
const DATE_OID = 1082
const INT8_OID = 20
pg.types.setTypeParser(DATE_OID, (v: string) => v)
pg.types.setTypeParser(INT8_OID, (v: string) => Number(v))
const pgliteParsers = {
  [pgliteTypes.DATE]: (v: string) => v,
  [pgliteTypes.INT8]: (v: string) => Number(v)
}

export async function openPostgres (url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  pool.on('error', () => { /* an idle client died: the pool replaces it; queries report their own errors */ })
  // a server restart sends FATAL to every session, also to a client checked out between two
  // statements (a transaction), which has no listener then: the statement fails on its own
  pool.on('connect', (client) => { client.on('error', () => {}) })
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  const livePool = new pg.Pool({ connectionString: url, max: 3, options: '-c synchronous_commit=off' })
  livePool.on('error', () => {})
  livePool.on('connect', (client) => { client.on('error', () => {}) })
  const liveDb = new Kysely<DB>({ dialect: new PostgresDialect({ pool: livePool }) })
  return {
    db,
    liveDb,
    kind: 'pg',
    url,
    pglite: undefined,
    execScript: async (sql) => {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        await client.query(sql)
        await client.query('COMMIT')
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {})
        throw err
      } finally {
        client.release()
      }
    },
    close: async () => { await Promise.all([db.destroy(), liveDb.destroy()]) }
  }
}

/** In-memory when dataDir is undefined (tests). */
export async function openPglite (dataDir: string | undefined): Promise<Database> {
  return pgliteDatabase(await PGlite.create(dataDir === undefined ? undefined : path.resolve(dataDir), { parsers: pgliteParsers }))
}

/** The service's database over an open PGlite instance (closing it closes the instance). */
export function pgliteDatabase (pglite: PGlite): Database {
  // PGlite runs each statement in this thread and answers without a turn of the event loop: a
  // chain of statements (a draft's transaction, a backlog) would keep the sockets unread — the next
  // ring waits for it all. Every few milliseconds of statements the loop gets its turn first.
  const query = pglite.query.bind(pglite)
  pglite.query = (async (...args: Parameters<typeof query>) => {
    const turn = turnIfBusy()
    if (turn !== undefined) await turn
    return await query(...args)
  }) as typeof pglite.query
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) })
  return {
    db,
    liveDb: db,
    kind: 'pglite',
    url: undefined,
    pglite,
    execScript: async (sql) => { await pglite.transaction(async (tx) => { await tx.exec(sql) }) },
    close: async () => {
      await db.destroy()
      if (!pglite.closed) await pglite.close()
    }
  }
}

export class DataDirLockedError extends Error {
  constructor (readonly lockFile: string, readonly pid: number) {
    super(`the embedded database in ${path.dirname(lockFile)} is already used by process ${pid}: ` +
      'stop that process first, or give this one another DATA_DIR, or set DATABASE_URL to share a PostgreSQL server ' +
      '(two processes on one embedded database silently lose data)')
    this.name = 'DataDirLockedError'
  }
}

/** DATA_DIR cannot hold the embedded database: not a folder, not writable, the disk full. */
export class DataDirError extends Error {
  constructor (readonly dataDir: string, cause: unknown) {
    const e = cause as NodeJS.ErrnoException & { errno?: number }
    super(`DATA_DIR=${JSON.stringify(dataDir)} cannot hold the embedded database: ${e.code ?? ''} ${e.message ?? String(cause)}`.replace(/\s+/g, ' ').trim() +
      ' (is it a folder this user may write to, on a disk with free space? Or set DATABASE_URL to use a PostgreSQL server)')
    this.name = 'DataDirError'
  }
}

/** Who holds the lock: the pid, and what tells a live holder from a new process that reuses its pid. */
interface LockHolder { pid: number, boot: string | null, start: string | null }

function whoAmI (pid: number): LockHolder {
  return { pid, boot: readOrNull('/proc/sys/kernel/random/boot_id'), start: processStart(pid) }
}

function readOrNull (file: string): string | null {
  try { return fs.readFileSync(file, 'utf8').trim() } catch { return null }
}

/** The process's start time in clock ticks since boot (field 22 of /proc/PID/stat), where /proc exists. */
function processStart (pid: number): string | null {
  const stat = readOrNull(`/proc/${pid}/stat`)
  if (stat === null) return null
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null
}

/** Whether the lock's holder still runs: same boot, and the process with its pid started when it did. */
function holderAlive (h: LockHolder): boolean {
  if (!isAlive(h.pid)) return false
  const now = whoAmI(h.pid)
  if (h.boot !== null && now.boot !== null && h.boot !== now.boot) return false // the machine restarted since
  if (h.start !== null && now.start !== null && h.start !== now.start) return false // the pid went to another process
  return true
}

function parseHolder (text: string): LockHolder | undefined {
  const trimmed = text.trim()
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed), boot: null, start: null } // a lock of an earlier version
  try {
    const o = JSON.parse(trimmed) as Partial<LockHolder>
    return typeof o.pid === 'number' && Number.isInteger(o.pid) && o.pid > 0 ? { pid: o.pid, boot: o.boot ?? null, start: o.start ?? null } : undefined
  } catch {
    return undefined
  }
}

/**
 * PGlite gives no protection against a second process on the same files, and both would
 * lose writes silently, so the data dir is held by an exclusive lock file naming our process.
 * A lock left by a process that is gone (or whose pid now belongs to another process) is taken over.
 */
export function lockDataDir (dataDir: string): () => void {
  const lockFile = path.join(path.resolve(dataDir), 'service.lock')
  try {
    fs.mkdirSync(dataDir, { recursive: true })
    fs.accessSync(dataDir, fs.constants.W_OK)
  } catch (err) {
    throw new DataDirError(dataDir, err)
  }
  const me = JSON.stringify(whoAmI(process.pid))
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockFile, me, { flag: 'wx' })
      return () => { try { if (fs.readFileSync(lockFile, 'utf8') === me) fs.unlinkSync(lockFile) } catch { /* already gone */ } }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new DataDirError(dataDir, err)
      const holder = parseHolder(readOrNull(lockFile) ?? '')
      if (holder !== undefined && holder.pid !== process.pid && holderAlive(holder)) throw new DataDirLockedError(lockFile, holder.pid)
      fs.unlinkSync(lockFile) // stale: its process is gone
    }
  }
  throw new Error(`could not lock ${lockFile}`)
}

function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export async function openDatabase (opts: { databaseUrl: string | undefined, dataDir: string }): Promise<Database> {
  if (opts.databaseUrl !== undefined) return await openPostgres(opts.databaseUrl)
  const unlock = lockDataDir(opts.dataDir)
  try {
    let database: Database
    try {
      database = await openPglite(path.join(opts.dataDir, 'pglite'))
    } catch (err) {
      throw new DataDirError(opts.dataDir, err) // PGlite says only "ErrnoError { errno: 51 }" of a full or read-only disk
    }
    const close = database.close
    return { ...database, close: async () => { try { await close() } finally { unlock() } } }
  } catch (err) {
    unlock()
    throw err
  }
}
