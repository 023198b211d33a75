// Every recorded scenario from the simulator over TCP through the real client into normalize →
// step: the same path as production, only the socket's far end is a replay.
import t, { type Test } from 'tap'
import { simulator, client, tracker, waitFor } from '../helpers/ami.js'
import { blindTransferTranscript } from '../helpers/blind-transfer.js'
import { waitSeconds, talkSeconds, type Call } from '../../src/calls/call.js'
import { loadTranscript, recordingFiles, retimeRecords, type Transcript } from '../../src/ami/simulator.js'

interface Expect { linkedId: string, caller: string, outcome: string, reason: string | null, answeredBy: string | null, cause: number, recording: string | null, transferredTo?: string }

const SCENARIOS: Array<[string, Expect[]]> = [
  ['answered', [{ linkedId: '1795866724.0', caller: '+79123456789', outcome: 'answered', reason: null, answeredBy: '101', cause: 16, recording: '1795866724.0.wav' }]],
  ['abandoned-ringing', [{ linkedId: '1795866740.6', caller: '+79123456789', outcome: 'abandoned', reason: null, answeredBy: null, cause: 127, recording: '1795866740.6.wav' }]],
  ['busy', [{ linkedId: '1795866781.12', caller: '+79123456789', outcome: 'busy', reason: null, answeredBy: null, cause: 17, recording: '1795866781.12.wav' }]],
  ['out-of-hours', [{ linkedId: '1795866784.15', caller: '+79123456789', outcome: 'rejected', reason: 'weekend', answeredBy: null, cause: 16, recording: null }]],
  ['two-concurrent-calls', [
    { linkedId: '1795866796.17', caller: '+79123456789', outcome: 'answered', reason: null, answeredBy: '101', cause: 16, recording: '1795866796.17.wav' },
    { linkedId: '1795866796.20', caller: '+79220001122', outcome: 'answered', reason: null, answeredBy: '102', cause: 16, recording: '1795866796.20.wav' }
  ]],
  ['queue', [{ linkedId: '1795866805.23', caller: '+79123456789', outcome: 'answered', reason: null, answeredBy: '101', cause: 16, recording: '1795866805.23.wav' }]],
  ['ami-reconnect', [{ linkedId: '1795866830.30', caller: '+79123456789', outcome: 'answered', reason: null, answeredBy: '101', cause: 16, recording: '1795866830.30.wav' }]]
]

function check (t: Test, name: string, calls: Map<string, Call>, expected: Expect[]): void {
  t.equal(calls.size, expected.length, `${name}: ${expected.length} call(s) tracked`)
  for (const e of expected) {
    const c = calls.get(e.linkedId)
    t.ok(c, `${name}: call ${e.linkedId} tracked`)
    if (c === undefined) continue
    t.equal(c.state, 'ended', `${name}: ${e.linkedId} ended`)
    t.equal(c.callerNumber, e.caller, `${name}: caller number`)
    t.equal(c.dialled, '73452290256', `${name}: the helpdesk number`)
    t.equal(c.outcome, e.outcome, `${name}: outcome`)
    t.equal(c.rejectReason, e.reason, `${name}: reject reason`)
    t.equal(c.answeredBy, e.answeredBy, `${name}: answered by`)
    t.equal(c.hangupCause, e.cause, `${name}: hangup cause`)
    t.equal(c.recordingFile, e.recording, `${name}: recording file`)
    t.equal(c.transferredTo, e.transferredTo ?? null, `${name}: transferred to`)
    t.equal(c.answeredAt !== null, e.answeredBy !== null, `${name}: answered instant iff answered`)
  }
}

for (const [name, expected] of SCENARIOS) {
  t.test(`replay: ${name} over TCP gives the right calls, also when replayed twice`, async (t) => {
    const sim = await simulator(t)
    const c = client(t, sim.url())
    const tr = tracker(c)
    c.start()
    await sim.waitForLogin()
    await sim.play(name, { chunkBytes: name === 'answered' ? 13 : undefined })
    await waitFor('calls ended', () => expected.every((e) => tr.calls.get(e.linkedId)?.state === 'ended'))
    check(t, name, tr.calls, expected)
    const notifications = tr.effects.filter((e) => e.type !== 'call.updated').map((e) => `${e.type} ${e.call.linkedId}`)
    const perCall = expected.map((e) => e.outcome === 'rejected'
      ? [`call.ended ${e.linkedId}`]
      : e.answeredBy !== null ? [`call.ringing ${e.linkedId}`, `call.answered ${e.linkedId}`, `call.ended ${e.linkedId}`] : [`call.ringing ${e.linkedId}`, `call.ended ${e.linkedId}`])
    t.same([...notifications].sort(), perCall.flat().sort(), `${name}: each notification once`)
    const before = JSON.stringify([...tr.calls.values()])
    const count = tr.effects.length
    const events = tr.events.length
    await sim.play(name)
    const blocks = loadTranscript(name).blocks.length
    await waitFor('the replay delivered', () => tr.events.length - events >= blocks)
    t.equal(JSON.stringify([...tr.calls.values()]), before, `${name}: replayed twice, the calls are unchanged`)
    t.equal(tr.effects.length, count, `${name}: replayed twice, no new effects`)
    if (name === 'ami-reconnect') t.ok(c.logs.lines.some((l) => l.msg === 'AMI connection lost'), 'the restart was seen as a lost connection')
  })
}

