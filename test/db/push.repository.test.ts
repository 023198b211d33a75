import t from 'tap'
import { pushRepository } from '../../src/db/push.repository.js'
import { usersRepository } from '../../src/db/users.repository.js'
import { backends, testDb } from '../helpers/db.js'

for (const backend of backends()) {
  t.test(`push.repository (${backend}): the log, the calls in progress and presence`, async (t) => {
    const db = await testDb(t, backend)
    const repo = pushRepository(db)
    const t0 = new Date('2026-03-03T05:00:00Z')
    const later = (min: number): Date => new Date(t0.getTime() + min * 60_000)

    t.equal(await repo.lastId(), 0, 'an empty log has last id 0')
    t.equal(await repo.firstId(), undefined, 'and no first id')
    const a = await repo.append('entry.created', { entry: { id: 1, text: 'ж'.repeat(10_000) } }, t0)
    const b = await repo.append('entry.updated', { entry: { id: 1 } }, later(1))
    t.ok(b.id > a.id, 'ids grow')
    t.same((await repo.after(a.id - 1, 10)).map((m) => [m.id, m.type]), [[a.id, 'entry.created'], [b.id, 'entry.updated']], 'after() lists oldest first')
    t.equal(((await repo.byIds([a.id]))[0]?.payload.entry as { text: string }).text.length, 10_000, 'a big payload is kept whole')

    // a call: ringing with its draft, answered, ended; the snapshot row merges them
    const ring = await repo.appendCall('call.ringing', 'L1', { call: { linkedId: 'L1', state: 'ringing' }, draft: { id: 9 }, caller: { number: '1' } }, false, later(2))
    const ans = await repo.appendCall('call.answered', 'L1', { call: { linkedId: 'L1', state: 'talking' }, answeredBy: { userId: 1 } }, false, later(3))
    let open = await repo.openCalls(t0)
    t.equal(open.length, 1, 'the answered call is in progress')
    t.same([open[0]?.messageId, open[0]?.type, open[0]?.payload], [ans.id, 'call.answered', { call: { linkedId: 'L1', state: 'talking' }, draft: { id: 9 }, caller: { number: '1' }, answeredBy: { userId: 1 } }], 'the answer is merged over the ringing: the draft and caller stay')
    t.ok(ring.id < ans.id, 'in order')
    t.same((await repo.talkingCalls(t0)).map((c) => [c.linkedId, c.payload]), [['L1', { call: { linkedId: 'L1', state: 'talking' } }]], 'the call being talked on, with only its call (presence)')
    await repo.appendCall('call.ended', 'L1', { call: { linkedId: 'L1', state: 'ended' }, missed: false }, true, later(4))
    t.same(await repo.openCalls(t0), [], 'an ended call is no longer in progress')
    await repo.appendCall('call.ringing', 'L2', { call: { linkedId: 'L2' } }, false, later(5))
    open = await repo.openCalls(later(6))
    t.same(open, [], 'a call with no news since the horizon is not in progress either')

    // pruning
    t.equal(await repo.prune(later(2)), 2, 'messages before the horizon go')
    t.equal(await repo.firstId(), ring.id, 'the first id moves on')
    t.ok((await repo.lastId()) > ring.id, 'the last id stays')

    // presence: per instance, expiring
    const users = usersRepository(db)
    const u1 = await users.create({ username: 'ivanova', fullName: 'Иванова А. С.', passwordHash: 'x', role: 'specialist', extension: '101' })
    const u2 = await users.create({ username: 'smirnov', fullName: 'Смирнов П. А.', passwordHash: 'x', role: 'specialist', extension: '102' })
    await repo.setPresence('i1', u1.id, 2, t0)
    await repo.setPresence('i2', u1.id, 1, t0)
    await repo.setPresence('i2', u2.id, 1, t0)
    t.same(await repo.online(t0), [{ userId: u1.id, connections: 3 }, { userId: u2.id, connections: 1 }], 'connections are summed over instances')
    await repo.setPresence('i2', u2.id, 0, t0)
    await repo.refreshPresence('i1', later(1))
    t.same(await repo.online(later(1)), [{ userId: u1.id, connections: 2 }], 'a user with no screen left is offline; rows not refreshed do not count')
    t.equal(await repo.expirePresence(later(1)), 1, 'the stale row of instance i2 expires')
    await repo.clearPresence('i1')
    t.same(await repo.online(t0), [], 'an instance that closes clears its rows')
  })
}

for (const backend of backends()) {
  t.test(`push.repository (${backend}): several call messages in one transaction, in order, the snapshot merged as one by one`, async (t) => {
    const db = await testDb(t, backend)
    const repo = pushRepository(db)
    const at = new Date('2026-03-03T05:00:00Z')
    const stored = await repo.appendCalls([
      { type: 'call.ringing', linkedId: 'B1', payload: { call: { linkedId: 'B1', state: 'ringing' }, draft: { id: 7 } }, ended: false },
      { type: 'call.ringing', linkedId: 'B2', payload: { call: { linkedId: 'B2', state: 'ringing' }, draft: { id: 8 } }, ended: false },
      { type: 'call.answered', linkedId: 'B1', payload: { call: { linkedId: 'B1', state: 'talking' }, answeredBy: { userId: 1 } }, ended: false },
      { type: 'call.ended', linkedId: 'B2', payload: { call: { linkedId: 'B2', state: 'ended' }, missed: true }, ended: true }
    ], at)
    t.same(stored.map((m) => m.type), ['call.ringing', 'call.ringing', 'call.answered', 'call.ended'], 'every message, in the order given')
    t.ok(stored.every((m, i) => i === 0 || m.id > stored[i - 1]!.id), 'ids in that order')
    const open = await repo.openCalls(new Date(at.getTime() - 60_000))
    t.same(open.map((c) => [c.linkedId, c.type, c.payload]), [['B1', 'call.answered', { call: { linkedId: 'B1', state: 'talking' }, draft: { id: 7 }, answeredBy: { userId: 1 } }]], 'B1 answered with its draft kept, B2 over: two messages of one call in one batch fold like two batches')
  })
}

for (const backend of backends()) {
  t.test(`push.repository (${backend}): several messages in one statement, in order, each NOTIFYing its id`, async (t) => {
    const db = await testDb(t, backend)
    const repo = pushRepository(db)
    const at = new Date('2026-03-03T05:00:00Z')
    const payloads = Array.from({ length: 120 }, (_, i) => ({ type: i % 3 === 0 ? 'presence' : 'entry.created', payload: { entry: { id: i + 1, description: `обращение ${i + 1}` } } }))
    const stored = await repo.appendMany(payloads, at)
    t.same(stored.map((m) => (m.payload.entry as { id: number }).id), payloads.map((p) => p.payload.entry.id), 'every message, in the order given')
    t.same(stored.map((m) => m.type), payloads.map((p) => p.type), 'with its type')
    t.ok(stored.every((m, i) => i === 0 || m.id > stored[i - 1]!.id), 'ids in that order')
    t.same((await repo.after(0, 500)).map((m) => m.id), stored.map((m) => m.id), 'the log holds them in that order')
    await t.rejects(repo.appendMany([{ type: 'entry.created', payload: { entry: { id: 1 } } }, { type: 'entry.created', payload: { entry: { text: 'a\u0000b' } } }], at), 'a message the database refuses fails its statement')
    t.equal((await repo.after(0, 500)).length, 120, 'and none of that statement is stored')
  })
}
