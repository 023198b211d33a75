import t from 'tap'
import { wrapText } from '../../src/reports/wrap.js'
import { officeDate, monthTitle, previousMonth } from '../../src/reports/dates.js'

// a monospace measure: one unit per character
const mono = (s: string): number => s.length

t.test('wrapText: lines fit the width, breaks at spaces, long words at characters, nothing lost', async (t) => {
  const cases: Array<[string, number, string[]]> = [
    ['', 10, []],
    ['коротко', 10, ['коротко']],
    ['один два три четыре', 9, ['один два', 'три', 'четыре']],
    ['абвгдеёжзийклмн', 5, ['абвгд', 'еёжзи', 'йклмн']],
    ['а\nб\n\nв', 10, ['а', 'б', '', 'в']],
    ['текст  с   пробелами', 20, ['текст с пробелами']],
    ['хвост\n\n', 10, ['хвост']]
  ]
  for (const [text, width, want] of cases) t.same(wrapText(text, width, mono), want, JSON.stringify(text))
  const long = 'Не открывается раздел программ в Навигаторе '.repeat(30)
  const lines = wrapText(long, 17, mono)
  t.ok(lines.every((l) => l.length <= 17), 'every line fits')
  t.equal(lines.join(' '), long.trim(), 'joined back it is the text')
})

t.test('dates: as an office writes them, months in Russian', async (t) => {
  t.equal(officeDate('2026-11-01'), '01.11.2026', 'dd.MM.yyyy')
  t.equal(officeDate(null), '', 'no date')
  t.equal(monthTitle({ year: 2026, month: 11 }), 'ноябрь 2026 г.', 'the month of the heading')
  t.same(previousMonth(new Date('2026-12-04T19:30:00Z'), 'Asia/Yekaterinburg'), { year: 2026, month: 11 }, 'late on 4 Dec UTC is already the 5th in Tyumen, the previous month is November')
  t.same(previousMonth(new Date('2026-01-05T04:00:00Z'), 'Asia/Yekaterinburg'), { year: 2025, month: 12 }, 'January → December of the year before')
})
