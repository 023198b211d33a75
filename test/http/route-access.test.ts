// Attacks on the session check: every route of the OpenAPI document, and the websocket, under every
// spelling the router or a proxy might read differently (percent-encoded letters and slashes, doubled
// slashes, dot segments, upper case), without a session, with an auditor's session for writes and
// with a session but no CSRF token. Nothing may answer data and nothing may be written.
import t, { type Test } from 'tap'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import http from 'node:http'
import { Writable } from 'node:stream'
import { WebSocket } from 'ws'
import { sql } from 'kysely'
import { testApp, type TestApp } from '../helpers/app.js'
import { callsRepository } from '../../src/db/calls.repository.js'
import { FIXTURES_DIR } from '../../src/ami/simulator.js'
import { PROJECT_ROOT } from '../../src/app.js'
import type { Call } from '../../src/calls/call.js'
import type { Db } from '../../src/db/database.js'

const SECRET_ORG = 'Школа-тайна № 7'
const SECRET_TEXT = 'Пароль от Навигатора утерян'
const WAV = fs.readFileSync(path.join(FIXTURES_DIR, 'recordings', '1795866724.0.wav'))
const INDEX_HTML = fs.readFileSync(path.join(PROJECT_ROOT, 'src', 'web', 'index.html'), 'utf8')

const call: Call = {
  linkedId: '1795866724.0', callerNumber: '+79123456789', dialled: '73452290256', state: 'ended',
  arrivedAt: new Date('2026-12-01T05:00:00Z'), answeredAt: new Date('2026-12-01T05:00:02Z'), endedAt: new Date('2026-12-01T05:00:05Z'),
  answeredBy: '101', transferredTo: null, decision: 'open', recordingFile: '1795866724.0.wav', callerHungUp: true, legs: {},
  hangupCause: 16, hangupCauseText: 'Normal Clearing', outcome: 'answered', rejectReason: null, approximate: false
}

// Bodies that would write if the check let them through (an empty body would stop at validation and prove nothing)
const BODIES: Record<string, unknown> = {
  'POST /api/organizations': { name: 'Взлом', kind: 'other' },
  'PATCH /api/organizations/{id}': { name: 'Взломано' },
  'POST /api/organizations/{id}/contacts': { fullName: 'Взломщик' },
  'POST /api/contacts': { fullName: 'Взломщик' },
  'PATCH /api/contacts/{id}': { fullName: 'Взломщик' },
  'POST /api/entries': { channel: 'phone' },
  'PATCH /api/entries/{id}': { description: 'взломано' },
  'POST /api/entries/{id}/annul': { reason: 'взлом' },
  'POST /api/users': { username: 'intruder', fullName: 'Взломщик', password: 'password-123', role: 'head' },
  'PATCH /api/users/{id}': { role: 'head' },
  'PUT /api/calendar/days/{date}': { kind: 'holiday', note: 'взлом' },
  'DELETE /api/calendar/days/{date}': undefined
}

// Public by design: log-in, and /health (which tells nothing but up or down)
const PUBLIC = new Set(['/api/auth/login', '/health'])

// Writes the auditor may do (its own session): tested in auth.test.ts
const AUDITOR_OWN = new Set(['POST /api/auth/logout', 'POST /api/auth/password'])

