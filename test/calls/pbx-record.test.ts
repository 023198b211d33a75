// The PBX's own records laid over the call log: pure decisions, table-driven, literal instants.
import t from 'tap'
import { checkRecord, foldRecords, MAX_CALL_SECONDS, type PbxRecord } from '../../src/calls/pbx-record.js'
import { reconcileWithRecords } from '../../src/calls/reconcile.js'
import { step } from '../../src/calls/step.js'
import { announcementSeconds, talkSeconds, waitSeconds, type Call } from '../../src/calls/call.js'

const opts = { helpdeskDid: '73452290256' }
const L = '1796157181.37'
// instants of the recorded night (fixtures/ami-dialplan, 2026-12-01 UTC)
const at = (hms: string): Date => new Date(`2026-12-01T${hms}Z`)
const now = at('20:40:00')

const record = (over: Partial<PbxRecord> = {}): PbxRecord => ({
  linkedId: L, callerNumber: '+79123456789', dialled: '73452290256', startedAt: at('20:33:01'), answeredAt: at('20:33:01'),
  endedAt: at('20:33:18'), extension: null, disposition: 'answered', decision: 'closed', ...over
})

t.test('checkRecord: times that cannot be a call are refused, with the reason', async (t) => {
  t.same(checkRecord(record(), now), { ok: true }, 'a 17 s announcement is a call')
  const cases: Array<[string, Partial<PbxRecord>, RegExp]> = [
    ['talk of 288 996 s', { startedAt: at('20:33:01'), answeredAt: at('20:33:03'), endedAt: new Date(at('20:33:03').getTime() + 288_996_000) }, /lasts 28899\d s, more than 43200 s/],
    ['end before start', { endedAt: at('20:32:00') }, /ends 61 s before it starts/],
    ['answer after the end', { answeredAt: at('20:34:00') }, /answered outside/],
    ['from the future (a zone read wrong)', { startedAt: at('23:33:01'), answeredAt: null, endedAt: at('23:33:18') }, /starts 10381 s in the future/]
  ]
  for (const [name, over, problem] of cases) {
    const c = checkRecord(record(over), now)
    t.equal(c.ok, false, `${name}: refused`)
    if (!c.ok) t.match(c.problem, problem, `${name}: says why`)
  }
  t.equal(checkRecord(record({ endedAt: new Date(at('20:33:01').getTime() + MAX_CALL_SECONDS * 1000) }), new Date(at('20:33:01').getTime() + MAX_CALL_SECONDS * 1000)).ok, true, 'exactly 12 h is still a call')
})

t.test('reconcile: a call rejected by the static schedule while the service was down is added with its reason', async (t) => {
  const d = reconcileWithRecords(undefined, [record()], now, opts)
  t.equal(d.type, 'add', 'added')
  if (d.type !== 'add') return
  t.equal(d.call.outcome, 'rejected', 'rejected')
  t.equal(d.call.rejectReason, 'closed', 'by the static schedule (closed)')
  t.equal(d.call.arrivedAt.toISOString(), '2026-12-01T20:33:01.000Z', 'its real start')
  t.equal(d.call.endedAt?.toISOString(), '2026-12-01T20:33:18.000Z', 'its real end')
  t.equal(d.call.answeredAt, null, 'the announcement\'s answer is not a specialist\'s')
  t.equal(d.call.approximate, false, 'the PBX\'s own figures')
  t.equal(waitSeconds(d.call), null, 'no waiting for a specialist')
  t.equal(announcementSeconds(d.call), 17, 'the 17 s of announcement, apart')
})

t.test('reconcile: a missed call and an answered one, from their legs\' records', async (t) => {
  const legs = (d101: PbxRecord['disposition'], d102: PbxRecord['disposition'], answer101: string | null): PbxRecord[] => [
    record({ decision: 'open', extension: '101', disposition: d101, answeredAt: answer101 === null ? null : at(answer101), endedAt: at('20:33:31') }),
    record({ decision: 'open', extension: '102', disposition: d102, answeredAt: null, endedAt: answer101 === null ? at('20:33:31') : at(answer101) })
  ]
  const missed = reconcileWithRecords(undefined, legs('no-answer', 'no-answer', null), now, opts)
  t.equal(missed.type === 'add' && missed.call.outcome, 'no-answer', 'nobody answered: no-answer (to call back)')
  const busy = reconcileWithRecords(undefined, legs('busy', 'busy', null), now, opts)
  t.equal(busy.type === 'add' && busy.call.outcome, 'busy', 'both busy: busy')
  const answered = reconcileWithRecords(undefined, legs('answered', 'no-answer', '20:33:03'), now, opts)
  t.ok(answered.type === 'add', 'added')
  if (answered.type !== 'add') return
  t.equal(answered.call.outcome, 'answered', 'answered')
  t.equal(answered.call.answeredBy, '101', 'by 101')
  t.equal(waitSeconds(answered.call), 2, 'waited 2 s')
  t.equal(talkSeconds(answered.call), 28, 'talked 28 s')
  t.equal(reconcileWithRecords(undefined, [record({ dialled: '70000000000' })], now, opts).type, 'ignore', 'another number is not ours')
})

