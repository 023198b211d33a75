import t from 'tap'
import type { Call } from '../../src/calls/call.js'
import { testApp } from '../helpers/app.js'
import { connectWs, upgradeContext } from '../helpers/ws.js'

const at = new Date('2026-03-03T05:00:00Z')
function call (linkedId: string, over: Partial<Call> = {}): Call {
  return {
    linkedId, callerNumber: '+73452000111', dialled: '73452290256', state: 'ringing', arrivedAt: at,
    answeredAt: null, endedAt: null, answeredBy: null, transferredTo: null, decision: 'open', recordingFile: null,
    callerHungUp: false, legs: {}, hangupCause: null, hangupCauseText: null, outcome: null, rejectReason: null, approximate: false,
    ...over
  }
}

t.test('ws: the upgrade is refused with 401 without a valid session', async (t) => {
  const { app, push } = await testApp(t)
  await app.ready() // injectWS, unlike inject, does not wait for the routes
  await t.rejects(app.injectWS('/ws', upgradeContext()), /Unexpected server response: 401/, 'no cookie: 401 before the upgrade completes')
  await t.rejects(app.injectWS('/ws', upgradeContext({ cookie: 'sid=forged-token-that-was-never-issued' })), /401/, 'a forged session cookie: 401')
  await t.rejects(app.injectWS('/ws', upgradeContext({ cookie: 'sid=' })), /401/, 'an empty session cookie: 401')
  t.equal(push.socketCount, 0, 'no socket joined the hub')
})

t.test('ws: a logged-in specialist gets hello with who they are, calls and presence', async (t) => {
  const { app, push, as, users } = await testApp(t)
  const ws = await connectWs(app, '/ws', await as('specialist'))
  t.teardown(ws.close)
  const hello = await ws.next('hello')
  t.same(hello.user, { userId: users.specialist.id, fullName: 'Иванова Анна Сергеевна', extension: '101', role: 'specialist' }, 'hello names the user')
  t.same(hello.calls, [], 'no calls in progress')
  t.equal(hello.gap, false, 'no gap on a fresh connect')
  const me = (hello.presence as Array<{ userId: number, online: boolean }>).find((p) => p.userId === users.specialist.id)
  t.equal(me?.online, true, 'the specialist is online in their own greeting')
  t.notOk((hello.presence as Array<{ userId: number }>).some((p) => p.userId === users.auditor.id), 'an auditor without an extension is not in the presence list')
  const presence = await ws.next('presence')
  t.ok(presence.id > 0, 'presence messages carry an id')
  // the only message is the presence this screen's arrival caused: stored before the greeting read
  // the log's last id (on PostgreSQL's pool it can be) or after it
  t.ok(hello.id === 0 || hello.id === presence.id, `the hello id (${hello.id}) is the last message id when it was made: none, or that presence (${presence.id})`)
})

t.test('ws: entry messages reach every connected screen, in order, with growing ids', async (t) => {
  const { app, push, as } = await testApp(t)
  const a = await connectWs(app, '/ws', await as('specialist'))
  const b = await connectWs(app, '/ws', await as('head'))
  t.teardown(() => { a.close(); b.close() })
  await a.next('hello')
  await b.next('hello')
  const id1 = await push.publish('entry.created', { entry: { id: 7, status: 'draft' } })
  const id2 = await push.publish('entry.updated', { entry: { id: 7, status: 'in_progress' } })
  t.ok(id2 > id1, 'ids grow')
  for (const ws of [a, b]) {
    const created = await ws.next('entry.created')
    const updated = await ws.next('entry.updated')
    t.same({ id: created.id, entry: created.entry }, { id: id1, entry: { id: 7, status: 'draft' } }, 'entry.created arrives with its id and entry')
    t.same({ id: updated.id, entry: updated.entry }, { id: id2, entry: { id: 7, status: 'in_progress' } }, 'entry.updated arrives with its id and entry')
    t.ok(ws.frames.indexOf(created) < ws.frames.indexOf(updated), 'in publishing order')
    t.type(created.at, 'string', 'with the instant it was produced')
  }
})

