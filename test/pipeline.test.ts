// Every recorded scenario over TCP through the real client and pipeline into the real database:
// call rows, drafts, assignment, notifications; replays, reconnects and restarts add nothing twice.
import t, { type Test } from 'tap'
import { simulator, waitFor } from './helpers/ami.js'
import { stack, type FakeDraft } from './helpers/pipeline.js'
import { blindTransferTranscript } from './helpers/blind-transfer.js'
import { loadTranscript } from '../src/ami/simulator.js'
import type { CallLogItem } from '../src/db/calls.repository.js'
import { journalRepository } from '../src/db/journal.repository.js'

interface Row { linkedId: string, caller: string, outcome: string, reason: string | null, answeredBy: string | null, draft: boolean }

const SCENARIOS: Array<[string, Row[]]> = [
  ['answered', [{ linkedId: '1795866724.0', caller: '+79123456789', outcome: 'answered', reason: null, answeredBy: '101', draft: true }]],
  ['abandoned-ringing', [{ linkedId: '1795866740.6', caller: '+79123456789', outcome: 'abandoned', reason: null, answeredBy: null, draft: true }]],
  ['busy', [{ linkedId: '1795866781.12', caller: '+79123456789', outcome: 'busy', reason: null, answeredBy: null, draft: true }]],
  ['out-of-hours', [{ linkedId: '1795866784.15', caller: '+79123456789', outcome: 'rejected', reason: 'weekend', answeredBy: null, draft: false }]],
  ['two-concurrent-calls', [
    { linkedId: '1795866796.17', caller: '+79123456789', outcome: 'answered', reason: null, answeredBy: '101', draft: true },
    { linkedId: '1795866796.20', caller: '+79220001122', outcome: 'answered', reason: null, answeredBy: '102', draft: true }
  ]],
  ['queue', [{ linkedId: '1795866805.23', caller: '+79123456789', outcome: 'answered', reason: null, answeredBy: '101', draft: true }]],
  ['ami-reconnect', [{ linkedId: '1795866830.30', caller: '+79123456789', outcome: 'answered', reason: null, answeredBy: '101', draft: true }]]
]

function checkRows (t: Test, name: string, items: CallLogItem[], drafts: FakeDraft[], expected: Row[], userIds: Record<string, number>): void {
  t.equal(items.length, expected.length, `${name}: ${expected.length} call row(s)`)
  for (const e of expected) {
    const row = items.find((i) => i.linkedId === e.linkedId)
    t.ok(row, `${name}: row for ${e.linkedId}`)
    if (row === undefined) continue
    t.equal(row.callerNumber, e.caller, `${name}: caller`)
    t.equal(row.outcome, e.outcome, `${name}: outcome`)
    t.equal(row.rejectReason, e.reason, `${name}: reject reason`)
    t.equal(row.answeredBy?.extension ?? null, e.answeredBy, `${name}: answered by extension`)
    t.equal(row.answeredBy?.userId ?? null, e.answeredBy === null ? null : userIds[e.answeredBy], `${name}: answered by the user with that extension`)
    t.ok(row.endedAt !== null, `${name}: ended`)
    t.equal(row.hasRecording, e.answeredBy !== null, `${name}: recording linked iff answered`)
    const draft = drafts.filter((d) => d.linkedId === e.linkedId)
    t.equal(draft.length, e.draft ? 1 : 0, `${name}: ${e.draft ? 'one draft' : 'no draft'}`)
    t.equal(row.entryId, draft[0]?.entryId ?? null, `${name}: the call row links its draft`)
    if (draft[0] !== undefined) {
      t.equal(draft[0].callerNumber, e.caller.replace(/^\+/, ''), `${name}: draft keeps the caller's number (normalized)`)
      t.equal(draft[0].contactText, e.caller, `${name}: draft contact is the caller's number`)
      t.equal(draft[0].channel, 'phone', `${name}: draft channel is phone`)
      t.equal(draft[0].assignedTo, e.answeredBy === null ? null : userIds[e.answeredBy], `${name}: draft assigned to who answered`)
    }
  }
}