t.test('replay: answered with its recorded timing gives wait and talk seconds', async (t) => {
  const sim = await simulator(t)
  const c = client(t, sim.url())
  const tr = tracker(c)
  c.start()
  await sim.play('answered', { speed: 1 })
  await waitFor('ended', () => tr.calls.get('1795866724.0')?.state === 'ended', 10_000)
  const call = tr.calls.get('1795866724.0')!
  t.equal(waitSeconds(call), 2, 'waited ~2.4 s → 2 (DialEnd ANSWER at 2431 ms)')
  t.equal(talkSeconds(call), 3, 'talked ~3 s')
})

t.test('replay: a blind transfer (synthetic transcript) stays one call', async (t) => {
  const sim = await simulator(t)
  const c = client(t, sim.url())
  const tr = tracker(c)
  c.start()
  const transcript: Transcript = blindTransferTranscript()
  await sim.play(transcript)
  await waitFor('ended', () => tr.calls.get('1795866724.0')?.state === 'ended')
  check(t, 'blind transfer', tr.calls, [{ linkedId: '1795866724.0', caller: '+79123456789', outcome: 'answered', reason: null, answeredBy: '101', cause: 16, recording: '1795866724.0.wav', transferredTo: '102' }])
})

t.test('replay: garbage and a truncated block in the middle of a call lose nothing else', async (t) => {
  const sim = await simulator(t)
  const c = client(t, sim.url())
  const tr = tracker(c)
  c.start()
  await sim.play('answered', { to: 20 })
  await sim.inject('garbage without structure\r\n\u00ff\u00fe\r\n\r\nEvent: Newstate\r\nChannel: PJSIP/10')
  await sim.inject('\r\n\r\n') // the truncated block ends here
  await sim.play('answered', { from: 20 })
  await waitFor('ended', () => tr.calls.get('1795866724.0')?.state === 'ended')
  check(t, 'answered with garbage', tr.calls, SCENARIOS[0]![1])
  t.equal(c.status.state, 'connected', 'the connection survived')
})

t.test('replay: wrong credentials give status disconnected with reason, and no events', async (t) => {
  const sim = await simulator(t)
  const c = client(t, sim.url('not-the-secret'), { minBackoffMs: 10_000 })
  const tr = tracker(c)
  c.start()
  await waitFor('failure', () => c.status.state === 'disconnected' && c.status.reason === 'auth-failed')
  t.equal(sim.connections, 0, 'the simulator closed the socket, as Asterisk does')
  t.equal(tr.events.length, 0, 'no events')
})

t.test('replay: the demo writes the recordings a scenario announces (recordingFiles), the ones the call log names', async (t) => {
  for (const [name, expected] of SCENARIOS) {
    t.same(recordingFiles(loadTranscript(name)), expected.map((e) => e.recording).filter((r) => r !== null), name)
  }
})

t.test('replay: the demo moves a scenario\'s call records (Cdr) to today, in the PBX\'s zone, keeping their durations', async (t) => {
  const recorded = loadTranscript('answered')
  const times = (tr: Transcript): string[] => tr.blocks.flatMap((b) => [...b.bytes.toString('utf8').matchAll(/^(?:StartTime|AnswerTime|EndTime): (.+)\r$/gm)].map((m) => m[1]!))
  t.same(times(recorded).slice(0, 3), ['2026-11-28 11:52:04', '2026-11-28 11:52:06', '2026-11-28 11:52:09'], 'recorded on 28 November, Yekaterinburg time')
  const now = new Date('2026-12-02T05:20:00Z') // 10:20 in Yekaterinburg
  const moved = retimeRecords(recorded, now, 'Asia/Yekaterinburg')
  t.same(times(moved).slice(0, 3), ['2026-12-02 10:20:00', '2026-12-02 10:20:02', '2026-12-02 10:20:05'], 'the first record starts now, the others keep their distance')
  t.equal(times(moved).length, times(recorded).length, 'every record moved')
  t.same(retimeRecords(recorded, now, 'UTC').blocks.length, recorded.blocks.length, 'nothing else changes')
})
