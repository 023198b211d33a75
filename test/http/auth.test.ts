import t from 'tap'
import { testApp, TEST_PASSWORD } from '../helpers/app.js'

t.test('auth: log-in, me, log-out and the session cookie', async (t) => {
  const { app, users } = await testApp(t)
  const bad = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ivanova', password: 'wrong' } })
  t.equal(bad.statusCode, 401, 'a wrong password is refused')
  t.equal(bad.json().code, 'INVALID_CREDENTIALS', 'with a stable code')
  const nobody = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'x' } })
  t.equal(nobody.statusCode, 401, 'an unknown user is refused the same way')

  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ivanova', password: TEST_PASSWORD } })
  t.equal(res.statusCode, 200, 'the right password logs in')
  const sid = res.cookies.find((c) => c.name === 'sid')
  t.ok(sid?.httpOnly, 'the session cookie is HttpOnly')
  t.equal(sid?.sameSite, 'Strict', 'and SameSite')
  const body = res.json()
  t.equal(body.user.id, users.specialist.id, 'the answer names the user')
  t.notOk('passwordHash' in body.user, 'and never the password hash')
  t.type(body.csrfToken, 'string', 'and gives the CSRF token')

  const cookie = `sid=${sid?.value}`
  const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })
  t.equal(me.statusCode, 200, 'me works with the cookie')
  t.equal(me.json().user.username, 'ivanova', 'and answers who is logged in')

  const noCsrf = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } })
  t.equal(noCsrf.statusCode, 403, 'a write without the CSRF header is refused')
  t.equal(noCsrf.json().code, 'CSRF_TOKEN_MISMATCH', 'and says why')

  const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie, 'x-csrf-token': body.csrfToken } })
  t.equal(out.statusCode, 204, 'log-out works')
  const after = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })
  t.equal(after.statusCode, 401, 'the revoked session no longer works')
})

t.test('auth: every /api/ route but log-in needs a session', async (t) => {
  const { app } = await testApp(t)
  for (const [method, url] of [['GET', '/api/auth/me'], ['GET', '/api/users'], ['GET', '/api/docs/json'], ['GET', '/api/nothing-here']] as const) {
    const res = await app.inject({ method, url })
    t.equal(res.statusCode, 401, `${method} ${url} without a session → 401`)
  }
  const forged = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: 'sid=forged-token' } })
  t.equal(forged.statusCode, 401, 'a forged cookie → 401')
  const health = await app.inject({ method: 'GET', url: '/health' })
  t.same(health.json(), { status: 'ok', db: 'ok', ami: 'disabled', mail: 'disabled' }, '/health needs no session')
})

t.test('auth: bad log-in payloads are 400 with a message', async (t) => {
  const { app } = await testApp(t)
  const cases = [
    [{ username: 'ivanova' }, /password/],
    [{ username: 5, password: 'x' }, /username/],
    ['not json', /JSON|body/i]
  ] as const
  for (const [payload, re] of cases) {
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: payload as never, headers: { 'content-type': 'application/json' } })
    t.equal(res.statusCode, 400, `${JSON.stringify(payload)} → 400`)
    t.match(res.json().message, re, 'the message names the problem')
  }
})

t.test('auth: log-in attempts are rate limited', async (t) => {
  const { app } = await testApp(t, { env: { LOGIN_RATE_LIMIT: '3' } })
  const codes: number[] = []
  for (let i = 0; i < 5; i++) {
    codes.push((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ivanova', password: 'wrong' } })).statusCode)
  }
  t.same(codes, [401, 401, 401, 429, 429], 'the fourth attempt within a minute gets 429')
})

t.test('auth: the auditor only reads', async (t) => {
  const { app, as } = await testApp(t)
  const h = await as('auditor')
  const res = await app.inject({ method: 'POST', url: '/api/users', headers: h, payload: { username: 'x1', fullName: 'X', password: 'password1', role: 'specialist' } })
  t.equal(res.statusCode, 403, 'an auditor cannot write')
  t.equal(res.json().code, 'READ_ONLY_ROLE', 'and is told the role only reads')
  const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: h })
  t.equal(out.statusCode, 204, 'but can log out')
})

t.test('auth: changing my password ends my other sessions', async (t) => {
  const { app, login } = await testApp(t)
  const first = await login('ivanova')
  const second = await login('ivanova')
  const res = await app.inject({ method: 'POST', url: '/api/auth/password', headers: second, payload: { currentPassword: TEST_PASSWORD, newPassword: 'a-new-long-password' } })
  t.equal(res.statusCode, 204, 'password changed')
  t.equal((await app.inject({ method: 'GET', url: '/api/auth/me', headers: first })).statusCode, 401, 'the other session is revoked')
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ivanova', password: 'a-new-long-password' } })).statusCode, 200, 'the new password works')
})
