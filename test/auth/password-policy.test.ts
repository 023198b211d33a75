// The password rule, over the passwords people really type.
import t from 'tap'
import { passwordProblem } from '../../src/util/password-policy.js'
import { testApp, TEST_PASSWORD } from '../helpers/app.js'

t.test('password policy: what is refused and why', async (t) => {
  const table: Array<[string, RegExp | undefined, string?]> = [
    ['        ', /at least 8 characters other than spaces/],
    ['a b c d e f g', /at least 8/],
    ['short', /at least 8/],
    ['12345678', /run of digits/],
    ['87654321', /run/],
    ['qwertyuiop', /run/],
    ['йцукенгш', /run/],
    ['11111111', /more than one or two different/],
    ['abababab', /more than one or two/],
    ['Password1', /guessed first/],
    ['admin123', /guessed first/],
    ['пароль2026', /guessed first/],
    ['ivanova-2026', /user name/, 'ivanova'],
    ['correct-horse-battery', undefined],
    ['Тюмень, 2026 год', undefined],
    ['tyumen-helpdesk', undefined, 'admin'],
    ['x7$Lq9!mZ', undefined]
  ]
  for (const [password, expected, username] of table) {
    const problem = passwordProblem(password, username)
    if (expected === undefined) t.equal(problem, undefined, `${JSON.stringify(password)} is accepted`)
    else t.match(problem, expected, `${JSON.stringify(password)} is refused: ${problem}`)
  }
})

t.test('password policy: the API refuses a weak password when a user is created, changed or changes their own', async (t) => {
  const { app, as, users } = await testApp(t)
  const head = await as('head')
  const created = await app.inject({ method: 'POST', url: '/api/users', headers: head, payload: { username: 'kozlov', fullName: 'Козлов Пётр', password: '        ', role: 'specialist' } })
  t.equal(created.statusCode, 400, 'eight spaces for a new user → 400')
  t.equal(created.json().code, 'WEAK_PASSWORD', 'WEAK_PASSWORD')
  t.match(created.json().message, /other than spaces/, 'saying why')
  const changed = await app.inject({ method: 'PATCH', url: `/api/users/${users.specialist.id}`, headers: head, payload: { password: '12345678' } })
  t.equal(changed.json().code, 'WEAK_PASSWORD', 'a weak password set by the head → WEAK_PASSWORD')
  const own = await app.inject({ method: 'POST', url: '/api/auth/password', headers: await as('specialist'), payload: { currentPassword: TEST_PASSWORD, newPassword: 'ivanova1' } })
  t.equal(own.json().code, 'WEAK_PASSWORD', 'one\'s own new password containing the user name → WEAK_PASSWORD')
  const still = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ivanova', password: TEST_PASSWORD } })
  t.equal(still.statusCode, 200, 'and the old password still works')
})
