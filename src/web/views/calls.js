// The call log: every call the PBX reported (answered, missed, rejected out of hours with the
// reason), filters by period and outcome, the recording played in the browser with seeking (the
// service answers range requests), and the missed calls as a callback list (issue 10): each waits
// until the caller's later call is answered (marked by itself, by that call) or a specialist marks
// it called back by hand; who and when are shown.
import { html, useEffect, useRef, useState } from '/vendor/preact.js'
import { navigate } from '../lib/store.js'
import { live } from '../lib/live.js'
import { api, qs } from '../lib/api.js'
import { dateTime, duration, phone, plural } from '../lib/format.js'
import { label, OUTCOMES, REJECT_REASONS } from '../lib/labels.js'
import { Select } from '../lib/components.js'
import { refreshTray } from './popup.js'

const PAGE = 50

function readFilters (path) {
  const u = new URLSearchParams(path.split('?')[1] ?? '')
  return { from: u.get('from') ?? '', to: u.get('to') ?? '', outcome: u.get('outcome') ?? '', missed: u.get('missed') === '1', done: u.get('done') === '1', page: Number(u.get('page') ?? 1) }
}
function toQuery (f) {
  const s = qs({ from: f.from, to: f.to, outcome: f.outcome, missed: f.missed ? '1' : '', done: f.missed && f.done ? '1' : '', page: f.page > 1 ? f.page : '' })
  return '/calls' + s
}

const answerer = (c) => c.answeredBy === null ? '' : (c.answeredBy.fullName ?? c.answeredBy.extension)

const HOW = { answered: ' (абонент дозвонился)', outgoing: ' (обратный звонок)', 'by-hand': ' (отмечено вручную)' }

function CalledBack ({ c, onMark, me }) {
  const cb = c.calledBack
  if (cb !== null) {
    return html`<span class="small" data-testid="called-back">Перезвонили ${dateTime(cb.at)}${cb.by?.fullName ? `, ${cb.by.fullName}` : ''}${HOW[cb.how] ?? ''}${cb.note ? `: ${cb.note}` : ''}</span>`
  }
  if (me?.role === 'auditor') return html`<span class="muted small">ждёт звонка</span>`
  return html`<button class="small" onClick=${() => onMark(c)} data-testid="mark-called-back">Перезвонил(а)</button>`
}

