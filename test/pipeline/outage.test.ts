// A complete call log after any outage, on a real database, from recorded data: the PBX's durable
// records (pbx_cdr rows built from the real Cdr events of fixtures/ami-dialplan, as cdr_pgsql writes
// them) fill what the service did not hear; the live Cdr corrects a call found in progress. The
// service's clock is pinned to the recorded instants (the lab PBX ran on UTC: PBX_TIME_ZONE=UTC).
import t from 'tap'
import type { Test } from 'tap'
import path from 'node:path'
import { simulator, waitFor } from '../helpers/ami.js'
import { stack, type Stack } from '../helpers/pipeline.js'
import { DIALPLAN_FIXTURES, cdrRows, insertCdrRows } from '../helpers/pbx-records.js'
import { loadTranscript } from '../../src/ami/simulator.js'
import { pbxCdrRepository } from '../../src/db/pbx-cdr.repository.js'
import type { AmiSimulator } from '../../src/ami/simulator.js'

const transcript = (name: string): ReturnType<typeof loadTranscript> => loadTranscript(name, path.join(DIALPLAN_FIXTURES, name))

function start (s: Stack, sim: AmiSimulator, now: () => Date): ReturnType<Stack['service']> {
  return s.service(sim.url(), { clock: now, pipeline: { pbxRecords: pbxCdrRepository(s.database.db), pbxTimeZone: 'UTC' } })
}
async function reconciled (svc: ReturnType<Stack['service']>, times = 1): Promise<void> {
  await waitFor('reconciled', () => svc.log.lines.filter((l) => l.msg === 'reconciled calls with the PBX').length >= times)
  await svc.pipeline.idle()
}

t.test('outage: a call rejected by the static schedule while the service was down is in the call log after it starts', async (t) => {
  const sim = await simulator(t)
  const s = await stack(t)
  // fallback-service-down: the service stopped, HELPDESK_UNTIL past, the clock said closed (night)
  await insertCdrRows(s.database.db, cdrRows('fallback-service-down', 'status=closed tz=+0000'))
  const svc = start(s, sim, () => new Date('2026-12-01T20:40:00Z')) // the service comes back 7 min later
  await reconciled(svc)
  const rows = await s.calls.list()
  t.equal(rows.length, 1, 'the call is in the log')
  const row = rows[0]!
  t.same([row.linkedId, row.callerNumber, row.outcome, row.rejectReason], ['1796157181.37', '+79123456789', 'rejected', 'closed'], 'rejected, reason closed (the static schedule)')
  t.equal(row.arrivedAt.toISOString(), '2026-12-01T20:33:01.000Z', 'its real start')
  t.equal(row.endedAt?.toISOString(), '2026-12-01T20:33:18.000Z', 'its real end')
  t.equal(row.waitSeconds, null, 'no waiting (the announcement is not waiting)')
  t.equal(row.announcementSeconds, 17, 'the 17 s announcement, apart')
  t.equal(row.approximate, false, 'the PBX\'s own figures')
  t.equal(row.entryId, null, 'no draft for a rejected call')
  t.ok(svc.log.lines.some((l) => l.msg.startsWith('reconcile: a call the service did not hear') && l.obj.how === 'added from the PBX\'s record'), 'a log line says where it came from')
  t.same(svc.published.map((m) => m.type), ['call.ended'], 'the screens hear of it once')

  // and again: a reconnect, a restart, the periodic reconcile: never doubled
  sim.dropConnections()
  await reconciled(svc, 2)
  const again = start(s, sim, () => new Date('2026-12-01T20:45:00Z'))
  await reconciled(again)
  t.equal((await s.calls.list()).length, 1, 'still one row after a reconnect and a restart')
  t.same(again.published, [], 'nothing announced twice')
})

