// The frames a burst sends to one screen leave in one write, not one system call each (with 200
// screens the per-frame writes were a fifth of the service's CPU under load), and every frame
// still arrives, in order.
import t from 'tap'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import WebSocket, { WebSocketServer } from 'ws'
import { Sockets } from '../../src/push/sockets.js'
import type { PushRepository } from '../../src/db/push.repository.js'
import type { User } from '../../src/db/users.repository.js'

const quiet = { debug: () => {}, info: () => {}, warn: () => {} }
const user: User = { id: 1, username: 'ivanova', fullName: 'Иванова Анна', role: 'specialist', extension: '101', active: true, createdAt: new Date() }
/** How often the server side's TCP socket hands bytes to the system, from now on. */
function countWrites (socket: WebSocket): () => number {
  const transport = (socket as unknown as { _socket: { _write: (...a: unknown[]) => void, _writev?: (...a: unknown[]) => void } })._socket
  let writes = 0
  const write = transport._write.bind(transport)
  transport._write = (...a) => { writes++; write(...a) }
  const writev = transport._writev?.bind(transport)
  if (writev !== undefined) transport._writev = (...a) => { writes++; writev(...a) }
  return () => writes
}

const repo = { lastId: async () => 0, firstId: async () => undefined, after: async () => [] } as unknown as PushRepository

t.test('a burst of frames to a screen is one write; every frame arrives in order', async (t) => {
  const server = http.createServer()
  const wss = new WebSocketServer({ server })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { wss.close(); server.close() })
  const sockets = new Sockets({ repo, clock: () => new Date(), log: quiet, maxReplay: 100, snapshot: async () => ({ calls: [], presence: [] }), joined: () => {}, left: () => {} })

  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve))
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`)
  t.teardown(() => { client.terminate() })
  const received: string[] = []
  const greeted = new Promise<void>((resolve) => client.on('message', (data) => {
    const m = JSON.parse(String(data)) as { type: string, n?: number }
    if (m.type === 'hello') resolve()
    else received.push(String(m.n))
  }))
  const socket = await accepted
  sockets.connect(socket, user)
  await greeted

  const writes = countWrites(socket)

  for (let n = 1; n <= 50; n++) sockets.broadcastLive(JSON.stringify({ type: 'call.ring', n }))
  while (received.length < 50) await new Promise((resolve) => setTimeout(resolve, 5))
  t.same(received, Array.from({ length: 50 }, (_, i) => String(i + 1)), 'all 50 frames, in the order sent')
  t.ok(writes() <= 2, `the 50 frames left in ${writes()} write(s), not one each`)
})

t.test('stored messages wait a moment for company, a ring takes them along; 60 screens get all, in order', async (t) => {
  const server = http.createServer()
  const wss = new WebSocketServer({ server })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => { wss.close(); server.close() })
  const sockets = new Sockets({ repo, clock: () => new Date(), log: quiet, maxReplay: 100, snapshot: async () => ({ calls: [], presence: [] }), joined: () => {}, left: () => {} })
  const screens: Array<{ received: string[], writes: () => number }> = []
  for (let i = 0; i < 60; i++) {
    const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve))
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`)
    t.teardown(() => { client.terminate() })
    const received: string[] = []
    const greeted = new Promise<void>((resolve) => client.on('message', (data) => {
      const m = JSON.parse(String(data)) as { type: string, id?: number, n?: number }
      if (m.type === 'hello') resolve()
      else received.push(m.type === 'call.ring' ? `ring ${m.n}` : `#${m.id}`)
    }))
    const socket = await accepted
    sockets.connect(socket, user)
    await greeted
    screens.push({ received, writes: countWrites(socket) })
  }
  const stored = (id: number): Parameters<Sockets['broadcast']>[0] => ({ id, type: 'call.answered', payload: { call: { linkedId: `c${id}` } }, createdAt: new Date() })
  const arrived = async (n: number): Promise<void> => {
    const until = Date.now() + 5000
    while (screens.some((s) => s.received.length < n) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 2))
  }

  // three messages a few milliseconds apart, no ring: they leave together, on their own (no ring needed), on every screen
  sockets.broadcast(stored(1))
  await new Promise((resolve) => setTimeout(resolve, 3))
  sockets.broadcast(stored(2))
  await new Promise((resolve) => setTimeout(resolve, 3))
  sockets.broadcast(stored(3))
  await arrived(3)
  for (const [i, s] of screens.entries()) {
    t.same(s.received, ['#1', '#2', '#3'], `screen ${i + 1}: the three messages, in order`)
    t.equal(s.writes(), 1, `screen ${i + 1}: in one write`)
  }
  t.equal(screens.filter((s) => s.received.length === 3).length, 60, 'all 60 screens have them (the writes go out a slice of screens at a time)')

  // a message, then a ring: the ring does not wait, and takes the message with it, in order
  sockets.broadcast(stored(4))
  sockets.broadcastLive(JSON.stringify({ type: 'call.ring', n: 1 }))
  await arrived(5)
  for (const [i, s] of screens.entries()) {
    t.same(s.received.slice(3), ['#4', 'ring 1'], `screen ${i + 1}: the message, then the ring`)
    t.equal(s.writes(), 2, `screen ${i + 1}: one write for both`)
  }
})
