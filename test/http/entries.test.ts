import t from 'tap'
import { sql } from 'kysely'
import { testApp } from '../helpers/app.js'
import { connectWs } from '../helpers/ws.js'

// Monday 2 March 2026, 10:00 in Tyumen
const NOW = new Date('2026-03-02T10:00:00+05:00')

t.test('entries API: the journal through the API, from organization to closed entries found by full-text search', async (t) => {
  const clock = { now: NOW }
  const { app, as, users } = await testApp(t, { clock: () => clock.now, env: { SESSION_TTL_HOURS: '720' } }) // the clock moves days ahead
  const h = await as('specialist')
  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown) => {
    const res = await app.inject({ method, url, headers: h, ...(payload !== undefined ? { payload: payload as object } : {}) })
    return { status: res.statusCode, body: res.json() }
  }

  const org = await call('POST', '/api/organizations', { name: 'МАОУ СОШ № 5 г. Тюмени', kind: 'educational', inn: '7203000005' })
  t.equal(org.status, 201, 'an organization is created')
  const dup = await call('POST', '/api/organizations', { name: 'маоу сош № 5 г. тюмени', kind: 'other' })
  t.equal(dup.status, 409, 'the same name again is refused')
  t.equal(dup.body.code, 'ORGANIZATION_EXISTS', 'with a stable code')
  t.same((await call('GET', '/api/organizations?q=' + encodeURIComponent('сош'))).body.items.map((o: { id: number }) => o.id), [org.body.id], 'found by part of the name')

  const contact = await call('POST', `/api/organizations/${org.body.id}/contacts`, { fullName: 'Петрова Ольга Ивановна', phones: ['8 (3452) 29-02-56'], emails: ['petrova@school5.ru'] })
  t.equal(contact.status, 201, 'a contact of the organization')
  const byPhone = await call('GET', '/api/contacts?phone=' + encodeURIComponent('+7 3452 290256'))
  t.same(byPhone.body.items.map((c: { id: number }) => c.id), [contact.body.id], 'the caller is identified by number')
  t.same((await call('GET', `/api/organizations/${org.body.id}/contacts`)).body.items.map((c: { id: number }) => c.id), [contact.body.id], 'contacts of the organization')

  // a phone call's draft, completed and registered
  const draft = await call('POST', '/api/entries', { channel: 'phone', callerNumber: '83452290256', contactId: contact.body.id })
  t.equal(draft.status, 201, 'a draft is created')
  t.match(draft.body, { draft: true, number: null, status: null, organizationId: org.body.id, organizationName: 'МАОУ СОШ № 5 г. Тюмени', callerNumber: '73452290256' }, 'no number; the organization comes from the contact')
  const incomplete = await call('POST', `/api/entries/${draft.body.id}/register`)
  t.equal(incomplete.status, 422, 'an incomplete draft is not registered')
  t.equal(incomplete.body.code, 'DRAFT_INCOMPLETE', 'DRAFT_INCOMPLETE')
  t.same(incomplete.body.details, { missing: ['type', 'description', 'module'] }, 'naming what is missing')
  const drafts = await call('GET', '/api/entries?draft=true')
  t.same(drafts.body.items.map((e: { id: number }) => e.id), [draft.body.id], 'drafts are listed: calls to call back')

  const patched = await call('PATCH', `/api/entries/${draft.body.id}`, { type: 'support', description: 'Не отображаются программы в каталоге Навигатора', module: 'navigator' })
  t.equal(patched.status, 200, 'the draft is completed')
  const first = await call('POST', `/api/entries/${draft.body.id}/register`)
  t.equal(first.status, 200, 'registered')
  t.match(first.body, { draft: false, year: 2026, number: 1, numberLabel: '2026-1', registeredOn: '2026-03-02', status: 'in_progress', registeredBy: users.specialist.id, dueAt: '2026-03-10T12:00:00.000Z', overdue: false }, 'number 1, today, «В работе», due in 5 working days')
  t.equal((await call('POST', `/api/entries/${draft.body.id}/register`)).body.code, 'ALREADY_REGISTERED', 'registering twice is refused')
  t.equal((await call('GET', '/api/entries/by-number/2026/1')).body.id, draft.body.id, 'found by its printed number')
  t.equal((await call('GET', '/api/entries/by-number/2026/7')).body.code, 'ENTRY_NOT_FOUND', 'an unused number is 404')

  // an Ошибка: agreement, developer, resolution, closing
  const err = await call('POST', '/api/entries', { channel: 'email', callerEmail: 'petrova@school5.ru', type: 'error', description: 'Ошибка 500 при выгрузке сертификатов', organizationId: org.body.id, contactText: 'Петрова О. И.', module: 'paid_services' })
  t.equal(err.status, 201, 'an e-mail request as a draft')
  const second = await call('POST', `/api/entries/${err.body.id}/register`)
  t.match(second.body, { number: 2, agreement: { state: 'pending' } }, 'number 2, the agreement pending')
  const early = await call('POST', `/api/entries/${err.body.id}/status`, { status: 'to_developer' })
  t.equal(early.status, 409, 'not to the developer before agreement')
  t.equal(early.body.code, 'AGREEMENT_REQUIRED', 'AGREEMENT_REQUIRED')
  const noBy = await call('PUT', `/api/entries/${err.body.id}/agreement`, { state: 'agreed' })
  t.equal(noBy.body.code, 'AGREED_BY_REQUIRED', 'an agreement says who agreed')
  const agreed = await call('PUT', `/api/entries/${err.body.id}/agreement`, { state: 'agreed', by: 'Оператор Системы: Сидоров И. И.', comment: 'передать разработчику' })
  t.equal(agreed.status, 200, 'agreed')
  t.match(agreed.body.agreement, { state: 'agreed', by: 'Оператор Системы: Сидоров И. И.', recordedBy: users.specialist.id }, 'with who and who recorded it')
  t.equal((await call('POST', `/api/entries/${err.body.id}/status`, { status: 'to_developer' })).body.status, 'to_developer', '«Передано разработчику»')
  const ext = await call('POST', `/api/entries/${err.body.id}/extensions`, { dueOn: '2026-03-20', reason: 'исправление в следующей версии', agreedBy: 'Департамент' })
  t.equal(ext.status, 201, 'the deadline is extended')
  t.equal(ext.body.dueAt, '2026-03-20T11:00:00.000Z', 'to Friday 16:00')
  const noComment = await call('POST', `/api/entries/${err.body.id}/status`, { status: 'resolved' })
  t.equal(noComment.status, 422, '«Решен» without a comment is refused')
  t.equal(noComment.body.code, 'RESOLUTION_REQUIRED', 'RESOLUTION_REQUIRED')
  clock.now = new Date('2026-03-05T15:00:00+05:00')
  const resolved = await call('POST', `/api/entries/${err.body.id}/status`, { status: 'resolved', comment: 'Исправлено в версии 2.3, выгрузка работает' })
  t.match(resolved.body, { status: 'resolved', resolvedOn: '2026-03-05', resolvedBy: users.specialist.id }, 'resolved with the date')
  const closed = await call('POST', `/api/entries/${err.body.id}/status`, { status: 'closed' })
  t.equal(closed.body.status, 'closed', '«Закрыт»')
  const edit = await call('PATCH', `/api/entries/${err.body.id}`, { note: 'x' })
  t.equal(edit.status, 409, 'a closed entry is not edited')
  t.equal(edit.body.code, 'ENTRY_CLOSED', 'ENTRY_CLOSED')
  t.equal((await call('POST', `/api/entries/${err.body.id}/status`, { status: 'in_progress' })).body.code, 'ENTRY_CLOSED', 'nor reopened')

  // the support entry: feedback and back, resolved, closed
  for (const [status, comment, at] of [['feedback', 'запрошен скриншот', '2026-03-03T10:00:00+05:00'], ['in_progress', null, '2026-03-05T10:00:00+05:00']] as const) {
    clock.now = new Date(at)
    t.equal((await call('POST', `/api/entries/${draft.body.id}/status`, { status, comment })).body.status, status, `→ ${status}`)
  }
  const resumed = await call('GET', `/api/entries/${draft.body.id}`)
  t.equal(resumed.body.dueAt, '2026-03-12T12:00:00.000Z', 'the paused two working days move the due date')
  t.same(resumed.body.pauses.map((p: { to: string | null }) => p.to), ['2026-03-05T05:00:00.000Z'], 'the pause is shown')
  const illegal = await call('POST', `/api/entries/${draft.body.id}/status`, { status: 'closed', comment: 'x' })
  t.equal(illegal.status, 409, '«В работе» → «Закрыт» is refused')
  t.equal(illegal.body.code, 'ILLEGAL_STATUS_TRANSITION', 'ILLEGAL_STATUS_TRANSITION')
  t.match(illegal.body.message, /«Решен»/, 'the message says what to do')
  t.same(illegal.body.details.allowed, ['feedback', 'to_developer', 'resolved', 'closed'], 'details list the moves of the table')
  t.equal((await call('POST', `/api/entries/${draft.body.id}/status`, { status: 'to_developer' })).body.code, 'ILLEGAL_STATUS_TRANSITION', 'a «Поддержка» never goes to the developer')
  t.equal((await call('POST', `/api/entries/${draft.body.id}/status`, { status: 'resolved', resolution: 'Включен показ программ в настройках' })).body.status, 'resolved', 'resolved (resolution as the comment)')
  t.equal((await call('POST', `/api/entries/${draft.body.id}/status`, { status: 'closed' })).body.status, 'closed', 'and closed')

  // found by Russian full-text search
  const found = await call('GET', '/api/entries?q=' + encodeURIComponent('навигатор'))
  t.same(found.body.items.map((e: { id: number }) => e.id), [draft.body.id], '«навигатор» finds «Навигатора»')
  const sert = await call('GET', '/api/entries?q=' + encodeURIComponent('сертификат выгрузка'))
  t.same(sert.body.items.map((e: { id: number }) => e.id), [err.body.id], '«сертификат выгрузка» finds «выгрузке сертификатов»')
  const list = await call('GET', `/api/entries?draft=false&status=closed&organizationId=${org.body.id}&from=2026-03-01&to=2026-03-31&sort=number&order=asc&limit=1`)
  t.equal(list.status, 200, 'a filtered list')
  t.equal(list.body.total, 2, 'the total of the filter')
  t.same(list.body.items.map((e: { number: number }) => e.number), [1], 'the first page, by number')
  t.same((await call('GET', '/api/entries?type=error&type=improvement')).body.items.map((e: { id: number }) => e.id), [err.body.id], 'several values of a filter')

  const history = await call('GET', `/api/entries/${err.body.id}/history`)
  t.equal(history.status, 200, 'the history')
  t.ok(history.body.items.length >= 10, 'every change is a line')
  t.match(history.body.items.find((x: { field: string, new: unknown }) => x.field === 'status' && x.new === 'closed'), { action: 'status', old: 'resolved', userName: 'Иванова Анна Сергеевна' }, 'who, old → new')
  // the same rows as a person reads them: one line per action, in Russian, dates as the center writes them
  const lines = history.body.lines.map((l: { text: string }) => l.text)
  t.same(lines, [
    'Создан черновик по письму с адреса petrova@school5.ru',
    'Зарегистрирована как № 2026-2, срок — до 10.03.2026 17:00',
    'Согласование: Согласовано (Оператор Системы: Сидоров И. И.), комментарий: передать разработчику',
    'Статус: В работе → Передано разработчику',
    'Срок продлён до 20.03.2026 16:00 (был до 10.03.2026 17:00), причина: исправление в следующей версии, согласовал: Департамент',
    'Статус: Передано разработчику → Решен, комментарий: Исправлено в версии 2.3, выгрузка работает',
    'Статус: Решен → Закрыт'
  ], 'one line per action, grammatical, no codes')
  t.ok(history.body.lines.every((l: { userName: string }) => l.userName === 'Иванова Анна Сергеевна'), 'each line says who')
  t.notMatch(JSON.stringify(history.body.lines.map((l: { text: string, changes: unknown }) => [l.text, l.changes])), /callId|T\d\d:\d\d|[a-z]{4,}_[a-z]/, 'no column codes or ISO instants in the lines')
  const supportLines = (await call('GET', `/api/entries/${draft.body.id}/history`)).body.lines
  t.match(supportLines[0], { text: 'Создан черновик по звонку с номера +73452290256' }, 'a call\'s draft names the number')
  t.match(supportLines.find((l: { text: string }) => l.text.startsWith('Изменено')), { text: 'Изменено: тип запроса, описание запроса, модуль системы', changes: [{ field: 'тип запроса', old: null, new: 'Поддержка' }, { field: 'описание запроса' }, { field: 'модуль системы', new: 'Навигатор дополнительного образования' }] }, 'an edit lists its fields with the values')
  t.ok(supportLines.some((l: { text: string }) => l.text === 'Статус: В работе → Обратная связь, комментарий: запрошен скриншот'), 'the feedback question is in its status line')
  t.ok(supportLines.some((l: { text: string }) => l.text === 'Статус: Обратная связь → В работе; срок возобновлён — до 12.03.2026 17:00'), 'the resumed deadline in the center\'s time')

  // annulment: a draft of a wrong call
  const wrong = await call('POST', '/api/entries', { channel: 'phone', callerNumber: '89120000000' })
  t.equal((await call('POST', `/api/entries/${wrong.body.id}/annul`, { reason: 'ошиблись номером' })).body.annulment.reason, 'ошиблись номером', 'annulled with a reason')
  t.same((await call('GET', '/api/entries?draft=true')).body.items, [], 'no longer a call to call back')
  t.equal((await call('GET', `/api/entries/${wrong.body.id}`)).status, 200, 'but still there')

  const vocabulary = await call('GET', '/api/journal/vocabulary')
  t.equal(vocabulary.body.statuses.in_progress, 'В работе', 'the labels for the UI')
  t.equal(vocabulary.body.modules.talents, 'Региональная база данных талантливых детей и молодежи', 'module names in full')
})

