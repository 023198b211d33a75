import t from 'tap'
import { step, classify } from '../../src/calls/step.js'
import { sameNumber, waitSeconds, talkSeconds, type Call, type CallEvent } from '../../src/calls/call.js'

const opts = { helpdeskDid: '73452290256' }
const L = '1795866724.0'
const at = (s: number): Date => new Date(Date.UTC(2026, 11, 1, 5, 0, s))

function run (events: CallEvent[]): { call: Call | undefined, effects: string[] } {
  let call: Call | undefined
  const effects: string[] = []
  for (const ev of events) {
    const r = step(call, ev, opts)
    call = r.call
    effects.push(...r.effects.filter((e) => e.type !== 'call.updated').map((e) => e.type))
  }
  return { call, effects }
}

const started: CallEvent = { type: 'started', linkedId: L, callerNumber: '+79123456789', dialled: '73452290256', at: at(0) }
const decided = (status: string): CallEvent => ({ type: 'decided', linkedId: L, status, at: at(0) })
const ringing = (leg: string, ext: string, s = 1): CallEvent => ({ type: 'ringing', linkedId: L, legId: leg, extension: ext, at: at(s) })
const dialEnded = (leg: string, ext: string, result: 'answered' | 'busy' | 'no-answer' | 'cancelled' | 'failed', s: number): CallEvent =>
  ({ type: 'dial-ended', linkedId: L, legId: leg, extension: ext, result, at: at(s) })
const hungup = (channelId: string, cause: number, s: number): CallEvent => ({ type: 'hungup', linkedId: L, channelId, cause, causeText: null, at: at(s) })
const callerHangs = (s: number): CallEvent => ({ type: 'hangup-requested', linkedId: L, channelId: L, by: 'remote', at: at(s) })
const pbxHangs = (s: number): CallEvent => ({ type: 'hangup-requested', linkedId: L, channelId: L, by: 'pbx', at: at(s) })

t.test('step: outcomes follow what the PBX did', async (t) => {
  const cases: Array<[string, CallEvent[], string, string | null]> = [
    ['answered', [started, decided('open'), ringing('a', '101'), ringing('b', '102'), dialEnded('a', '101', 'answered', 3), dialEnded('b', '102', 'cancelled', 3), hungup('b', 26, 3), callerHangs(8), hungup('a', 16, 8), hungup(L, 16, 8)], 'answered', null],
    ['abandoned while ringing', [started, decided('open'), ringing('a', '101'), callerHangs(5), dialEnded('a', '101', 'cancelled', 5), hungup(L, 127, 5)], 'abandoned', null],
    ['busy', [started, decided('open'), ringing('a', '101'), dialEnded('a', '101', 'busy', 1), ringing('b', '102'), dialEnded('b', '102', 'busy', 1), pbxHangs(1), hungup(L, 17, 1)], 'busy', null],
    ['no answer (dial timeout)', [started, decided('open'), ringing('a', '101'), dialEnded('a', '101', 'no-answer', 30), pbxHangs(30), hungup(L, 16, 30)], 'no-answer', null],
    ['failed (phones unreachable)', [started, decided('open'), ringing('a', '101'), dialEnded('a', '101', 'failed', 1), pbxHangs(1), hungup(L, 34, 1)], 'failed', null],
    ['failed (nobody rung)', [started, decided('open'), pbxHangs(1), hungup(L, 16, 1)], 'failed', null],
    ['rejected: weekend', [started, decided('weekend'), pbxHangs(3), hungup(L, 16, 3)], 'rejected', 'weekend'],
    ['rejected: the LAST decision wins', [started, decided('weekend'), decided('open'), decided('lunch'), hungup(L, 16, 3)], 'rejected', 'lunch'],
    ['rejected: an override to open wins over the clock', [started, decided('weekend'), decided('open'), ringing('a', '101'), dialEnded('a', '101', 'answered', 2), hungup(L, 16, 4)], 'answered', null],
    ['rejected: holiday', [started, decided('holiday'), hungup(L, 16, 3)], 'rejected', 'holiday'],
    ['rejected: before-hours', [started, decided('before-hours'), hungup(L, 16, 3)], 'rejected', 'before-hours'],
    ['rejected: after-hours', [started, decided('after-hours'), hungup(L, 16, 3)], 'rejected', 'after-hours'],
    ['rejected: an unknown status is closed', [started, decided('closed'), hungup(L, 16, 3)], 'rejected', 'closed'],
    ['rejected: a status the service does not know is closed', [started, decided('maintenance'), hungup(L, 16, 3)], 'rejected', 'closed']
  ]
  for (const [name, events, outcome, reason] of cases) {
    const { call } = run(events)
    t.equal(call?.outcome, outcome, `${name}: outcome`)
    t.equal(call?.rejectReason, reason, `${name}: reject reason`)
  }
})

