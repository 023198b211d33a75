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
  const answers = []
  for (let i = 0; i < 5; i++) answers.push(await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ivanova', password: 'wrong' } }))
  t.same(answers.map((a) => a.statusCode), [401, 401, 401, 429, 429], 'the fourth attempt within a minute gets 429')
  t.equal(answers[3]?.json().code, 'TOO_MANY_LOGIN_ATTEMPTS', 'with a code of its own')
  t.match(answers[3]?.headers['retry-after'], /^\d+$/, 'and says when to try again')
  const right = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ivanova', password: TEST_PASSWORD } })
  t.equal(right.statusCode, 429, 'while limited, even the right password is not tried (no oracle for a guesser)')
})

t.test('auth: the limit is per user name and per address: three names from one address', async (t) => {
  const { app } = await testApp(t, { env: { LOGIN_RATE_LIMIT: '3' } })
  const login = async (username: string, password: string, remoteAddress = '10.1.1.1'): Promise<number> =>
    (await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { username, password } })).statusCode
  for (let i = 0; i < 3; i++) await login('ivanova', 'wrong')
  t.equal(await login('ivanova', 'wrong'), 429, 'one name is limited after its three failures')
  t.equal(await login('petrov', 'wrong'), 401, 'a second name from the same address is still tried')
  t.equal(await login('petrov', TEST_PASSWORD), 200, 'and logs in: a colleague behind the same NAT is not locked out')
  t.equal(await login('sidorova', TEST_PASSWORD), 200, 'a third as well')
  t.equal(await login('ivanova', 'wrong', '10.1.1.2'), 401, 'the limited name from another address is still tried')
  // a guesser spraying names from one address: five times the per-name budget, whatever the names
  const sprayed: number[] = []
  for (let i = 0; i < 16; i++) sprayed.push(await login(`user${i}`, 'wrong', '10.9.9.9'))
  t.same(sprayed.slice(0, 15), Array(15).fill(401), 'fifteen names are tried from one address')
  t.equal(sprayed[15], 429, 'the sixteenth is limited: the address has spent its budget')
})

t.test('auth: guesses sent all at once are limited like guesses one after another', async (t) => {
  const { app } = await testApp(t, { env: { LOGIN_RATE_LIMIT: '3' } })
  // the password check takes a while: a limit counting only finished failures lets a whole volley through
  const volley = await Promise.all(Array.from({ length: 30 }, async () =>
    (await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.5.5.5', payload: { username: 'ivanova', password: 'wrong' } })).statusCode))
  t.equal(volley.filter((c) => c === 401).length, 3, 'three of thirty parallel guesses are tried')
  t.equal(volley.filter((c) => c === 429).length, 27, 'the others are refused without a password check')
  const right = await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.5.5.6', payload: { username: 'ivanova', password: TEST_PASSWORD } })
  t.equal(right.statusCode, 200, 'the user logs in from another address')
})

t.test('auth: X-Forwarded-For changes nothing unless it comes from a configured proxy', async (t) => {
  const { app, db } = await testApp(t, { env: { LOGIN_RATE_LIMIT: '3' } })
  const codes: number[] = []
  for (let i = 0; i < 6; i++) {
    codes.push((await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.2.2.2', headers: { 'x-forwarded-for': `198.51.100.${i + 1}` }, payload: { username: 'petrov', password: 'wrong' } })).statusCode)
  }
  t.same(codes, [401, 401, 401, 429, 429, 429], 'a fresh forged address each time is still one address')
  // the lock-out attempt: failures sent "from" the admin's own address are counted against the sender
  for (let i = 0; i < 11; i++) await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.6.6.6', headers: { 'x-forwarded-for': '127.0.0.1' }, payload: { username: 'ivanova', password: 'wrong' } })
  const real = await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '127.0.0.1', payload: { username: 'ivanova', password: TEST_PASSWORD } })
  t.equal(real.statusCode, 200, 'the real user at 127.0.0.1 logs in')
  const forged = await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.3.3.3', headers: { 'x-forwarded-for': '203.0.113.9' }, payload: { username: 'sidorova', password: TEST_PASSWORD } })
  t.equal(forged.statusCode, 200, 'a log-in with a forged header succeeds')
  const row = await db.selectFrom('user_session as s').innerJoin('app_user as u', 'u.id', 's.user_id').select('s.ip').where('u.username', '=', 'sidorova').executeTakeFirstOrThrow()
  t.equal(row.ip, '10.3.3.3', 'and the session records the real address, not the forged one')
})

t.test('auth: behind a configured proxy, guesses spread over many addresses slow the name down but never lock its user out', async (t) => {
  const { app, db } = await testApp(t, { env: { LOGIN_RATE_LIMIT: '3', TRUST_PROXY: '127.0.0.1' } })
  const viaProxy = async (client: string, password: string, username = 'ivanova'): Promise<number> =>
    (await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '127.0.0.1', headers: { 'x-forwarded-for': client }, payload: { username, password } })).statusCode
  t.equal(await viaProxy('198.51.100.7', TEST_PASSWORD), 200, 'the user logs in from her office')
  const row = await db.selectFrom('user_session').select('ip').executeTakeFirstOrThrow()
  t.equal(row.ip, '198.51.100.7', 'the session records the client address the proxy forwarded')
  const guesses: number[] = []
  for (let i = 1; i <= 10; i++) guesses.push(await viaProxy(`203.0.113.${i}`, 'wrong'))
  t.same(guesses, [401, 401, 401, 401, 401, 401, 429, 429, 429, 429], 'after six failures from new addresses the name is slowed down')
  t.equal(await viaProxy('203.0.113.77', TEST_PASSWORD), 429, 'even with the right password from an address never seen')
  t.equal(await viaProxy('198.51.100.7', TEST_PASSWORD), 200, 'but she still logs in from her own address')
  t.equal(await viaProxy('203.0.113.50', 'wrong', 'petrov'), 401, 'and other names are untouched')
  const direct = await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.4.4.4', headers: { 'x-forwarded-for': '198.51.100.7' }, payload: { username: 'ivanova', password: TEST_PASSWORD } })
  t.equal(direct.statusCode, 429, 'a client that is not the proxy cannot borrow her address with the header')
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
  const weak = await app.inject({ method: 'POST', url: '/api/auth/password', headers: second, payload: { currentPassword: TEST_PASSWORD, newPassword: 'ivanova2026' } })
  t.equal(weak.json().code, 'WEAK_PASSWORD', 'a password with the user name is refused')
  t.same(weak.json().details, { reason: 'user-name', minLength: 8 }, 'with the reason as a code the screen explains')
  const wrong = await app.inject({ method: 'POST', url: '/api/auth/password', headers: second, payload: { currentPassword: 'not-mine-at-all', newPassword: 'a-new-long-password' } })
  t.equal(wrong.json().code, 'INVALID_CREDENTIALS', 'a wrong current password is refused')
  const res = await app.inject({ method: 'POST', url: '/api/auth/password', headers: second, payload: { currentPassword: TEST_PASSWORD, newPassword: 'a-new-long-password' } })
  t.equal(res.statusCode, 204, 'password changed')
  t.equal((await app.inject({ method: 'GET', url: '/api/auth/me', headers: first })).statusCode, 401, 'the other session is revoked')
  t.equal((await app.inject({ method: 'GET', url: '/api/auth/me', headers: second })).statusCode, 200, 'the session that changed it goes on')
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ivanova', password: 'a-new-long-password' } })).statusCode, 200, 'the new password works')
})
