import { defaultCalendar } from '../../src/calendar/index.js'
import t, { type Test } from 'tap'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { testApp } from '../helpers/app.js'
import { callsRepository } from '../../src/db/calls.repository.js'
import { journalRepository } from '../../src/db/journal.repository.js'
import { journalService } from '../../src/services/journal.service.js'
import { parseRange } from '../../src/http/calls.routes.js'
import { FIXTURES_DIR } from '../../src/ami/simulator.js'
import { isMissed, type Call, type CallEvent } from '../../src/calls/call.js'
import { step } from '../../src/calls/step.js'
import { connectWs } from '../helpers/ws.js'

const WAV = fs.readFileSync(path.join(FIXTURES_DIR, 'recordings', '1795866724.0.wav'))

function recordingsDir (t: Test): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hdj-rec-'))
  fs.writeFileSync(path.join(dir, '1795866724.0.wav'), WAV)
  fs.writeFileSync(path.join(os.tmpdir(), 'hdj-secret.txt'), 'not for you')
  t.teardown(() => { fs.rmSync(dir, { recursive: true, force: true }) })
  return dir
}

const base: Call = {
  linkedId: '1795866724.0',
  callerNumber: '+79123456789',
  dialled: '73452290256',
  state: 'ended',
  arrivedAt: new Date('2026-12-01T05:00:00Z'),
  answeredAt: new Date('2026-12-01T05:00:02Z'),
  endedAt: new Date('2026-12-01T05:00:05Z'),
  answeredBy: '101',
  transferredTo: null,
  decision: 'open',
  recordingFile: '1795866724.0.wav',
  callerHungUp: true,
  legs: {},
  hangupCause: 16,
  hangupCauseText: 'Normal Clearing',
  outcome: 'answered',
  rejectReason: null,
  approximate: false
}

async function setup (t: Test) {
  const dir = recordingsDir(t)
  const ta = await testApp(t, { env: { RECORDINGS_DIR: dir } })
  const calls = callsRepository(ta.db)
  const answered = await calls.save(base, new Date())
  await calls.setAnsweredBy(base.linkedId, ta.users.specialist.id, new Date())
  const rejected = await calls.save({ ...base, linkedId: '1795866784.15', arrivedAt: new Date('2026-12-01T07:40:00Z'), answeredAt: null, endedAt: new Date('2026-12-01T07:40:03Z'), answeredBy: null, decision: 'lunch', recordingFile: null, outcome: 'rejected', rejectReason: 'lunch' }, new Date())
  const missing = await calls.save({ ...base, linkedId: '1795866900.1', arrivedAt: new Date('2026-12-02T05:00:00Z'), answeredAt: new Date('2026-12-02T05:00:02Z'), endedAt: new Date('2026-12-02T05:00:09Z'), recordingFile: '1795866900.1.wav' }, new Date())
  return { ...ta, calls, answered, rejected, missing }
}

