import t from 'tap'
import { unzipSync, strFromU8 } from 'fflate'
import ExcelJS from 'exceljs'
import { testApp } from '../helpers/app.js'
import { backends } from '../helpers/db.js'
import { openPostgres } from '../../src/db/database.js'
import { usersRepository } from '../../src/db/users.repository.js'
import { reportsRepository } from '../../src/db/reports.repository.js'
import { archiveRepository, sha256 } from '../../src/db/archive.repository.js'
import { dueMonth, startArchiveSchedule, type JournalArchiveDeps } from '../../src/services/journal-archive.js'
import { ENTRIES, seedCalls, seedMonth } from '../helpers/reports-seed.js'
import { HAS_POPPLER, pdfText } from '../helpers/pdf.js'
import type { Db } from '../../src/db/database.js'

const ZONE = 'Asia/Yekaterinburg'

t.test('dueMonth: from the 5th in the center\'s zone, the month before', async (t) => {
  const cases: Array<[string, { year: number, month: number } | undefined]> = [
    ['2026-12-04T18:59:59Z', undefined], // 23:59:59 on 4 December in Tyumen
    ['2026-12-04T19:00:00Z', { year: 2026, month: 11 }], // 00:00 on the 5th there
    ['2026-12-20T10:00:00Z', { year: 2026, month: 11 }],
    ['2027-01-05T04:00:00Z', { year: 2026, month: 12 }],
    ['2027-01-01T04:00:00Z', undefined]
  ]
  for (const [iso, want] of cases) t.same(dueMonth(new Date(iso), ZONE), want, iso)
})

function deps (db: Db, clock: { now: Date }): JournalArchiveDeps {
  return { reports: reportsRepository(db), archive: archiveRepository(db), centerName: 'внедрения и сопровождения АИС ЭДО в Тюменской области', zone: () => ZONE, clock: () => clock.now }
}

async function scheduled (db: Db, year: number, month: number): Promise<number> {
  const r = await db.selectFrom('report_archive').select((eb) => eb.fn.countAll<number>().as('n')).where('year', '=', year).where('month', '=', month).where('origin', '=', 'schedule').executeTakeFirstOrThrow()
  return Number(r.n)
}

for (const backend of backends()) {
  t.test(`archive schedule (${backend}): the 5th produces the previous month once, twice and on two instances`, async (t) => {
    const clock = { now: new Date('2026-12-04T18:00:00Z') } // 23:00 on the 4th in Tyumen
    const { db, database, users } = await testApp(t, { backend, clock: () => clock.now })
    const smirnov = await usersRepository(db).create({ username: 'smirnov', fullName: 'Смирнов Павел Андреевич', passwordHash: 'x', role: 'specialist' })
    await seedMonth(db, { ivanova: users.specialist.id, smirnov: smirnov.id, head: users.head.id })
    const errors: unknown[] = []
    const one = startArchiveSchedule({ ...deps(db, clock), onError: (e) => errors.push(e) })
    t.teardown(() => { one.stop() })

    t.equal(await one.tick(), undefined, 'before the 5th: nothing')
    clock.now = new Date('2026-12-05T04:00:00Z') // 09:00 on the 5th
    const first = await one.tick()
    t.match(first, { year: 2026, month: 11, version: 1, origin: 'schedule', entries: ENTRIES.length, createdBy: null }, 'November archived by the schedule')
    t.equal(await one.tick(), undefined, 'the second check of the day does nothing')
    clock.now = new Date('2026-12-06T04:00:00Z')
    t.equal(await one.tick(), undefined, 'nor the next day')
    t.equal(await scheduled(db, 2026, 11), 1, 'one copy')

    const stored = (await archiveRepository(db).content(first!.id, 'pdf'))!
    t.equal(sha256(stored), first!.pdfSha256, 'the checksum is the stored bytes\'')
    if (HAS_POPPLER) t.ok(pdfText(stored).includes('за ноябрь 2026 г.'), 'the stored PDF is November\'s journal')

    await t.rejects(db.updateTable('report_archive').set({ entries: 0 }).where('id', '=', first!.id).execute(), /immutable/, 'an archived copy cannot be changed')
    await t.rejects(db.deleteFrom('report_archive').where('id', '=', first!.id).execute(), /immutable/, 'nor removed')

    if (backend === 'pg' && database.url !== undefined) {
      // a second instance: its own pool on the same database; both check at the same moment
      const other = await openPostgres(database.url)
      t.teardown(async () => { await other.close() })
      clock.now = new Date('2027-01-05T04:00:00Z')
      const two = startArchiveSchedule({ ...deps(other.db, clock), onError: (e) => errors.push(e) })
      t.teardown(() => { two.stop() })
      const results = await Promise.all([one.tick(), two.tick(), one.tick(), two.tick()])
      // (an instance's concurrent checks share one run, so they answer the same copy)
      t.equal(new Set(results.filter((r) => r !== undefined).map((r) => r.id)).size, 1, 'two instances, two checks each: one copy of December made')
      t.equal(await scheduled(db, 2026, 12), 1, 'one copy of December')
    }
    t.same(errors, [], 'no errors')
  })
}

