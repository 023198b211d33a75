// The words of the journal (regulation, appendix «Журнал специалиста»): codes stored in the
// database and sent over the API, with the Russian labels the UI and the printed journal show.

export const ENTRY_TYPES = ['support', 'error', 'improvement'] as const
export type EntryType = typeof ENTRY_TYPES[number]
/** Reg. 3.5. */
export const ENTRY_TYPE_LABELS: Readonly<Record<EntryType, string>> = {
  support: 'Поддержка',
  error: 'Ошибка',
  improvement: 'Улучшение'
}

export const STATUSES = ['resolved', 'in_progress', 'to_developer', 'feedback', 'closed'] as const
export type Status = typeof STATUSES[number]
/** Reg. 3.6, in its order (the original's «Закрит» is a typo of «Закрыт»). */
export const STATUS_LABELS: Readonly<Record<Status, string>> = {
  resolved: 'Решен',
  in_progress: 'В работе',
  to_developer: 'Передано разработчику',
  feedback: 'Обратная связь',
  closed: 'Закрыт'
}

export const CHANNELS = ['phone', 'email', 'walk_in'] as const
export type Channel = typeof CHANNELS[number]
export const CHANNEL_LABELS: Readonly<Record<Channel, string>> = {
  phone: 'Телефон',
  email: 'Электронная почта',
  walk_in: 'Личное обращение'
}

export const MODULES = ['navigator', 'talents', 'paid_services', 'other'] as const
export type Module = typeof MODULES[number]
export const MODULE_LABELS: Readonly<Record<Module, string>> = {
  navigator: 'Навигатор дополнительного образования',
  talents: 'Региональная база данных талантливых детей и молодежи',
  paid_services: 'Учет платных услуг',
  other: 'Другое'
}

export const AGREEMENT_STATES = ['pending', 'agreed', 'rejected'] as const
export type AgreementState = typeof AGREEMENT_STATES[number]
export const AGREEMENT_LABELS: Readonly<Record<AgreementState, string>> = {
  pending: 'На согласовании',
  agreed: 'Согласовано',
  rejected: 'Отклонено'
}

/** The participants of the system (regulation, «Участник»). */
export const ORGANIZATION_KINDS = ['government_body', 'municipality', 'educational', 'entrepreneur', 'other'] as const
export type OrganizationKind = typeof ORGANIZATION_KINDS[number]
export const ORGANIZATION_KIND_LABELS: Readonly<Record<OrganizationKind, string>> = {
  government_body: 'Исполнительный орган государственной власти',
  municipality: 'Орган местного самоуправления',
  educational: 'Образовательная организация',
  entrepreneur: 'Индивидуальный предприниматель',
  other: 'Иная организация'
}

/** Types that need agreement with the system operator and/or the department (reg. 3.5). */
export function needsAgreement (type: EntryType | null): boolean {
  return type === 'error' || type === 'improvement'
}

/** The number as printed and used in e-mail subjects: «2026-153». */
export function formatNumber (year: number, number: number): string {
  return `${year}-${number}`
}

/** The fields of an entry as its history names them (camelCase codes → Russian words). */
export const HISTORY_FIELD_LABELS: Readonly<Record<string, string>> = {
  type: 'тип', description: 'описание', organizationName: 'организация', organizationId: 'организация (справочник)', contactText: 'ФИО, контакты',
  additionalInfo: 'доп. информация', status: 'статус', resolvedOn: 'дата решения', note: 'примечание', resolution: 'решение', channel: 'канал',
  module: 'модуль', callerNumber: 'телефон', callerEmail: 'эл. почта', dueAt: 'срок', registeredOn: 'дата', year: 'год', number: 'номер',
  agreement: 'согласование', annulment: 'аннулирование', assignedTo: 'исполнитель', registeredAt: 'время регистрации', registeredBy: 'зарегистрировал',
  resolvedAt: 'время решения', resolvedBy: 'решил', contactId: 'контакт (справочник)', referenceId: 'ссылка на запись', pauses: 'приостановка срока',
  extensions: 'продление срока', extension: 'продление срока', comment: 'комментарий', createdBy: 'создал'
}