t.test('step: instants, wait and talk time, who answered', async (t) => {
  const { call, effects } = run([started, decided('open'), ringing('a', '101'), ringing('b', '102'), dialEnded('b', '102', 'answered', 4), dialEnded('a', '101', 'cancelled', 4), hungup(L, 16, 10)])
  t.same(effects, ['call.ringing', 'call.answered', 'call.ended'], 'ringing, answered, ended once each')
  t.equal(call?.answeredBy, '102', 'answered by 102')
  t.equal(call?.answeredAt?.toISOString(), at(4).toISOString(), 'answered at the DialEnd ANSWER')
  t.equal(call && waitSeconds(call), 4, 'waited 4 s')
  t.equal(call && talkSeconds(call), 6, 'talked 6 s')
})

t.test('step: a blind transfer keeps one call, answered by the first, held by the second', async (t) => {
  const { call, effects } = run([started, decided('open'), ringing('a', '101'), dialEnded('a', '101', 'answered', 2),
    hungup('a', 16, 5), ringing('c', '102', 5), dialEnded('c', '102', 'answered', 7), hungup('c', 16, 12), hungup(L, 16, 12)])
  t.same(effects, ['call.ringing', 'call.answered', 'call.answered', 'call.ended'], 'answered again when the transfer is picked up (the popup moves), no second ringing')
  t.equal(call?.answeredBy, '101', 'answered by 101')
  t.equal(call?.transferredTo, '102', 'transferred to 102')
  t.equal(call && talkSeconds(call), 10, 'talk time runs across the transfer')
  t.equal(call?.outcome, 'answered', 'answered')
})

t.test('step: calls to other numbers are ignored; duplicates change nothing', async (t) => {
  const other = step(undefined, { ...started, dialled: '73452000000' }, opts)
  t.equal(other.call, undefined, 'another DID is not tracked')
  t.same(step(undefined, ringing('a', '101'), opts), { call: undefined, effects: [] }, 'events of unknown calls are dropped')
  const events = [started, decided('open'), ringing('a', '101'), dialEnded('a', '101', 'answered', 2), hungup(L, 16, 5)]
  const once = run(events)
  const twice = run([...events, ...events])
  t.same(twice.call, once.call, 'the same events twice give the same call')
  t.same(twice.effects, once.effects, 'and the same notifications, once')
  t.ok(sameNumber('+7 (3452) 29-02-56', '83452290256'), 'numbers compare by their last 10 digits')
  t.notOk(sameNumber('101', '73452290101'), 'short numbers compare whole')
})

t.test('step: reconciliation finds live calls and ends lost ones', async (t) => {
  const alive: CallEvent = { type: 'alive', linkedId: L, callerNumber: '+79123456789', dialled: '73452290256', upSeconds: 30, talkingWith: '101', decision: 'open', recordingFile: `${L}.wav`, at: at(40) }
  const found = step(undefined, alive, opts)
  t.same(found.effects.map((e) => e.type), ['call.ringing', 'call.answered'], 'a call found talking gets its draft and its specialist')
  t.equal(found.call?.arrivedAt.toISOString(), at(10).toISOString(), 'arrival reconstructed from the channel age')
  t.equal(found.call?.approximate, true, 'marked approximate')
  const lost = step(found.call, { type: 'lost', linkedId: L, at: at(60) }, opts)
  t.equal(lost.call?.outcome, 'answered', 'a lost answered call ends answered')
  t.equal(lost.call?.endedAt?.toISOString(), at(60).toISOString(), 'ended when we learned it')
  const rejected = step(undefined, { ...alive, talkingWith: null, decision: 'lunch' }, opts)
  t.same(rejected.effects.map((e) => e.type), ['call.updated'], 'a rejected call found alive gets no draft')
  const cdr = step(lost.call, { type: 'cdr', linkedId: L, extension: '101', disposition: 'answered', startedAt: at(8), answeredAt: at(12), endedAt: at(55), at: at(61) }, opts)
  t.equal(cdr.call?.arrivedAt.toISOString(), at(8).toISOString(), 'the Cdr corrects a reconstructed arrival')
  const missedAnswer = step(step(step(undefined, started, opts).call, hungup(L, 16, 9), opts).call,
    { type: 'cdr', linkedId: L, extension: '101', disposition: 'answered', startedAt: at(0), answeredAt: at(3), endedAt: at(9), at: at(9) }, opts)
  t.equal(missedAnswer.call?.outcome, 'answered', 'a Cdr ANSWERED to a phone supplies an answer the live events missed')
  t.equal(missedAnswer.call?.answeredBy, '101', 'and who answered')
  const rejectedCdr = step(step(step(undefined, started, opts).call, decided('weekend'), opts).call, hungup(L, 16, 3), opts).call
  const afterCdr = step(rejectedCdr, { type: 'cdr', linkedId: L, extension: null, disposition: 'answered', startedAt: at(0), answeredAt: at(0), endedAt: at(3), at: at(3) }, opts)
  t.equal(afterCdr.call?.outcome, 'rejected', 'a Cdr ANSWERED by the announcement (no phone) is no answer')
  t.equal(classify({ ...rejectedCdr!, decision: null }).outcome, 'failed', 'classify without decision or legs: failed')
})
