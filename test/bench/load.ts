// The full path under load, each figure beside the bare baseline of the same stream in the same run.
// One simulated PBX (src/ami/simulator.ts, a real AMI socket) serves realistic unique calls made
// from the recorded transcripts (test/helpers/flood.ts); the process under test is forked
// (test/bench/load-target.ts): either the bare asterisk-manager + ws broadcast, or the service.
// The clients (real websockets, logged in) and the PBX live here, so the popup latency is measured
// on one clock: from the moment the ringing event's bytes are written to the PBX socket to the
// moment a screen has the frame.
//   popup  — `calls` new calls at `rate` a second with their recorded timing, `clients` screens:
//            p50/p99 of the ringing frame, frames lost, calls lost or doubled, peak RSS;
//   flood  — `floodCalls` calls written at once (TCP holds what the reader does not take):
//            events/s until the service had stored every call ended (bare: until it parsed all).
import { fork, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import { AmiSimulator, type Transcript } from '../../src/ami/simulator.js'
import { flood, type Flood } from '../helpers/flood.js'
import { DID } from '../helpers/ami.js'
import { fromRaw } from '../../src/ami/message.js'
import { normalize } from '../../src/ami/normalize.js'
import { step } from '../../src/calls/step.js'
import type { Call } from '../../src/calls/call.js'
import type { TargetRequest, TargetStats } from './load-target.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const now = (): number => performance.timeOrigin + performance.now()
const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

export interface Target {
  child: ChildProcess
  port: number
  tokens: string[]
  leader: boolean
  request: <T>(m: TargetRequest, key: string) => Promise<T>
  stop: () => Promise<void>
}

export async function startTarget (mode: 'bare' | 'service', env: Record<string, string>): Promise<Target> {
  const child = fork(path.join(here, 'load-target.ts'), [], {
    execArgv: ['--import', 'tsx', '--expose-gc', ...(process.env.LOAD_PROF === '1' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LOAD_PROF_DIR ?? 'prof'}`] : [])],
    env: { ...process.env, LOAD_MODE: mode, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  child.setMaxListeners(1000)
  const ready = await new Promise<{ port: number, tokens: string[], leader?: boolean }>((resolve, reject) => {
    child.once('exit', (code) => { reject(new Error(`the ${mode} target exited (${code})`)) })
    const onMessage = (m: { ready?: boolean, port: number, tokens: string[], leader?: boolean }): void => {
      if (m.ready === true) { child.off('message', onMessage); resolve(m) }
    }
    child.on('message', onMessage)
  })
  const request = async <T>(m: TargetRequest, key: string): Promise<T> => await new Promise<T>((resolve, reject) => {
    const onMessage = (r: Record<string, unknown>): void => {
      if ('error' in r) { child.off('message', onMessage); reject(new Error(String(r.error))) }
      if (key in r) { child.off('message', onMessage); resolve(r[key] as T) }
    }
    child.on('message', onMessage)
    child.send(m)
  })
  return {
    child,
    port: ready.port,
    tokens: ready.tokens,
    leader: ready.leader ?? true,
    request,
    stop: async () => {
      const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
      child.send({ kind: 'stop' } satisfies TargetRequest)
      const timer = setTimeout(() => { child.kill('SIGKILL') }, 20_000)
      await exited
      clearTimeout(timer)
    }
  }
}

/** One screen: when each call's ring arrived (the first of call.ring and call.ringing), its call.ringing, and the ends. */
interface Screen {
  ws: WebSocket
  ringAt: Map<string, number>
  /** call.ringing (the stored message with the draft and the caller): frames lost or doubled are counted on it */
  ringingAt: Map<string, number>
  doubled: number
  ended: Set<string>
  frames: number
}

const TYPE = /"type":"([a-z.]+)"/
const LINKED = /"linkedId":"([^"]+)"/

export async function openScreens (targets: Target[], count: number, bare: boolean): Promise<Screen[]> {
  const screens: Screen[] = []
  const opening: Array<Promise<void>> = []
  for (let i = 0; i < count; i++) {
    const target = targets[i % targets.length]!
    const token = target.tokens[Math.floor(i / targets.length) % target.tokens.length]!
    const ws = new WebSocket(bare ? `ws://127.0.0.1:${target.port}/` : `ws://127.0.0.1:${target.port}/ws`, { headers: bare ? {} : { cookie: `sid=${token}` } })
    const screen: Screen = { ws, ringAt: new Map(), ringingAt: new Map(), doubled: 0, ended: new Set(), frames: 0 }
    ws.on('message', (data: Buffer) => {
      const at = now()
      screen.frames++
      const text = data.toString()
      const type = TYPE.exec(text)?.[1]
      if (type !== 'call.ring' && type !== 'call.ringing' && type !== 'call.ended') return
      const linkedId = LINKED.exec(text)?.[1]
      if (linkedId === undefined) return
      if (type === 'call.ended') { screen.ended.add(linkedId); return }
      if (!screen.ringAt.has(linkedId)) screen.ringAt.set(linkedId, at)
      if (type === 'call.ring') return
      if (screen.ringingAt.has(linkedId)) screen.doubled++
      else screen.ringingAt.set(linkedId, at)
    })
    opening.push(new Promise<void>((resolve, reject) => {
      ws.once('message', () => { resolve() }) // the greeting: the screen is live
      ws.once('error', reject)
    }))
    screens.push(screen)
    if (i % 20 === 19) await Promise.all(opening.slice(-20))
  }
  await Promise.all(opening)
  return screens
}

export function closeScreens (screens: Screen[]): void {
  for (const s of screens) s.ws.terminate()
}

export interface Plan extends Flood {
  /** per ringing call: the n-th event with its Linkedid that rings it (the bare side counts so) */
  triggers: Map<string, number>
  /** block index → the Linkedid it rings */
  ringBlock: Map<number, string>
  /** the most calls in progress at once in the recorded timing */
  concurrent: number
  spanMs: number
}

export function plan (calls: number, opts: { spacingMs: number, firstEpoch: number }): Plan {
  const f = flood(calls, opts)
  const triggers = new Map<string, number>()
  const ringBlock = new Map<number, string>()
  const count = new Map<string, number>()
  const first = new Map<string, number>()
  const last = new Map<string, number>()
  // the ringing block of each call: where the pure tracker (normalize → step) says call.ringing
  const tracked = new Map<string, Call>()
  const at = new Date()
  f.transcript.blocks.forEach((b, i) => {
    const headers: Record<string, string> = {}
    for (const line of b.bytes.toString('utf8').split('\r\n')) {
      const c = line.indexOf(': ')
      if (c > 0 && headers[line.slice(0, c).toLowerCase()] === undefined) headers[line.slice(0, c).toLowerCase()] = line.slice(c + 2)
    }
    const linkedId = headers.linkedid
    if (linkedId !== undefined) {
      count.set(linkedId, (count.get(linkedId) ?? 0) + 1)
      if (!first.has(linkedId)) first.set(linkedId, b.t)
      last.set(linkedId, b.t)
    }
    const m = fromRaw(headers)
    if (!m.ok || m.message.kind !== 'event') return
    const ev = normalize(m.message, at)
    if (ev === undefined) return
    const r = step(tracked.get(ev.linkedId), ev, { helpdeskDid: DID })
    if (r.call === undefined) return
    tracked.set(ev.linkedId, r.call)
    if (r.effects.some((e) => e.type === 'call.ringing') && !triggers.has(ev.linkedId) && linkedId === ev.linkedId) {
      triggers.set(ev.linkedId, count.get(ev.linkedId)!)
      ringBlock.set(i, ev.linkedId)
    }
  })
  if (triggers.size !== f.rang.size) throw new Error(`ringing blocks found for ${triggers.size} of ${f.rang.size} calls`)
  const edges: Array<[number, number]> = []
  for (const [id, t] of first) { edges.push([t, 1]); edges.push([last.get(id)!, -1]) }
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1])
  let live = 0
  let concurrent = 0
  for (const [, d] of edges) { live += d; concurrent = Math.max(concurrent, live) }
  const ts = f.transcript.blocks.map((b) => b.t)
  return { ...f, triggers, ringBlock, concurrent, spanMs: Math.max(...ts) - Math.min(...ts) }
}

/** Plays the transcript with its timing; returns when each ringing block was written. */
async function paced (sim: AmiSimulator, p: Plan): Promise<Map<string, number>> {
  const written = new Map<string, number>()
  const blocks = p.transcript.blocks
  const start = now() - (blocks[0]?.t ?? 0)
  for (let i = 0; i < blocks.length;) {
    const t = blocks[i]!.t
    const group: Buffer[] = []
    const rings: string[] = []
    for (; i < blocks.length && blocks[i]!.t === t; i++) {
      group.push(blocks[i]!.bytes)
      const ring = p.ringBlock.get(i)
      if (ring !== undefined) rings.push(ring)
    }
    const wait = start + t - now()
    if (wait > 1) await sleep(wait)
    const at = now()
    for (const r of rings) written.set(r, at)
    await sim.inject(Buffer.concat(group))
  }
  return written
}

function quantile (sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

export interface PopupResult {
  calls: number
  rang: number
  clients: number
  /** the ring on the screens (call.ring, else call.ringing) */
  p50: number
  p99: number
  max: number
  /** of the ring: from the PBX's bytes to the hand-off to the sockets (per call), and from there to a screen (per screen) */
  inTargetP50: number
  inTargetP99: number
  toScreensP50: number
  toScreensP99: number
  /** call.ringing: the popup with who is calling and the draft */
  draftP50: number
  draftP99: number
  framesExpected: number
  framesReceived: number
  framesDoubled: number
  endedExpected: number
  endedReceived: number
  concurrent: number
  peakRss: number
  stats: TargetStats[]
}

async function waitUntil (cond: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (await cond()) return true
    await sleep(100)
  }
  return false
}

/** The popup phase on already open screens. */
export async function popup (sim: AmiSimulator, targets: Target[], screens: Screen[], p: Plan, bare: boolean): Promise<PopupResult> {
  if (bare) for (const t of targets) await t.request({ kind: 'triggers', triggers: [...p.triggers] }, 'ack').catch(() => {})
  let peakRss = 0
  const sampling = setInterval(() => {
    for (const t of targets) void t.request<number>({ kind: 'mem' }, 'rss').then((rss) => { peakRss = Math.max(peakRss, rss) })
  }, 250)
  const written = await paced(sim, p)
  const framesExpected = p.triggers.size * screens.length
  // every call.ringing (the bare side sends only that): a ring ahead of it does not count as delivered
  const received = (): number => screens.reduce((n, s) => n + s.ringingAt.size, 0)
  const ended = (): number => screens.reduce((n, s) => n + s.ended.size, 0)
  // late is not lost: a frame counts as lost only when it has not come two minutes after the last call was written
  await waitUntil(() => received() >= framesExpected && (bare || ended() >= p.expected.size * screens.length), 120_000)
  clearInterval(sampling)
  const stats = await Promise.all(targets.map(async (t) => await t.request<TargetStats>({ kind: 'stats' }, 'stats')))
  // the ring's way in two parts: the PBX's bytes written → handed to the sockets (in the target), → on a screen
  const handedAt = new Map<string, number>()
  for (const st of stats) for (const [id, at] of st.ringsHandedAt) if (!handedAt.has(id) || at < handedAt.get(id)!) handedAt.set(id, at)
  const inTarget = [...handedAt].flatMap(([id, at]) => { const w = written.get(id); return w === undefined ? [] : [at - w] }).sort((a, b) => a - b)
  const toScreens = screens.flatMap((s) => [...s.ringAt].flatMap(([id, at]) => { const h = handedAt.get(id); return h === undefined ? [] : [at - h] })).sort((a, b) => a - b)
  const latencies: number[] = []
  for (const s of screens) {
    for (const [id, at] of s.ringAt) {
      const w = written.get(id)
      if (w !== undefined) latencies.push(at - w)
    }
  }
  latencies.sort((a, b) => a - b)
  // the draft and the caller on the popup: call.ringing (the bare side sends nothing else)
  const withDraft: number[] = []
  for (const s of screens) {
    for (const [id, at] of s.ringingAt) {
      const w = written.get(id)
      if (w !== undefined) withDraft.push(at - w)
    }
  }
  withDraft.sort((a, b) => a - b)
  return {
    calls: p.expected.size,
    inTargetP50: quantile(inTarget, 0.5),
    inTargetP99: quantile(inTarget, 0.99),
    toScreensP50: quantile(toScreens, 0.5),
    toScreensP99: quantile(toScreens, 0.99),
    draftP50: quantile(withDraft, 0.5),
    draftP99: quantile(withDraft, 0.99),
    rang: p.triggers.size,
    clients: screens.length,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1) ?? NaN,
    framesExpected,
    framesReceived: received(),
    framesDoubled: screens.reduce((n, s) => n + s.doubled, 0),
    endedExpected: bare ? 0 : p.expected.size * screens.length,
    endedReceived: bare ? 0 : ended(),
    concurrent: p.concurrent,
    peakRss,
    stats
  }
}

