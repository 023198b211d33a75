// What a refusal of the service says to a person: its stable code in Russian, with the values it
// carries (dates as the center writes them, field names as the forms call them). The server's own
// `message` is English for scripts and logs and is never shown here.
import { date, dateTime } from './format.js'
import { label, STATUSES } from './labels.js'

/** The forms' names of the API's fields (validation refusals name the field). */
const FIELD_NAMES = {
  username: 'Имя пользователя',
  password: 'Пароль',
  currentPassword: 'Текущий пароль',
  newPassword: 'Новый пароль',
  fullName: 'ФИО',
  role: 'Роль',
  extension: 'Внутренний номер',
  active: 'Действует',
  name: 'Наименование',
  kind: 'Вид организации',
  inn: 'ИНН',
  note: 'Примечание',
  phones: 'Телефон',
  emails: 'Эл. почта',
  position: 'Должность',
  organizationId: 'Организация',
  organizationName: 'Наименование организации',
  contactText: 'ФИО, контактная информация',
  contactId: 'Контакт',
  type: 'Тип запроса',
  module: 'Модуль системы',
  channel: 'Канал',
  description: 'Описание запроса',
  additionalInfo: 'Дополнительная информация',
  callerNumber: 'Телефон',
  callerEmail: 'Эл. почта',
  status: 'Статус',
  comment: 'Комментарий',
  resolution: 'Комментарий о решении',
  reason: 'Причина',
  agreedBy: 'Кто согласовал',
  by: 'Кто согласовал',
  state: 'Решение',
  dueOn: 'Новый срок',
  from: 'Начало периода',
  to: 'Конец периода',
  q: 'Поиск',
  date: 'Дата',
  hours: 'Часы работы',
  lunch: 'Обед',
  zone: 'Часовой пояс',
  week: 'Неделя',
  workingWeekendHours: 'Часы рабочего выходного',
  shortenedBy: 'Сокращение предпраздничного дня',
  mon: 'Понедельник', tue: 'Вторник', wed: 'Среда', thu: 'Четверг', fri: 'Пятница', sat: 'Суббота', sun: 'Воскресенье',
  limit: 'Количество', offset: 'Страница', id: 'Номер', year: 'Год'
}

// how a field's value must look, where the pattern has a meaning a person can follow
const PATTERNS = {
  extension: 'только цифры, от 2 до 10',
  username: 'строчные латинские буквы, цифры, точка, дефис или подчёркивание, от 2 до 64 знаков',
  inn: '10 цифр (организация) или 12 (предприниматель)',
  name: 'не может состоять из одних пробелов',
  fullName: 'не может состоять из одних пробелов',
  phones: 'номер должен содержать цифры',
  from: 'время в виде ЧЧ:ММ',
  to: 'время в виде ЧЧ:ММ',
  dueOn: 'дата в виде дд.мм.гггг'
}

/** «Внутренний номер», «Телефон» for «phones/0», «Понедельник: конец» for «week/mon/to». */
export function fieldName (path) {
  const parts = String(path ?? '').split('/').filter((p) => p !== '' && !/^\d+$/.test(p))
  if (parts.length === 0) return 'Запрос'
  const names = parts.map((p) => FIELD_NAMES[p] ?? 'поле')
  return names.length > 1 && (parts.at(-1) === 'from' || parts.at(-1) === 'to')
    ? `${names.slice(0, -1).join(': ')}: ${parts.at(-1) === 'from' ? 'начало' : 'конец'}`
    : names.join(': ')
}

function validation (d) {
  if (d === undefined || d === null) return 'Проверьте заполнение полей'
  const last = String(d.field ?? '').split('/').filter((p) => p !== '' && !/^\d+$/.test(p)).at(-1) ?? ''
  const name = fieldName(d.field)
  const n = typeof d.limit === 'number' ? d.limit : null
  switch (d.rule) {
    case 'required': return `Заполните поле «${name}»`
    case 'minLength': return n === null || n <= 1 ? `Заполните поле «${name}»` : `«${name}»: не короче ${n} знаков`
    case 'maxLength': return `«${name}»: не длиннее ${n ?? ''} знаков`
    case 'pattern': return `«${name}» указано неверно${PATTERNS[last] ? `: ${PATTERNS[last]}` : ''}`
    case 'format': return d.limit === 'email' ? `«${name}»: адрес электронной почты указан неверно` : d.limit === 'date' ? `«${name}»: такой даты нет` : `«${name}» указано в неверном виде`
    case 'enum': case 'const': case 'anyOf': return `«${name}»: выберите значение из списка`
    case 'type': return `«${name}»: значение неверного вида`
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum': return `«${name}»: число вне допустимых пределов`
    case 'maxItems': return `«${name}»: слишком много значений`
    case 'minProperties': return 'Нет изменений для сохранения'
    case 'additionalProperties': return 'Запрос содержит лишнее поле'
    default: return `«${name}» заполнено неверно`
  }
}

