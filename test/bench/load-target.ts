// The process under load in `npm run bench` (test/bench/load.ts forks it, one per run and side):
//   bare    — asterisk-manager reading the PBX stream and a `ws` server broadcasting one frame per
//             ringing call to every client: the floor any AMI → websocket service stands on;
//   service — the whole service (createService: AMI client, call tracking, database, push hub,
//             /ws) on PGlite in a fresh DATA_DIR or on the PostgreSQL database given.
// Talks to the parent over IPC: it says { ready, port, tokens }, answers { stats } requests with
// what it stored and its memory, and stops on { stop }.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import v8 from 'node:v8'
import http from 'node:http'
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'
import AsteriskManager from 'asterisk-manager'
import { WebSocketServer, type WebSocket } from 'ws'
import { sql } from 'kysely'
import { loadConfig } from '../../src/config.js'
import { openDatabase, type Database } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { usersRepository } from '../../src/db/users.repository.js'
import { createService, type Service } from '../../src/service.js'

export type TargetRequest =
  /** collect: a full collection first (the target runs with --expose-gc), so heapUsed is the live heap */
  | { kind: 'stats', collect?: boolean }
  | { kind: 'stop' }
  | { kind: 'mem' }
  | { kind: 'triggers', triggers: Array<[string, number]> }

export interface TargetStats {
  /** calls stored with an end (service) / -1 (bare) */
  ended: number
  rows: number
  distinct: number
  drafts: number
  /** events received (bare) */
  events: number
  firstEventAt: number
  lastEventAt: number
  rss: number
  peakRss: number
  heapUsed: number
  /** the pipeline's backlog (service) */
  peakQueued: number
  pauses: number
  /** when each call's ring was handed to the sockets (the first time), by Linkedid: the target's share of the ring's latency */
  ringsHandedAt: Array<[string, number]>
}

const mode = process.env.LOAD_MODE ?? 'service'
const clients = Number(process.env.LOAD_CLIENTS ?? '200')
const amiUrl = process.env.LOAD_AMI_URL ?? ''
const send = (m: unknown): void => { process.send?.(m) }
const now = (): number => performance.timeOrigin + performance.now()

function peakRss (): number {
  const status = fs.readFileSync('/proc/self/status', 'utf8')
  const m = /VmHWM:\s+(\d+) kB/.exec(status)
  return m === null ? 0 : Number(m[1]) * 1024
}

if (mode === 'bare') await bare()
else await service()

async function bare (): Promise<void> {
  const u = new URL(amiUrl.replace(/^ami:/, 'http:'))
  const server = http.createServer()
  const wss = new WebSocketServer({ server })
  const sockets = new Set<WebSocket>()
  wss.on('connection', (ws) => { sockets.add(ws); ws.on('close', () => sockets.delete(ws)); ws.send(JSON.stringify({ type: 'hello' })) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  // which event of which call is its ring (the n-th event carrying that Linkedid): set by the parent
  let triggers = new Map<string, number>()
  const seen = new Map<string, number>()
  const handedAt = new Map<string, number>()
  let events = 0
  let firstEventAt = 0
  let lastEventAt = 0
  const manager = AsteriskManager(Number(u.port), u.hostname, decodeURIComponent(u.username), decodeURIComponent(u.password), true)
  manager.on('managerevent', (e: Record<string, unknown>) => {
    const t = now()
    if (events === 0) firstEventAt = t
    events++
    lastEventAt = t
    const linkedId = e.linkedid
    if (typeof linkedId !== 'string') return
    const n = (seen.get(linkedId) ?? 0) + 1
    seen.set(linkedId, n)
    if (triggers.get(linkedId) !== n) return
    const frame = JSON.stringify({ type: 'call.ringing', call: { linkedId, callerNumber: e.calleridnum ?? null } })
    handedAt.set(linkedId, now())
    for (const ws of sockets) ws.send(frame)
  })
  manager.on('error', () => {})
  process.on('message', (m: TargetRequest) => {
    if (m.kind === 'mem') send({ rss: process.memoryUsage().rss })
    if (m.kind === 'triggers') {
      triggers = new Map(m.triggers)
      seen.clear()
      handedAt.clear()
      events = 0
      send({ ack: true })
    }
    if (m.kind === 'stats') {
      const mem = process.memoryUsage()
      send({ stats: { ended: -1, rows: -1, distinct: -1, drafts: -1, events, firstEventAt, lastEventAt, rss: mem.rss, peakRss: peakRss(), heapUsed: mem.heapUsed, peakQueued: 0, pauses: 0, ringsHandedAt: [...handedAt] } satisfies TargetStats })
    }
    if (m.kind === 'stop') { manager.disconnect(); wss.close(); server.close(); process.exit(0) }
  })
  manager.keepConnected()
  send({ ready: true, port: (server.address() as { port: number }).port, tokens: Array.from({ length: clients }, () => '') })
}

async function service (): Promise<void> {
  const dataDir = process.env.LOAD_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hdj-load-'))
  const config = loadConfig({
    LOG_LEVEL: process.env.LOAD_LOG_LEVEL ?? 'silent',
    DATA_DIR: dataDir,
    DATABASE_URL: process.env.LOAD_DATABASE_URL,
    AMI_URL: amiUrl,
    HELPDESK_DID: '73452290256',
    PORT: '0',
    HOST: '127.0.0.1'
  })
  const database: Database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir })
  await migrateToLatest(database)
  const queries = countQueries(database)
  const stalls = watchStalls()
  // the specialists: 200 screens of 20 users (10 each, like a shift with its tabs), sessions made directly
  const users = usersRepository(database.db)
  const people = []
  for (let i = 0; i < 20; i++) {
    const username = `spec${101 + i}` // the recorded calls are answered at 101 and 102
    people.push((await users.credentials(username))?.user ?? await users.create({ username, fullName: `Специалист ${i + 1} Нагрузочный`, passwordHash: 'x', role: 'specialist', extension: String(101 + i) }))
  }
  const tokens: string[] = []
  for (let i = 0; i < clients; i++) tokens.push((await users.startSession(people[i % people.length]!.id, new Date(), 12 * 3600_000, {})).token)
  const svc: Service = await createService(config, { database, clock: () => new Date(), logger: config.logLevel === 'silent' ? false : { level: config.logLevel } })
  await svc.start()
  await svc.app.listen({ port: 0, host: '127.0.0.1' })
  const port = (svc.app.server.address() as { port: number }).port
  const handedAt = watchRings(svc)
  process.on('message', (m: TargetRequest) => {
    if (m.kind === 'mem') send({ rss: process.memoryUsage().rss })
    if (m.kind === 'stats') {
      void (async () => {
        const r = await sql<{ ended: number, rows: number, distinct: number, drafts: number }>`
          select count(*) filter (where ended_at is not null)::int as ended, count(*)::int as rows,
                 count(distinct linked_id)::int as distinct, count(entry_id)::int as drafts from call`.execute(database.db)
        if (m.collect === true) (globalThis as { gc?: () => void }).gc?.()
        // LOAD_HEAP_SNAPSHOTS=dir: the heap after each collected reading, to compare what stays
        if (m.collect === true && process.env.LOAD_HEAP_SNAPSHOTS !== undefined) v8.writeHeapSnapshot(path.join(process.env.LOAD_HEAP_SNAPSHOTS, `heap-${Date.now()}.heapsnapshot`))
        const mem = process.memoryUsage()
        const backlog = svc.telephony.pipeline?.backlog()
        send({ stats: { ...r.rows[0]!, events: 0, firstEventAt: 0, lastEventAt: 0, rss: mem.rss, peakRss: peakRss(), heapUsed: mem.heapUsed, peakQueued: backlog?.peak ?? 0, pauses: backlog?.pauses ?? 0, ringsHandedAt: [...handedAt] } satisfies TargetStats })
      })().catch((err: unknown) => { send({ error: String(err) }) })
    }
    if (m.kind === 'stop') {
      void (async () => {
        if (queries !== undefined) {
          const rows = [...queries].sort((a, b) => b[1].ms - a[1].ms).slice(0, 40)
          for (const [text, q] of rows) console.error(`${String(q.n).padStart(7)} ${q.ms.toFixed(0).padStart(7)} ms  ${text}`)
        }
        stalls?.()
        await svc.close()
        await database.close()
        if (process.env.LOAD_DATA_DIR === undefined) fs.rmSync(dataDir, { recursive: true, force: true })
        process.exit(0)
      })()
    }
  })
  send({ ready: true, port, tokens, leader: svc.leader?.isLeader ?? true })
}

