// Hears the ids NOTIFYed on the push channel: a dedicated pg client on a real PostgreSQL (a
// pooled connection cannot hold a LISTEN) that reconnects with backoff, or PGlite's in-process
// listen(). After every (re)connect `onReady` fires so the hub can fetch what it missed meanwhile.
// The same channel carries the live frames (a call's ring) between instances: a JSON payload
// instead of an id, sent on the listening connection itself so it never waits behind the pool.
import pg from 'pg'
import type { Database } from '../db/database.js'

/** Live frames waiting for the listening connection at most. */
const MAX_UNTOLD = 1000

export interface ListenerLogger {
  info: (obj: object, msg: string) => void
  warn: (obj: object, msg: string) => void
}

export interface Listener {
  close: () => Promise<void>
  /** True while notifications are being received. */
  readonly connected: boolean
  /** Tells the other instances a live frame (PostgreSQL; one process on PGlite has nobody to tell). */
  tell: (payload: string) => void
}

export interface ListenOptions {
  database: Database
  channel: string
  onId: (id: number) => void
  /** A live frame another instance told (or this one: the hub knows its own). */
  onLive?: (payload: string) => void
  onReady: () => void
  log: ListenerLogger
  minBackoffMs?: number
  maxBackoffMs?: number
}

export async function listen (opts: ListenOptions): Promise<Listener> {
  const { database } = opts
  if (database.kind === 'pglite') {
    if (database.pglite === undefined) throw new Error('a pglite database without its instance')
    const unlisten = await database.pglite.listen(opts.channel, (payload) => { deliver(payload, opts) })
    opts.onReady()
    let open = true
    return {
      get connected () { return open },
      tell: () => {},
      close: async () => {
        if (!open) return
        open = false
        if (!database.pglite!.closed) await unlisten()
      }
    }
  }
  if (database.url === undefined) throw new Error('a PostgreSQL database without its url')
  return await listenPg(database.url, opts)
}

function deliver (payload: string | undefined, opts: ListenOptions): void {
  if (payload?.startsWith('{') === true) { opts.onLive?.(payload); return }
  const id = Number(payload)
  if (Number.isSafeInteger(id) && id > 0) opts.onId(id)
}

async function listenPg (url: string, opts: ListenOptions): Promise<Listener> {
  const minBackoff = opts.minBackoffMs ?? 250
  const maxBackoff = opts.maxBackoffMs ?? 10_000
  let client: pg.Client | undefined
  /** the live frames told, one statement after another on the listening connection */
  let telling: Promise<unknown> = Promise.resolve()
  let untold = 0
  let closed = false
  let connected = false
  let failures = 0
  let timer: NodeJS.Timeout | undefined

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 10_000, application_name: 'hdj-push-listen' })
    client = c
    let lost = false
    const onLost = (err?: Error): void => {
      if (lost) return
      lost = true
      connected = false
      c.removeAllListeners('notification')
      c.end().catch(() => {})
      if (closed) return
      opts.log.warn({ err: err?.message }, 'push: LISTEN connection lost, reconnecting')
      schedule()
    }
    c.on('error', onLost)
    c.on('end', () => { onLost() })
    c.on('notification', (n) => { if (n.channel === opts.channel) deliver(n.payload, opts) })
    try {
      await c.connect()
      await c.query(`LISTEN ${opts.channel}`)
    } catch (err) {
      onLost(err as Error)
      return
    }
    if (closed) { await c.end().catch(() => {}); return }
    failures = 0
    connected = true
    opts.log.info({ channel: opts.channel }, 'push: listening')
    opts.onReady()
  }

  const schedule = (): void => {
    if (closed || timer !== undefined) return
    const base = Math.min(maxBackoff, minBackoff * 2 ** failures)
    failures++
    const delay = base / 2 + Math.random() * base / 2
    timer = setTimeout(() => { timer = undefined; void connect() }, delay)
  }

  await connect()
  return {
    get connected () { return connected },
    tell: (payload) => {
      const c = client
      if (!connected || c === undefined) return // a live frame is for now: nobody hears it later anyway
      // bounded: behind a stuck connection the rings are given up (each call's stored message follows anyway)
      if (untold >= MAX_UNTOLD) return
      untold++
      telling = telling.then(async () => await c.query('select pg_notify($1, $2)', [opts.channel, payload])).catch(() => {}).finally(() => { untold-- })
    },
    close: async () => {
      closed = true
      connected = false
      if (timer !== undefined) clearTimeout(timer)
      const c = client
      client = undefined
      if (c !== undefined) {
        c.removeAllListeners('notification')
        await c.end().catch(() => {})
      }
    }
  }
}
