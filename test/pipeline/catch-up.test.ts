// A call's row is written before its follow-up (the draft, who holds it): an instance that stops
// in between leaves a call that rang without a draft. The next reconcile opens it — assigned to
// who answered, dismissed when missed — as the follow-up would have.
import t from 'tap'
import { MISSED_DRAFT_REASON } from '../../src/telephony/pipeline.js'
import { simulator, waitFor } from '../helpers/ami.js'
import { stack } from '../helpers/pipeline.js'
import type { Intake } from '../../src/intake/intake.js'

const CASES = [
  { scenario: 'answered', linkedId: '1795866724.0', assigned: true, dismissed: false },
  { scenario: 'abandoned-ringing', linkedId: '1795866740.6', assigned: false, dismissed: true }
]

for (const c of CASES) {
  t.test(`${c.scenario}: a call stored without its draft gets it at the next reconcile`, async (t) => {
    const s = await stack(t)
    const sim = await simulator(t)
    // the first instance stores the call and stops before its draft (here: the intake fails)
    const stopped = async (): Promise<never> => { throw new Error('stopped before the draft') }
    const broken: Intake = { ...s.intake, open: stopped, openMany: stopped }
    const first = s.service(sim.url(), { pipeline: { intake: broken } })
    await sim.waitForLogin()
    await sim.play(c.scenario)
    await waitFor('ended', () => first.pipeline.tracked().get(c.linkedId)?.state === 'ended', 10_000)
    await first.pipeline.idle()
    t.same(await s.listDrafts(), [], 'no draft after the first instance')
    await first.client.stop()

    const next = s.service(sim.url())
    await sim.waitForLogin(2)
    await waitFor('the reconcile', () => next.log.lines.some((l) => l.msg === 'reconciled calls with the PBX'), 10_000)
    await next.pipeline.idle()
    const drafts = await s.listDrafts()
    t.equal(drafts.length, 1, 'one draft')
    t.equal(drafts[0]?.linkedId, c.linkedId, 'linked to the call')
    t.equal(drafts[0]?.assignedTo ?? null, c.assigned ? s.users.s101.id : null, c.assigned ? 'assigned to who answered' : 'assigned to nobody')
    t.equal(drafts[0]?.annulReason ?? null, c.dismissed ? MISSED_DRAFT_REASON : null, c.dismissed ? 'a missed call\'s draft dismissed (the call is on the callback list)' : 'kept')
    t.ok(next.log.lines.some((l) => l.msg.includes('had no draft')), 'the catch-up says so in the log')
    t.same(next.published, [], 'an ended call announces nothing')
  })
}
