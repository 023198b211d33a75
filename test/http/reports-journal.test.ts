import t from 'tap'
import ExcelJS from 'exceljs'
import { testApp, type TestApp } from '../helpers/app.js'
import { usersRepository } from '../../src/db/users.repository.js'
import { ENTRIES, LONG_DESCRIPTION, seedMonth } from '../helpers/reports-seed.js'
import { HAS_POPPLER, NO_POPPLER, pdfFonts, pdfInfo, pdfPages, pdfText } from '../helpers/pdf.js'
import { COLUMNS } from '../../src/reports/journal.js'

async function seeded (t: Parameters<typeof testApp>[0]): Promise<TestApp & { smirnovId: number }> {
  const ta = await testApp(t)
  const smirnov = await usersRepository(ta.db).create({ username: 'smirnov', fullName: 'Смирнов Павел Андреевич', passwordHash: 'x', role: 'specialist', extension: '102' })
  await seedMonth(ta.db, { ivanova: ta.users.specialist.id, smirnov: smirnov.id, head: ta.users.head.id })
  return { ...ta, smirnovId: smirnov.id }
}

const TITLE = 'Журнал специалиста Ситуационного центра внедрения и сопровождения АИС ЭДО в Тюменской области за ноябрь 2026 г.'

t.test('journal PDF: the seeded month prints as the regulation\'s journal', { skip: HAS_POPPLER ? false : NO_POPPLER }, async (t) => {
  const { app, as } = await seeded(t)
  const res = await app.inject({ method: 'GET', url: '/api/reports/journal?year=2026&month=11&format=pdf', headers: await as('head') })
  t.equal(res.statusCode, 200, 'the head downloads it')
  t.equal(res.headers['content-type'], 'application/pdf', 'a PDF')
  t.match(res.headers['content-disposition'], /attachment; filename="journal-2026-11\.pdf"/, 'a file name with the month')
  const pdf = res.rawPayload
  const info = pdfInfo(pdf)
  t.match(info['Page size'], /^841\.89 x 595\.28 pts \(A4\)/, 'A4 landscape')
  const pages = Number(info.Pages)
  t.ok(pages >= 3, `several pages (${pages}): the long entry runs over pages`)

  const text = pdfText(pdf)
  t.ok(text.includes(TITLE), 'the heading names the center and the month')
  for (const c of COLUMNS) t.ok(text.includes(c.label), `column header «${c.label}»`)
  for (const e of ENTRIES) t.match(text, new RegExp(`\\b${e.number}\\b`), `entry № ${e.number}`)
  t.notOk(text.includes('ОКТЯБРЬСКАЯ') || text.includes('ДЕКАБРЬСКАЯ'), 'no entry of another month')
  t.notOk(text.includes('ЧЕРНОВИК'), 'no draft')
  t.ok(text.includes('02.11.2026'), 'dates as an office writes them')
  t.ok(text.includes('Передано разработчику') && text.includes('Обратная связь') && text.includes('Улучшение'), 'Russian labels of statuses and types')
  // the long description is wrapped onto further pages, never cut: every fragment and its end are there
  // (between its pages the header and footer come in between: every word, in order, as a subsequence)
  const words = text.split(' ')
  let at = words.indexOf('Фрагмент')
  const missing = LONG_DESCRIPTION.split(' ').filter((w) => { const i = words.indexOf(w, at); if (i < 0) return true; at = i + 1; return false })
  t.same(missing, [], 'the long description is wrapped, never cut: every word, in order')
  for (let i = 1; i <= 60; i++) t.ok(text.includes(`Фрагмент ${i}:`), `fragment ${i} printed`)
  t.ok(text.includes('прод.'), 'a row running onto the next page is marked as continued')
  t.ok(text.includes('АННУЛИРОВАНА 05.11.2026, Петров Олег Иванович. Причина: Запись внесена ошибочно: дубль № 2026-204'), 'the annulled entry is printed as annulled with the reason')
  t.ok(text.includes('В работе (аннулирована)'), 'its status says so too')

  const perPage = pdfPages(pdf)
  t.equal(perPage.length, pages, 'pdftotext sees every page')
  perPage.forEach((p, i) => {
    t.ok(p.includes(`Стр. ${i + 1} из ${pages}`), `page ${i + 1} is numbered`)
    t.ok(p.includes('Дата № п/п Тип запроса Описание запроса'), `page ${i + 1} repeats the header row`)
  })
  const last = perPage.at(-1)!
  t.ok(last.includes('Дата, ФИО специалиста полностью, подпись'), 'the signature line ends the journal')
  t.ok(last.includes('Иванова Анна Сергеевна') && last.includes('Смирнов Павел Андреевич'), 'each specialist who registered entries signs with his full name')
  t.ok(last.includes('(подпись)'), 'room to sign')

  const fonts = pdfFonts(pdf)
  t.ok(fonts.length >= 2, 'regular and bold faces')
  for (const f of fonts) {
    t.ok(f.embedded, `${f.name} is embedded`)
    t.match(f.name, /DejaVuSans/, 'the packaged DejaVu font')
  }
})