/** The spellings of one path that a careless check and the router could read differently. */
function spellings (p: string): string[] {
  const segments = p.split('/').slice(1)
  const first = segments[0] ?? ''
  const rest = segments.slice(1).join('/')
  const encodeAll = (s: string): string => [...s].map((c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join('')
  // a one-segment path (/ws) stays one segment: /%77s/ is another route than /ws, /%77s is /ws itself
  const tail = rest === '' ? '' : `/${rest}`
  const list = [
    p,
    `/%${first.charCodeAt(0).toString(16)}${first.slice(1)}${tail}`, // /%61pi/..., /%77s
    `/${encodeAll(first)}${tail}`, // /%61%70%69/...
    `/${first}/${encodeAll(rest.split('/')[0] ?? '')}${rest.includes('/') ? '/' + rest.split('/').slice(1).join('/') : ''}`,
    '/' + p.slice(1).replaceAll('/', '%2F'), // /api%2Fentries%2F1
    `/${first}%2F${rest.replaceAll('/', '%2F')}`,
    `/${first}%2f${rest}`,
    '/' + p, // //api/...
    p.replace(`/${first}/`, `/${first}//`), // /api//entries
    `/./${p.slice(1)}`,
    `/${first}/./${rest}`,
    `/x/../${p.slice(1)}`,
    `/${first}/%2e/${rest}`,
    `/${first}/x/%2e%2e/${rest}`,
    p.toUpperCase(),
    `/${first[0]?.toUpperCase() ?? ''}${first.slice(1)}${tail}`,
    `${p}/`,
    `${p}%00`,
    `${p};x=1`
  ]
  return [...new Set(list)]
}

/** A fingerprint of every table but the sessions (reading with a session slides its expiry). */
async function fingerprint (db: Db): Promise<string> {
  const tables = (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name <> 'user_session' order by 1`.execute(db)).rows
  const parts: string[] = []
  for (const { name } of tables) {
    const row = (await sql<{ n: string, h: string | null }>`select count(*)::text as n, md5(string_agg(t::text, '|' order by t::text)) as h from ${sql.table(name)} t`.execute(db)).rows[0]
    parts.push(`${name}:${row?.n}:${row?.h}`)
  }
  return parts.join('\n')
}

interface Route { method: string, template: string, url: string }

async function routesOfTheDocument (ta: TestApp, ids: { entry: number, org: number, contact: number, call: number, user: number }): Promise<Route[]> {
  const doc = (await ta.app.inject({ method: 'GET', url: '/api/docs/json', headers: await ta.as('head') })).json() as { paths: Record<string, Record<string, unknown>> }
  const routes: Route[] = []
  for (const [template, methods] of Object.entries(doc.paths)) {
    const url = template
      .replace(/^\/api\/entries\/\{id\}/, `/api/entries/${ids.entry}`)
      .replace(/^\/api\/organizations\/\{id\}/, `/api/organizations/${ids.org}`)
      .replace(/^\/api\/contacts\/\{id\}/, `/api/contacts/${ids.contact}`)
      .replace(/^\/api\/calls\/\{id\}/, `/api/calls/${ids.call}`)
      .replace(/^\/api\/users\/\{id\}/, `/api/users/${ids.user}`)
      .replace(/^\/api\/reports\/archive\/\{id\}\/\{format\}/, '/api/reports/archive/1/pdf')
      .replace('{year}', '2026').replace('{number}', '1').replace('{date}', '2026-12-31')
      .replace(/\{id\}/g, '1') // the other resources (mail): the check comes before the lookup
    if (url.includes('{')) throw new Error(`no value for a parameter of ${template}`)
    for (const method of Object.keys(methods)) routes.push({ method: method.toUpperCase(), template, url })
  }
  return routes
}

interface Answer { statusCode: number, headers: Record<string, unknown>, body: string, rawPayload: Buffer }
type Send = (method: string, path: string, headers?: Record<string, string>, body?: unknown) => Promise<Answer>

/**
 * Requests over a real socket, the path sent byte for byte as written: inject() would normalise
 * dot segments before the router sees them, a real client or proxy need not.
 */
async function listen (t: Test, ta: TestApp): Promise<{ port: number, send: Send }> {
  await ta.app.listen({ port: 0, host: '127.0.0.1' })
  const address = ta.app.server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => { agent.destroy() })
  const send: Send = async (method, p, headers = {}, body) => await new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = http.request({ host: '127.0.0.1', port: address.port, method, path: p, agent, headers: { ...headers, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const rawPayload = Buffer.concat(chunks)
        resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: rawPayload.toString('utf8'), rawPayload })
      })
    })
    req.on('error', reject)
    req.end(payload)
  })
  return { port: address.port, send }
}

async function setup (t: Test): Promise<TestApp & { routes: Route[], errors: string[], port: number, send: Send }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hdj-access-'))
  fs.writeFileSync(path.join(dir, '1795866724.0.wav'), WAV)
  t.teardown(() => { fs.rmSync(dir, { recursive: true, force: true }) })
  const errors: string[] = []
  const stream = new Writable({
    write (chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter((l) => l !== '')) {
        if ((JSON.parse(line) as { level: number }).level >= 50) errors.push(line)
      }
      done()
    }
  })
  const ta = await testApp(t, { env: { RECORDINGS_DIR: dir }, logger: { level: 'warn', stream } })
  const head = await ta.as('head')
  const post = async (url: string, payload: object): Promise<number> => {
    const res = await ta.app.inject({ method: 'POST', url, headers: head, payload })
    if (res.statusCode !== 201) throw new Error(`seeding ${url}: ${res.statusCode} ${res.body}`)
    return (res.json() as { id: number }).id
  }
  const org = await post('/api/organizations', { name: SECRET_ORG, kind: 'educational' })
  const contact = await post(`/api/organizations/${org}/contacts`, { fullName: 'Тайнова Вера Петровна', phones: ['+79123456789'] })
  const entry = await post('/api/entries', { channel: 'phone', description: SECRET_TEXT, contactId: contact })
  const saved = await callsRepository(ta.db).save(call, new Date())
  const routes = await routesOfTheDocument(ta, { entry, org, contact, call: saved.id, user: ta.users.specialist.id })
  return { ...ta, errors, routes, ...await listen(t, ta) }
}

/** What an answer to a request without the right to it may be: a refusal, or the UI's page itself. */
function leaks (res: Answer): string | undefined {
  if (res.rawPayload.includes(WAV.subarray(0, 64)) || res.rawPayload.subarray(0, 4).toString() === 'RIFF') return 'audio'
  if (res.body.includes(SECRET_ORG) || res.body.includes(SECRET_TEXT) || res.body.includes('Тайнова')) return 'data'
  if (res.statusCode < 400) {
    const type = String(res.headers['content-type'] ?? '')
    if (!type.startsWith('text/html') || (res.body !== '' && res.body !== INDEX_HTML)) return `a ${res.statusCode} ${type} answer`
  }
  return undefined
}

t.test('route access: no route of the OpenAPI document answers data or writes without a session, whatever the spelling', async (t) => {
  const ta = await setup(t)
  const { db, routes, send } = ta
  t.ok(routes.length >= 40, `the document lists the API (${routes.length} routes)`)
  const before = await fingerprint(db)
  let sent = 0
  const found: string[] = []
  for (const r of routes.filter((r) => !PUBLIC.has(r.template))) {
    const body = BODIES[`${r.method} ${r.template}`]
    for (const url of spellings(r.url)) {
      for (const method of r.method === 'GET' ? ['GET', 'HEAD'] : [r.method]) {
        // every kind of bad session on the canonical spelling, the two commonest on the others
        const cookies = url === r.url ? [undefined, 'sid=', 'sid=forged-token', `sid=${'A'.repeat(43)}`] : [undefined, 'sid=forged-token']
        for (const cookie of cookies) {
          const res = await send(method, url, cookie === undefined ? {} : { cookie }, body)
          sent++
          const leak = leaks(res)
          if (leak !== undefined) found.push(`${method} ${url} (cookie ${cookie ?? 'none'}) → ${res.statusCode}: ${leak}`)
          else if (res.statusCode < 400 && method !== 'GET' && method !== 'HEAD') found.push(`${method} ${url} → ${res.statusCode}`)
        }
      }
    }
  }
  t.same(found, [], `${sent} requests without a valid session: none answered data`)
  t.equal(await fingerprint(db), before, 'and nothing was written')
  t.same(ta.errors, [], 'no request failed with an error in the log')
  const health = await send('GET', '/%68ealth')
  t.same(JSON.parse(health.body), { status: 'ok', db: 'ok', ami: 'disabled', mail: 'disabled' }, 'the public /health tells only whether the service is up')
})

t.test('route access: an auditor writes nothing, a session without its CSRF token writes nothing, under any spelling', async (t) => {
  const ta = await setup(t)
  const { db, routes, send } = ta
  const auditor = await ta.as('auditor')
  const specialist = await ta.as('specialist')
  const noCsrf = { cookie: specialist.cookie ?? '' }
  const wrongCsrf = { cookie: specialist.cookie ?? '', 'x-csrf-token': auditor['x-csrf-token'] ?? '' }
  const before = await fingerprint(db)
  const found: string[] = []
  let sent = 0
  const writes = routes.filter((r) => r.method !== 'GET' && !PUBLIC.has(r.template))
  t.ok(writes.length >= 20, `${writes.length} write routes`)
  for (const r of writes) {
    const body = BODIES[`${r.method} ${r.template}`]
    for (const url of spellings(r.url)) {
      for (const [who, headers] of [['auditor', auditor], ['no CSRF token', noCsrf], ['another session\'s CSRF token', wrongCsrf]] as const) {
        if (who === 'auditor' && AUDITOR_OWN.has(`${r.method} ${r.template}`)) continue
        const res = await send(r.method, url, headers, body)
        sent++
        if (res.statusCode < 400 || leaks(res) !== undefined) found.push(`${r.method} ${url} as ${who} → ${res.statusCode}`)
      }
    }
  }
  t.same(found, [], `${sent} writes refused`)
  t.equal(await fingerprint(db), before, 'and nothing was written')
  t.same(ta.errors, [], 'no request failed with an error in the log')

  // the control: the check above could see a write, since the canonical spelling with the token writes
  const res = await send('POST', '/api/organizations', specialist, BODIES['POST /api/organizations'])
  t.equal(res.statusCode, 201, 'the same write with the session and its token is accepted')
  t.not(await fingerprint(db), before, 'and the fingerprint sees it')
})

t.test('route access: the UI fallback serves no JSON and no audio from /api under any spelling', async (t) => {
  const ta = await setup(t)
  const { send } = ta
  const found: string[] = []
  const apiLike = ['/api/entries', '/api/calls', '/api/calls/1/recording', '/api/calls/1/recording.wav', '/api/contacts', '/api/docs/json', '/api/docs', '/ws', '/api']
  let sent = 0
  for (const p of apiLike) {
    for (const url of spellings(p)) {
      const res = await send('GET', url)
      sent++
      const type = String(res.headers['content-type'] ?? '')
      if (res.statusCode < 400 && (!type.startsWith('text/html') || res.body !== INDEX_HTML)) found.push(`${url} → ${res.statusCode} ${type}`)
      if (leaks(res) !== undefined) found.push(`${url} → ${res.statusCode}: ${leaks(res)}`)
    }
  }
  t.same(found, [], `${sent} requests: only the UI page or a refusal`)
  const page = await send('GET', '/journal/2026')
  t.equal(page.statusCode, 200, 'a route of the UI itself still loads without a session')
  t.equal(page.body, INDEX_HTML, 'as the page')
  for (const url of ['/API/entries', '//api/entries', '/api%2Fentries', '/Api/calls/1/recording']) {
    t.equal((await send('GET', url)).statusCode, 401, `${url} without a session is refused, not answered with the page`)
  }
})

t.test('route access: the websocket opens for no spelling without a session', async (t) => {
  const ta = await setup(t)
  const attempt = async (p: string, cookie?: string): Promise<string> => await new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${ta.port}${p}`, { headers: cookie === undefined ? {} : { cookie } })
    ws.on('open', () => { ws.close(); resolve('open') })
    ws.on('unexpected-response', (_req, res) => { res.resume(); resolve(String(res.statusCode)) })
    ws.on('error', (err) => { resolve(`error ${err.message}`) })
  })
  const opened: string[] = []
  t.ok(spellings('/ws').includes('/%77s'), 'the spellings include the one the router reads as /ws itself (/%77s)')
  for (const p of spellings('/ws')) {
    for (const cookie of [undefined, 'sid=forged-token']) {
      const result = await attempt(p, cookie)
      if (result === 'open' || !/^(401|404)$/.test(result)) opened.push(`${p} (${cookie ?? 'no cookie'}) → ${result}`)
    }
  }
  t.same(opened, [], 'every spelling is refused with 401 or 404')
  const head = await ta.as('head')
  t.equal(await attempt('/ws', head.cookie), 'open', 'the control: /ws with a session opens')
  t.same(ta.errors, [], 'no upgrade failed with an error in the log')
})