t.test('outage: a missed call joins the callback list with its draft; an answered one gets its specialist', async (t) => {
  const sim = await simulator(t)
  const s = await stack(t)
  await insertCdrRows(s.database.db, [...cdrRows('no-answer', 'status=open tz=+0000'), ...cdrRows('answered', 'status=open tz=+0000')])
  const svc = start(s, sim, () => new Date('2026-12-01T21:00:00Z'))
  await reconciled(svc)
  const missed = await s.calls.list({ missed: true })
  t.same(missed.map((r) => [r.linkedId, r.outcome, r.missed]), [['1796156838.4', 'no-answer', true]], 'the unanswered call is on the callback list')
  t.equal(missed[0]?.arrivedAt.toISOString(), '2026-12-01T20:27:18.000Z', 'with its real arrival')
  t.ok(missed[0]?.waitSeconds === 30 || missed[0]?.waitSeconds === 31, `it rang ${String(missed[0]?.waitSeconds)} s: the 30 s dial timeout (Duration 30; the Cdr's times are whole seconds)`)
  const [answered] = await s.calls.list({ missed: false })
  t.same([answered?.linkedId, answered?.outcome, answered?.answeredBy?.userId, answered?.waitSeconds, answered?.talkSeconds], ['1796156827.1', 'answered', s.users.s101.id, 2, 6], 'answered by 101 after 2 s, 6 s of talk (the PBX\'s figures)')
  const drafts = await s.listDrafts()
  t.same(drafts.map((d) => d.linkedId).sort(), ['1796156827.1', '1796156838.4'], 'each call that rang has its draft, once')
  t.equal(drafts.find((d) => d.linkedId === '1796156827.1')?.assignedTo, s.users.s101.id, 'the answered one\'s draft is the specialist\'s')
})

t.test('outage: a call that ended while the service was dead gets its real end, not the return time', async (t) => {
  const sim = await simulator(t)
  const s = await stack(t)
  const tr = transcript('answered')
  const t0 = 1796156826109 // run.json "started": the recording's origin
  const cut = tr.blocks.findIndex((b) => b.head === 'Event: HangupRequest')
  let now = new Date(t0 + tr.blocks[cut - 1]!.t)
  const first = start(s, sim, () => now)
  await reconciled(first)
  await sim.play(tr, { to: cut })
  await waitFor('talking', () => first.pipeline.tracked().get('1796156827.1')?.state === 'talking')
  await first.pipeline.idle()
  await first.client.stop() // killed mid-call; the call ends meanwhile, the PBX records it
  await insertCdrRows(s.database.db, cdrRows('answered', 'status=open tz=+0000'))
  now = new Date('2026-12-01T20:29:10Z') // back two minutes later
  const second = start(s, sim, () => now)
  await reconciled(second)
  const [row] = await s.calls.list()
  t.equal(row?.endedAt?.toISOString(), '2026-12-01T20:27:15.000Z', 'ended at the PBX\'s EndTime (not 20:29:10)')
  t.same([row?.outcome, row?.talkSeconds, row?.approximate, row?.answeredBy?.userId], ['answered', 6, false, s.users.s101.id], 'answered, 6 s of talk as billed, not approximate')
  t.equal((await s.calls.list()).length, 1, 'one row')
  t.same(second.published.map((m) => m.type), ['call.ended'], 'the end announced once')
})