t.test('entries API: bad input is a clear 4xx, never a 500', async (t) => {
  const { app, as } = await testApp(t, { clock: () => NOW })
  const h = await as('specialist')
  const draft = (await app.inject({ method: 'POST', url: '/api/entries', headers: h, payload: { channel: 'walk_in', type: 'support', description: 'вопрос', organizationName: 'ИП Иванов', contactText: 'Иванов', module: 'other' } })).json()
  await app.inject({ method: 'POST', url: `/api/entries/${draft.id}/register`, headers: h })
  const cases: Array<[string, 'GET' | 'POST' | 'PATCH' | 'PUT', string, unknown, number, string]> = [
    ['an unknown channel', 'POST', '/api/entries', { channel: 'fax' }, 400, 'VALIDATION_ERROR'],
    ['no channel', 'POST', '/api/entries', { description: 'x' }, 400, 'VALIDATION_ERROR'],
    ['an unknown field', 'POST', '/api/entries', { channel: 'phone', number: 5 }, 400, 'VALIDATION_ERROR'],
    ['a number as a description', 'PATCH', `/api/entries/${draft.id}`, { description: 5 }, 400, 'VALIDATION_ERROR'],
    ['an empty patch', 'PATCH', `/api/entries/${draft.id}`, {}, 400, 'VALIDATION_ERROR'],
    ['a bad id', 'GET', '/api/entries/abc', undefined, 400, 'VALIDATION_ERROR'],
    ['an id beyond integer', 'GET', '/api/entries/99999999999', undefined, 400, 'VALIDATION_ERROR'],
    ['a missing entry', 'GET', '/api/entries/99999', undefined, 404, 'ENTRY_NOT_FOUND'],
    ['a missing entry\'s history', 'GET', '/api/entries/99999/history', undefined, 404, 'ENTRY_NOT_FOUND'],
    ['a status of a missing entry', 'POST', '/api/entries/99999/status', { status: 'resolved', comment: 'x' }, 404, 'ENTRY_NOT_FOUND'],
    ['an unknown status', 'POST', `/api/entries/${draft.id}/status`, { status: 'done' }, 400, 'VALIDATION_ERROR'],
    ['the status it has', 'POST', `/api/entries/${draft.id}/status`, { status: 'in_progress' }, 409, 'ILLEGAL_STATUS_TRANSITION'],
    ['an organization that does not exist', 'PATCH', `/api/entries/${draft.id}`, { organizationId: 99999 }, 422, 'REFERENCE_NOT_FOUND'],
    ['a user that does not exist', 'PATCH', `/api/entries/${draft.id}`, { assignedTo: 99999 }, 422, 'REFERENCE_NOT_FOUND'],
    ['a reference to itself', 'PATCH', `/api/entries/${draft.id}`, { referenceId: draft.id }, 422, 'INVALID_REFERENCE'],
    ['a registered entry losing its description', 'PATCH', `/api/entries/${draft.id}`, { description: ' ' }, 422, 'VALUE_REQUIRED'],
    ['agreement for «Поддержка»', 'PUT', `/api/entries/${draft.id}/agreement`, { state: 'agreed', by: 'x' }, 422, 'AGREEMENT_NOT_APPLICABLE'],
    ['an unknown agreement state', 'PUT', `/api/entries/${draft.id}/agreement`, { state: 'maybe' }, 400, 'VALIDATION_ERROR'],
    ['an extension to a Saturday', 'POST', `/api/entries/${draft.id}/extensions`, { dueOn: '2026-03-14', reason: 'r', agreedBy: 'a' }, 422, 'NOT_A_WORKING_DAY'],
    ['an extension to no date', 'POST', `/api/entries/${draft.id}/extensions`, { dueOn: '2026-02-30', reason: 'r', agreedBy: 'a' }, 400, 'VALIDATION_ERROR'],
    ['an extension earlier than the due date', 'POST', `/api/entries/${draft.id}/extensions`, { dueOn: '2026-03-04', reason: 'r', agreedBy: 'a' }, 422, 'EXTENSION_NOT_LATER'],
    ['an extension without a reason', 'POST', `/api/entries/${draft.id}/extensions`, { dueOn: '2026-03-20', reason: ' ', agreedBy: 'a' }, 422, 'REASON_REQUIRED'],
    ['annulment without a reason', 'POST', `/api/entries/${draft.id}/annul`, {}, 400, 'VALIDATION_ERROR'],
    ['a period backwards', 'GET', '/api/entries?from=2026-03-10&to=2026-03-01', undefined, 400, 'INVALID_PERIOD'],
    ['a bad date in a filter', 'GET', '/api/entries?from=yesterday', undefined, 400, 'VALIDATION_ERROR'],
    ['an unknown filter', 'GET', '/api/entries?colour=red', undefined, 400, 'VALIDATION_ERROR'],
    ['an unknown sort', 'GET', '/api/entries?sort=colour', undefined, 400, 'VALIDATION_ERROR'],
    ['a huge page', 'GET', '/api/entries?limit=100000', undefined, 400, 'VALIDATION_ERROR'],
    ['a bad ИНН', 'POST', '/api/organizations', { name: 'Школа', kind: 'educational', inn: '12' }, 400, 'VALIDATION_ERROR'],
    ['an unknown organization kind', 'POST', '/api/organizations', { name: 'Школа', kind: 'school' }, 400, 'VALIDATION_ERROR'],
    ['a blank organization name', 'POST', '/api/organizations', { name: '   ', kind: 'other' }, 400, 'VALIDATION_ERROR'],
    ['a contact of a missing organization', 'POST', '/api/contacts', { fullName: 'Иванов', organizationId: 99999 }, 422, 'ORGANIZATION_NOT_FOUND'],
    ['contacts of a missing organization', 'GET', '/api/organizations/99999/contacts', undefined, 404, 'ORGANIZATION_NOT_FOUND'],
    ['a bad e-mail', 'POST', '/api/contacts', { fullName: 'Иванов', emails: ['not-an-email'] }, 400, 'VALIDATION_ERROR']
  ]
  for (const [title, method, url, payload, status, code] of cases) {
    const res = await app.inject({ method, url, headers: h, ...(payload !== undefined ? { payload: payload as object } : {}) })
    t.equal(res.statusCode, status, `${title}: ${status}`)
    const body = res.json()
    t.equal(body.code, code, `${title}: ${code}`)
    t.ok(typeof body.message === 'string' && body.message.length > 5, `${title}: a message (${body.message})`)
  }
  // a validation refusal names the field and the rule, so a screen can say it in Russian
  const badInn = await app.inject({ method: 'POST', url: '/api/organizations', headers: h, payload: { name: 'Школа', kind: 'educational', inn: '12' } })
  t.same(badInn.json().details, { part: 'body', field: 'inn', rule: 'pattern' }, 'the field and the rule of a bad value')
  const noChannel = await app.inject({ method: 'POST', url: '/api/entries', headers: h, payload: { description: 'x' } })
  t.same(noChannel.json().details, { part: 'body', field: 'channel', rule: 'required' }, 'the missing field')
  const longName = await app.inject({ method: 'POST', url: '/api/organizations', headers: h, payload: { name: 'Ш'.repeat(501), kind: 'other' } })
  t.same(longName.json().details, { part: 'body', field: 'name', rule: 'maxLength', limit: 500 }, 'the bound of a length')
  const late = await app.inject({ method: 'POST', url: `/api/entries/${draft.id}/extensions`, headers: h, payload: { dueOn: '2026-03-04', reason: 'r', agreedBy: 'a' } })
  t.match(late.json().details, { currentDueAt: '2026-03-10T12:00:00.000Z' }, 'a refusal about a date carries the date, for the screen to write as the center does')
  // the q of full-text search is free text: operators and quotes are not errors
  for (const q of ['"навигатор', 'a & | ! (', '-', '   ']) {
    const res = await app.inject({ method: 'GET', url: '/api/entries?q=' + encodeURIComponent(q), headers: h })
    t.equal(res.statusCode, 200, `q=${JSON.stringify(q)} is searched, not an error`)
  }
})

