// /health's "writes are failing" is timed by the service's clock (createService's), like everything else.
import t from 'tap'
import { testApp } from '../helpers/app.js'

t.test('health: a failed write makes /health 503 for a minute of the service\'s clock, not the wall clock\'s', async (t) => {
  let now = new Date('2026-03-03T05:00:00Z')
  const { app } = await testApp(t, { clock: () => now })
  t.equal((await app.inject({ url: '/health' })).statusCode, 200, 'healthy')
  t.ok(app.storageHealth.failed(Object.assign(new Error('could not extend file: No space left on device'), { code: '53100' })), 'a full disk is a storage failure')
  t.equal((await app.inject({ url: '/health' })).statusCode, 503, 'writes failing: 503')
  now = new Date(now.getTime() + 59_000)
  t.equal((await app.inject({ url: '/health' })).statusCode, 503, 'still, 59 s later by the service\'s clock')
  now = new Date(now.getTime() + 2_000)
  t.equal((await app.inject({ url: '/health' })).statusCode, 200, 'a quiet minute later by the service\'s clock: healthy again')
})
