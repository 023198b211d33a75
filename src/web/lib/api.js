// The one way the UI talks to the service: JSON over fetch with the session cookie, the CSRF token
// from the `csrf` cookie on every write, and a refusal in Russian by its stable code (lib/errors.js).
import { errorText } from './errors.js'

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
    throw new ApiError(0, 'NETWORK', errorText('NETWORK', 0))
  }
  if (res.status === 204) return null
  const text = await res.text()
  let data = null
  try { data = text === '' ? null : JSON.parse(text) } catch { data = null }
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/auth/login') for (const fn of listeners) fn()
    const code = data?.code ?? 'HTTP_' + res.status
    throw new ApiError(res.status, code, errorText(code, res.status, data?.details), data?.details)
  }
  return data
}

export const get = (path, params) => api('GET', path + qs(params))
export const post = (path, body) => api('POST', path, body ?? {})
export const patch = (path, body) => api('PATCH', path, body)
export const put = (path, body) => api('PUT', path, body)
export const del = (path) => api('DELETE', path)
