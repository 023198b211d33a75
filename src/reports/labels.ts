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

export const OUTCOME_LABELS: Readonly<Record<string, string>> = {
  answered: 'Принят',
  abandoned: 'Абонент не дождался',
  'no-answer': 'Без ответа',
  busy: 'Занято',
  rejected: 'Отклонён (нерабочее время)',
  failed: 'Сбой'
}

/** 45 с, 12 мин, 1 ч 05 мин, 2 дн. 3 ч */
export function durationRu (seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} с`
  const m = Math.round(s / 60)
  if (m < 60) return `${m} мин`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h} ч ${String(m % 60).padStart(2, '0')} мин`
  return `${Math.floor(h / 24)} дн. ${h % 24} ч`
}
