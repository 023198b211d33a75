// The one way the UI talks to the service: JSON over fetch with the session cookie, the CSRF token
// from the `csrf` cookie on every write, and the server's own error message when something is refused.

export class ApiError extends Error {
  constructor (status, code, message, details) {
    super(message)
    this.status = status
    this.code = code
    this.details = details
  }
}

const listeners = new Set()
/** Called with no arguments when the session is gone (401): the app shows the log-in screen. */
export function onUnauthenticated (fn) { listeners.add(fn); return () => listeners.delete(fn) }

export function csrfToken () {
  const m = document.cookie.match(/(?:^|;\s*)csrf=([^;]+)/)
  return m === null ? '' : decodeURIComponent(m[1])
}

/** Query string from an object; empty values are left out. */
export function qs (params) {
  const u = new URLSearchParams()
  for (const [k, v] of Object.entries(params ?? {})) {
    if (v === undefined || v === null || v === '' || v === false) continue
    if (Array.isArray(v)) { for (const x of v) u.append(k, String(x)) } else u.set(k, String(v))
  }
  const s = u.toString()
  return s === '' ? '' : `?${s}`
}

export async function api (method, path, body) {
  const headers = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = csrfToken()
  let res
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, 'NETWORK', 'Нет связи с сервером. Проверьте сеть и повторите.')
  }
  if (res.status === 204) return null
  const text = await res.text()
  let data = null
  try { data = text === '' ? null : JSON.parse(text) } catch { data = null }
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/auth/login') for (const fn of listeners) fn()
    const message = data?.message ?? `Ошибка ${res.status}`
    throw new ApiError(res.status, data?.code ?? 'HTTP_' + res.status, translateError(data?.code, message, res.status), data?.details)
  }
  return data
}

export const get = (path, params) => api('GET', path + qs(params))
export const post = (path, body) => api('POST', path, body ?? {})
export const patch = (path, body) => api('PATCH', path, body)
export const put = (path, body) => api('PUT', path, body)
export const del = (path) => api('DELETE', path)

// The API speaks English; the common refusals get a Russian sentence, the rest keep the server's text.
const ERRORS = {
  INVALID_CREDENTIALS: 'Неверное имя пользователя или пароль',
  UNAUTHENTICATED: 'Сеанс завершён. Войдите снова.',
  CSRF_TOKEN_MISMATCH: 'Сеанс устарел. Обновите страницу.',
  READ_ONLY_ROLE: 'Роль «аудитор» позволяет только просматривать',
  FORBIDDEN: 'Недостаточно прав',
  FST_TOO_MANY_REQUESTS: 'Слишком много попыток. Подождите минуту.',
  // the journal's rules (src/journal): the Russian sentence, then the server's own words
  ILLEGAL_STATUS_TRANSITION: 'Такой переход статуса не допускается правилами журнала',
  ENTRY_CLOSED: 'Запись закрыта и больше не редактируется',
  ENTRY_ANNULLED: 'Запись аннулирована',
  NOT_REGISTERED: 'Сначала зарегистрируйте запись',
  ALREADY_REGISTERED: 'Запись уже зарегистрирована',
  DRAFT_INCOMPLETE: 'Для регистрации заполните обязательные поля',
  RESOLUTION_REQUIRED: 'Для статуса «Решен» нужен комментарий о решении (п. 3.4.1)',
  COMMENT_REQUIRED: 'Нужен комментарий',
  AGREEMENT_REQUIRED: 'Сначала нужно согласование с оператором Системы и/или Департаментом (п. 3.5)',
  AGREEMENT_NOT_APPLICABLE: 'Согласование нужно только для запросов типа «Ошибка» и «Улучшение»',
  AGREEMENT_IN_USE: 'Согласование уже использовано',
  AGREED_BY_REQUIRED: 'Укажите, кто согласовал',
  VALUE_REQUIRED: 'Заполните обязательное поле',
  TYPE_LOCKED: 'Тип запроса уже нельзя изменить',
  NOT_A_WORKING_DAY: 'Новый срок должен приходиться на рабочий день',
  EXTENSION_NOT_LATER: 'Новый срок должен быть позже текущего',
  REASON_REQUIRED: 'Укажите причину',
  INVALID_REFERENCE: 'Ссылка на несуществующую запись',
  ENTRY_NOT_OPEN: 'Запись не в работе',
  ENTRY_NOT_FOUND: 'Запись не найдена',
  NOT_FOUND: 'Не найдено',
  VALIDATION_ERROR: 'Проверьте заполнение полей',
  EXTENSION_TAKEN: 'Этот внутренний номер уже закреплён за другим пользователем',
  USERNAME_TAKEN: 'Такое имя пользователя уже есть',
  LAST_HEAD: 'В центре должен остаться хотя бы один действующий руководитель',
  CALENDAR_DAY_NOT_EDITED: 'Этот день не изменялся',
  INVALID_PERIOD: 'Начало периода позже его окончания'
}
const WITH_DETAILS = new Set(['INVALID_CREDENTIALS', 'UNAUTHENTICATED', 'CSRF_TOKEN_MISMATCH', 'READ_ONLY_ROLE', 'FST_TOO_MANY_REQUESTS'])
function translateError (code, message, status) {
  if (status === 429) return "Слишком много попыток. Подождите минуту."
  const ru = ERRORS[code]
  if (ru === undefined) return message
  return WITH_DETAILS.has(code) ? ru : `${ru} (${message})`
}