export interface FloodResult {
  calls: number
  events: number
  /** until every call was stored ended */
  seconds: number
  /** until every call that rang had its draft too */
  followedUpSeconds: number
  eventsPerSecond: number
  stored: number
  rows: number
  distinct: number
  drafts: number
  draftsExpected: number
  peakQueued: number
  pauses: number
  rss: number
  timedOut: boolean
}

/** The flood: every byte written at once; done when the target has it all (parsed, or stored). */
export async function floodPhase (sim: AmiSimulator, targets: Target[], f: Flood, bare: boolean, timeoutMs: number): Promise<FloodResult> {
  const leader = targets.find((t) => t.leader) ?? targets[0]!
  if (bare) await leader.request({ kind: 'triggers', triggers: [] }, 'ack').catch(() => {})
  const before = bare ? undefined : await leader.request<TargetStats>({ kind: 'stats' }, 'stats')
  const start = now()
  const writing = sim.play(f.transcript as Transcript)
  let stats: TargetStats | undefined
  let doneAt = 0
  const done = await waitUntil(async () => {
    stats = await leader.request<TargetStats>({ kind: 'stats' }, 'stats')
    doneAt = bare ? stats.lastEventAt : now()
    return bare ? stats.events >= f.events : stats.ended - before!.ended >= f.expected.size
  }, timeoutMs)
  // then the follow-ups: every call that rang has its draft (and was announced) — the service's work done
  let followedUpAt = doneAt
  if (!bare && done) {
    await waitUntil(async () => {
      stats = await leader.request<TargetStats>({ kind: 'stats' }, 'stats')
      followedUpAt = now()
      return stats.drafts - before!.drafts >= f.rang.size
    }, timeoutMs)
  }
  await writing
  const seconds = (doneAt - start) / 1000
  return {
    followedUpSeconds: (followedUpAt - start) / 1000,
    calls: f.expected.size,
    events: f.events,
    seconds,
    eventsPerSecond: f.events / seconds,
    stored: (stats?.ended ?? 0) - (before?.ended ?? 0),
    rows: (stats?.rows ?? 0) - (before?.rows ?? 0),
    distinct: (stats?.distinct ?? 0) - (before?.distinct ?? 0),
    drafts: (stats?.drafts ?? 0) - (before?.drafts ?? 0),
    draftsExpected: f.rang.size,
    peakQueued: stats?.peakQueued ?? 0,
    pauses: stats?.pauses ?? 0,
    rss: stats?.rss ?? 0,
    timedOut: !done
  }
}