t.test('archive API: a new version on request, downloads as stored, the year\'s folder as a zip', async (t) => {
  const clock = { now: new Date('2026-12-05T10:00:00+05:00') }
  const { app, db, users, as } = await testApp(t, { clock: () => clock.now })
  const smirnov = await usersRepository(db).create({ username: 'smirnov', fullName: 'Смирнов Павел Андреевич', passwordHash: 'x', role: 'specialist' })
  await seedMonth(db, { ivanova: users.specialist.id, smirnov: smirnov.id, head: users.head.id })
  await seedCalls(db, { ivanova: users.specialist.id, smirnov: smirnov.id })
  const schedule = startArchiveSchedule({ ...deps(db, clock), onError: (e) => { throw e } })
  t.teardown(() => { schedule.stop() })
  await schedule.tick()

  const head = await as('head')
  const again = await app.inject({ method: 'POST', url: '/api/reports/archive', headers: head, payload: { year: 2026, month: 11 } })
  t.equal(again.statusCode, 201, again.body.slice(0, 200))
  t.match(again.json(), { year: 2026, month: 11, version: 2, origin: 'request', createdBy: { id: users.head.id, fullName: 'Петров Олег Иванович' } }, 'a new version by the head')
  const early = await app.inject({ method: 'POST', url: '/api/reports/archive', headers: head, payload: { year: 2026, month: 12 } })
  t.equal(early.statusCode, 409, 'the current month is not over')
  t.equal(early.json().code, 'MONTH_NOT_OVER', 'says so')
  const auditor = await as('auditor')
  t.equal((await app.inject({ method: 'POST', url: '/api/reports/archive', headers: auditor, payload: { year: 2026, month: 11 } })).statusCode, 403, 'the auditor only reads')
  t.equal((await app.inject({ method: 'GET', url: '/api/reports/archive', headers: await as('specialist') })).statusCode, 403, 'not for a specialist')
  t.equal((await app.inject({ method: 'POST', url: '/api/reports/archive', headers: head, payload: { year: 2026, month: 13 } })).statusCode, 400, 'month 13 → 400')

  const list = await app.inject({ method: 'GET', url: '/api/reports/archive?year=2026', headers: auditor })
  t.equal(list.statusCode, 200, 'the auditor lists the archive')
  const items = list.json().items as Array<{ id: number, version: number, origin: string, pdfSha256: string, xlsxSha256: string }>
  t.same(items.map((i) => [i.version, i.origin]), [[2, 'request'], [1, 'schedule']], 'both versions kept, newest first')
  t.same(list.json().years, [2026], 'the years of the archive')

  const v1 = items[1]!
  const pdf = await app.inject({ method: 'GET', url: `/api/reports/archive/${v1.id}/pdf`, headers: auditor })
  t.equal(pdf.statusCode, 200, 'a version downloads')
  t.equal(sha256(pdf.rawPayload), v1.pdfSha256, 'byte for byte as archived')
  t.equal(pdf.headers.etag, `"${v1.pdfSha256}"`, 'its checksum as ETag')
  t.match(pdf.headers['content-disposition'], /filename\*=UTF-8''2026-11%20/, 'a Russian file name')
  t.equal((await app.inject({ method: 'GET', url: '/api/reports/archive/9999/pdf', headers: auditor })).statusCode, 404, 'unknown → 404')

  const zip = await app.inject({ method: 'GET', url: '/api/reports/archive/year/2026', headers: auditor })
  t.equal(zip.statusCode, 200, 'the year\'s folder')
  t.equal(zip.headers['content-type'], 'application/zip', 'a zip')
  const files = unzipSync(new Uint8Array(zip.rawPayload))
  const names = Object.keys(files)
  t.same(names, [
    '2026-11 Журнал специалиста (ноябрь, версия 2).pdf',
    '2026-11 Журнал специалиста (ноябрь, версия 2).xlsx',
    'Статистика 2026.xlsx',
    'Опись.txt'
  ], 'the latest journal of each month, the statistics, the inventory')
  t.equal(sha256(files[names[0]!]!), items[0]!.pdfSha256, 'the PDF as archived')
  t.equal(sha256(files[names[1]!]!), items[0]!.xlsxSha256, 'the XLSX as archived')
  const inventory = strFromU8(files['Опись.txt']!)
  t.ok(inventory.includes('Папка годовой отчетности за 2026 год') && inventory.includes(items[0]!.pdfSha256) && inventory.includes('Петров Олег Иванович'), 'the inventory names files, checksums and who produced them')
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(Buffer.from(files['Статистика 2026.xlsx']!) as unknown as ArrayBuffer)
  t.equal(wb.getWorksheet('Запросы')!.getCell('B1').value, 'Период 01.01.2026 — 31.12.2026', 'the year\'s statistics')

  const empty = unzipSync(new Uint8Array((await app.inject({ method: 'GET', url: '/api/reports/archive/year/2025', headers: auditor })).rawPayload))
  t.ok(strFromU8(empty['Опись.txt']!).includes('Архивных журналов за этот год нет.'), 'an empty year says so')
})