t.test('entries API: a total beyond 1 000 is «more than» (totalExact false), and the next page is still there', async (t) => {
  const { app, as, db } = await testApp(t, { clock: () => NOW })
  const h = await as('specialist')
  await sql`insert into journal_entry (channel, created_at, updated_at)
    select 'email', ${NOW}::timestamptz - g * interval '1 minute', ${NOW}::timestamptz from generate_series(1, 1020) g`.execute(db)
  const page = async (offset: number) => (await app.inject({ method: 'GET', url: `/api/entries?draft=true&limit=50&offset=${offset}`, headers: h })).json()
  const first = await page(0)
  t.same([first.items.length, first.total, first.totalExact], [50, 1000, false], 'the first page: more than 1 000')
  const twentieth = await page(950)
  t.same([twentieth.total, twentieth.totalExact], [1000, false], 'page 20 of 50: still more, so the UI keeps «next»')
  const last = await page(1000)
  t.same([last.items.length, last.total, last.totalExact], [20, 1020, true], 'page 21: the last 20 and the exact total')
  const few = (await app.inject({ method: 'GET', url: '/api/entries?draft=false', headers: h })).json()
  t.same([few.total, few.totalExact], [0, true], 'an exact total says so')
  const docs = (await app.inject({ method: 'GET', url: '/api/docs/json', headers: await as('head') })).json()
  const listed = docs.paths['/api/entries'].get.responses['200'].content['application/json'].schema
  t.equal(listed.properties.totalExact.type, 'boolean', 'the OpenAPI document has totalExact')
  t.match(listed.properties.total.description, /1000/, 'and says what a capped total means')
})