/** When the hub hands each call's first call.ring to the sockets (read off the frame: the service is not changed for it). */
function watchRings (svc: Service): Map<string, number> {
  const handedAt = new Map<string, number>()
  const sockets = (svc.push as unknown as { sockets: { broadcastLive: (text: string) => void } }).sockets
  const broadcastLive = sockets.broadcastLive.bind(sockets)
  sockets.broadcastLive = (text: string) => {
    if (text.startsWith('{"type":"call.ring"')) {
      const linkedId = /"linkedId":"([^"]+)"/.exec(text)?.[1]
      if (linkedId !== undefined && !handedAt.has(linkedId)) handedAt.set(linkedId, now())
    }
    broadcastLive(text)
  }
  return handedAt
}

/** LOAD_STALLS=1: the event loop's delays and the heap's long collections (printed at stop): where a ring's p99 goes. */
function watchStalls (): (() => void) | undefined {
  if (process.env.LOAD_STALLS !== '1') return undefined
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  const pauses: number[] = []
  const gc = new PerformanceObserver((list) => { for (const e of list.getEntries()) if (e.duration >= 20) pauses.push(e.duration) })
  gc.observe({ entryTypes: ['gc'] })
  return () => {
    loop.disable()
    gc.disconnect()
    const ms = (ns: number): string => (ns / 1e6).toFixed(1)
    console.error(`event loop delay p50 ${ms(loop.percentile(50))} ms, p99 ${ms(loop.percentile(99))} ms, max ${ms(loop.max)} ms; collections of 20 ms or more: ${pauses.length}, longest ${Math.max(0, ...pauses).toFixed(0)} ms, in all ${pauses.reduce((a, b) => a + b, 0).toFixed(0)} ms`)
  }
}

/** LOAD_QUERIES=1: every statement on PGlite counted and timed by its text (printed at stop). */
function countQueries (database: Database): Map<string, { n: number, ms: number }> | undefined {
  if (process.env.LOAD_QUERIES !== '1' || database.pglite === undefined) return undefined
  const counts = new Map<string, { n: number, ms: number }>()
  const lite = database.pglite as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>
  for (const method of ['query', 'exec']) {
    const original = lite[method]!.bind(lite)
    lite[method] = async (...args: unknown[]) => {
      const text = String(args[0]).replace(/\s+/g, ' ').slice(0, 110)
      const start = performance.now()
      try { return await original(...args) } finally {
        const c = counts.get(text) ?? { n: 0, ms: 0 }
        c.n++
        c.ms += performance.now() - start
        counts.set(text, c)
      }
    }
  }
  return counts
}
