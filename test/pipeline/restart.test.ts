import { defaultCalendar } from '../../src/calendar/index.js'
// Restarts of the service and reconnects on a real database: calls up during the gap are restored,
// ended or found, never duplicated; drafts identify the caller from earlier entries.
import t from 'tap'
import { simulator, waitFor } from '../helpers/ami.js'
import { stack } from '../helpers/pipeline.js'
import { loadTranscript } from '../../src/ami/simulator.js'
import { journalRepository } from '../../src/db/journal.repository.js'
import { journalService } from '../../src/services/journal.service.js'

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
  const journal = journalService({ repo: journalRepository(s.database.db), calendar: defaultCalendar, clock: () => new Date() })
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
