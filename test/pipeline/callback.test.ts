// A missed call is a callback, not a journal draft (issue 10): the recorded abandoned call, then the
// same caller's answered call, through the real client and pipeline into the database. The
// abandoned call's untouched draft is dismissed with the reason; the answer settles the missed call
// (by which call, by whom); the second ring knows the number called before.
import t from 'tap'
import { simulator, waitFor } from '../helpers/ami.js'
import { stack } from '../helpers/pipeline.js'
import { MISSED_DRAFT_REASON } from '../../src/telephony/pipeline.js'

t.test('pipeline: the caller who gave up calls again and is answered: the missed call is called back by that call', async (t) => {
  const sim = await simulator(t)
  const s = await stack(t)
  const svc = s.service(sim.url())
  await sim.waitForLogin()
  await sim.play('abandoned-ringing')
  await waitFor('the abandoned call ended', () => svc.pipeline.tracked().get('1795866740.6')?.state === 'ended', 10_000)
  await svc.pipeline.idle()
  let [missed] = await s.calls.list({ missed: true })
  t.equal(missed?.outcome, 'abandoned', 'the caller gave up')
  t.equal(missed?.calledBack, null, 'and waits on the callback list')
  const drafts = await s.listDrafts()
  t.equal(drafts.find((d) => d.entryId === missed?.entryId)?.annulReason, MISSED_DRAFT_REASON, 'its draft does not pile up: dismissed with the reason')
  const ended = svc.published.find((m) => m.type === 'call.ended')
  t.match(ended?.entry, { id: missed?.entryId, annulment: { reason: MISSED_DRAFT_REASON } }, 'the screens learn of it with the call\'s end')

  await sim.play('answered')
  await waitFor('the answered call ended', () => svc.pipeline.tracked().get('1795866724.0')?.state === 'ended', 10_000)
  await svc.pipeline.idle()
  const answered = (await s.calls.list({ outcome: 'answered' }))[0]
  ;[missed] = await s.calls.list({ missed: true })
  t.match(missed?.calledBack, { callId: answered?.id, by: { userId: s.users.s101.id } }, 'the answered call settles the missed one, by the specialist who answered')
  t.same(await s.calls.list({ missed: true, calledBack: false }), [], 'the callback list is empty')
  const ring = svc.published.filter((m) => m.type === 'call.ringing').at(-1)
  t.same(ring?.caller?.calls?.count, 1, 'the second ring knows the number called once before')
  t.equal(drafts.length + 1, (await s.listDrafts()).length, 'the answered call has its draft')
  t.equal((await s.listDrafts()).at(-1)?.annulReason, null, 'which stays')
})
