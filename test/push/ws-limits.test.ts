// What one logged-in user can make the service do over the websocket: replays are rationed,
// one session's screens are capped, and a revoked session's screens close at once.
import t from 'tap'
import { testApp } from '../helpers/app.js'
import { connectWs } from '../helpers/ws.js'
import { MAX_SOCKETS_PER_SESSION, TOO_MANY_SOCKETS_CODE } from '../../src/push/sockets.js'

t.test('ws limits: a replay request is answered once per cooldown, not once per frame sent', async (t) => {
  const { app, push, as } = await testApp(t)
  for (let i = 0; i < 50; i++) await push.publish('entry.created', { entry: { id: i, status: 'draft' } })
  const ws = await connectWs(app, '/ws', await as('auditor'))
  t.teardown(ws.close)
  await ws.next('hello')
  for (let i = 0; i < 100; i++) ws.socket.send(JSON.stringify({ type: 'resume', since: 0 }))
  await ws.next('resync')
  // a marker published after the requests reached the server: a socket's frames go out in order, so
  // any replay wrongly allowed would arrive before it
  const marker = await push.publish('entry.created', { entry: { id: 999, status: 'draft' } })
  await ws.next('entry.created', (f) => f.id === marker)
  const resyncs = ws.frames.filter((f) => f.type === 'resync').length
  const replayed = ws.frames.filter((f) => f.replay === true).length
  t.equal(resyncs, 1, '100 requests at once: one resync')
  t.equal(replayed, 50, 'and the log replayed once (50 frames), not 5 000')
})

t.test('ws limits: one session opens at most MAX_SOCKETS_PER_SESSION screens; the oldest gives way', async (t) => {
  const { app, push, login } = await testApp(t)
  const session = await login('ivanova')
  const screens = []
  for (let i = 0; i <= MAX_SOCKETS_PER_SESSION; i++) {
    const ws = await connectWs(app, '/ws', session)
    t.teardown(ws.close)
    await ws.next('hello')
    screens.push(ws)
  }
  t.equal(await screens[0]!.closed, TOO_MANY_SOCKETS_CODE, `the ${MAX_SOCKETS_PER_SESSION + 1}th screen closes the first with ${TOO_MANY_SOCKETS_CODE}`)
  t.equal(push.socketCount, MAX_SOCKETS_PER_SESSION, `${MAX_SOCKETS_PER_SESSION} remain`)
  const other = await connectWs(app, '/ws', await login('ivanova'))
  t.teardown(other.close)
  await other.next('hello')
  t.equal(push.socketCount, MAX_SOCKETS_PER_SESSION + 1, 'another session of the same user is not concerned')
})

t.test('ws limits: a disabled user\'s and a logged-out session\'s screens close at once', async (t) => {
  // no heartbeat within the test: only the immediate close can close the sockets (else the test times out)
  const { app, as, users } = await testApp(t, { push: { heartbeatMs: 3_600_000 } })
  const head = await as('head')
  const specialist = await as('specialist')
  const ws = await connectWs(app, '/ws', specialist)
  t.teardown(ws.close)
  await ws.next('hello')
  const res = await app.inject({ method: 'PATCH', url: `/api/users/${users.specialist.id}`, headers: head, payload: { active: false } })
  t.equal(res.statusCode, 200, 'the head disables the specialist')
  t.equal(await ws.closed, 4401, 'the socket is closed with «session ended», without waiting for a heartbeat')

  const auditor = await as('auditor')
  const ws2 = await connectWs(app, '/ws', auditor)
  t.teardown(ws2.close)
  await ws2.next('hello')
  await app.inject({ method: 'POST', url: '/api/auth/logout', headers: auditor })
  t.equal(await ws2.closed, 4401, 'logging out closes that session\'s screen too')
})