t.test('ws: a reconnect with since gets the missed messages, then hello with the calls in progress', async (t) => {
  const { app, push, as, users } = await testApp(t)
  const headers = await as('specialist')
  const first = await connectWs(app, '/ws', headers)
  const hello = await first.next('hello')
  first.close()
  await first.closed
  const ring = await push.publishCall({ type: 'call.ringing', call: call('1700000000.1'), entry: { id: 41, status: 'draft' }, callId: 5 })
  const created = await push.publish('entry.created', { entry: { id: 41, status: 'draft' } })

  const again = await connectWs(app, `/ws?since=${hello.id}`, headers)
  t.teardown(again.close)
  const h2 = await again.next('hello')
  const replayed = again.frames.slice(0, again.frames.indexOf(h2))
  t.same(replayed.map((f) => [f.id, f.type, f.replay]), [[ring, 'call.ringing', true], [created, 'entry.created', true]], 'the missed messages come first, marked replay, presence left out')
  t.ok(h2.id >= created, 'hello carries the last id (presence messages may follow the entry)')
  const calls = h2.calls as Array<{ id: number, call: { linkedId: string, callId: number }, draft: { id: number }, caller: { number: string } }>
  t.equal(calls.length, 1, 'the ringing call is in the snapshot')
  t.same([calls[0]?.id, calls[0]?.call.linkedId, calls[0]?.call.callId, calls[0]?.draft.id, calls[0]?.caller.number], [ring, '1700000000.1', 5, 41, '+73452000111'], 'with its draft and caller')

  // the call is answered at extension 101 (ivanova): the snapshot keeps the draft and says who
  const ans = await push.publishCall({ type: 'call.answered', call: call('1700000000.1', { state: 'talking', answeredAt: at, answeredBy: '101' }) })
  const live = await again.next('call.answered')
  t.same(live.answeredBy, { userId: users.specialist.id, fullName: 'Иванова Анна Сергеевна', extension: '101' }, 'call.answered names the specialist by extension')
  t.equal(live.id, ans, 'with its id')
  const onCall = await again.next('presence', (f) => f.id > ans)
  t.equal((onCall.specialists as Array<{ userId: number, onCall: string | null }>).find((p) => p.userId === users.specialist.id)?.onCall, '1700000000.1', 'presence shows the specialist on the call')
  const snap = await push.calls()
  t.same([snap[0]?.type, snap[0]?.answeredBy?.userId, snap[0]?.draft?.id], ['call.answered', users.specialist.id, 41], 'the snapshot holds the answer and the draft from the ring')

  const end = await push.publishCall({ type: 'call.ended', call: call('1700000000.1', { state: 'ended', answeredAt: at, answeredBy: '101', endedAt: at, outcome: 'answered' }) })
  const ended = await again.next('call.ended')
  t.same([ended.id, ended.missed], [end, false], 'call.ended arrives, not missed')
  t.same(await push.calls(), [], 'an ended call leaves the snapshot')
})

t.test('ws: resume as a first message replays and answers resync', async (t) => {
  const { app, push, as } = await testApp(t)
  const ws = await connectWs(app, '/ws', await as('specialist'))
  t.teardown(ws.close)
  const hello = await ws.next('hello')
  await ws.next('presence') // the specialist's own arrival is published too: let it be logged before the call
  const missed = await push.publishCall({ type: 'call.ringing', call: call('1700000000.9') })
  await ws.next('call.ringing')
  ws.socket.send(JSON.stringify({ type: 'resume', since: hello.id }))
  const resync = await ws.next('resync')
  const replay = ws.frames.filter((f) => f.replay === true)
  t.same(replay.map((f) => [f.id, f.type]), [[missed, 'call.ringing']], 'the messages after since are replayed again on request')
  t.equal(resync.id, missed, 'resync carries the last id')
  t.equal((resync.calls as unknown[]).length, 1, 'and the calls in progress')
  ws.socket.send('not json')
  ws.socket.send(JSON.stringify({ type: 'resume', since: -1 }))
  await push.publish('entry.created', { entry: { id: 1 } })
  await ws.next('entry.created')
  t.equal(ws.frames.filter((f) => f.type === 'resync').length, 1, 'garbage and bad resume requests are ignored, the socket stays')
})

t.test('ws: call.answered names the extension holding the call (holder()), so a screen never works it out', async (t) => {
  const { app, push, as } = await testApp(t)
  const ws = await connectWs(app, '/ws', await as('specialist'))
  t.teardown(ws.close)
  await ws.next('hello')
  const talking = call('1772514000.1', { state: 'talking', answeredAt: at, answeredBy: '101' })
  await push.publishCall({ type: 'call.answered', call: talking, answeredBy: null })
  const holderOf = (f: Record<string, unknown>): unknown => (f.call as { holder?: unknown }).holder
  t.equal(holderOf(await ws.next('call.answered')), '101', 'answered: who answered holds it')
  await push.publishCall({ type: 'call.answered', call: { ...talking, transferredTo: '109' }, answeredBy: null })
  const transferred = await ws.next('call.answered', (f) => (f.call as { transferredTo: string | null }).transferredTo !== null)
  t.equal(holderOf(transferred), '109', 'after a blind transfer: who took it (an extension no user has: answeredBy null)')
  t.equal(transferred.answeredBy, null, 'no user has extension 109')
})

t.test('ws: messages published at once are stored together; one the database refuses takes no other with it', async (t) => {
  const { app, push, as } = await testApp(t)
  const ws = await connectWs(app, '/ws', await as('specialist'))
  t.teardown(ws.close)
  await ws.next('hello')
  const results = await Promise.allSettled([
    push.publish('entry.created', { entry: { id: 41 } }),
    push.publish('entry.created', { entry: { id: 42, text: 'a\u0000b' } } as unknown as { entry: { id: number } }),
    push.publish('entry.updated', { entry: { id: 43 } })
  ])
  t.same(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled'], 'the refused message fails alone')
  const first = await ws.next('entry.created')
  const second = await ws.next('entry.updated')
  t.same([first.entry, second.entry], [{ id: 41 }, { id: 43 }], 'the other two reach the screen, in order')
  t.ok(second.id > first.id, 'with growing ids')
})
