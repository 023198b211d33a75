// Overload: a flood of realistic calls over a real AMI socket, faster than the database can take
// them. The pipeline pauses the AMI reading at its high-water mark (TCP holds the rest at the
// PBX), the keep-alive does not mistake our own backlog for a dead PBX, and every call is stored
// once with its outcome and its draft, on PGlite and on PostgreSQL alike.
import t from 'tap'
import { simulator, waitFor } from '../helpers/ami.js'
import { stack } from '../helpers/pipeline.js'
import { backends } from '../helpers/db.js'
import { flood } from '../helpers/flood.js'
import { CALL_LANES_ON_PG } from '../../src/service.js'

const HIGH_WATER = 8
/** blocks in one 64 KiB socket read at most (the smallest recorded block is over 400 bytes) */
const ONE_READ = 160

for (const backend of backends()) {
  // on PostgreSQL calls are worked on side by side (as the service does): each call's events still in order
  t.test(`pipeline (${backend}): a flood of calls is stored whole, once, with the AMI reading paused instead of dropped`, async (t) => {
    const sim = await simulator(t)
    const s = await stack(t, backend)
    const f = flood(18, { spacingMs: 5 })
    t.ok(f.expected.size >= 18, `${f.expected.size} calls in ${f.events} events`)
    // a keep-alive far shorter than the flood: a Ping waiting behind unread events would time out
    const svc = s.service(sim.url(), { client: { pingIntervalMs: 100, pingTimeoutMs: 1000 }, pipeline: { highWater: HIGH_WATER, lanes: backend === 'pg' ? CALL_LANES_ON_PG : 1 } })
    let drops = 0
    svc.client.on('disconnected', () => { drops++ })
    await sim.waitForLogin(1)
    await waitFor('reconciled', () => svc.log.lines.some((l) => l.msg === 'reconciled calls with the PBX'))

    await sim.play(f.transcript) // every byte written at once: the flood
    const ended = (): boolean => [...f.expected.keys()].every((id) => svc.pipeline.tracked().get(id)?.state === 'ended')
    await waitFor('every call ended', ended, 240_000)
    await svc.pipeline.idle()

    const backlog = svc.pipeline.backlog()
    t.ok(backlog.pauses > 0, `the reading paused (${backlog.pauses} times) while the pipeline was behind`)
    t.ok(backlog.peak <= HIGH_WATER + ONE_READ, `the queue stayed bounded: peak ${backlog.peak} events, high-water mark ${HIGH_WATER} + one socket read (the flood has ${f.events})`)
    t.equal(drops, 0, 'the AMI connection was never dropped (no keep-alive timeout during the pauses)')
    t.equal(sim.connections, 1, 'still the one login')

    const rows = await s.calls.list({ limit: 10_000 })
    t.equal(rows.length, f.expected.size, 'one row per call, none lost, none doubled')
    const byId = new Map(rows.map((r) => [r.linkedId, r]))
    let same = 0
    const wrong: string[] = []
    for (const [id, call] of f.expected) {
      const r = byId.get(id)
      const ok = r !== undefined && r.outcome === call.outcome && r.rejectReason === call.rejectReason &&
        (r.answeredBy?.extension ?? null) === call.answeredBy && r.callerNumber === call.callerNumber && r.endedAt !== null
      if (ok) same++
      else if (wrong.length < 5) wrong.push(`${id}: stored ${JSON.stringify(r === undefined ? null : { outcome: r.outcome, by: r.answeredBy?.extension })}, events say ${call.outcome}/${call.answeredBy}`)
    }
    t.equal(same, f.expected.size, 'every stored call has the outcome, reason, caller and specialist its events say')
    t.same(wrong, [], 'no call differs')
    const drafts = await s.listDrafts()
    t.equal(drafts.length, f.rang.size, 'one draft per call that rang')
    t.equal(new Set(drafts.map((d) => d.linkedId)).size, f.rang.size, 'each linked to its own call')
    t.ok(drafts.every((d) => d.linkedId !== null && f.rang.has(d.linkedId)), 'only calls that rang have drafts')
    const ringing = svc.published.filter((m) => m.type === 'call.ringing').map((m) => m.call.linkedId)
    t.equal(ringing.length, f.rang.size, 'one popup per call that rang')
    t.equal(new Set(ringing).size, f.rang.size, 'none twice')
  })
}

t.test('pipeline: when the follow-ups (drafts, messages) fall behind, the AMI reading pauses too, and nothing is lost', async (t) => {
  const sim = await simulator(t)
  const s = await stack(t)
  const f = flood(12, { spacingMs: 5 })
  let release!: () => void
  const held = new Promise<void>((resolve) => { release = resolve })
  const slowDrafts = {
    ...s.intake,
    open: async (...args: Parameters<typeof s.intake.open>) => { await held; return await s.intake.open(...args) },
    openMany: async (...args: Parameters<typeof s.intake.openMany>) => { await held; return await s.intake.openMany(...args) }
  }
  const svc = s.service(sim.url(), { pipeline: { intake: slowDrafts, followUpHighWater: 4 } })
  const ended = (): number => [...f.expected.keys()].filter((id) => svc.pipeline.tracked().get(id)?.state === 'ended').length
  await sim.waitForLogin(1)
  await waitFor('reconciled', () => svc.log.lines.some((l) => l.msg === 'reconciled calls with the PBX'))
  const writing = sim.play(f.transcript)
  // the events' own high-water mark (20 000) is far above this flood: only the follow-ups can pause it
  await waitFor('paused', () => svc.pipeline.backlog().paused, 20_000)
  t.ok(svc.pipeline.backlog().followUps >= 4, 'paused with the follow-ups waiting at their high-water mark')
  t.ok(svc.pipeline.backlog().queued < 2000, 'and not for the events queued')
  release()
  await writing
  await waitFor('every call ended', () => ended() === f.expected.size, 60_000)
  await svc.pipeline.idle()
  t.equal((await s.calls.list({ limit: 1000 })).length, f.expected.size, 'every call stored once')
  t.equal((await s.listDrafts()).length, f.rang.size, 'one draft per call that rang')
  t.notOk(svc.pipeline.backlog().paused, 'reading again once caught up')
})
