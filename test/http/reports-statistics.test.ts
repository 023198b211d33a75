import t from 'tap'
import ExcelJS from 'exceljs'
import { testApp } from '../helpers/app.js'
import { usersRepository } from '../../src/db/users.repository.js'
import { seedCalls, seedMonth } from '../helpers/reports-seed.js'
import { previousPeriod } from '../../src/reports/period.js'
import { percentile, workingDaysBetween } from '../../src/reports/statistics.js'
import { defaultCalendar } from '../../src/calendar/index.js'

// what "now" is for the open requests' deadlines
const NOW = new Date('2026-12-01T12:00:00+05:00')

async function seeded (t: Parameters<typeof testApp>[0]) {
  const ta = await testApp(t, { clock: () => NOW })
  const smirnov = await usersRepository(ta.db).create({ username: 'smirnov', fullName: 'Смирнов Павел Андреевич', passwordHash: 'x', role: 'specialist', extension: '102' })
  const ids = { ivanova: ta.users.specialist.id, smirnov: smirnov.id, head: ta.users.head.id }
  await seedMonth(ta.db, ids)
  await seedCalls(ta.db, ids)
  return { ...ta, ids }
}

t.test('period: the month before a whole month, else as many days before', async (t) => {
  t.same(previousPeriod({ from: '2026-11-01', to: '2026-11-30' }), { from: '2026-10-01', to: '2026-10-31' }, 'November → October')
  t.same(previousPeriod({ from: '2026-03-01', to: '2026-03-31' }), { from: '2026-02-01', to: '2026-02-28' }, 'March → February')
  t.same(previousPeriod({ from: '2026-01-01', to: '2026-12-31' }), { from: '2025-01-01', to: '2025-12-31' }, 'a year → the year before')
  t.same(previousPeriod({ from: '2026-11-10', to: '2026-11-16' }), { from: '2026-11-03', to: '2026-11-09' }, 'a week → the week before')
})

t.test('statistics helpers: percentiles as percentile_cont, working days by the calendar', async (t) => {
  t.equal(percentile([{ value: 1, count: 1 }, { value: 3, count: 1 }], 0.5), 2, 'interpolated median')
  t.equal(percentile([], 0.5), null, 'nothing to measure')
  t.equal(percentile([{ value: 0, count: 6 }, { value: 1, count: 4 }, { value: 2, count: 1 }, { value: 6, count: 2 }], 0.9)?.toFixed(6), '5.200000', 'p90 of counted values')
  const cal = defaultCalendar()
  t.equal(workingDaysBetween('2026-11-02', '2026-11-02', cal), 0, 'resolved the day it came')
  t.equal(workingDaysBetween('2026-11-03', '2026-11-12', cal), 6, '4 November (holiday) and the weekend do not count')
})

t.test('statistics API: every figure equals the seeded month', async (t) => {
  const { app, as, ids } = await seeded(t)
  const res = await app.inject({ method: 'GET', url: '/api/reports/statistics?from=2026-11-01&to=2026-11-30', headers: await as('head') })
  t.equal(res.statusCode, 200, res.body.slice(0, 200))
  const { current: s, previous: p } = res.json()
  t.same(s.period, { from: '2026-11-01', to: '2026-11-30' }, 'the period')
  t.same(p.period, { from: '2026-10-01', to: '2026-10-31' }, 'compared with October')

  const r = s.requests
  t.equal(r.total, 19, '19 requests (the annulled one is not counted)')
  t.equal(r.annulled, 1, 'one annulled')
  t.same(r.byType, { support: 14, error: 3, improvement: 2, none: 0 }, 'by type')
  t.same(r.byStatus, { resolved: 10, in_progress: 4, to_developer: 1, feedback: 1, closed: 3 }, 'by status')
  t.same(r.byChannel, { phone: 13, email: 5, walk_in: 1 }, 'by channel')
  t.same(r.byModule, { navigator: 11, talents: 4, paid_services: 3, other: 1, none: 0 }, 'by module')
  t.same(r.byOrganization, [{ name: 'МАОУ СОШ № 5 г. Тюмени', count: 9 }, { name: 'МАУ ДО ДДТ г. Ишима', count: 6 }, { name: 'ИП Кузнецова Е. В.', count: 4 }], 'by organization, most first')
  t.equal(r.byPeriod.unit, 'day', 'by day for a month')
  t.equal(r.byPeriod.items.length, 30, 'every day of November')
  const day = (k: string) => r.byPeriod.items.find((i: { key: string }) => i.key === k)?.count
  t.equal(day('2026-11-02'), 2, '2 on 2 November')
  t.equal(day('2026-11-05'), 1, '1 on 5 November (the other is annulled)')
  t.equal(day('2026-11-04'), 0, 'none on the holiday')
  t.equal(r.byPeriod.items.reduce((a: number, i: { count: number }) => a + i.count, 0), 19, 'the days add up')
  t.same(r.deadline, { onTime: 11, late: 2, openOverdue: 5, openInTime: 1 }, 'deadline compliance')
  t.same(r.resolveWorkingDays, { count: 13, mean: 1.38, median: 1, p90: 5.2 }, 'time to resolve in working days')

  const c = s.calls
  t.match(c, { received: 14, answered: 6, missed: 2, abandoned: 1, rejected: 5, inProgress: 0 }, 'calls by outcome')
  t.same(c.rejectedByReason, { lunch: 1, weekend: 1, holiday: 1, 'before-hours': 1, 'after-hours': 1, closed: 0 }, 'rejected by reason')
  t.same(c.waitSeconds, { median: 12, p90: 32 }, 'waiting: median and p90')
  t.same(c.announcementSeconds, { median: 12, p90: 12 }, 'the rejected calls\' announcement, apart from waiting')
  t.same(c.talkSeconds, { median: 160, p90: 270 }, 'talk: median and p90')
  const hour = (h: number) => c.byHour[h]
  t.match(hour(9), { received: 2, answered: 2 }, '09:00–10:00')
  t.match(hour(10), { received: 2, answered: 1, rejected: 1 }, '10:00–11:00')
  t.match(hour(15), { received: 2, answered: 1, abandoned: 1 }, '15:00–16:00')
  t.match(hour(18), { received: 1, rejected: 1 }, 'after hours')
  t.equal(c.byHour.reduce((a: number, h: { received: number }) => a + h.received, 0), 14, 'the hours add up')
  t.same(c.byWeekday.map((d: { received: number }) => d.received), [3, 4, 1, 3, 2, 1, 0], 'by weekday, Monday first')
  t.equal(c.byPeriod.items.find((i: { key: string }) => i.key === '2026-11-03')?.count, 2, 'calls by day')

  const sp = (id: number) => s.specialists.find((x: { id: number }) => x.id === id)
  t.same(sp(ids.ivanova), { id: ids.ivanova, fullName: 'Иванова Анна Сергеевна', registered: 12, resolved: 7, answered: 4, talkSeconds: 750 }, 'Иванова')
  t.same(sp(ids.smirnov), { id: ids.smirnov, fullName: 'Смирнов Павел Андреевич', registered: 7, resolved: 6, answered: 2, talkSeconds: 260 }, 'Смирнов')

  t.equal(p.requests.total, 1, 'October: one request')
  t.equal(p.calls.received, 1, 'October: one call')
  t.same(p.calls.talkSeconds, { median: 100, p90: 100 }, 'October: its talk time')

  const week = await app.inject({ method: 'GET', url: '/api/reports/statistics?from=2026-11-02&to=2026-11-08', headers: await as('auditor') })
  t.equal(week.statusCode, 200, 'the auditor reads statistics')
  t.equal(week.json().current.calls.received, 9, 'the first week of November: 9 calls')
  t.same(week.json().previous.period, { from: '2026-10-26', to: '2026-11-01' }, 'compared with the 7 days before')
  const year = await app.inject({ method: 'GET', url: '/api/reports/statistics?from=2026-01-01&to=2026-12-31', headers: await as('head') })
  t.equal(year.json().current.requests.byPeriod.unit, 'month', 'a year goes by month')
  t.same(year.json().current.requests.byPeriod.items.slice(9), [{ key: '2026-10', count: 1 }, { key: '2026-11', count: 19 }, { key: '2026-12', count: 1 }], 'its months')
})