t.test('entries API: roles, sessions and the OpenAPI document', async (t) => {
  const { app, as } = await testApp(t, { clock: () => NOW })
  t.equal((await app.inject({ method: 'GET', url: '/api/entries' })).statusCode, 401, 'a session is needed')
  const auditor = await as('auditor')
  t.equal((await app.inject({ method: 'GET', url: '/api/entries', headers: auditor })).statusCode, 200, 'the auditor reads')
  const write = await app.inject({ method: 'POST', url: '/api/entries', headers: auditor, payload: { channel: 'phone' } })
  t.equal(write.statusCode, 403, 'but does not write')
  const head = await as('head')
  const docs = await app.inject({ method: 'GET', url: '/api/docs/json', headers: head })
  t.equal(docs.statusCode, 200, 'the OpenAPI document')
  const paths = Object.keys(docs.json().paths)
  for (const p of ['/api/entries', '/api/entries/{id}', '/api/entries/{id}/register', '/api/entries/{id}/status', '/api/entries/{id}/agreement',
    '/api/entries/{id}/extensions', '/api/entries/{id}/annul', '/api/entries/{id}/history', '/api/organizations', '/api/organizations/{id}/contacts', '/api/contacts']) {
    t.ok(paths.includes(p), `documents ${p}`)
  }
})