const liveCall = (over: Partial<Call> = {}): Call => ({
  linkedId: L, callerNumber: '+79123456789', dialled: '73452290256', state: 'ended', arrivedAt: at('20:33:01'), answeredAt: at('20:33:03'),
  endedAt: at('20:33:31'), answeredBy: '101', transferredTo: null, decision: 'open', recordingFile: null, callerHungUp: true, legs: {},
  hangupCause: 16, hangupCauseText: 'Normal Clearing', outcome: 'answered', rejectReason: null, approximate: false, ...over
})

t.test('reconcile: nothing doubled, the stream\'s call stands; a call heard in part is corrected', async (t) => {
  const records = [record({ decision: 'open', extension: '101', answeredAt: at('20:33:03'), endedAt: at('20:33:31') })]
  t.equal(reconcileWithRecords(liveCall(), records, now, opts).type, 'keep', 'heard live: kept as it is')

  // the service died while the call was up and came back after it: the row is still open
  const open = liveCall({ state: 'talking', endedAt: null, outcome: null, hangupCause: null, hangupCauseText: null })
  const ended = reconcileWithRecords(open, records, now, opts)
  t.equal(ended.type, 'correct', 'the open row is finished')
  if (ended.type === 'correct') {
    t.equal(ended.call.endedAt?.toISOString(), '2026-12-01T20:33:31.000Z', 'at its real end, not the return time')
    t.equal(ended.call.outcome, 'answered', 'answered')
    t.equal(ended.call.approximate, false, 'not approximate')
  }

  // found up after a start: arrival reconstructed, answer = the discovery instant; ended as lost
  const found = liveCall({ arrivedAt: at('20:33:00'), answeredAt: at('20:33:20'), endedAt: at('20:35:00'), approximate: true })
  const corrected = reconcileWithRecords(found, records, now, opts)
  t.equal(corrected.type, 'correct', 'corrected')
  if (corrected.type === 'correct') {
    t.same([waitSeconds(corrected.call), talkSeconds(corrected.call)], [2, 28], 'the PBX\'s wait and talk')
    t.equal(corrected.call.approximate, false, 'no longer approximate')
  }
  const insane = [record({ extension: '101', answeredAt: at('20:33:03'), endedAt: new Date(at('20:33:03').getTime() + 288_996_000) })]
  const refused = reconcileWithRecords(found, insane, now, opts)
  t.equal(refused.type, 'refuse', 'an insane record is refused, the row stays as it was')
})

t.test('step: a live Cdr corrects a call found in progress (its answer time is the PBX\'s)', async (t) => {
  // found up 10 s after it arrived, talking with 101: the answer instant is only the discovery
  const alive = step(undefined, { type: 'alive', linkedId: L, callerNumber: '+79123456789', dialled: '73452290256', upSeconds: 10, talkingWith: '101', decision: 'open', recordingFile: null, at: at('20:34:48') }, opts).call!
  t.equal(alive.approximate, true, 'approximate when found')
  // the 102 leg's record (no answer) first: the answer is still a guess
  const afterNoAnswer = step(alive, { type: 'cdr', linkedId: L, extension: '102', disposition: 'no-answer', startedAt: at('20:34:38'), answeredAt: null, endedAt: at('20:34:40'), at: at('20:35:20') }, opts).call!
  t.equal(afterNoAnswer.approximate, true, 'an unanswered leg\'s record does not vouch for the answer')
  const cdr = step(afterNoAnswer, { type: 'cdr', linkedId: L, extension: '101', disposition: 'answered', startedAt: at('20:34:38'), answeredAt: at('20:34:40'), endedAt: at('20:35:20'), at: at('20:35:20') }, opts).call!
  t.equal(cdr.arrivedAt.toISOString(), '2026-12-01T20:34:38.000Z', 'arrival from the PBX')
  t.equal(cdr.answeredAt?.toISOString(), '2026-12-01T20:34:40.000Z', 'answer from the PBX, not the discovery')
  t.equal(cdr.approximate, false, 'not approximate any more')
  const hung = step(cdr, { type: 'hungup', linkedId: L, channelId: L, cause: 16, causeText: 'Normal Clearing', at: at('20:35:20') }, opts).call!
  t.same([waitSeconds(hung), talkSeconds(hung), hung.outcome, hung.approximate], [2, 40, 'answered', false], 'wait 2 s, talk 40 s, as the PBX billed')
})

t.test('foldRecords: the first answer by a phone, the span over all legs', async (t) => {
  const f = foldRecords([
    record({ extension: '102', disposition: 'no-answer', answeredAt: null, startedAt: at('20:34:38'), endedAt: at('20:34:40') }),
    record({ extension: '101', disposition: 'answered', answeredAt: at('20:34:40'), startedAt: at('20:34:38'), endedAt: at('20:35:20') })
  ])
  t.same([f.arrivedAt.toISOString(), f.answeredAt?.toISOString(), f.answeredBy, f.endedAt.toISOString()],
    ['2026-12-01T20:34:38.000Z', '2026-12-01T20:34:40.000Z', '101', '2026-12-01T20:35:20.000Z'], 'span and answer')
  t.same(f.legs, [{ extension: '102', result: 'no-answer' }, { extension: '101', result: 'answered' }], 'each phone\'s result')
})
