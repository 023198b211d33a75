// The center's weekly schedule and lunch: the hours the PBX takes calls in and the deadlines count
// in. Everyone reads it; the head edits it (the service applies it at once: calls outside it are
// rejected with the announcement of the hours).
import { html, useEffect, useState } from '/vendor/preact.js'
import { api } from '../lib/api.js'
import { isHead } from '../lib/store.js'
import { dateTime, zoneName } from '../lib/format.js'

const DAYS = [['mon', 'Понедельник'], ['tue', 'Вторник'], ['wed', 'Среда'], ['thu', 'Четверг'], ['fri', 'Пятница'], ['sat', 'Суббота'], ['sun', 'Воскресенье']]
const DEFAULT_SPAN = { from: '09:00', to: '18:00' }
const DEFAULT_LUNCH = { from: '13:00', to: '14:00' }

/** What is wrong with the form, in Russian, before it goes to the server; null when it is fine. */
function problem (s) {
  const bad = (span) => span !== null && !(span.from < span.to)
  for (const [k, name] of DAYS) if (bad(s.week[k])) return `${name}: начало работы должно быть раньше окончания`
  if (DAYS.every(([k]) => s.week[k] === null)) return 'В неделе должен быть хотя бы один рабочий день'
  if (bad(s.lunch)) return 'Обед: начало должно быть раньше окончания'
  if (bad(s.workingWeekendHours)) return 'Рабочий выходной: начало должно быть раньше окончания'
  if (!Number.isInteger(s.shortenedBy) || s.shortenedBy < 0 || s.shortenedBy > 240) return 'Сокращение предпраздничного дня: целое число минут от 0 до 240'
  return null
}

function Span ({ span, onChange, disabled, name }) {
  return html`<span class="span-input">
    <input type="time" value=${span.from} disabled=${disabled} aria-label=${`${name}: начало`} onInput=${(e) => onChange({ ...span, from: e.target.value })} />
    <span aria-hidden="true">–</span>
    <input type="time" value=${span.to} disabled=${disabled} aria-label=${`${name}: конец`} onInput=${(e) => onChange({ ...span, to: e.target.value })} />
  </span>`
}

export function ScheduleView ({ me }) {
  const [saved, setSaved] = useState(null)
  const [form, setForm] = useState(null)
  const [error, setError] = useState(null)
  const [notice, setNotice] = useState(null)
  const [busy, setBusy] = useState(false)
  const head = isHead(me)
  const load = async () => {
    try { const s = await api('GET', '/api/schedule'); setSaved(s); setForm(s); setError(null) } catch (err) { setError(err.message) }
  }
  useEffect(() => { void load() }, [])
  if (form === null) return error !== null ? html`<p class="error" role="alert">${error}</p>` : html`<p class="empty">Загрузка…</p>`

  const setDay = (k, v) => setForm({ ...form, week: { ...form.week, [k]: v } })
  const dirty = JSON.stringify(form) !== JSON.stringify(saved)
  async function save (ev) {
    ev.preventDefault()
    setNotice(null)
    const p = problem(form)
    if (p !== null) { setError(p); return }
    setBusy(true)
    try {
      const { updatedAt: _u, ...body } = form
      const s = await api('PUT', '/api/schedule', body)
      setSaved(s); setForm(s); setError(null); setNotice('График сохранён и уже действует')
    } catch (err) { setError(err.message) } finally { setBusy(false) }
  }

  return html`<section class="schedule">
    <div class="toolbar"><h1>График работы и обед</h1></div>
    <p class="muted small">Время — ${zoneName(form.zone)}. В нерабочее время и в обед АТС отвечает сообщением о часах работы, сроки считаются только по рабочим часам.
      ${head ? '' : ' Изменяет график руководитель.'}</p>
    <form class="card schedule-form" onSubmit=${save} aria-label="График работы">
      <table class="grid compact">
        <thead><tr><th scope="col">День недели</th><th scope="col">Рабочий</th><th scope="col">Часы работы</th></tr></thead>
        <tbody>${DAYS.map(([k, name]) => html`<tr key=${k}>
          <th scope="row">${name}</th>
          <td><input type="checkbox" checked=${form.week[k] !== null} disabled=${!head} aria-label=${`${name}: рабочий день`} data-testid=${'work-' + k}
            onChange=${(e) => setDay(k, e.target.checked ? (saved.week[k] ?? DEFAULT_SPAN) : null)} /></td>
          <td>${form.week[k] !== null ? html`<${Span} span=${form.week[k]} name=${name} disabled=${!head} onChange=${(v) => setDay(k, v)} />` : html`<span class="muted">выходной</span>`}</td>
        </tr>`)}</tbody>
      </table>
      <div class="schedule-extra">
        <label class="check"><input type="checkbox" checked=${form.lunch !== null} disabled=${!head} data-testid="lunch-on"
          onChange=${(e) => setForm({ ...form, lunch: e.target.checked ? (saved.lunch ?? DEFAULT_LUNCH) : null })} /> Обеденный перерыв</label>
        ${form.lunch !== null && html`<${Span} span=${form.lunch} name="Обед" disabled=${!head} onChange=${(v) => setForm({ ...form, lunch: v })} />`}
        <div class="field-line"><span>Рабочий выходной (перенос по постановлению):</span>
          <${Span} span=${form.workingWeekendHours} name="Рабочий выходной" disabled=${!head} onChange=${(v) => setForm({ ...form, workingWeekendHours: v })} /></div>
        <label class="inline">Предпраздничный день короче на, мин
          <input type="number" min="0" max="240" step="1" value=${form.shortenedBy} disabled=${!head} onInput=${(e) => setForm({ ...form, shortenedBy: Number(e.target.value) })} /></label>
      </div>
      ${error !== null && html`<p class="error" role="alert" data-testid="schedule-error">${error}</p>`}
      ${notice !== null && html`<p class="notice" role="status">${notice}</p>`}
      ${head && html`<div class="actions">
        <button type="button" disabled=${!dirty || busy} onClick=${() => { setForm(saved); setError(null) }}>Отменить правки</button>
        <button type="submit" class="primary" disabled=${!dirty || busy} data-testid="schedule-save">Сохранить график</button>
      </div>`}
      <p class="muted small">Изменён ${dateTime(saved.updatedAt)}.</p>
    </form>
  </section>`
}
