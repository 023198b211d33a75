// Russian words for the API's values. The API speaks stable English codes; the screens and the
// printed journal speak the regulation's Russian. An unknown code is shown as it came.

export const TYPES = [
  ['support', 'Поддержка'],
  ['error', 'Ошибка'],
  ['improvement', 'Улучшение']
]

// order of the regulation (3.6)
export const STATUSES = [
  ['resolved', 'Решен'],
  ['in_progress', 'В работе'],
  ['to_developer', 'Передано разработчику'],
  ['feedback', 'Обратная связь'],
  ['closed', 'Закрыт']
]

export const CHANNELS = [
  ['phone', 'Телефон'],
  ['email', 'Электронная почта'],
  ['walk_in', 'Личное обращение']
]

export const MODULES = [
  ['navigator', 'Навигатор дополнительного образования'],
  ['talents', 'Региональная база данных талантливых детей и молодежи'],
  ['paid_services', 'Учет платных услуг'],
  ['other', 'Другое']
]

export const AGREEMENT = [
  ['pending', 'На согласовании'],
  ['agreed', 'Согласовано'],
  ['rejected', 'Отклонено']
]

export const OUTCOMES = [
  ['answered', 'Принят'],
  ['abandoned', 'Абонент не дождался'],
  ['no-answer', 'Без ответа'],
  ['busy', 'Занято'],
  ['rejected', 'Отклонён (нерабочее время)'],
  ['failed', 'Сбой']
]

export const REJECT_REASONS = [
  ['lunch', 'обеденный перерыв'],
  ['weekend', 'выходной день'],
  ['holiday', 'праздничный день'],
  ['before-hours', 'до начала работы'],
  ['after-hours', 'после окончания работы'],
  ['closed', 'нерабочее время']
]

export const ROLES = [
  ['specialist', 'Специалист'],
  ['head', 'Руководитель'],
  ['auditor', 'Аудитор']
]

export const DAY_KINDS = [
  ['normal', 'По графику'],
  ['holiday', 'Выходной / праздник'],
  ['working', 'Рабочий'],
  ['shortened', 'Сокращённый']
]

export const ORG_KINDS = [
  ['government_body', 'Исполнительный орган государственной власти'],
  ['municipality', 'Орган местного самоуправления'],
  ['educational', 'Образовательная организация'],
  ['entrepreneur', 'Индивидуальный предприниматель'],
  ['other', 'Иная организация']
]

const norm = (v) => String(v).toLowerCase().replace(/[-\s]/g, '_')

/** Russian label of a code from one of the lists above (also accepts the Russian word itself). */
export function label (list, value) {
  if (value === null || value === undefined || value === '') return ''
  const n = norm(value)
  for (const [code, ru] of list) if (norm(code) === n || ru === value) return ru
  return String(value)
}

/** The list's code for a value given in any accepted spelling (or the value itself). */
export function code (list, value) {
  if (value === null || value === undefined) return value
  const n = norm(value)
  for (const [c, ru] of list) if (norm(c) === n || ru === value) return c
  return value
}
