// The web UI's files over HTTP (no browser needed): the app page at / and at every app route,
// Preact from node_modules, no session needed for static files, API paths never answered with HTML.
import t from 'tap'
import { testApp } from '../helpers/app.js'

t.test('web: the app page, its modules and the SPA fallback', async (t) => {
  const { app, as } = await testApp(t)

  for (const url of ['/', '/journal', '/entries/12', '/calls?missed=1', '/calendar']) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 200, `${url}: 200 without a session`)
    t.match(res.headers['content-type'], /^text\/html/, `${url}: the app page`)
    t.match(res.body, /<html lang="ru">/, `${url}: in Russian`)
    t.match(res.headers['content-security-policy'], /default-src 'self'/, `${url}: own origin only`)
  }

  const preact = await app.inject({ method: 'GET', url: '/vendor/preact.js' })
  t.equal(preact.statusCode, 200, 'Preact+htm is served by the service (no CDN)')
  t.match(preact.headers['content-type'], /javascript/, 'as JavaScript')
  t.match(preact.body, /export\{/, 'an ES module')

  const appJs = await app.inject({ method: 'GET', url: '/app.js' })
  t.equal(appJs.statusCode, 200, 'the app module')
  t.match(appJs.headers['content-type'], /javascript/, 'as JavaScript')
  t.ok(appJs.headers.etag !== undefined, 'with an ETag: a reload costs a 304')
  const again = await app.inject({ method: 'GET', url: '/app.js', headers: { 'if-none-match': String(appJs.headers.etag) } })
  t.equal(again.statusCode, 304, 'unchanged files are not sent again')

  const missingFile = await app.inject({ method: 'GET', url: '/nothing.js' })
  t.equal(missingFile.statusCode, 404, 'a missing file is a 404, not the app page')
  const api = await app.inject({ method: 'GET', url: '/api/no-such-route' })
  t.equal(api.statusCode, 401, 'an API path still needs a session')
  const apiJson = await app.inject({ method: 'GET', url: '/api/no-such-route', headers: await as('specialist') })
  t.equal(apiJson.statusCode, 404, 'logged in: an unknown API path is a 404')
  t.match(apiJson.headers['content-type'], /json/, 'in JSON, never the app page')
  const traversal = await app.inject({ method: 'GET', url: '/..%2f..%2fpackage.json' })
  t.not(traversal.statusCode, 200, 'no path outside src/web')
})