for (const [name, expected] of SCENARIOS) {
  t.test(`pipeline: ${name} into the database; replayed twice, nothing doubles`, async (t) => {
    const sim = await simulator(t)
    const s = await stack(t)
    const svc = s.service(sim.url())
    await sim.waitForLogin()
    await sim.play(name)
    await waitFor('rows ended', () => svc.pipeline.tracked().size >= expected.length && [...svc.pipeline.tracked().values()].every((c) => c.state === 'ended'), 10_000)
    await svc.pipeline.idle()
    const userIds = { 101: s.users.s101.id, 102: s.users.s102.id }
    checkRows(t, name, await s.calls.list(), await s.listDrafts(), expected, userIds)
    const types = svc.published.map((m) => `${m.type} ${m.call.linkedId}`)
    for (const e of expected) {
      t.equal(types.filter((x) => x === `call.ended ${e.linkedId}`).length, 1, `${name}: call.ended published once`)
      t.equal(types.filter((x) => x === `call.ringing ${e.linkedId}`).length, e.outcome === 'rejected' ? 0 : 1, `${name}: call.ringing published ${e.outcome === 'rejected' ? 'never' : 'once'}`)
    }
    const ringing = svc.published.find((m) => m.type === 'call.ringing')
    if (ringing !== undefined) t.ok(ringing.entry?.id, `${name}: the ringing message carries the draft`)

    await sim.play(name)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await svc.pipeline.idle()
    t.equal(await s.calls.count(), expected.length, `${name}: replayed, still ${expected.length} row(s)`)
    checkRows(t, `${name} (replayed)`, await s.calls.list(), await s.listDrafts(), expected, userIds)
    t.equal(svc.published.length, types.length, `${name}: replayed, nothing published again`)
  })
}

t.test('pipeline: a blind transfer (synthetic transcript) is one call, one draft', async (t) => {
  const sim = await simulator(t)
  const s = await stack(t)
  const svc = s.service(sim.url())
  await sim.play(blindTransferTranscript())
  await waitFor('ended', () => svc.pipeline.tracked().get('1795866724.0')?.state === 'ended')
  await svc.pipeline.idle()
  const [row] = await s.calls.list()
  t.equal(row?.outcome, 'answered', 'answered')
  t.equal(row?.answeredBy?.extension, '101', 'answered by 101')
  t.equal(row?.transferredTo, '102', 'transferred to 102')
  t.equal((await s.listDrafts()).length, 1, 'one draft')
})

t.test('pipeline: a restart of the service mid-call neither duplicates nor loses the call', async (t) => {
  const sim = await simulator(t)
  const s = await stack(t)
  const tr = loadTranscript('answered')
  const cut = tr.blocks.findIndex((b) => b.head === 'Event: HangupRequest') // talking now
  const first = s.service(sim.url())
  await sim.play(tr, { to: cut })
  await waitFor('talking', () => first.pipeline.tracked().get('1795866724.0')?.state === 'talking')
  await first.pipeline.idle()
  await first.client.stop() // the service goes down while the call is up

  sim.channels = [
    { Channel: 'PJSIP/trunk-00000000', Uniqueid: '1795866724.0', Linkedid: '1795866724.0', CallerIDNum: '+79123456789', ChannelStateDesc: 'Up', Context: 'from-trunk', Exten: '73452290256', Seconds: 4, BridgeId: 'b-1', variables: { HD_STATUS: 'open', MIXMONITOR_FILENAME: '/var/spool/asterisk/monitor/1795866724.0.wav' } },
    { Channel: 'PJSIP/101-00000001', Uniqueid: '1795866724.1', Linkedid: '1795866724.0', CallerIDNum: '101', ChannelStateDesc: 'Up', Context: 'specialists', Exten: '', Seconds: 2, BridgeId: 'b-1' }
  ]
  const second = s.service(sim.url()) // a new process: empty memory, same database
  await sim.waitForLogin(2)
  await waitFor('reconciled', () => second.log.lines.some((l) => l.msg === 'reconciled calls with the PBX'))
  t.equal(second.pipeline.tracked().get('1795866724.0')?.state, 'talking', 'restored from the database, confirmed by the PBX')
  sim.channels = []
  await sim.play(tr, { from: cut })
  await waitFor('ended', () => second.pipeline.tracked().get('1795866724.0')?.state === 'ended')
  await second.pipeline.idle()
  const rows = await s.calls.list()
  t.equal(rows.length, 1, 'one row')
  t.equal(rows[0]?.outcome, 'answered', 'answered')
  t.equal(rows[0]?.answeredBy?.userId, s.users.s101.id, 'answered by 101')
  t.equal(rows[0]?.hangupCause, 16, 'the hang-up seen after the restart is recorded')
  t.equal(rows[0]?.approximate, false, 'nothing had to be guessed')
  t.equal((await s.listDrafts()).length, 1, 'one draft')
  t.same(second.published.map((m) => m.type), ['call.ended'], 'the new process only publishes the end')
})