t.test('statistics API: who may, and bad periods', async (t) => {
  const { app, as } = await seeded(t)
  const spec = await app.inject({ method: 'GET', url: '/api/reports/statistics?from=2026-11-01&to=2026-11-30', headers: await as('specialist') })
  t.equal(spec.statusCode, 403, 'not for a specialist')
  for (const [q, code] of [['from=2026-11-30&to=2026-11-01', 'INVALID_PERIOD'], ['from=2026-02-30&to=2026-03-01', 'INVALID_DATE'], ['from=2020-01-01&to=2026-01-01', 'PERIOD_TOO_LONG'], ['from=2026-11-01', 'VALIDATION_ERROR'], ['from=2026-11-01&to=2026-11-30&format=pdf', 'VALIDATION_ERROR']] as const) {
    const r = await app.inject({ method: 'GET', url: `/api/reports/statistics?${q}`, headers: await as('head') })
    t.equal(r.statusCode, 400, `${q} → 400`)
    t.equal(r.json().code, code, code)
  }
})

t.test('statistics XLSX: the same figures in cells', async (t) => {
  const { app, as } = await seeded(t)
  const res = await app.inject({ method: 'GET', url: '/api/reports/statistics?from=2026-11-01&to=2026-11-30&format=xlsx', headers: await as('head') })
  t.equal(res.statusCode, 200, 'downloaded')
  t.match(res.headers['content-disposition'], /statistics-2026-11-01-2026-11-30\.xlsx/, 'named after the period')
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
  t.same(wb.worksheets.map((w) => w.name), ['Запросы', 'Организации', 'Звонки', 'По часам', 'По дням недели', 'По периодам', 'Специалисты'], 'one sheet per subject')
  const find = (ws: ExcelJS.Worksheet, label: string) => { let r: ExcelJS.Row | undefined; ws.eachRow((row) => { if (row.getCell(1).value === label && r === undefined) r = row }); return r }
  const rq = wb.getWorksheet('Запросы')!
  t.equal(rq.getCell('B1').value, 'Период 01.11.2026 — 30.11.2026', 'the period heads the column')
  t.same([find(rq, 'Зарегистрировано запросов')?.getCell(2).value, find(rq, 'Зарегистрировано запросов')?.getCell(3).value], [19, 1], 'requests, this month and the one before')
  t.equal(find(rq, 'Решено с нарушением срока')?.getCell(2).value, 2, 'late')
  t.equal(find(rq, 'Передано разработчику')?.getCell(2).value, 1, 'by status')
  const cl = wb.getWorksheet('Звонки')!
  t.equal(find(cl, 'Отклонено (нерабочее время)')?.getCell(2).value, 5, 'rejected calls')
  t.equal(find(cl, 'Разговор: 90-й процентиль')?.getCell(2).value, 270, 'p90 of talk')
  t.equal(find(wb.getWorksheet('Специалисты')!, 'Иванова Анна Сергеевна')?.getCell(4).value, 4, 'calls Иванова answered')
  const per = wb.getWorksheet('По периодам')!
  t.ok(per.getCell('A2').value instanceof Date, 'days are dates')
  t.equal(per.getCell('A2').numFmt, 'dd.mm.yyyy', 'shown as an office writes them')
})
