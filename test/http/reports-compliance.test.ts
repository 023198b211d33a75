import t from 'tap'
import ExcelJS from 'exceljs'
import { testApp } from '../helpers/app.js'
import { usersRepository } from '../../src/db/users.repository.js'
import { pushRepository } from '../../src/db/push.repository.js'
import { seedCalls, seedMonth } from '../helpers/reports-seed.js'
import { HAS_POPPLER, NO_POPPLER, pdfPages, pdfText } from '../helpers/pdf.js'
import type { Db } from '../../src/db/database.js'

const NOW = new Date('2026-12-01T12:00:00+05:00')
const local = (s: string): Date => new Date(`${s}+05:00`)

async function seeded (t: Parameters<typeof testApp>[0]) {
  const ta = await testApp(t, { clock: () => NOW })
  const smirnov = await usersRepository(ta.db).create({ username: 'smirnov', fullName: 'Смирнов Павел Андреевич', passwordHash: 'x', role: 'specialist', extension: '102' })
  const ids = { ivanova: ta.users.specialist.id, smirnov: smirnov.id, head: ta.users.head.id }
  await seedMonth(ta.db, ids)
  await seedCalls(ta.db, ids)
  await seedCompliance(ta.db, ids)
  return { ...ta, ids }
}

async function entry (db: Db, e: { number: number, on: string, channel: 'phone' | 'email', createdAt: string, registeredAt: string, by: number }): Promise<number> {
  const r = await db.insertInto('journal_entry').values({
    registered_on: e.on, year: 2026, number: e.number, type: 'support', description: `Запрос ${e.number}`, status: 'in_progress', channel: e.channel,
    registered_at: local(e.registeredAt), registered_by: e.by, created_at: local(e.createdAt), due_at: local('2026-12-10T17:00:00')
  }).returning('id').executeTakeFirstOrThrow()
  return r.id
}

/** Callbacks, late registrations and presence on top of the seeded month. */
async function seedCompliance (db: Db, ids: { ivanova: number, smirnov: number, head: number }): Promise<void> {
  // the busy call of 10 Nov 16:30 was called back and registered at 16:50
  const e230 = await entry(db, { number: 230, on: '2026-11-10', channel: 'phone', createdAt: '2026-11-10T16:30:00', registeredAt: '2026-11-10T16:50:00', by: ids.ivanova })
  await db.updateTable('call').set({ entry_id: e230 }).where('linked_id', '=', 'seed-12.0').execute()
  // the caller of the unanswered 3 Nov 14:20 got through at 15:10
  await db.insertInto('call').values({
    linked_id: 'again-1.0', caller_number: '79123450004', dialled: '73452290256', state: 'ended', arrived_at: local('2026-11-03T15:09:50'),
    answered_at: local('2026-11-03T15:10:00'), ended_at: local('2026-11-03T15:12:00'), answered_by_user_id: ids.smirnov, answered_by_extension: '102', outcome: 'answered', legs: '{}'
  }).execute()
  // an e-mail of Thursday evening is due on Friday; registered on Monday
  await entry(db, { number: 231, on: '2026-11-16', channel: 'email', createdAt: '2026-11-12T18:30:00', registeredAt: '2026-11-16T09:30:00', by: ids.smirnov })
  // a call registered the same day (fine) and one the next morning (late)
  const e232 = await entry(db, { number: 232, on: '2026-11-17', channel: 'phone', createdAt: '2026-11-17T11:00:00', registeredAt: '2026-11-17T16:00:00', by: ids.ivanova })
  const e233 = await entry(db, { number: 233, on: '2026-11-19', channel: 'phone', createdAt: '2026-11-18T10:00:05', registeredAt: '2026-11-19T09:10:00', by: ids.ivanova })
  for (const [n, id, at] of [[1, e232, '2026-11-17T11:00:00'], [2, e233, '2026-11-18T10:00:00']] as const) {
    await db.insertInto('call').values({
      linked_id: `reg-${n}.0`, caller_number: `7900000000${n}`, dialled: '73452290256', state: 'ended', arrived_at: local(at), answered_at: local(at), ended_at: local(at),
      answered_by_user_id: ids.ivanova, answered_by_extension: '101', outcome: 'answered', entry_id: id, legs: '{}'
    }).execute()
  }
  // Monday 2 Nov on line: gaps 12:00–12:30 and 13:30–13:40 (a 30-second reload is not a gap); the head's screen does not count
  for (const [user, from, to] of [
    [ids.ivanova, '2026-11-02T08:50:00', '2026-11-02T11:00:00'],
    [ids.smirnov, '2026-11-02T10:30:00', '2026-11-02T12:00:00'],
    [ids.head, '2026-11-02T12:00:00', '2026-11-02T12:30:00'],
    [ids.ivanova, '2026-11-02T13:40:00', '2026-11-02T15:00:00'],
    [ids.ivanova, '2026-11-02T15:00:30', '2026-11-02T17:30:00']
  ] as const) await db.insertInto('presence_interval').values({ user_id: user, from_at: local(from), to_at: local(to) }).execute()
  // the phones on Monday 2 Nov: Ivanova's (101) unreachable 14:00–14:20 while she alone had her
  // screen open — a gap; Smirnov's (102) unreachable 9:00–10:00 while his screen was closed — none
  for (const [extension, registered, from, to] of [
    ['101', true, '2026-11-02T08:00:00', '2026-11-02T14:00:00'],
    ['101', false, '2026-11-02T14:00:00', '2026-11-02T14:20:00'],
    ['101', true, '2026-11-02T14:20:00', '2026-11-02T18:00:00'],
    ['102', false, '2026-11-02T09:00:00', '2026-11-02T10:00:00'],
    ['102', true, '2026-11-02T10:00:00', null]
  ] as const) await db.insertInto('phone_interval').values({ extension, registered, from_at: local(from), to_at: to === null ? null : local(to) }).execute()
}