export interface LoadOptions {
  calls: number
  rate: number
  clients: number
  floodCalls: number
  /** the database of each service instance: undefined → PGlite in a fresh folder */
  databaseUrl?: string
  instances: number
  bare: boolean
  epoch: number
  log: (line: string) => void
}

export interface LoadResult { popup: PopupResult, flood: FloodResult }

/** One side (bare, or the service on one database with one or two instances), both phases. */
export async function runLoad (o: LoadOptions): Promise<LoadResult> {
  const sim = await AmiSimulator.start({ loginFailDelayMs: 50 })
  const targets: Target[] = []
  try {
    const env: Record<string, string> = { LOAD_AMI_URL: sim.url(), LOAD_CLIENTS: String(Math.ceil(o.clients / o.instances)) }
    if (o.databaseUrl !== undefined) env.LOAD_DATABASE_URL = o.databaseUrl
    for (let i = 0; i < o.instances; i++) targets.push(await startTarget(o.bare ? 'bare' : 'service', env))
    await sim.waitForLogin(1)
    await sleep(500) // the service reconciles after its login
    if (o.instances > 1) {
      // the one leader reads AMI; which one it is, the instances say
      const leaders = await Promise.all(targets.map(async (t) => await t.request<TargetStats>({ kind: 'stats' }, 'stats')))
      void leaders
    }
    const screens = await openScreens(targets, o.clients, o.bare)
    o.log(`  ${screens.length} screens open; ${o.calls} calls at ${o.rate}/s`)
    const p = plan(o.calls, { spacingMs: 1000 / o.rate, firstEpoch: o.epoch })
    const popupResult = await popup(sim, targets, screens, p, o.bare)
    o.log(`  popup p50 ${popupResult.p50.toFixed(1)} ms, p99 ${popupResult.p99.toFixed(1)} ms (with its draft: p50 ${popupResult.draftP50.toFixed(1)} ms, p99 ${popupResult.draftP99.toFixed(1)} ms), frames ${popupResult.framesReceived}/${popupResult.framesExpected}`)
    o.log(`  the ring: read and handed to the sockets p50 ${popupResult.inTargetP50.toFixed(1)} ms, p99 ${popupResult.inTargetP99.toFixed(1)} ms; from there on a screen p50 ${popupResult.toScreensP50.toFixed(1)} ms, p99 ${popupResult.toScreensP99.toFixed(1)} ms`)
    const f = flood(o.floodCalls, { spacingMs: 5, firstEpoch: o.epoch + 100_000 })
    const floodResult = await floodPhase(sim, targets, f, o.bare, 600_000)
    o.log(`  flood ${f.events} events in ${floodResult.seconds.toFixed(1)} s = ${Math.round(floodResult.eventsPerSecond)} events/s, stored ${floodResult.stored}/${f.expected.size}${o.bare ? '' : `; every draft opened after ${floodResult.followedUpSeconds.toFixed(1)} s (${Math.round(f.events / floodResult.followedUpSeconds)} events/s)`}`)
    closeScreens(screens)
    return { popup: popupResult, flood: floodResult }
  } finally {
    for (const t of targets.reverse()) await t.stop()
    await sim.close()
  }
}
