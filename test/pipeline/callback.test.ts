// A missed call is a callback, not a journal draft (issue 10): the recorded abandoned call, then the
// same caller's answered call, through the real client and pipeline into the database. The
// abandoned call's untouched draft is dismissed with the reason; the answer settles the missed call
// (by which call, by whom); the second ring knows the number called before.
import t, { type Test } from 'tap'
import { simulator, waitFor } from '../helpers/ami.js'
import { stack } from '../helpers/pipeline.js'
import { MISSED_DRAFT_REASON } from '../../src/telephony/pipeline.js'
import { transcriptOf } from '../../src/ami/simulator.js'

/**
 * SYNTHETIC: 101 dials the caller back (an outgoing call was not recorded in the lab); the header
 * shapes are those of the recorded sessions (Newchannel, DialBegin, DialEnd, Hangup of Asterisk 22).
 */
function outgoingCallback (linkedId: string, number: string) {
  const phone = `Channel: PJSIP/101-000000a0\nChannelState: 4\nChannelStateDesc: Ring\nCallerIDNum: 101\nCallerIDName: Specialist 101\nConnectedLineNum: <unknown>\nConnectedLineName: <unknown>\nLanguage: ru\nAccountCode: \nContext: specialists\nExten: ${number}\nPriority: 1\nUniqueid: ${linkedId}\nLinkedid: ${linkedId}`
  const trunk = (state: string) => `DestChannel: PJSIP/trunk-000000a1\nDestChannelState: ${state === 'Up' ? 6 : 0}\nDestChannelStateDesc: ${state}\nDestCallerIDNum: ${number}\nDestCallerIDName: <unknown>\nDestConnectedLineNum: 101\nDestConnectedLineName: Specialist 101\nDestLanguage: ru\nDestAccountCode: \nDestContext: from-trunk\nDestExten: \nDestPriority: 1\nDestUniqueid: ${linkedId.replace(/\d+$/, (n) => String(Number(n) + 1))}\nDestLinkedid: ${linkedId}`
  return transcriptOf('outgoing-callback (synthetic)', [
    { t: 0, text: `Event: Newchannel\nPrivilege: call,all\n${phone}` },
    { t: 50, text: `Event: DialBegin\nPrivilege: call,all\n${phone}\n${trunk('Down')}\nDialString: trunk/${number}` },
    { t: 2050, text: `Event: DialEnd\nPrivilege: call,all\n${phone}\n${trunk('Up')}\nDialStatus: ANSWER` },
    { t: 9050, text: `Event: Hangup\nPrivilege: call,all\n${phone}\nCause: 16\nCause-txt: Normal Clearing` }
  ])
}

/** A fresh database and service that heard the recorded abandoned call of +79123456789. */
async function afterAbandonedCall (t: Test) {
  const sim = await simulator(t)
  const s = await stack(t)
  const svc = s.service(sim.url())
  await sim.waitForLogin()
  await sim.play('abandoned-ringing')
  await waitFor('the abandoned call ended', () => svc.pipeline.tracked().get('1795866740.6')?.state === 'ended', 10_000)
  await svc.pipeline.idle()
  return { sim, s, svc }
}

t.test('pipeline: the caller who gave up calls again and is answered: the missed call is called back by that call', async (t) => {
  const { sim, s, svc } = await afterAbandonedCall(t)
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

t.test('pipeline: a specialist\'s phone dials the number back and is answered: that is the callback', async (t) => {
  const { sim, s, svc } = await afterAbandonedCall(t)
  t.equal((await s.calls.list({ missed: true, calledBack: false })).length, 1, 'the missed call waits')
  await sim.play(outgoingCallback('1795866900.30', '89123456789'), { speed: 20 })
  await new Promise((resolve) => setTimeout(resolve, 300))
  await svc.pipeline.idle()
  const [missed] = await s.calls.list({ missed: true })
  t.match(missed?.calledBack, { how: 'outgoing', callId: null, by: { userId: s.users.s101.id } }, 'the outgoing call from 101 to 8 912… settles the missed call of +7 912…, by Иванова')
  t.equal(await s.calls.count(), 1, 'the outgoing call is not a helpdesk call: no row of its own, no draft')
  t.equal((await s.listDrafts()).length, 1, 'only the missed call\'s (dismissed) draft')
})