export function CallsView ({ path, me }) {
  const f = readFilters(path)
  const [data, setData] = useState(null)
  const [error, setError] = useState(null)
  const [playing, setPlaying] = useState(null)
  const timer = useRef(null)
  const set = (patch) => navigate(toQuery({ ...f, page: 1, ...patch }), { replace: true })

  async function load () {
    try {
      // the period: days of the center's zone, both inclusive (the API reads a date so); newest first;
      // the server pages, and says which calls are missed (to call back)
      const page = Math.max(1, f.page)
      const params = { from: f.from || undefined, to: f.to || undefined, outcome: f.missed ? undefined : f.outcome || undefined, missed: f.missed || undefined, calledBack: f.missed ? String(f.done) : undefined, limit: PAGE, offset: (page - 1) * PAGE }
      setData(await api('GET', '/api/calls' + qs(params)))
      setError(null)
    } catch (err) { setError(err.message) }
  }
  useEffect(() => { void load() }, [path])
  useEffect(() => {
    const again = () => { clearTimeout(timer.current); timer.current = setTimeout(() => { void load() }, 400) }
    const offs = /** @type {const} */ (['call.ringing', 'call.answered', 'call.ended', 'entry.created', 'entry.updated']).map((t) => live.on(t, again))
    return () => { offs.forEach((o) => o()); clearTimeout(timer.current) }
  }, [path])

  async function mark (c) {
    try { await api('POST', `/api/calls/${c.id}/called-back`, {}); await load(); refreshTray() } catch (err) { setError(err.message) }
  }

  const items = data?.items ?? []
  const total = data?.total ?? 0
  const pages = Math.max(1, Math.ceil(total / PAGE))

  return html`<section class="calls">
    <div class="toolbar">
      <h1>Звонки</h1>
      <div class="tabs">
        <button class=${!f.missed ? 'active' : ''} onClick=${() => set({ missed: false })}>Все звонки</button>
        <button class=${f.missed ? 'active' : ''} onClick=${() => set({ missed: true, outcome: '' })} data-testid="missed-tab">Пропущенные — перезвонить</button>
      </div>
    </div>
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <label>С <input type="date" value=${f.from} onChange=${(e) => set({ from: e.target.value })} /></label>
      <label>по <input type="date" value=${f.to} onChange=${(e) => set({ to: e.target.value })} /></label>
      ${!f.missed && html`<${Select} list=${OUTCOMES} value=${f.outcome || null} empty="Все исходы" onChange=${(v) => set({ outcome: v ?? '' })} testid="outcome-filter" />`}
      ${f.missed && html`<label class="check"><input type="checkbox" checked=${f.done} onChange=${(e) => set({ done: e.target.checked })} data-testid="show-called-back" /> Показать, кому уже перезвонили</label>`}
    </form>
    ${f.missed && html`<p class="muted small">Пропущенный звонок уходит из списка сам, когда абонент дозвонится и ему ответят; иначе отметьте «Перезвонил(а)» после обратного звонка.</p>`}
    ${error !== null && html`<p class="error" role="alert">${error}</p>`}
    <div class="table-wrap">
    <table class="grid" data-testid="calls-table">
      <thead><tr><th>Поступил</th><th>Номер</th><th>Исход</th><th>Ожидание</th><th>Разговор</th><th>Принял</th><th>Запись разговора</th><th>${f.missed ? 'Обратный звонок' : 'Журнал'}</th></tr></thead>
      <tbody>
        ${data === null && error === null && html`<tr><td colspan="8" class="empty">Загрузка…</td></tr>`}
        ${data !== null && items.length === 0 && html`<tr><td colspan="8" class="empty">${f.missed ? (f.done ? 'Отработанных пропущенных звонков нет' : 'Перезванивать некому: пропущенных звонков нет') : 'Звонков не найдено'}</td></tr>`}
        ${items.map((c) => html`<tr key=${c.id} data-call-id=${c.id} class=${'o-' + c.outcome}>
          <td class="nowrap">${dateTime(c.arrivedAt)}</td>
          <td class="nowrap">${phone(c.callerNumber) || html`<span class="muted">скрыт</span>`}</td>
          <td><span class=${'outcome o-' + c.outcome}>${label(OUTCOMES, c.outcome) || (c.endedAt ? '' : 'идёт')}</span>${c.rejectReason ? html` <span class="muted small">(${label(REJECT_REASONS, c.rejectReason)})</span>` : ''}</td>
          <td class="nowrap">${c.announcementSeconds != null
            ? html`<span class="muted small" title="Объявление о графике работы: не ожидание ответа">объявление ${duration(c.announcementSeconds)}</span>`
            : duration(c.waitSeconds)}</td>
          <td class="nowrap">${duration(c.talkSeconds)}</td>
          <td>${answerer(c)}</td>
          <td class="player">${c.hasRecording
            ? (playing === c.id
                ? html`<audio controls autoplay preload="auto" src=${`/api/calls/${c.id}/recording`} data-testid="recording"></audio>`
                : html`<button class="small" onClick=${() => setPlaying(c.id)} data-testid="play">▶ Прослушать</button>`)
            : html`<span class="muted small">—</span>`}</td>
          <td class="nowrap">${c.missed
            ? html`<${CalledBack} c=${c} me=${me} onMark=${mark} />`
            : c.entryId
              ? html`<a href=${`/entries/${c.entryId}`} data-testid="open-entry">Открыть</a>`
              : html`<span class="muted small">${c.outcome === 'rejected' ? 'вне графика' : '—'}</span>`}</td>
        </tr>`)}
      </tbody>
    </table>
    </div>
    ${html`<nav class="pager">
      <span class="muted">${total} ${plural(total, 'звонок', 'звонка', 'звонков')}</span>
      <button disabled=${f.page <= 1} onClick=${() => set({ page: f.page - 1 })}>← Назад</button>
      <span>Стр. ${f.page} из ${pages}</span>
      <button disabled=${f.page >= pages} onClick=${() => set({ page: f.page + 1 })}>Вперёд →</button>
    </nav>`}
  </section>`
}
