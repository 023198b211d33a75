// The statistics as a workbook: one sheet per subject, the period beside the one before it.
import ExcelJS from 'exceljs'
import { CHANNEL_LABELS, ENTRY_TYPE_LABELS, MODULE_LABELS, STATUS_LABELS } from '../journal/vocabulary.js'
import { officeDate } from './dates.js'
import { CALL_COUNT_LABELS, DEADLINE_LABELS, REJECT_REASON_LABELS, WEEKDAYS_RU } from './labels.js'
import type { CallCounts, Statistics } from './statistics.js'

const periodText = (s: Statistics): string => `${officeDate(s.period.from)} — ${officeDate(s.period.to)}`

export function addStatisticsSheets (wb: ExcelJS.Workbook, cur: Statistics, prev: Statistics): void {
  const sheet = (name: string, widths: number[], head: string[]): ExcelJS.Worksheet => {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] })
    ws.columns = widths.map((width) => ({ width }))
    const h = ws.addRow(head)
    h.font = { bold: true }
    h.alignment = { wrapText: true, vertical: 'middle' }
    return ws
  }
  const compare = ['Показатель', `Период ${periodText(cur)}`, `Предыдущий ${periodText(prev)}`]
  const pair = (ws: ExcelJS.Worksheet, label: string, a: number | null, b: number | null): void => { ws.addRow([label, a, b]) }
  const section = (ws: ExcelJS.Worksheet, title: string): void => { ws.addRow([]); ws.addRow([title]).font = { bold: true } }
  /** One row per label: the figure of each period picked by the label's key. */
  const pairs = <K extends string>(ws: ExcelJS.Worksheet, labels: Record<K, string>, of: (s: Statistics) => Partial<Record<NoInfer<K>, number | null>>): void => {
    for (const [k, label] of Object.entries(labels) as Array<[K, string]>) pair(ws, label, of(cur)[k] ?? null, of(prev)[k] ?? null)
  }

  const rq = sheet('Запросы', [48, 26, 26], compare)
  pair(rq, 'Зарегистрировано запросов', cur.requests.total, prev.requests.total)
  pair(rq, 'Аннулировано записей', cur.requests.annulled, prev.requests.annulled)
  section(rq, 'По типу')
  pairs(rq, ENTRY_TYPE_LABELS, (s) => s.requests.byType)
  section(rq, 'По статусу')
  pairs(rq, STATUS_LABELS, (s) => s.requests.byStatus)
  section(rq, 'По каналу')
  pairs(rq, CHANNEL_LABELS, (s) => s.requests.byChannel)
  section(rq, 'По модулю')
  pairs(rq, MODULE_LABELS, (s) => s.requests.byModule)
  section(rq, 'Соблюдение срока (п. 3.4.2)')
  pairs(rq, DEADLINE_LABELS, (s) => s.requests.deadline)
  section(rq, 'Время решения, рабочих дней')
  pair(rq, 'Решено запросов', cur.requests.resolveWorkingDays.count, prev.requests.resolveWorkingDays.count)
  pair(rq, 'Среднее', cur.requests.resolveWorkingDays.mean, prev.requests.resolveWorkingDays.mean)
  pair(rq, 'Медиана', cur.requests.resolveWorkingDays.median, prev.requests.resolveWorkingDays.median)
  pair(rq, '90-й процентиль', cur.requests.resolveWorkingDays.p90, prev.requests.resolveWorkingDays.p90)

  const org = sheet('Организации', [60, 14], ['Наименование организации', 'Запросов'])
  for (const o of cur.requests.byOrganization) org.addRow([o.name, o.count])

  const cl = sheet('Звонки', [48, 26, 26], compare)
  pairs(cl, CALL_COUNT_LABELS, (s) => s.calls)
  section(cl, 'Отклонены по причине')
  pairs(cl, REJECT_REASON_LABELS, (s) => s.calls.rejectedByReason)
  section(cl, 'Пропущенные звонки: обратный звонок')
  pair(cl, 'Пропущено (не ответили, не дождались, занято)', cur.calls.callbacks.missed, prev.calls.callbacks.missed)
  pair(cl, 'Перезвонили', cur.calls.callbacks.calledBack, prev.calls.callbacks.calledBack)
  pair(cl, '  абонент дозвонился / ему перезвонили через АТС', cur.calls.callbacks.byCall, prev.calls.callbacks.byCall)
  pair(cl, '  отмечено специалистом', cur.calls.callbacks.byHand, prev.calls.callbacks.byHand)
  pair(cl, 'Ждут обратного звонка', cur.calls.callbacks.pending, prev.calls.callbacks.pending)
  section(cl, 'Время, секунд')
  pair(cl, 'Ожидание ответа: медиана', cur.calls.waitSeconds.median, prev.calls.waitSeconds.median)
  pair(cl, 'Ожидание ответа: 90-й процентиль', cur.calls.waitSeconds.p90, prev.calls.waitSeconds.p90)
  pair(cl, 'Разговор: медиана', cur.calls.talkSeconds.median, prev.calls.talkSeconds.median)
  pair(cl, 'Разговор: 90-й процентиль', cur.calls.talkSeconds.p90, prev.calls.talkSeconds.p90)
  pair(cl, 'Объявление о графике (отклонённые): медиана', cur.calls.announcementSeconds.median, prev.calls.announcementSeconds.median)

  const counts = ['received', 'answered', 'missed', 'abandoned', 'rejected'] as const
  const hours = sheet('По часам', [10, ...counts.map(() => 16)], ['Час', ...counts.map((k) => CALL_COUNT_LABELS[k])])
  for (const h of cur.calls.byHour) hours.addRow([`${String(h.hour).padStart(2, '0')}:00`, ...counts.map((k) => h[k])])
  const days = sheet('По дням недели', [10, ...counts.map(() => 16)], ['День', ...counts.map((k) => CALL_COUNT_LABELS[k])])
  for (const d of cur.calls.byWeekday) days.addRow([WEEKDAYS_RU[d.weekday - 1], ...counts.map((k) => d[k])])

  const per = sheet('По периодам', [14, 14, 14], [cur.requests.byPeriod.unit === 'day' ? 'День' : 'Месяц', 'Запросов', 'Звонков'])
  cur.requests.byPeriod.items.forEach((r, i) => {
    const key = r.key.length === 10 ? new Date(`${r.key}T00:00:00Z`) : r.key
    const row = per.addRow([key, r.count, cur.calls.byPeriod.items[i]?.count ?? 0])
    if (key instanceof Date) row.getCell(1).numFmt = 'dd.mm.yyyy'
  })

  const sp = sheet('Специалисты', [40, 16, 16, 16, 18], ['Специалист', 'Зарегистрировал', 'Решил', 'Принял звонков', 'Разговоров, минут'])
  for (const s of cur.specialists) sp.addRow([s.fullName, s.registered, s.resolved, s.answered, Math.round(s.talkSeconds / 6) / 10])
}

export async function statisticsXlsx (cur: Statistics, prev: Statistics): Promise<Buffer> {
  const wb = new ExcelJS.Workbook()
  wb.creator = 'Журнал специалиста'
  addStatisticsSheets(wb, cur, prev)
  return Buffer.from(await wb.xlsx.writeBuffer())
}