t.test('entries API: every change reaches the screens as entry.created / entry.updated', async (t) => {
  const { app, as } = await testApp(t, { clock: () => NOW })
  const h = await as('specialist')
  const ws = await connectWs(app, '/ws', await as('head'))
  t.teardown(() => { ws.close() })
  await ws.next('hello')
  const draft = (await app.inject({ method: 'POST', url: '/api/entries', headers: h, payload: { channel: 'phone', callerNumber: '89120000001' } })).json()
  const created = await ws.next('entry.created')
  t.same(created.entry, draft, 'entry.created carries the entry as the API returns it')
  const patched = (await app.inject({ method: 'PATCH', url: `/api/entries/${draft.id}`, headers: h, payload: { note: 'перезвонить' } })).json()
  const updated = await ws.next('entry.updated')
  t.same(updated.entry, patched, 'entry.updated carries the changed entry')
  const refused = await app.inject({ method: 'POST', url: `/api/entries/${draft.id}/register`, headers: h })
  t.equal(refused.statusCode, 422, 'a refused change…')
  await app.inject({ method: 'PATCH', url: `/api/entries/${draft.id}`, headers: h, payload: { note: 'второй раз' } })
  const next = await ws.next('entry.updated', (f) => f.id > updated.id)
  t.equal((next.entry as { note: string }).note, 'второй раз', '…is not pushed: the next message is the next change')
})

t.test('journal vocabulary: the UI\'s words, status moves and the center\'s zone come from the server', async (t) => {
  const { app, as } = await testApp(t, { env: { TIME_ZONE: 'Asia/Omsk' } })
  const v = (await app.inject({ url: '/api/journal/vocabulary', headers: await as('specialist') })).json()
  t.equal(v.zone, 'Asia/Omsk', 'the zone of the center\'s schedule')
  t.same([v.historyActions.deadline, v.historyActions.extension, v.historyFields.comment], ['Срок пересчитан', 'Продление срока', 'комментарий'], 'the history in Russian, deadline, extension and comment included')
  t.equal(v.outcomes.failed, 'Сбой', 'the call log\'s outcomes')
  t.same(v.order.outcomes, ['answered', 'abandoned', 'no-answer', 'busy', 'rejected', 'failed'], 'in order')
  t.same(v.transitions.resolved, ['in_progress', 'closed'], 'the status moves')
})
