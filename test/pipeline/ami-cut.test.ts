// Fault: the AMI connection cut at a random byte of every recorded scenario. The block being sent is
// lost half-way (the client must drop the fragment), the client reconnects, asks the PBX which calls
// are up (CoreShowChannels answers what the PBX really had at that moment), and the stream goes on.
// The call log must be the clean run's: the same calls, outcomes, answering extensions and drafts,
// nothing doubled. Seeded, so a failure names its cut and is reproduced by running the file again.
import t, { type Test } from 'tap'
import fc from 'fast-check'
import { allDelivered, channelsAfter, headersOf, simulator, waitFor } from '../helpers/ami.js'
import { stack } from '../helpers/pipeline.js'
import { loadTranscript, type Transcript } from '../../src/ami/simulator.js'

const SEED = 20261202
const CUTS_PER_SCENARIO = Number(process.env.AMI_CUTS ?? 2)
// ami-reconnect is itself a cut (Asterisk restarted): it has its own test in replay.test.ts
const SCENARIOS = ['answered', 'busy', 'abandoned-ringing', 'out-of-hours', 'queue', 'two-concurrent-calls']

interface Summary { linkedId: string, outcome: string | null, answeredBy: string | null, rejected: string | null, hasDraft: boolean, ended: boolean }

async function callLog (t: Test, tr: Transcript, cut?: { block: number, byte: number }): Promise<Summary[]> {
  const sim = await simulator(t)
  const s = await stack(t)
  const svc = s.service(sim.url())
  await sim.waitForLogin()
  const linkedIds = new Set(tr.blocks.map((b) => headersOf(b.bytes).linkedid).filter((id): id is string => id !== undefined))
  if (cut === undefined) {
    await sim.play(tr)
  } else {
    await sim.play(tr, { to: cut.block })
    await allDelivered(sim, svc.client)
    const block = tr.blocks[cut.block]!
    await sim.inject(block.bytes.subarray(0, cut.byte)) // the fragment in flight when the line broke
    sim.channels = channelsAfter(tr, cut.block) // the PBX went on: the lost block happened there
    const asked = sim.received.filter((a) => a.action === 'coreshowchannels').length
    sim.dropConnections()
    await sim.waitForLogin(2)
    await waitFor('the reconcile after the reconnect', () => sim.received.filter((a) => a.action === 'coreshowchannels').length > asked, 10_000)
    await svc.pipeline.idle()
    await sim.play(tr, { from: cut.block + 1 })
    sim.channels = []
  }
  await allDelivered(sim, svc.client)
  await svc.pipeline.idle()
  const rows = (await s.calls.list()).filter((r) => linkedIds.has(r.linkedId))
  return rows.map((r) => ({
    linkedId: r.linkedId,
    outcome: r.outcome,
    answeredBy: r.answeredBy?.extension ?? null,
    rejected: r.rejectReason ?? null,
    hasDraft: r.entryId !== null,
    ended: r.endedAt !== null
  })).sort((a, b) => a.linkedId.localeCompare(b.linkedId))
}

const random = fc.sample(fc.tuple(fc.nat(), fc.nat()), { seed: SEED, numRuns: SCENARIOS.length * CUTS_PER_SCENARIO })

SCENARIOS.forEach((name, n) => {
  t.test(`fault: ${name}, the AMI link cut at random bytes, gives the clean run's call log`, async (t) => {
    const tr = loadTranscript(name)
    const clean = await callLog(t, tr)
    t.ok(clean.length > 0 && clean.every((c) => c.ended), `${name}: the clean run logs its calls, ended`)
    // cut only where the scenario's calls are under way (after the first Newchannel): a cut before
    // the first call is a plain reconnect
    const first = tr.blocks.findIndex((b) => headersOf(b.bytes).event === 'Newchannel')
    for (let i = 0; i < CUTS_PER_SCENARIO; i++) {
      const [a, b] = random[n * CUTS_PER_SCENARIO + i]!
      const block = first + (a % (tr.blocks.length - first))
      const byte = 1 + (b % (tr.blocks[block]!.bytes.length - 1))
      const got = await callLog(t, tr, { block, byte })
      t.same(got, clean, `${name}: cut in block ${block} (${tr.blocks[block]!.head}) at byte ${byte}: the same call log`)
    }
  })
})