t.test('journal PDF: one specialist\'s journal, and who may have which', { skip: HAS_POPPLER ? false : NO_POPPLER }, async (t) => {
  const { app, as, users, smirnovId } = await seeded(t)
  const mine = await app.inject({ method: 'GET', url: '/api/reports/journal?year=2026&month=11', headers: await as('specialist') })
  t.equal(mine.statusCode, 200, 'a specialist gets his own journal (PDF by default)')
  const text = pdfText(mine.rawPayload)
  for (const e of ENTRIES) {
    const present = new RegExp(`Запрос № ${e.number}:`).test(text) || (e.number === 203 && text.includes('Фрагмент 1:'))
    t.equal(present, e.by === 'ivanova', `entry № ${e.number} ${e.by === 'ivanova' ? 'is' : 'is not'} in Ивановa's journal`)
  }
  t.ok(text.includes('Специалист: Иванова Анна Сергеевна'), 'the heading names the specialist')
  t.notOk(text.includes('Смирнов Павел Андреевич'), 'only he signs')

  const other = await app.inject({ method: 'GET', url: `/api/reports/journal?year=2026&month=11&specialistId=${smirnovId}`, headers: await as('specialist') })
  t.equal(other.statusCode, 403, 'not another specialist\'s')
  const byHead = await app.inject({ method: 'GET', url: `/api/reports/journal?year=2026&month=11&specialistId=${smirnovId}`, headers: await as('head') })
  t.equal(byHead.statusCode, 200, 'the head gets any specialist\'s')
  t.ok(pdfText(byHead.rawPayload).includes('Специалист: Смирнов Павел Андреевич'), 'his')
  const auditor = await app.inject({ method: 'GET', url: '/api/reports/journal?year=2026&month=11&format=xlsx', headers: await as('auditor') })
  t.equal(auditor.statusCode, 200, 'the auditor reads it')
  const nobody = await app.inject({ method: 'GET', url: '/api/reports/journal?year=2026&month=11&specialistId=99999', headers: await as('head') })
  t.equal(nobody.statusCode, 404, 'an unknown specialist is a 404')
  for (const bad of ['year=2026&month=13', 'year=26&month=1', 'year=2026&month=11&format=doc', 'month=11', 'year=2026&month=11&x=1']) {
    const r = await app.inject({ method: 'GET', url: `/api/reports/journal?${bad}`, headers: await as('head') })
    t.equal(r.statusCode, 400, `${bad} → 400`)
    t.equal(r.json().code, 'VALIDATION_ERROR', 'with a clear code')
  }
  const anon = await app.inject({ method: 'GET', url: '/api/reports/journal?year=2026&month=11' })
  t.equal(anon.statusCode, 401, 'needs a session')
  t.equal(users.specialist.fullName, 'Иванова Анна Сергеевна', 'fixture name')

  const empty = await app.inject({ method: 'GET', url: '/api/reports/journal?year=2026&month=2', headers: await as('head') })
  t.equal(empty.statusCode, 200, 'an empty month still prints')
  const et = pdfText(empty.rawPayload)
  t.ok(et.includes('Запросов за месяц не зарегистрировано.') && et.includes('Стр. 1 из 1') && et.includes('Дата, ФИО специалиста полностью, подпись'), 'with the header, a note, the page number and the signature line')
})

t.test('journal XLSX: read back cell by cell', async (t) => {
  const { app, as } = await seeded(t)
  const res = await app.inject({ method: 'GET', url: '/api/reports/journal?year=2026&month=11&format=xlsx', headers: await as('head') })
  t.equal(res.statusCode, 200, 'downloaded')
  t.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'XLSX type')
  t.match(res.headers['content-disposition'], /journal-2026-11\.xlsx/, 'its name')
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
  const ws = wb.getWorksheet('Журнал')!
  t.ok(ws, 'the sheet «Журнал»')
  t.equal(ws.getCell('A1').value, TITLE, 'the title')
  t.same(COLUMNS.map((_, i) => ws.getRow(3).getCell(i + 1).value), COLUMNS.map((c) => c.label), 'the header row, in the regulation\'s order')
  t.match(ws.views[0], { state: 'frozen', ySplit: 3 }, 'the header row stays on screen')
  t.ok(ws.getColumn(4).width! >= 50, 'the description column is wide')
  t.equal(ws.getColumn(1).width, 11, 'the date column fits a date')
  ENTRIES.forEach((e, i) => {
    const row = ws.getRow(4 + i)
    const d = row.getCell(1).value as Date
    t.ok(d instanceof Date, `№ ${e.number}: the date is a date cell`)
    t.equal(d.toISOString().slice(0, 10), e.on, `№ ${e.number}: registered ${e.on}`)
    t.equal(row.getCell(1).numFmt, 'dd.mm.yyyy', 'shown as an office writes it')
    t.equal(row.getCell(2).value, e.number, `№ ${e.number} is a number`)
    const resolved = row.getCell(9).value
    if (e.resolvedOn === undefined) t.equal(resolved, null, `№ ${e.number}: not resolved`)
    else t.equal((resolved as Date).toISOString().slice(0, 10), e.resolvedOn, `№ ${e.number}: resolved ${e.resolvedOn}`)
  })
  const annulled = ws.getRow(4 + ENTRIES.findIndex((e) => e.annul !== undefined))
  t.equal(annulled.getCell(8).value, 'В работе (аннулирована)', 'the annulled entry\'s status')
  t.match(String(annulled.getCell(10).value), /^АННУЛИРОВАНА 05\.11\.2026, Петров Олег Иванович\. Причина: Запись внесена ошибочно/, 'and its reason')
  t.equal(ws.getRow(4 + ENTRIES.findIndex((e) => e.number === 203)).getCell(4).value, LONG_DESCRIPTION, 'a long text whole in its cell')
  t.equal(ws.getRow(4 + ENTRIES.length).getCell(1).value, null, 'nothing after the last entry but a blank row')
  t.equal(ws.getRow(5 + ENTRIES.length).getCell(1).value, 'Дата, ФИО специалиста полностью, подпись', 'the signature line')
  t.equal(ws.getRow(6 + ENTRIES.length).getCell(4).value, 'Иванова Анна Сергеевна', 'a signer')
  t.equal(ws.getRow(7 + ENTRIES.length).getCell(4).value, 'Смирнов Павел Андреевич', 'the other signer')
})
