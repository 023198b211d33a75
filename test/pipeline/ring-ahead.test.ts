// The ring reaches the screens when its event is read, not when the queue gets to it (issue 15):
// with every write of the call held back, the ring has gone out and nothing is stored yet; once
// the writes go on, call.ringing (with the draft) follows, once. A call the service stored as over
// before a restart, repeated by the PBX, rings and is taken back. A new call's draft does not wait
// for an earlier call's answer to be written. A call the read-ahead saw end is not kept there.
import t from 'tap'
import { simulator, waitFor } from '../helpers/ami.js'
import { stack } from '../helpers/pipeline.js'
import type { CallsRepository } from '../../src/db/calls.repository.js'
import fs from 'node:fs'
import path from 'node:path'
import { AmiBlockReader } from '../../src/ami/reader.js'
import { fromRaw, type AmiMessage } from '../../src/ami/message.js'

t.test('the ring goes out while the call\'s writes wait', async (t) => {
  const s = await stack(t)
  const sim = await simulator(t)
  let release!: () => void
  const held = new Promise<void>((resolve) => { release = resolve })
  const hold = async (): Promise<void> => { await held }
  const calls: CallsRepository = { ...s.calls, save: async (call, now) => { await hold(); return await s.calls.save(call, now) }, saveMany: async (list, now) => { await hold(); return await s.calls.saveMany(list, now) } }
  const svc = s.service(sim.url(), { pipeline: { calls } })
  await sim.waitForLogin()
  await sim.play('answered')
  await waitFor('the ring', () => svc.rung.includes('1795866724.0'), 10_000)
  t.same(svc.published, [], 'nothing published from the queue yet: it waits for the database')
  t.equal(await s.calls.count(), 0, 'no call row yet')
  release()
  await waitFor('the end', () => svc.published.some((m) => m.type === 'call.ended'), 10_000)
  await svc.pipeline.idle()
  t.same(svc.sequence.filter((x) => x.endsWith('1795866724.0')), ['ring 1795866724.0', 'call.ringing 1795866724.0', 'call.answered 1795866724.0', 'call.ended 1795866724.0'], 'the ring first, then the stored messages, each once')
  t.ok(svc.published.find((m) => m.type === 'call.ringing')?.entry?.id, 'call.ringing carries the draft')
  t.same(svc.withdrawn, [], 'nothing taken back')
})

t.test('a call over before a restart, repeated by the PBX: its ring is taken back', async (t) => {
  const s = await stack(t)
  const sim = await simulator(t)
  const first = s.service(sim.url())
  await sim.waitForLogin()
  await sim.play('abandoned-ringing')
  await waitFor('ended', () => first.pipeline.tracked().get('1795866740.6')?.state === 'ended', 10_000)
  await first.pipeline.idle()
  await first.client.stop()
  const again = s.service(sim.url()) // a new process: nothing in memory, the row in the database
  await sim.waitForLogin(2)
  await sim.play('abandoned-ringing')
  await waitFor('taken back', () => again.withdrawn.includes('1795866740.6'), 10_000)
  await again.pipeline.idle()
  t.same(again.sequence, ['ring 1795866740.6', 'withdraw 1795866740.6'], 'rung from the read-ahead, taken back when the queue found the call over; nothing published')
  t.equal(await s.calls.count(), 1, 'still one row')
})

t.test('a new call\'s draft reaches the screens while an earlier call\'s answer is still being written', async (t) => {
  const s = await stack(t)
  const sim = await simulator(t)
  let release!: () => void
  const held = new Promise<void>((resolve) => { release = resolve })
  const calls: CallsRepository = { ...s.calls, setAnsweredBy: async (...a) => { await held; await s.calls.setAnsweredBy(...a) } }
  const svc = s.service(sim.url(), { pipeline: { calls } })
  await sim.waitForLogin()
  await sim.play('answered')
  await waitFor('the first call rang with its draft', () => svc.published.some((m) => m.type === 'call.ringing' && m.call.linkedId === '1795866724.0'), 10_000)
  await sim.play('abandoned-ringing')
  await waitFor('the second call\'s draft', () => svc.published.some((m) => m.type === 'call.ringing' && m.call.linkedId === '1795866740.6'), 10_000)
  t.notOk(svc.published.some((m) => m.type === 'call.answered'), 'the first call\'s answer is still held: the second draft did not wait for it')
  release()
  await svc.pipeline.idle()
  t.same(svc.sequence.filter((x) => x.endsWith('1795866724.0')), ['ring 1795866724.0', 'call.ringing 1795866724.0', 'call.answered 1795866724.0', 'call.ended 1795866724.0'], 'the first call\'s messages in its order, each once')
  t.same(svc.sequence.filter((x) => x.endsWith('1795866740.6')), ['ring 1795866740.6', 'call.ringing 1795866740.6', 'call.ended 1795866740.6'], 'the second call\'s too')
  const drafts = await s.listDrafts()
  t.equal(drafts.find((d) => d.linkedId === '1795866724.0')?.assignedTo, s.users.s101.id, 'the answered call\'s draft went to who answered')
})

// the recorded scenarios, each call's inbound Hangup the point where the queue falls behind
for (const [scenario, linkedId] of [['answered', '1795866724.0'], ['abandoned-ringing', '1795866740.6'], ['busy', '1795866781.12'], ['queue', '1795866805.23'], ['two-concurrent-calls', '1795866796.17']] as const) {
  t.test(`${scenario}: a call the read-ahead saw end stays out of it, though its last events come while the queue is behind`, async (t) => {
    const s = await stack(t)
    const sim = await simulator(t)
    const svc = s.service(sim.url())
    await sim.waitForLogin()
    await waitFor('connected', () => svc.client.status.state === 'connected')
    await svc.pipeline.idle() // the reconcile of the connect is over (the PBX has no call up)
    // the recorded calls as the service reads them, block by block
    const messages: AmiMessage[] = []
    new AmiBlockReader((raw) => { const m = fromRaw(raw); if (m.ok) messages.push(m.message) })
      .push(fs.readFileSync(path.resolve(import.meta.dirname, `../fixtures/ami/${scenario}.recv.raw`), 'latin1'))
    const end = messages.findIndex((m) => m.name === 'Hangup' && m.headers.uniqueid === linkedId)
    t.ok(end > 0, 'the inbound leg\'s Hangup is in the transcript')
    for (const m of messages.slice(0, end)) await svc.pipeline.handle(m)
    await svc.pipeline.idle()
    t.not(svc.pipeline.tracked().get(linkedId)?.state, 'ended', 'the queue has the call up')
    // the rest read at once, ahead of the queue (as under load): the Hangup ends the call in the
    // read-ahead, and what comes after it must not bring back the queue's older copy to stay there
    const rest = messages.slice(end).map(async (m) => { await svc.pipeline.handle(m) })
    await Promise.all(rest)
    await svc.pipeline.idle()
    t.equal(svc.pipeline.tracked().get(linkedId)?.state, 'ended', 'the queue ended it')
    t.equal(svc.pipeline.backlog().readAhead, 0, 'nothing left in the read-ahead')
  })
}