t.test('compliance API: every figure equals the seeded month', async (t) => {
  const { app, as, db } = await seeded(t)
  const res = await app.inject({ method: 'GET', url: '/api/reports/compliance?from=2026-11-01&to=2026-11-30', headers: await as('head') })
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  const { compliance: c, title } = res.json()
  t.equal(title, 'Соблюдение графика работы Ситуационного центра за период 01.11.2026 — 30.11.2026', 'the title')

  const un = c.unansweredInHours as Array<{ arrivedAt: string, outcome: string, callback: { kind: string, at: string, by: string | null, afterSeconds: number } | null }>
  t.same(un.map((u) => [u.arrivedAt, u.outcome]), [
    ['2026-11-03T09:20:00.000Z', 'no-answer'], ['2026-11-09T10:00:00.000Z', 'abandoned'], ['2026-11-10T11:30:00.000Z', 'busy']
  ], 'the three calls in working hours nobody answered')
  t.match(un[0]!.callback, { kind: 'called-again', by: 'Смирнов Павел Андреевич', afterSeconds: 3000 }, 'the caller got through 50 minutes later')
  t.equal(un[1]!.callback, null, 'no callback after the abandoned one')
  t.match(un[2]!.callback, { kind: 'registered', by: 'Иванова Анна Сергеевна', afterSeconds: 1200 }, 'called back and registered 20 minutes later')
  t.equal(c.calledBack, 2, 'two of three followed up')

  // issue 10: the abandoned one is marked called back by hand afterwards: now followed up too
  const abandoned = await db.selectFrom('call').select('id').where('outcome', '=', 'abandoned').where('arrived_at', '=', new Date(un[1]!.arrivedAt)).executeTakeFirstOrThrow()
  const mark = await app.inject({ method: 'POST', url: `/api/calls/${abandoned.id}/called-back`, headers: await as('specialist'), payload: {} })
  t.equal(mark.statusCode, 200, 'marked called back by hand')
  const again = (await app.inject({ method: 'GET', url: '/api/reports/compliance?from=2026-11-01&to=2026-11-30', headers: await as('head') })).json().compliance
  t.match(again.unansweredInHours[1].callback, { kind: 'marked', by: 'Иванова Анна Сергеевна' }, 'the compliance report shows the mark, with who')
  t.equal(again.calledBack, 3, 'all three followed up')

  t.equal(c.outsideHours.total, 5, 'five calls out of hours')
  t.same(c.outsideHours.byReason, { lunch: 1, weekend: 1, holiday: 1, 'before-hours': 1, 'after-hours': 1, closed: 0 }, 'by reason')

  t.same(c.lateRegistrations.map((r: { number: number }) => r.number), [231, 233], 'registered later than reg. 3.3 allows')
  t.match(c.lateRegistrations[0], { channel: 'email', allowedUntil: '2026-11-13T11:00:00.000Z', lateSeconds: 235800 }, 'the Thursday-evening e-mail was due by Friday 16:00')
  t.match(c.lateRegistrations[1], { channel: 'phone', arrivedAt: '2026-11-18T05:00:00.000Z', allowedUntil: '2026-11-18T12:00:00.000Z' }, 'a call is registered the day it came (the call\'s instant, not the draft\'s)')

  t.same(c.resolvedLate.map((r: { number: number, lateWorkingSeconds: number }) => [r.number, r.lateWorkingSeconds]), [[204, 18000], [209, 18000]], 'resolved after the deadline, by 5 working hours each')

  t.equal(c.noSpecialist.workingSeconds, 486000, 'November\'s working time: 135 hours (20 working days, Fridays and 3 Nov shorter)')
  t.equal(c.noSpecialist.uncoveredSeconds, 486000 - 22800 + 1200, 'all of it without a specialist but 6 h 00 min on 2 November (6 h 20 min of screens, 20 min of it with the only phone unregistered)')

  const day = await app.inject({ method: 'GET', url: '/api/reports/compliance?from=2026-11-02&to=2026-11-02', headers: await as('auditor') })
  t.equal(day.statusCode, 200, 'the auditor reads it')
  const ns = day.json().compliance.noSpecialist
  t.same(ns, {
    workingSeconds: 25200,
    uncoveredSeconds: 3600,
    gaps: [
      { from: '2026-11-02T07:00:00.000Z', to: '2026-11-02T07:30:00.000Z', seconds: 1800 },
      { from: '2026-11-02T08:30:00.000Z', to: '2026-11-02T08:40:00.000Z', seconds: 600 },
      { from: '2026-11-02T09:00:00.000Z', to: '2026-11-02T09:20:00.000Z', seconds: 1200 }
    ]
  }, 'Monday: no specialist 12:00–12:30 and 13:30–13:40 (the head on line does not count), and 14:00–14:20 when the one specialist on screen had no phone')
  t.equal((await app.inject({ method: 'GET', url: '/api/reports/compliance?from=2026-11-02&to=2026-11-02', headers: await as('specialist') })).statusCode, 403, 'not for a specialist')
  t.equal((await app.inject({ method: 'GET', url: '/api/reports/compliance?from=2026-11-03&to=2026-11-02', headers: await as('head') })).json().code, 'INVALID_PERIOD', 'a bad period')
})

