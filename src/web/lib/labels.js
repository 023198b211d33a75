// Russian words for the API's values. The API speaks stable English codes; the screens and the
// printed journal speak the regulation's Russian. The journal's and the call log's words, the
// status moves and the center's zone come from the server (GET /api/journal/vocabulary, loaded
// once after log-in by loadVocabulary); an unknown code is shown as it came.
import { api } from './api.js'
import { setZone } from './format.js'

/** @typedef {Array<[string, string]>} LabelList code → Russian, in the server's order */

/** @type {LabelList} */ export const TYPES = []
/** @type {LabelList} */ export const STATUSES = []
/** @type {LabelList} */ export const CHANNELS = []
/** @type {LabelList} */ export const MODULES = []
/** @type {LabelList} */ export const AGREEMENT = []
/** @type {LabelList} */ export const OUTCOMES = []
/** @type {LabelList} */ export const REJECT_REASONS = []
/** @type {LabelList} */ export const ORG_KINDS = []
/** Whether resolving an e-mail request sends its comment to the sender (SMTP configured). */
export const MAIL = { replies: false }
/** The status moves allowed from each status (SPEC §1). @type {Record<string, string[]>} */
export const TRANSITIONS = {}

/** @param {LabelList} list @param {readonly string[]} order @param {Record<string, string>} labels */
function fill (list, order, labels) {
  list.splice(0, list.length, ...order.map((c) => /** @type {[string, string]} */ ([c, labels[c] ?? c])))
}

/** Loads the server's vocabulary (after log-in: the route needs a session). */
export async function loadVocabulary () {
  const v = await api('GET', '/api/journal/vocabulary')
  fill(TYPES, v.order.types, v.types)
  fill(STATUSES, v.order.statuses, v.statuses)
  fill(CHANNELS, v.order.channels, v.channels)
  fill(MODULES, v.order.modules, v.modules)
  fill(AGREEMENT, v.order.agreementStates, v.agreementStates)
  fill(OUTCOMES, v.order.outcomes, v.outcomes)
  fill(REJECT_REASONS, v.order.rejectReasons, v.rejectReasons)
  fill(ORG_KINDS, v.order.organizationKinds, v.organizationKinds)
  MAIL.replies = v.mailReplies === true
  Object.assign(TRANSITIONS, v.transitions)
  setZone(v.zone)
}

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
