// The AMI side as main.ts starts it, seen through /health and the call log API.
import t, { type Test } from 'tap'
import { startTelephony } from '../src/pipeline.js'
import { parseAmiUrl } from '../src/config.js'
import { defaultCalendar } from '../src/calendar/index.js'
import { testApp } from './helpers/app.js'
import { simulator, memoryLogger, waitFor } from './helpers/ami.js'
import { testDatabase } from './helpers/db.js'
import type { Database } from '../src/db/database.js'

const calendar = { current: defaultCalendar, onChange: () => () => {} }

function telephony (t: Test, database: Database, url: string | undefined, reconcileEveryMs?: number) {
  const log = memoryLogger()
  const tel = startTelephony({
    reconcileEveryMs,
    endpoint: url === undefined ? undefined : parseAmiUrl(url),
    helpdeskDid: '73452290256',
    database,
    calendar,
    clock: () => new Date(),
    log,
    client: { minBackoffMs: 5000 }
  })
  t.teardown(async () => { await tel.stop() })
  return { tel, log }
}

t.test('telephony: /health says disabled without AMI_URL, connected with it, disconnected on wrong credentials', async (t) => {
  const sim = await simulator(t)
  const database = await testDatabase(t)

  const none = telephony(t, database, undefined)
  let current = none.tel.status
  const { app } = await testApp(t, { database, amiStatus: () => current() })
  t.equal((await app.inject({ url: '/health' })).json().ami, 'disabled', 'no AMI_URL: disabled')

  const good = telephony(t, database, sim.url())
  current = good.tel.status
  await waitFor('connected', () => good.tel.status() === 'connected')
  t.equal((await app.inject({ url: '/health' })).json().ami, 'connected', 'right credentials: connected')

  const bad = telephony(t, database, sim.url('wrong'))
  current = bad.tel.status
  await waitFor('refused', () => bad.tel.client?.status.state === 'disconnected' && bad.tel.client.status.reason === 'auth-failed')
  const health = (await app.inject({ url: '/health' })).json()
  t.equal(health.ami, 'disconnected', 'wrong credentials: disconnected')
  t.equal(health.status, 'ok', 'the service itself stays healthy')
  t.ok(bad.log.lines.some((l) => l.level === 'error' && /AMI login failed/.test(l.msg)), 'a clear log line')
})

t.test('telephony: a replayed scenario reaches the call log API', async (t) => {
  const sim = await simulator(t)
  const database = await testDatabase(t)
  const { tel } = telephony(t, database, sim.url())
  const { app, as } = await testApp(t, { database, amiStatus: tel.status })
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
  const database = await testDatabase(t)
  const { tel } = telephony(t, database, sim.url(), 200)
  await waitFor('connected', () => tel.status() === 'connected')
  await tel.pipeline?.idle()
  sim.channels = [{ Channel: 'PJSIP/trunk-00000001', Uniqueid: '1795869100.1', Linkedid: '1795869100.1', CallerIDNum: '+79001234567', ChannelStateDesc: 'Ring', Context: 'from-trunk', Exten: '73452290256', Seconds: 2, variables: { HD_STATUS: 'open' } }]
  await waitFor('found by the periodic reconcile', () => tel.pipeline?.tracked().get('1795869100.1')?.state === 'ringing')
  sim.channels = []
  await waitFor('ended by the periodic reconcile', () => tel.pipeline?.tracked().get('1795869100.1')?.state === 'ended')
  t.equal(tel.pipeline?.tracked().get('1795869100.1')?.outcome, 'no-answer', 'a ringing call that vanished unseen ends as not answered')
  t.equal(sim.connections, 1, 'on the same connection')
})