t.test('calls API: the call log with the issue\'s fields, filtered by period and outcome', async (t) => {
  const { app, as, answered, rejected, users, calls, db } = await setup(t)
  const headers = await as('auditor')
  const all = await app.inject({ method: 'GET', url: '/api/calls', headers })
  t.equal(all.statusCode, 200, 'any logged-in user reads the call log')
  const items = all.json().items as Array<Record<string, unknown>>
  t.equal(items.length, 3, 'three calls')
  const a = items.find((i) => i.id === answered.id)!
  for (const key of ['id', 'callerNumber', 'arrivedAt', 'answeredAt', 'endedAt', 'outcome', 'rejectReason', 'answeredBy', 'waitSeconds', 'talkSeconds', 'hangupCause', 'hasRecording', 'entryId']) {
    t.ok(key in a, `item has ${key}`)
  }
  t.same(a.answeredBy, { extension: '101', userId: users.specialist.id, fullName: users.specialist.fullName }, 'answered by the specialist with extension 101')
  t.equal(a.waitSeconds, 2, 'wait seconds')
  t.equal(a.talkSeconds, 3, 'talk seconds')
  t.equal(a.hasRecording, true, 'has a recording')
  t.equal(a.arrivedAt, '2026-12-01T05:00:00.000Z', 'instants in ISO 8601')
  const r = items.find((i) => i.id === rejected.id)!
  t.equal(r.outcome, 'rejected', 'a rejected call stays in the log')
  t.equal(r.rejectReason, 'lunch', 'with its reason')
  t.equal(r.hasRecording, false, 'no recording')
  t.same([r.waitSeconds, r.announcementSeconds], [null, 3], 'the API keeps the announcement apart from waiting')

  const day = await app.inject({ method: 'GET', url: '/api/calls?from=2026-12-01&to=2026-12-01', headers })
  t.equal(day.json().items.length, 2, 'a day in the center\'s zone (Asia/Yekaterinburg)')
  const page1 = await app.inject({ method: 'GET', url: '/api/calls?limit=2', headers })
  const page2 = await app.inject({ method: 'GET', url: '/api/calls?limit=2&offset=2', headers })
  t.match(page1.json(), { total: 3, limit: 2, offset: 0 }, 'paging: the total of the query')
  t.same([...page1.json().items, ...page2.json().items].map((i: { id: number }) => i.id).length, 3, 'two pages hold the three calls')
  t.equal(new Set([...page1.json().items, ...page2.json().items].map((i: { id: number }) => i.id)).size, 3, 'with no call twice')
  const onlyRejected = await app.inject({ method: 'GET', url: '/api/calls?outcome=rejected', headers })
  t.same(onlyRejected.json().items.map((i: { id: number }) => i.id), [rejected.id], 'filtered by outcome')
  const instant = await app.inject({ method: 'GET', url: '/api/calls?from=2026-12-01T07:00:00Z&to=2026-12-01T08:00:00Z', headers })
  t.same(instant.json().items.map((i: { id: number }) => i.id), [rejected.id], 'filtered by instants')

  const draft = await journalService({ repo: journalRepository(db), calendar: defaultCalendar, clock: () => new Date() }).createDraft({ channel: 'phone', callerNumber: '+79123456789' })
  t.equal(await calls.linkEntry(base.linkedId, draft.id, new Date()), true, 'the call is linked to its draft')
  await t.rejects(calls.linkEntry(rejected.call.linkedId, 99999, new Date()), /foreign key|call_entry_fk/, 'never to an entry that does not exist')
  const ofEntry = await app.inject({ method: 'GET', url: `/api/calls?entryId=${draft.id}`, headers })
  t.same(ofEntry.json().items.map((i: { id: number }) => i.id), [answered.id], 'filtered by journal entry')
  const bad = await app.inject({ method: 'GET', url: '/api/calls?outcome=maybe', headers })
  t.equal(bad.statusCode, 400, 'an unknown outcome is a 400')
  const badDate = await app.inject({ method: 'GET', url: '/api/calls?from=2026-13-45', headers })
  t.equal(badDate.statusCode, 400, 'an impossible date is a 400')
  t.equal(badDate.json().code, 'INVALID_DATE', 'with a stable code')
  const reversed = await app.inject({ method: 'GET', url: '/api/calls?from=2026-12-02&to=2026-12-01', headers })
  t.equal(reversed.json().code, 'INVALID_PERIOD', 'from after to is a 400')
  const anonymous = await app.inject({ method: 'GET', url: '/api/calls' })
  t.equal(anonymous.statusCode, 401, 'needs a session')
})

t.test('calls API: the recording streams with range support', async (t) => {
  const { app, as, answered, rejected, missing } = await setup(t)
  const headers = await as('specialist')
  const url = `/api/calls/${answered.id}/recording`
  const whole = await app.inject({ method: 'GET', url, headers })
  t.equal(whole.statusCode, 200, '200 without Range')
  t.equal(whole.headers['content-type'], 'audio/wav', 'audio/wav')
  t.equal(whole.headers['accept-ranges'], 'bytes', 'announces range support')
  t.equal(Number(whole.headers['content-length']), WAV.length, 'whole length')
  t.ok(whole.rawPayload.equals(WAV), 'the bytes of the file')

  const part = await app.inject({ method: 'GET', url, headers: { ...headers, range: 'bytes=100-199' } })
  t.equal(part.statusCode, 206, '206 for a range')
  t.equal(part.headers['content-range'], `bytes 100-199/${WAV.length}`, 'Content-Range')
  t.equal(Number(part.headers['content-length']), 100, 'Content-Length of the part')
  t.ok(part.rawPayload.equals(WAV.subarray(100, 200)), 'the bytes of the range')

  const open = await app.inject({ method: 'GET', url, headers: { ...headers, range: 'bytes=40000-' } })
  t.equal(open.statusCode, 206, 'an open range')
  t.ok(open.rawPayload.equals(WAV.subarray(40000)), 'to the end')
  const suffix = await app.inject({ method: 'GET', url, headers: { ...headers, range: 'bytes=-44' } })
  t.ok(suffix.rawPayload.equals(WAV.subarray(WAV.length - 44)), 'a suffix range: the last 44 bytes')

  const beyond = await app.inject({ method: 'GET', url, headers: { ...headers, range: `bytes=${WAV.length}-` } })
  t.equal(beyond.statusCode, 416, '416 past the end')
  t.equal(beyond.headers['content-range'], `bytes */${WAV.length}`, 'with the size')
  t.equal(beyond.json().code, 'RANGE_NOT_SATISFIABLE', 'and a stable code')

  const none = await app.inject({ method: 'GET', url: `/api/calls/${rejected.id}/recording`, headers })
  t.equal(none.json().code, 'RECORDING_NOT_FOUND', 'a rejected call has no recording')
  const gone = await app.inject({ method: 'GET', url: `/api/calls/${missing.id}/recording`, headers })
  t.equal(gone.statusCode, 404, 'the file is not in RECORDINGS_DIR')
  t.equal(gone.json().code, 'RECORDING_FILE_MISSING', 'says so')
  const unknown = await app.inject({ method: 'GET', url: '/api/calls/999999/recording', headers })
  t.equal(unknown.json().code, 'CALL_NOT_FOUND', 'unknown call')
  for (const evil of ['..%2F..%2Fhdj-secret.txt', '..%2Fhdj-secret.txt', '1795866724.0.wav']) {
    const res = await app.inject({ method: 'GET', url: `/api/calls/${evil}/recording`, headers })
    t.equal(res.statusCode, 400, `no path from the request reaches the file system (${evil})`)
  }
  const anonymous = await app.inject({ method: 'GET', url })
  t.equal(anonymous.statusCode, 401, 'needs a session')
})

