// Dates and numbers the way the center reads them: in its own time zone (Tyumen, Asia/Yekaterinburg),
// whatever the clock of the office PC says.

let ZONE // the center's zone, from the server's vocabulary (loadVocabulary in labels.js)
export function setZone (zone) { if (typeof zone === 'string' && zone !== '') ZONE = zone }

const cache = new Map()
function fmt (key, opts) {
  const k = key + ZONE
  let f = cache.get(k)
  if (f === undefined) cache.set(k, f = new Intl.DateTimeFormat('ru-RU', { timeZone: ZONE, ...opts }))
  return f
}

const isDateOnly = (v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)

/** 28.11.2026 (a date-only string is shown as it is, never shifted by a zone) */
export function date (v) {
  if (v === null || v === undefined || v === '') return ''
  if (isDateOnly(v)) { const [y, m, d] = v.split('-'); return `${d}.${m}.${y}` }
  const t = new Date(v)
  return Number.isNaN(t.getTime()) ? String(v) : fmt('d', { day: '2-digit', month: '2-digit', year: 'numeric' }).format(t)
}

/** 28.11.2026 14:05 */
export function dateTime (v) {
  if (v === null || v === undefined || v === '') return ''
  if (isDateOnly(v)) return date(v)
  const t = new Date(v)
  return Number.isNaN(t.getTime()) ? String(v) : fmt('dt', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(t).replace(',', '')
}

/** 14:05:09 */
export function time (v) {
  if (v === null || v === undefined || v === '') return ''
  const t = new Date(v)
  return Number.isNaN(t.getTime()) ? '' : fmt('t', { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(t)
}

/** 'yyyy-MM-dd' of an instant in the center's zone */
export function isoDay (v = new Date()) {
  const parts = fmt('iso', { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date(v))
  const get = (type) => parts.find((p) => p.type === type)?.value
  return `${get('year')}-${get('month')}-${get('day')}`
}

/** 1:05 or 1:02:03 */
export function duration (seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(Number(seconds))) return ''
  const s = Math.max(0, Math.round(Number(seconds)))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const r = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`
}

/** +7 (3452) 29-02-56 style for Russian numbers; anything else as it came */
export function phone (v) {
  if (v === null || v === undefined) return ''
  const d = String(v).replace(/\D/g, '')
  if (d.length === 11 && (d[0] === '7' || d[0] === '8')) {
    const n = d.slice(1)
    if (n.startsWith('3452')) return `+7 (3452) ${n.slice(4, 6)}-${n.slice(6, 8)}-${n.slice(8)}`
    return `+7 (${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6, 8)}-${n.slice(8)}`
  }
  return String(v)
}

/** № 2026-153 */
export function entryNumber (e) {
  if (e === null || e === undefined) return ''
  if (typeof e.numberLabel === 'string') return e.numberLabel
  const n = e.number ?? e.seq ?? null
  if (n === null || n === undefined) return ''
  const year = e.year ?? (typeof e.registeredOn === 'string' ? e.registeredOn.slice(0, 4) : '')
  return year === '' ? String(n) : `${year}-${n}`
}

/** 12 345: thousands apart by a non-breaking space, as the center writes numbers (never split across lines) */
export function integer (n) {
  return new Intl.NumberFormat('ru-RU', { maximumFractionDigits: 0 }).format(n)
}

/**
 * «1 234 записи», or «более 1 000 записей» when the server counted only up to a cap (`exact` false):
 * after «более» the genitive, which is the `few` form after …1 (более 1 021 записи) and `many` else.
 */
export function counted (n, exact, one, few, many) {
  return exact ? `${integer(n)} ${plural(n, one, few, many)}` : `более ${integer(n)} ${plural(n, few, many, many)}`
}

export function plural (n, one, few, many) {
  const a = Math.abs(n) % 100
  const b = a % 10
  if (a > 10 && a < 20) return many
  if (b > 1 && b < 5) return few
  if (b === 1) return one
  return many
}

/** The center's zone in Russian words, as the browser names it: «Екатеринбург, стандартное время». */
export function zoneName (zone = ZONE) {
  try {
    const part = new Intl.DateTimeFormat('ru-RU', { timeZone: zone, timeZoneName: 'long' }).formatToParts(new Date()).find((p) => p.type === 'timeZoneName')
    return part?.value ?? 'часовой пояс центра'
  } catch { return 'часовой пояс центра' }
}
