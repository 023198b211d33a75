// Russian words of the reports for what the statistics count (the journal's own words are in
// journal/vocabulary.ts).
import type { RejectReason } from '../calls/call.js'
import type { CallCounts } from './statistics.js'

export const REJECT_REASON_LABELS: Readonly<Record<RejectReason, string>> = {
  lunch: 'обеденный перерыв',
  weekend: 'выходной день',
  holiday: 'праздничный день',
  'before-hours': 'до начала работы',
  'after-hours': 'после окончания работы',
  closed: 'нерабочее время'
}

export const CALL_COUNT_LABELS: Readonly<Record<keyof CallCounts, string>> = {
  received: 'Поступило',
  answered: 'Принято',
  missed: 'Пропущено (без ответа)',
  abandoned: 'Абонент не дождался',
  rejected: 'Отклонено (нерабочее время)',
  inProgress: 'Идут сейчас'
}

export const DEADLINE_LABELS = {
  onTime: 'Решено в срок',
  late: 'Решено с нарушением срока',
  openOverdue: 'Не решено, срок истёк',
  openInTime: 'Не решено, срок не истёк'
} as const

export const WEEKDAYS_RU = ['Пн', 'Вт', 'Ср', 'Чт', 'Пт', 'Сб', 'Вс'] as const
