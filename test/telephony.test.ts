// The AMI side as main.ts starts it, seen through /health and the call log API.
import t, { type Test } from 'tap'
import { testApp } from './helpers/app.js'
import { simulator, memoryLogger, waitFor } from './helpers/ami.js'

/** The service as main.ts starts it, with AMI_URL when given. */
async function service (t: Test, url: string | undefined, reconcileEveryMs?: number) {
  const log = memoryLogger()
  const ta = await testApp(t, { env: url === undefined ? {} : { AMI_URL: url }, telephony: { log, reconcileEveryMs, client: { minBackoffMs: 5000 } } })
  return { ...ta, tel: ta.service.telephony, log }
}

t.test('telephony: /health says disabled without AMI_URL, connected with it, disconnected on wrong credentials', async (t) => {
  const sim = await simulator(t)

  const none = await service(t, undefined)
  t.equal((await none.app.inject({ url: '/health' })).json().ami, 'disabled', 'no AMI_URL: disabled')

  const good = await service(t, sim.url())
  await waitFor('connected', () => good.tel.status() === 'connected')
  t.equal((await good.app.inject({ url: '/health' })).json().ami, 'connected', 'right credentials: connected')

  const bad = await service(t, sim.url('wrong'))
  await waitFor('refused', () => bad.tel.client?.status.state === 'disconnected' && bad.tel.client.status.reason === 'auth-failed')
  const health = (await bad.app.inject({ url: '/health' })).json()
  t.equal(health.ami, 'disconnected', 'wrong credentials: disconnected')
  t.equal(health.status, 'ok', 'the service itself stays healthy')
  t.ok(bad.log.lines.some((l) => l.level === 'error' && /AMI login failed/.test(l.msg)), 'a clear log line')
})

t.test('telephony: a replayed scenario reaches the call log API', async (t) => {
  const sim = await simulator(t)
  const { app, as, tel } = await service(t, sim.url())
  await sim.play('two-concurrent-calls')
  await waitFor('ended', () => [...(tel.pipeline?.tracked().values() ?? [])].filter((c) => c.state === 'ended').length === 2)
  await tel.pipeline?.idle()
  const res = await app.inject({ url: '/api/calls', headers: await as('head') })
  const items = res.json().items as Array<{ callerNumber: string, outcome: string, answeredBy: { extension: string, userId: number | null } | null, entryId: number | null }>
  t.same(items.map((i) => [i.callerNumber, i.outcome, i.answeredBy?.extension]).sort(), [['+79123456789', 'answered', '101'], ['+79220001122', 'answered', '102']], 'both calls, answered by 101 and 102')
  t.ok(items.every((i) => i.entryId !== null), 'each with its draft')
  const entry = await app.inject({ url: `/api/entries/${items[0]!.entryId}`, headers: await as('head') })
  t.equal(entry.statusCode, 200, 'the draft is a journal entry')
})

t.test('telephony: a periodic reconcile catches what the events missed without a reconnect', async (t) => {
  const sim = await simulator(t)
  const { tel } = await service(t, sim.url(), 200)
  await waitFor('connected', () => tel.status() === 'connected')
  await tel.pipeline?.idle()
  sim.channels = [{ Channel: 'PJSIP/trunk-00000001', Uniqueid: '1795869100.1', Linkedid: '1795869100.1', CallerIDNum: '+79001234567', ChannelStateDesc: 'Ring', Context: 'from-trunk', Exten: '73452290256', Seconds: 2, variables: { HD_STATUS: 'open' } }]
  await waitFor('found by the periodic reconcile', () => tel.pipeline?.tracked().get('1795869100.1')?.state === 'ringing')
  sim.channels = []
  await waitFor('ended by the periodic reconcile', () => tel.pipeline?.tracked().get('1795869100.1')?.state === 'ended')
  t.equal(tel.pipeline?.tracked().get('1795869100.1')?.outcome, 'no-answer', 'a ringing call that vanished unseen ends as not answered')
  t.equal(sim.connections, 1, 'on the same connection')
})
