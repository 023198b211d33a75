// An hour of calls (`npm run bench -- --only=soak`): the service on PGlite (the default) with 200
// screens takes new calls at a steady rate, in chunks of five minutes with new Linkedids each, and
// its memory is sampled after every chunk. A leak shows as RSS and heap growing chunk after chunk;
// every chunk also counts its calls stored and its popups on every screen (none may be lost).
import { AmiSimulator } from '../../src/ami/simulator.js'
import { closeScreens, openScreens, plan, popup, startTarget, type Target } from './load.js'
import type { TargetStats } from './load-target.js'

export interface SoakSample { minute: number, rss: number, heapUsed: number, calls: number }
export interface SoakResult {
  minutes: number
  rate: number
  calls: number
  stored: number
  doubled: number
  framesExpected: number
  framesReceived: number
  samples: SoakSample[]
  peakRss: number
}

export async function runSoak (o: { minutes: number, rate: number, clients: number, epoch: number, databaseUrl?: string, log: (line: string) => void }): Promise<SoakResult> {
  const sim = await AmiSimulator.start({ loginFailDelayMs: 50 })
  let target: Target | undefined
  try {
    const env: Record<string, string> = { LOAD_AMI_URL: sim.url(), LOAD_CLIENTS: String(o.clients) }
    if (o.databaseUrl !== undefined) env.LOAD_DATABASE_URL = o.databaseUrl
    target = await startTarget('service', env)
    await sim.waitForLogin(1)
    const screens = await openScreens([target], o.clients, false)
    const chunkMinutes = Math.min(5, o.minutes)
    const perChunk = Math.max(1, Math.round(o.rate * 60 * chunkMinutes))
    const samples: SoakSample[] = []
    let calls = 0
    let framesExpected = 0
    let framesReceived = 0
    const started = Date.now()
    for (let chunk = 0; (Date.now() - started) / 60_000 < o.minutes; chunk++) {
      const p = plan(perChunk, { spacingMs: 1000 / o.rate, firstEpoch: o.epoch + chunk * 1_000_000 })
      const r = await popup(sim, [target], screens, p, false)
      calls += p.expected.size
      framesExpected += r.framesExpected
      framesReceived += r.framesReceived
      for (const s of screens) { s.ringAt.clear(); s.ringingAt.clear(); s.ended.clear() }
      const stats = await target.request<TargetStats>({ kind: 'stats', collect: true }, 'stats')
      const minute = (Date.now() - started) / 60_000
      samples.push({ minute, rss: stats.rss, heapUsed: stats.heapUsed, calls })
      o.log(`  ${minute.toFixed(1)} min: ${calls} calls, RSS ${(stats.rss / 2 ** 20).toFixed(0)} MiB, heap ${(stats.heapUsed / 2 ** 20).toFixed(0)} MiB, popup p99 ${r.p99.toFixed(0)} ms`)
    }
    const stats = await target.request<TargetStats>({ kind: 'stats', collect: true }, 'stats')
    closeScreens(screens)
    return { minutes: o.minutes, rate: o.rate, calls, stored: stats.ended, doubled: stats.rows - stats.distinct, framesExpected, framesReceived, samples, peakRss: stats.peakRss }
  } finally {
    await target?.stop()
    await sim.close()
  }
}