t.test('pipeline: a call that ended while the service was down is closed on reconnect', async (t) => {
  const sim = await simulator(t)
  const s = await stack(t)
  const tr = loadTranscript('answered')
  const cut = tr.blocks.findIndex((b) => b.head === 'Event: HangupRequest')
  const first = s.service(sim.url())
  await sim.play(tr, { to: cut })
  await waitFor('talking', () => first.pipeline.tracked().get('1795866724.0')?.state === 'talking')
  await first.pipeline.idle()
  await first.client.stop()
  sim.channels = [] // it ended meanwhile; its events went nowhere
  const second = s.service(sim.url())
  await waitFor('closed', () => second.pipeline.tracked().get('1795866724.0')?.state === 'ended')
  await second.pipeline.idle()
  const rows = await s.calls.list()
  t.equal(rows.length, 1, 'one row')
  t.equal(rows[0]?.outcome, 'answered', 'still answered')
  t.ok(rows[0]?.endedAt, 'ended')
  t.equal(rows[0]?.approximate, true, 'the end instant is marked approximate')
  t.equal(rows[0]?.hangupCause, null, 'the cause is unknown')
})

t.test('pipeline: a call found up on connect that the service never saw gets a row and a draft', async (t) => {
  const sim = await simulator(t)
  const s = await stack(t)
  sim.channels = [
    { Channel: 'PJSIP/trunk-00000005', Uniqueid: '1795869000.5', Linkedid: '1795869000.5', CallerIDNum: '+79220001122', ChannelStateDesc: 'Ring', Context: 'from-trunk', Exten: '73452290256', Seconds: 3, variables: { HD_STATUS: 'open' } },
    { Channel: 'PJSIP/trunk-00000009', Uniqueid: '1795869000.9', Linkedid: '1795869000.9', CallerIDNum: '+79001112233', ChannelStateDesc: 'Up', Context: 'from-trunk', Exten: '73452290256', Seconds: 1, variables: { HD_STATUS: 'lunch' } },
    { Channel: 'PJSIP/trunk-0000000a', Uniqueid: '1795869000.10', Linkedid: '1795869000.10', CallerIDNum: '+79001112244', ChannelStateDesc: 'Up', Context: 'from-trunk', Exten: '70000000000', Seconds: 1 }
  ]
  const svc = s.service(sim.url())
  await waitFor('found', () => svc.pipeline.tracked().size === 2)
  await svc.pipeline.idle()
  const rows = await s.calls.list()
  t.equal(rows.length, 2, 'two rows: the other DID is ignored')
  const ringing = rows.find((r) => r.linkedId === '1795869000.5')
  t.equal(ringing?.state, 'ringing', 'the ringing call is tracked')
  t.ok(ringing?.entryId, 'and has a draft')
  const lunch = rows.find((r) => r.linkedId === '1795869000.9')
  t.equal(lunch?.entryId, null, 'a call the PBX is rejecting (lunch) gets no draft')
  t.equal((await s.listDrafts()).length, 1, 'one draft')
})

t.test('pipeline: the caller is identified from earlier entries with the same number', async (t) => {
  const sim = await simulator(t)
  const s = await stack(t)
  const journal = journalRepository(s.database.db)
  const earlier = await journal.createDraft({ channel: 'phone', callerNumber: '8 912 345-67-89', contactText: 'Петрова Ирина Викторовна', organizationName: 'МАОУ СОШ № 5 г. Тюмени' })
  const svc = s.service(sim.url())
  await sim.play('answered')
  await waitFor('ended', () => svc.pipeline.tracked().get('1795866724.0')?.state === 'ended')
  await svc.pipeline.idle()
  const [row] = await s.calls.list()
  const draft = await journal.byId(row!.entryId!)
  t.not(draft?.id, earlier.id, 'a new draft, not the earlier entry')
  t.equal(draft?.contactText, 'Петрова Ирина Викторовна', 'contact copied from the earlier entry with the same number')
  t.equal(draft?.organizationName, 'МАОУ СОШ № 5 г. Тюмени', 'organization copied too')
  t.equal(draft?.assignedTo, s.users.s101.id, 'assigned to who answered')
  const ringing = svc.published.find((m) => m.type === 'call.ringing')
  t.equal(ringing?.entry?.contactText, 'Петрова Ирина Викторовна', 'the popup gets the draft with the caller')
  t.equal(ringing?.callId, row!.id, 'and the call log id')
  const answered = svc.published.find((m) => m.type === 'call.answered')
  t.equal(answered?.entry?.assignedTo, s.users.s101.id, 'call.answered carries the assigned draft')
})
