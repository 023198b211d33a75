// Writes and the websocket only from the service's own pages; security headers on every answer.
import t from 'tap'
import { WebSocket } from 'ws'
import { originAllowed } from '../../src/http/browser-guards.js'
import { loadConfig } from '../../src/config.js'
import { testApp } from '../helpers/app.js'

t.test('origin: which origins may write', async (t) => {
  const table: Array<[string | undefined, string, string[], boolean]> = [
    [undefined, 'journal.local:3000', [], true],
    ['http://journal.local:3000', 'journal.local:3000', [], true],
    ['http://JOURNAL.local:3000', 'journal.local:3000', [], true],
    ['http://journal.local:3001', 'journal.local:3000', [], false],
    ['http://evil.local:3000', 'journal.local:3000', [], false],
    ['http://journal.local.evil.ru', 'journal.local', [], false],
    ['null', 'journal.local:3000', [], false],
    ['garbage', 'journal.local:3000', [], false],
    ['https://journal.example.ru', '10.0.0.5:3000', ['https://journal.example.ru'], true],
    ['http://10.0.0.5:3000', '10.0.0.5:3000', ['https://journal.example.ru'], false]
  ]
  for (const [origin, host, allowed, expected] of table) {
    t.equal(originAllowed(origin, host, allowed), expected, `${origin ?? 'no Origin'} to ${host}${allowed.length > 0 ? ` (allowed ${allowed.join(', ')})` : ''} → ${expected ? 'accepted' : 'refused'}`)
  }
  t.same(loadConfig({ ALLOWED_ORIGINS: 'https://journal.example.ru, http://10.0.0.5:3000' }).allowedOrigins, ['https://journal.example.ru', 'http://10.0.0.5:3000'], 'ALLOWED_ORIGINS is a list')
  t.throws(() => loadConfig({ ALLOWED_ORIGINS: 'journal.example.ru' }), /ALLOWED_ORIGINS: "journal.example.ru" is not an origin/, 'a host without a scheme is refused at start')
  t.throws(() => loadConfig({ ALLOWED_ORIGINS: 'https://journal.example.ru/app' }), /ALLOWED_ORIGINS/, 'and so is a URL with a path')
})

t.test('origin: a write from another origin is refused even with the session and its token', async (t) => {
  const { app, as } = await testApp(t)
  const h = await as('specialist')
  const payload = { name: 'МАОУ СОШ № 9', kind: 'educational' }
  const foreign = await app.inject({ method: 'POST', url: '/api/organizations', headers: { ...h, host: 'journal.local:3000', origin: 'http://journal.local:8080' }, payload })
  t.equal(foreign.statusCode, 403, 'another port of the same host → 403')
  t.equal(foreign.json().code, 'ORIGIN_NOT_ALLOWED', 'ORIGIN_NOT_ALLOWED')
  const listed = await app.inject({ method: 'GET', url: '/api/organizations', headers: { ...h, origin: 'http://journal.local:8080' } })
  t.equal(listed.json().total, 0, 'nothing was written')
  t.equal(listed.statusCode, 200, 'reads are not concerned (a page of another origin cannot read the answer)')
  const own = await app.inject({ method: 'POST', url: '/api/organizations', headers: { ...h, host: 'journal.local:3000', origin: 'http://journal.local:3000' }, payload })
  t.equal(own.statusCode, 201, 'the same write from the service\'s own page is accepted')
  const script = await app.inject({ method: 'POST', url: '/api/organizations', headers: h, payload: { ...payload, name: 'МАОУ СОШ № 10' } })
  t.equal(script.statusCode, 201, 'and from a script, which sends no Origin')
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { host: 'journal.local:3000', origin: 'http://evil.local' }, payload: { username: 'ivanova', password: 'x' } })
  t.equal(login.json().code, 'ORIGIN_NOT_ALLOWED', 'a log-in posted from another site is refused too')
})

t.test('origin: the websocket opens only for the service\'s own pages', async (t) => {
  const { app, as } = await testApp(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as { port: number }
  const h = await as('specialist')
  const open = async (origin: string): Promise<string> => await new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { cookie: h.cookie ?? '' }, origin })
    ws.on('open', () => { ws.close(); resolve('open') })
    ws.on('unexpected-response', (_req, res) => { res.resume(); resolve(String(res.statusCode)) })
    ws.on('error', (err) => { resolve(err.message) })
  })
  t.equal(await open(`http://127.0.0.1:${port + 1}`), '403', 'another port → 403 before the handshake')
  t.equal(await open('http://evil.local'), '403', 'another host → 403')
  t.equal(await open(`http://127.0.0.1:${port}`), 'open', 'the page\'s own origin opens')
})

t.test('security headers on every answer, not only the page', async (t) => {
  const { app, as } = await testApp(t)
  for (const [url, headers] of [['/api/entries', await as('auditor')], ['/api/entries', {}], ['/health', {}], ['/app.js', {}]] as const) {
    const res = await app.inject({ method: 'GET', url, headers })
    t.equal(res.headers['x-content-type-options'], 'nosniff', `${url} (${res.statusCode}): nosniff`)
    t.equal(res.headers['x-frame-options'], 'DENY', `${url}: not to be framed`)
    t.equal(res.headers['referrer-policy'], 'same-origin', `${url}: no referrer to other sites`)
  }
})