/** service-started-mid-call: the service starts 10 s into the call (8 s after 101 answered), then the call ends. */
async function startedMidCall (t: Test, pbxTimeZone: string): Promise<{ s: Stack, svc: ReturnType<Stack['service']> }> {
  const sim = await simulator(t)
  const s = await stack(t)
  const tr = transcript('service-started-mid-call')
  const t0 = 1796157277872 // run.json "started"
  let now = new Date('2026-12-01T20:34:48Z')
  sim.channels = [
    { Channel: 'PJSIP/trunk-00000029', Uniqueid: '1796157278.41', Linkedid: '1796157278.41', CallerIDNum: '+79123456789', ChannelStateDesc: 'Up', Context: 'from-trunk', Exten: '73452290256', Seconds: 10, BridgeId: 'a6f92745-66bf-473d-8fa6-d5596061b011', variables: { HD_STATUS: 'open', MIXMONITOR_FILENAME: '/var/spool/asterisk/monitor/1796157278.41.wav' } },
    { Channel: 'PJSIP/101-0000002a', Uniqueid: '1796157278.42', Linkedid: '1796157278.41', CallerIDNum: '101', ChannelStateDesc: 'Up', Context: 'specialists', Exten: '73452290256', Seconds: 8, BridgeId: 'a6f92745-66bf-473d-8fa6-d5596061b011' }
  ]
  const svc = s.service(sim.url(), { clock: () => now, pipeline: { pbxRecords: pbxCdrRepository(s.database.db), pbxTimeZone } })
  await reconciled(svc)
  const found = (await s.calls.list())[0]
  t.same([found?.approximate, found?.waitSeconds], [true, 10], 'found talking: approximate, its answer the discovery (wait 10 s)')
  sim.channels = []
  const rest = tr.blocks.findIndex((b) => b.t > 12_000) // what happened after the service started: the end
  now = new Date(t0 + tr.blocks[rest]!.t) // the events' recorded arrival (they span 6 ms)
  await sim.play(tr, { from: rest })
  await waitFor('ended', () => svc.pipeline.tracked().get('1796157278.41')?.state === 'ended')
  await svc.pipeline.idle()
  return { s, svc }
}

t.test('outage: a call found in progress has the PBX\'s answer time (the live Cdr), not the discovery time', async (t) => {
  const { s } = await startedMidCall(t, 'UTC') // the lab PBX's clock
  const [row] = await s.calls.list()
  t.equal(row?.arrivedAt.toISOString(), '2026-12-01T20:34:38.000Z', 'arrived at the Cdr StartTime')
  t.equal(row?.answeredAt?.toISOString(), '2026-12-01T20:34:40.000Z', 'answered at the Cdr AnswerTime (2 s after arrival)')
  t.equal(row?.waitSeconds, 2, 'wait 2 s (not 18 s)')
  t.ok(row?.talkSeconds === 40 || row?.talkSeconds === 41, `talk ${String(row?.talkSeconds)} s: the PBX billed 40 s (its times are whole seconds), not 25 s`)
  t.equal(row?.approximate, false, 'no longer approximate')
  t.equal(row?.outcome, 'answered', 'answered')
})

t.test('outage: a live Cdr read in the wrong zone is refused with a log line; the row stays approximate', async (t) => {
  const { s, svc } = await startedMidCall(t, 'Asia/Yekaterinburg') // wrong: the lab PBX ran on UTC
  const [row] = await s.calls.list()
  t.same([row?.outcome, row?.approximate, row?.waitSeconds], ['answered', true, 10], 'answered, still approximate: no usable record of it')
  t.ok(svc.log.lines.some((l) => l.level === 'warn' && /PBX_TIME_ZONE/.test(l.msg) && /ends -18\d{3} s from the moment it arrived/.test(String(l.obj.problem))), 'the log names the 5 h offset and PBX_TIME_ZONE')
})

t.test('outage: a record whose times cannot be a call is refused with a log line, nothing stored', async (t) => {
  const sim = await simulator(t)
  const s = await stack(t)
  const [good] = cdrRows('fallback-service-down', 'status=closed tz=+0000')
  await insertCdrRows(s.database.db, [{ ...good!, uniqueid: '1796157999.1', linkedid: '1796157999.1', end: good!.start + 288_996 }])
  const svc = start(s, sim, () => new Date('2026-12-05T05:00:00Z'))
  await reconciled(svc)
  t.equal((await s.calls.list()).length, 0, 'no row from a 288 996 s record')
  t.ok(svc.log.lines.some((l) => l.level === 'warn' && /refused/.test(l.msg) && /lasts 288996 s/.test(String(l.obj.problem))), 'the log says which and why')
})