const WEAK = {
  'too-short': (d) => `не короче ${d?.minLength ?? 8} знаков, не считая пробелов`,
  'too-few-characters': () => 'из разных знаков, а не из одного-двух повторённых',
  run: () => 'не подряд идущими цифрами, буквами или клавишами (12345678, йцукен)',
  common: () => 'не из тех, что подбирают первыми (password, пароль, admin…)',
  'user-name': () => 'без имени пользователя внутри'
}

const statusName = (s) => `«${label(STATUSES, s)}»`

/** code → Russian sentence (a function when the refusal carries values). */
const ERRORS = {
  NETWORK: 'Нет связи с сервером. Проверьте сеть и повторите.',
  INVALID_CREDENTIALS: 'Неверное имя пользователя или пароль',
  UNAUTHENTICATED: 'Сеанс завершён. Войдите снова.',
  CSRF_TOKEN_MISMATCH: 'Сеанс устарел. Обновите страницу.',
  ORIGIN_NOT_ALLOWED: 'Запрос с этого адреса не принимается. Откройте журнал по его обычному адресу.',
  READ_ONLY_ROLE: 'Роль «аудитор» позволяет только просматривать',
  FORBIDDEN: 'Недостаточно прав',
  TOO_MANY_LOGIN_ATTEMPTS: (d) => `Слишком много неудачных попыток входа. Повторите через ${d?.retryAfterSeconds ?? 60} с.`,
  FST_TOO_MANY_REQUESTS: 'Слишком много попыток. Подождите минуту.',
  WEAK_PASSWORD: (d) => `Пароль слишком простой: он должен быть ${(WEAK[d?.reason] ?? WEAK['too-short'])(d)}`,
  // the journal's rules (src/journal)
  ILLEGAL_STATUS_TRANSITION: (d) => d?.from !== undefined && d.from === d.to
    ? `Запись уже в статусе ${statusName(d.to)}`
    : d?.from !== undefined
      ? `Из статуса ${statusName(d.from)} нельзя перейти в ${statusName(d.to)}${Array.isArray(d.allowed) && d.allowed.length > 0 ? `; можно: ${d.allowed.map(statusName).join(', ')}` : ''}`
      : 'Такой переход статуса не допускается правилами журнала',
  ENTRY_CLOSED: 'Запись закрыта и больше не редактируется; новый запрос может на неё сослаться',
  ENTRY_ANNULLED: 'Запись аннулирована и не изменяется',
  NOT_REGISTERED: 'Сначала зарегистрируйте запись',
  ALREADY_REGISTERED: 'Запись уже зарегистрирована',
  DRAFT_INCOMPLETE: 'Для регистрации заполните обязательные поля (они выделены)',
  RESOLUTION_REQUIRED: 'Для статуса «Решен» нужен комментарий о решении (п. 3.4.1)',
  COMMENT_REQUIRED: 'Нужен комментарий: почему отклонено',
  AGREEMENT_REQUIRED: (d) => d?.agreement === 'rejected'
    ? 'Согласование отклонено: такой запрос не передаётся разработчику и не решается, его можно закрыть с комментарием'
    : 'Сначала нужно согласование с оператором Системы и/или Департаментом (п. 3.5)',
  AGREEMENT_NOT_APPLICABLE: 'Согласование нужно только для запросов типа «Ошибка» и «Улучшение»',
  AGREEMENT_IN_USE: 'Запрос уже передан разработчику или решён по этому согласованию: изменить его нельзя',
  AGREED_BY_REQUIRED: 'Укажите, кто согласовал: оператор Системы или Департамент',
  VALUE_REQUIRED: 'У зарегистрированной записи обязательные поля не могут быть пустыми',
  TYPE_LOCKED: 'Тип запроса сейчас менять нельзя: верните запись в работу',
  NOT_A_WORKING_DAY: (d) => `${d?.dueOn ? date(d.dueOn) : 'Этот день'} — нерабочий день центра: выберите рабочий`,
  EXTENSION_NOT_LATER: (d) => `Новый срок должен быть позже текущего${d?.currentDueAt ? ` (${dateTime(d.currentDueAt)})` : ''}`,
  REASON_REQUIRED: 'Укажите причину',
  INVALID_REFERENCE: 'Запись не может ссылаться сама на себя',
  ENTRY_NOT_OPEN: 'Запрос решён: продлевать нечего',
  ENTRY_NOT_FOUND: 'Запись не найдена',
  ASSIGNED_TO_ANOTHER: 'Этот звонок принял другой специалист: зарегистрировать его можно, только взяв запрос на себя',
  NOT_A_DRAFT: 'Запись уже зарегистрирована: её можно только аннулировать со страницы записи',
  CALL_NOT_MISSED: 'Этот звонок не пропущен: перезванивать по нему не нужно',
  RANGE_NOT_SATISFIABLE: 'Запись разговора не удалось воспроизвести с этого места',
  STORAGE_UNAVAILABLE: 'База данных сейчас не может сохранить изменения (нет места на диске или нет связи). Ничего не сохранено — повторите позже',
  // the directory, users, the calendar
  ORGANIZATION_EXISTS: (d) => `Организация «${d?.name ?? ''}» уже есть в справочнике`,
  ORGANIZATION_NOT_FOUND: 'Организация не найдена в справочнике',
  CONTACT_NOT_FOUND: 'Контакт не найден',
  EXTENSION_TAKEN: (d) => `Внутренний номер ${d?.extension ?? ''} уже закреплён за пользователем ${d?.holder ?? ''}`.replace(/\s+$/, ''),
  USERNAME_TAKEN: (d) => `Имя пользователя ${d?.username ?? ''} уже занято`,
  USER_NOT_FOUND: 'Пользователь не найден',
  LAST_HEAD: 'В центре должен остаться хотя бы один действующий руководитель',
  CALENDAR_DAY_NOT_EDITED: (d) => `${d?.date ? date(d.date) : 'Этот день'} не изменялся: отменять нечего`,
  INVALID_SCHEDULE: 'График не сохранён: у каждого рабочего дня начало раньше окончания, в неделе есть рабочий день, время в виде ЧЧ:ММ',
  INVALID_HOURS: 'Часы указаны неверно: начало должно быть раньше окончания',
  HOURS_NOT_ALLOWED: 'Часы указываются только для рабочего или сокращённого дня',
  INVALID_DATE: 'Такой даты нет',
  INVALID_INSTANT: 'Дата и время указаны неверно',
  INVALID_PERIOD: 'Начало периода позже его окончания',
  PERIOD_TOO_LONG: 'Слишком длинный период: выберите не больше года',
  MONTH_NOT_OVER: 'В архив кладётся только закончившийся месяц',
  ARCHIVED_REPORT_NOT_FOUND: 'Отчёт в архиве не найден',
  // calls and mail
  CALL_NOT_FOUND: 'Звонок не найден',
  RECORDING_NOT_FOUND: 'У этого звонка нет записи разговора',
  RECORDING_FILE_MISSING: 'Файл записи ещё не появился в папке записей АТС',
  MAIL_NOT_FOUND: 'Письмо не найдено',
  ATTACHMENT_NOT_FOUND: 'Вложение не найдено',
  ATTACHMENT_NOT_KEPT: 'Вложение больше допустимого размера и не сохранено; оно есть в почтовом ящике',
  OUTBOX_NOT_FOUND: 'Исходящее письмо не найдено',
  OUTBOX_NOT_FAILED: 'Повторно отправляется только письмо, которое не ушло',
  // storage and transport
  NOT_FOUND: 'Не найдено',
  ROUTE_NOT_FOUND: 'Не найдено',
  CONFLICT: 'Такая запись уже есть',
  REFERENCE_NOT_FOUND: 'Ссылка на запись справочника, которой нет',
  CHECK_VIOLATION: 'Недопустимое значение',
  VALUE_TOO_LONG: 'Слишком длинное значение',
  INVALID_VALUE: 'Значение указано в неверном виде',
  VALIDATION_ERROR: validation,
  INTERNAL_ERROR: 'Сбой на сервере; подробности в журнале сервиса. Повторите позже.'
}

/** The Russian sentence for a refusal: by its code, with its values; never the server's English text. */
export function errorText (code, status, details) {
  const known = ERRORS[code]
  if (typeof known === 'function') return known(details)
  if (typeof known === 'string') return known
  if (status === 429) return 'Слишком много попыток. Подождите минуту.'
  if (status === 401) return ERRORS.UNAUTHENTICATED
  if (status === 403) return ERRORS.FORBIDDEN
  if (status === 404) return ERRORS.NOT_FOUND
  if (status === 413) return 'Слишком большой запрос'
  if (status >= 500) return status === 503 ? 'Сервис временно недоступен. Повторите позже.' : ERRORS.INTERNAL_ERROR
  return 'Сервер не принял запрос: проверьте заполнение полей'
}
