import t from 'tap'
import { testApp } from '../helpers/app.js'

t.test('users: the head creates a specialist with an extension, who can then log in', async (t) => {
  const { app, as, login } = await testApp(t)
  const head = await as('head')
  const res = await app.inject({ method: 'POST', url: '/api/users', headers: head, payload: { username: 'kozlov', fullName: 'Козлов Пётр', password: 'password-123', role: 'specialist', extension: '102' } })
  t.equal(res.statusCode, 201, 'created')
  t.match(res.json(), { username: 'kozlov', role: 'specialist', extension: '102', active: true }, 'with its fields')
  t.notOk('passwordHash' in res.json(), 'never the hash')
  await t.resolves(login('kozlov', 'password-123'), 'the new user logs in')

  const list = await app.inject({ method: 'GET', url: '/api/users', headers: head })
  t.same(list.json().items.map((u: { username: string }) => u.username), ['ivanova', 'kozlov', 'petrov', 'sidorova'], 'listed by user name')
})

t.test('users: refusals are 4xx with a reason', async (t) => {
  const { app, as, users } = await testApp(t)
  const head = await as('head')
  const post = async (payload: object) => await app.inject({ method: 'POST', url: '/api/users', headers: head, payload })
  const dup = await post({ username: 'ivanova', fullName: 'X', password: 'password-123', role: 'specialist' })
  t.equal(dup.statusCode, 409, 'a taken user name → 409')
  t.equal(dup.json().code, 'USERNAME_TAKEN', 'USERNAME_TAKEN')
  const ext = await post({ username: 'new1', fullName: 'X', password: 'password-123', role: 'specialist', extension: '101' })
  t.equal(ext.statusCode, 409, 'a taken extension → 409')
  t.match(ext.json().message, /Иванова/, 'naming who has it')
  const short = await post({ username: 'new2', fullName: 'X', password: 'short', role: 'specialist' })
  t.equal(short.statusCode, 400, 'a short password → 400')
  t.match(short.json().message, /password/, 'naming the field')
  const role = await post({ username: 'new3', fullName: 'X', password: 'password-123', role: 'admin' })
  t.equal(role.statusCode, 400, 'an unknown role → 400')
  const extra = await post({ username: 'new4', fullName: 'X', password: 'password-123', role: 'head', isRoot: true })
  t.equal(extra.statusCode, 400, 'an unknown field → 400')

  const spec = await as('specialist')
  const forbidden = await app.inject({ method: 'GET', url: '/api/users', headers: spec })
  t.equal(forbidden.statusCode, 403, 'a specialist cannot list users')

  const missing = await app.inject({ method: 'PATCH', url: '/api/users/99999', headers: head, payload: { fullName: 'Y' } })
  t.equal(missing.statusCode, 404, 'an unknown user → 404')
  const badId = await app.inject({ method: 'PATCH', url: '/api/users/abc', headers: head, payload: { fullName: 'Y' } })
  t.equal(badId.statusCode, 400, 'a non-numeric id → 400')
  const lastHead = await app.inject({ method: 'PATCH', url: `/api/users/${users.head.id}`, headers: head, payload: { role: 'specialist' } })
  t.equal(lastHead.statusCode, 409, 'the last head cannot be demoted')
  t.equal(lastHead.json().code, 'LAST_HEAD', 'LAST_HEAD')
})

t.test('users: disabling a user ends their sessions', async (t) => {
  const { app, as, users } = await testApp(t)
  const spec = await as('specialist')
  const head = await as('head')
  const res = await app.inject({ method: 'PATCH', url: `/api/users/${users.specialist.id}`, headers: head, payload: { active: false } })
  t.equal(res.statusCode, 200, 'disabled')
  t.equal((await app.inject({ method: 'GET', url: '/api/auth/me', headers: spec })).statusCode, 401, 'their open session stops working')
})