t.test('calls API: the database refuses a recording name that is a path', async (t) => {
  const { calls } = await setup(t)
  const saved = await calls.save({ ...base, linkedId: '1795866999.9', recordingFile: '../../etc/passwd' }, new Date())
  t.equal(saved.call.recordingFile, null, 'a path is never stored as a recording')
})

t.test('parseRange: RFC 9110 single ranges', async (t) => {
  const cases: Array<[string | undefined, unknown]> = [
    [undefined, undefined],
    ['bytes=0-0', { start: 0, end: 0 }],
    ['bytes=0-999999', { start: 0, end: 99 }],
    ['bytes=90-', { start: 90, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=-1000', { start: 0, end: 99 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=50-40', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=-', 'unsatisfiable'],
    ['bytes=abc', 'unsatisfiable'],
    ['bytes=0-1,5-6', undefined],
    ['items=0-1', undefined]
  ]
  for (const [header, want] of cases) t.same(parseRange(header, 100), want, `${String(header)} of 100 bytes`)
})

t.test('calls: a call whose phones all failed is missed alike on the screen and in the call log (to call back)', async (t) => {
  // the PBX's events of such a call, folded by the state machine: it rang two phones, both unreachable
  const L = '1795867000.1'
  const at = (s: number): Date => new Date(Date.UTC(2026, 11, 1, 5, 0, s))
  let call: Call | undefined
  for (const ev of [
    { type: 'started', linkedId: L, callerNumber: '+79123456789', dialled: '73452290256', at: at(0) },
    { type: 'decided', linkedId: L, status: 'open', at: at(0) },
    { type: 'ringing', linkedId: L, legId: 'a', extension: '101', at: at(1) },
    { type: 'ringing', linkedId: L, legId: 'b', extension: '102', at: at(1) },
    { type: 'dial-ended', linkedId: L, legId: 'a', extension: '101', result: 'failed', at: at(2) },
    { type: 'dial-ended', linkedId: L, legId: 'b', extension: '102', result: 'failed', at: at(2) },
    { type: 'hungup', linkedId: L, channelId: L, cause: 34, causeText: 'Circuit/channel congestion', at: at(3) }
  ] satisfies CallEvent[]) call = step(call, ev, { helpdeskDid: '73452290256' }).call
  t.equal(call?.outcome, 'failed', 'the call failed (no phone could ring)')
  t.equal(isMissed(call!), true, 'it is missed: it came in hours and nobody answered')

  const { app, push, as, calls } = await setup(t)
  const headers = await as('specialist')
  const ws = await connectWs(app, '/ws', headers)
  t.teardown(ws.close)
  await ws.next('hello')
  const stored = await calls.save(call!, new Date())
  await push.publishCall({ type: 'call.ended', call: call!, callId: stored.id })
  const ended = await ws.next('call.ended')
  t.equal(ended.missed, true, 'the popup shows it as missed («перезвонить»)')

  const missed = (await app.inject({ method: 'GET', url: '/api/calls?missed=true', headers })).json()
  t.same(missed.items.map((i: { id: number }) => i.id), [stored.id], '«Пропущенные» lists it (and neither the answered nor the rejected call)')
  t.equal(missed.items[0].missed, true, 'marked missed in the call log')
  t.equal(missed.total, 1, 'counted once')
  const others = (await app.inject({ method: 'GET', url: '/api/calls?missed=false', headers })).json()
  t.equal(others.total, 3, 'the other calls are the rest')
  t.ok(others.items.every((i: { missed: boolean }) => !i.missed), 'none of them missed')
})
