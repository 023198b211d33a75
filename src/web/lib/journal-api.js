// The journal API (/api/entries, /api/organizations) as the screens use it, in one place.
import { api, qs } from './api.js'

export const listEntries = (params) => api('GET', '/api/entries' + qs(params))
export const getEntry = (id) => api('GET', `/api/entries/${id}`)
export const createEntry = (fields) => api('POST', '/api/entries', fields)
export const updateEntry = (id, fields) => api('PATCH', `/api/entries/${id}`, fields)
/** `takeOver`: register a draft a colleague holds, making it yours. */
export const registerEntry = (id, takeOver = false) => api('POST', `/api/entries/${id}/register` + qs({ takeOver: takeOver ? 'true' : undefined }), {})
export const changeStatus = (id, body) => api('POST', `/api/entries/${id}/status`, body)
export const recordAgreement = (id, body) => api('POST', `/api/entries/${id}/agreement`, body)
export const extendDeadline = (id, body) => api('POST', `/api/entries/${id}/extension`, body)
export const annulEntry = (id, reason) => api('POST', `/api/entries/${id}/annul`, { reason })
export const entryHistory = (id) => api('GET', `/api/entries/${id}/history`)
export const searchOrganizations = (q) => api('GET', '/api/organizations' + qs({ q, limit: 10 }))
