import t from 'tap'
import { pushRepository } from '../../src/db/push.repository.js'
import { SESSION_ENDED_CODE } from '../../src/push/hub.js'
import { testApp } from '../helpers/app.js'
import { testDatabase } from '../helpers/db.js'
import { connectWs } from '../helpers/ws.js'

// Split from ws.test.ts to keep each file well inside tap's timeout on a loaded machine.

t.test('ws: a reconnect after the log was pruned is told there is a gap', async (t) => {
  const { app, push, as, db } = await testApp(t)
  const headers = await as('specialist')
  await push.publish('entry.created', { entry: { id: 1 } })
  await push.publish('entry.created', { entry: { id: 2 } })
  await pushRepository(db).prune(new Date(Date.now() + 60_000))
  const last = await push.publish('entry.created', { entry: { id: 3 } })
  const ws = await connectWs(app, '/ws?since=1', headers)
  t.teardown(ws.close)
  const hello = await ws.next('hello')
  t.equal(hello.gap, true, 'gap: messages after since were pruned')
  t.same(ws.frames.filter((f) => f.replay === true).map((f) => f.id), [last], 'what is still kept is replayed')
  const ahead = await connectWs(app, `/ws?since=${last + 1000}`, headers)
  t.teardown(ahead.close)
  const h2 = await ahead.next('hello')
  t.same([h2.gap, h2.id >= last, ahead.frames.filter((f) => f.replay === true).length], [true, true, 0], 'a since beyond the log (another database): gap, nothing replayed, hello gives the id to go on from')
})

t.test('ws: a socket that does not answer pings is dropped, a live one stays', async (t) => {
  const database = await testDatabase(t)
  const { app, push: hub, as } = await testApp(t, { database, push: { heartbeatMs: 250 } })
  const headers = await as('specialist')
  const dead = await connectWs(app, '/ws', headers, { noPong: true })
  const live = await connectWs(app, '/ws', headers)
  t.teardown(live.close)
  await dead.next('hello')
  await live.next('hello')
  t.equal(await dead.closed, 1006, 'the silent socket was terminated (no close handshake)')
  t.equal(hub.socketCount, 1, 'and left the hub')
  await new Promise((resolve) => setTimeout(resolve, 800))
  t.equal(live.socket.readyState, 1, 'the socket answering pings is still open after several heartbeats')
  t.equal(hub.socketCount, 1, 'and still in the hub')
})


t.test('ws: a socket whose session is logged out is closed with 4401, others stay', async (t) => {
  const database = await testDatabase(t)
  // the service's hub checks each socket's session at every heartbeat
  const { app, as } = await testApp(t, { database, push: { heartbeatMs: 250 } })
  const leaving = await as('specialist')
  const staying = await as('specialist')
  const a = await connectWs(app, '/ws', leaving)
  const b = await connectWs(app, '/ws', staying)
  t.teardown(b.close)
  await a.next('hello')
  await b.next('hello')
  const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: leaving })
  t.equal(out.statusCode, 204, 'one session logs out')
  t.equal(await a.closed, SESSION_ENDED_CODE, 'its socket is closed with the session-ended code')
  await new Promise((resolve) => setTimeout(resolve, 600))
  t.equal(b.socket.readyState, 1, 'the other session of the same user keeps its socket')
})