t.test('compliance PDF and XLSX: the same tables', { skip: HAS_POPPLER ? false : NO_POPPLER }, async (t) => {
  const { app, as } = await seeded(t)
  const pdf = await app.inject({ method: 'GET', url: '/api/reports/compliance?from=2026-11-01&to=2026-11-30&format=pdf', headers: await as('head') })
  t.equal(pdf.statusCode, 200, 'the PDF')
  const text = pdfText(pdf.rawPayload)
  for (const s of [
    'Соблюдение графика работы Ситуационного центра за период 01.11.2026 — 30.11.2026',
    'Звонки в рабочее время, на которые никто не ответил', 'Всего 3, перезвонили или дозвонились позже: 2.',
    'Абонент дозвонился снова 03.11.2026 15:10 (Смирнов Павел Андреевич)', 'Обратного звонка нет',
    'Звонки вне рабочего времени', 'обеденный перерыв: 1', 'праздничный день',
    'Запросы, зарегистрированные позже, чем позволяет п. 3.3 Регламента', '2026-231', '2026-233', 'Электронная почта',
    'Запросы, решённые после срока (п. 3.4.2 Регламента)', '2026-204', '5 ч 00 мин',
    'Рабочее время без специалиста на линии', 'телефон зарегистрирован на АТС'
  ]) t.ok(text.includes(s), s)
  const pages = pdfPages(pdf.rawPayload)
  pages.forEach((p, i) => t.ok(p.includes(`Стр. ${i + 1} из ${pages.length}`), `page ${i + 1} numbered`))

  const xlsx = await app.inject({ method: 'GET', url: '/api/reports/compliance?from=2026-11-01&to=2026-11-30&format=xlsx', headers: await as('head') })
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
  t.same(wb.worksheets.map((w) => w.name), ['Без ответа', 'Вне графика', 'Регистрация', 'Решены после срока', 'Без специалиста'], 'a sheet per table')
  const reg = wb.getWorksheet('Регистрация')!
  t.same([reg.getCell('A5').value, reg.getCell('A6').value, reg.getCell('A7').value], ['2026-231', '2026-233', null], 'the late registrations')
  t.same(reg.getCell('D5').value, new Date(Date.UTC(2026, 10, 13, 16, 0)), 'due by Friday\'s closing: a date cell in center time')
  t.equal(reg.getCell('D5').numFmt, 'dd.mm.yyyy hh:mm', 'shown as an office writes it')
})

t.test('presence history: kept from the push hub\'s presence rows', async (t) => {
  const { db, users } = await testApp(t)
  const push = pushRepository(db)
  const count = async () => await db.selectFrom('presence_interval').selectAll().where('user_id', '=', users.specialist.id).orderBy('id').execute()
  const at = new Date()
  await push.setPresence('a', users.specialist.id, 1, at)
  await push.setPresence('b', users.specialist.id, 2, at)
  await push.setPresence('a', users.specialist.id, 3, at)
  let rows = await count()
  t.equal(rows.length, 1, 'screens on two instances: one stretch')
  t.equal(rows[0]!.to_at, null, 'open')
  await push.setPresence('a', users.specialist.id, 0, at)
  t.equal((await count())[0]!.to_at, null, 'still open while another instance has his screen')
  await push.clearPresence('b')
  rows = await count()
  t.ok(rows[0]!.to_at instanceof Date, 'closed with his last screen')
  // a dead instance's row expires: the stretch ends at its last sign of life
  const old = new Date(Date.now() - 10 * 60_000)
  await push.setPresence('c', users.specialist.id, 1, old)
  await push.expirePresence(new Date(Date.now() - 75_000))
  rows = await count()
  t.equal(rows.length, 2, 'a new stretch')
  t.equal(rows[1]!.to_at?.getTime(), old.getTime(), 'closed at the expired row\'s last refresh')
})
