// The compliance report as titled tables of text: what its PDF, XLSX and screen print alike.
import { CHANNEL_LABELS, formatNumber } from '../journal/vocabulary.js'
import { officeDate, officeDateTime } from './dates.js'
import { formatPhone } from './journal.js'
import { OUTCOME_LABELS, REJECT_REASON_LABELS, durationRu } from './labels.js'
import { AVAILABILITY_RULE, type Compliance } from './compliance.js'

export interface Column { label: string, width: number }
export interface Table { title: string, note?: string, columns: Column[], rows: string[][], empty: string }

const CLOSED_LABELS: Record<string, string> = { ...REJECT_REASON_LABELS }

export function complianceTitle (c: Compliance): string {
  return `Соблюдение графика работы Ситуационного центра за период ${officeDate(c.period.from)} — ${officeDate(c.period.to)}`
}

export function complianceTables (c: Compliance, zone: string): Table[] {
  const dt = (d: Date): string => officeDateTime(d, zone)
  const phone = (p: string | null): string => p === null ? 'скрыт' : formatPhone(p)
  const CALLBACK_LABELS = { registered: 'Перезвонили, запрос зарегистрирован', 'called-again': 'Абонент дозвонился снова', 'called-back': 'Перезвонили с телефона специалиста', marked: 'Отмечено: перезвонили' } as const
  const byReason = Object.entries(c.outsideHours.byReason).filter(([, n]) => n > 0).map(([k, n]) => `${CLOSED_LABELS[k] ?? k}: ${n}`).join('; ')
  const ns = c.noSpecialist
  return [
    {
      title: 'Звонки в рабочее время, на которые никто не ответил',
      note: `Всего ${c.unansweredInHours.length}, перезвонили или дозвонились позже: ${c.calledBack}.`,
      columns: [{ label: 'Поступил', width: 90 }, { label: 'Номер', width: 110 }, { label: 'Исход', width: 120 }, { label: 'Ожидание', width: 70 }, { label: 'Что было потом', width: 300 }, { label: 'Через', width: 95 }],
      rows: c.unansweredInHours.map((u) => [
        dt(u.arrivedAt), phone(u.callerNumber), OUTCOME_LABELS[u.outcome] ?? u.outcome, u.waitSeconds === null ? '' : durationRu(u.waitSeconds),
        u.callback === null ? 'Обратного звонка нет'
          : `${CALLBACK_LABELS[u.callback.kind]} ${dt(u.callback.at)}${u.callback.by === null ? '' : ` (${u.callback.by})`}`,
        u.callback === null ? '' : durationRu(u.callback.afterSeconds)
      ]),
      empty: 'Таких звонков нет.'
    },
    {
      title: 'Звонки вне рабочего времени',
      note: `Всего ${c.outsideHours.total}${byReason === '' ? '' : `: ${byReason}`}.`,
      columns: [{ label: 'Поступил', width: 110 }, { label: 'Номер', width: 130 }, { label: 'Причина', width: 200 }, { label: 'Отклонён АТС', width: 100 }],
      rows: c.outsideHours.calls.map((o) => [dt(o.arrivedAt), phone(o.callerNumber), CLOSED_LABELS[o.reason] ?? o.reason, o.rejected ? 'да' : 'нет, прошёл на линию']),
      empty: 'Таких звонков нет.'
    },
    {
      title: 'Запросы, зарегистрированные позже, чем позволяет п. 3.3 Регламента',
      note: 'Запрос регистрируется в течение рабочего дня, к которому он относится; поступивший после окончания рабочего времени — в течение следующего рабочего дня.',
      columns: [{ label: '№ п/п', width: 60 }, { label: 'Канал', width: 110 }, { label: 'Поступил', width: 95 }, { label: 'Зарегистрировать до', width: 105 }, { label: 'Зарегистрирован', width: 95 }, { label: 'Кем', width: 170 }, { label: 'Опоздание', width: 90 }],
      rows: c.lateRegistrations.map((r) => [formatNumber(r.year, r.number), CHANNEL_LABELS[r.channel], dt(r.arrivedAt), dt(r.allowedUntil), dt(r.registeredAt), r.registeredBy ?? '', durationRu(r.lateSeconds)]),
      empty: 'Нарушений нет.'
    },
    {
      title: 'Запросы, решённые после срока (п. 3.4.2 Регламента)',
      columns: [{ label: '№ п/п', width: 60 }, { label: 'Срок', width: 110 }, { label: 'Решён', width: 110 }, { label: 'Кем', width: 200 }, { label: 'Просрочка (рабочего времени)', width: 150 }],
      rows: c.resolvedLate.map((r) => [formatNumber(r.year, r.number), dt(r.dueAt), dt(r.resolvedAt), r.resolvedBy ?? '', durationRu(r.lateWorkingSeconds)]),
      empty: 'Нарушений нет.'
    },
    {
      title: 'Рабочее время без специалиста на линии',
      note: `Рабочего времени в периоде: ${durationRu(ns.workingSeconds)}; без специалиста на линии: ${durationRu(ns.uncoveredSeconds)}. ${AVAILABILITY_RULE} Промежутки короче минуты не показываются.`,
      columns: [{ label: 'С', width: 130 }, { label: 'По', width: 130 }, { label: 'Длительность', width: 120 }],
      rows: ns.gaps.map((g) => [dt(g.from), dt(g.to), durationRu(g.seconds)]),
      empty: 'Специалисты были на линии всё рабочее время.'
    }
  ]
}
