// Working-hours compliance for a period: the figures, then the service's own tables (the same
// text the PDF and XLSX print), with downloads of both.
import { html, useEffect, useState } from '/vendor/preact.js'
import { api, qs } from '../lib/api.js'
import { navigate } from '../lib/store.js'

const hours = (s) => `${Math.floor(s / 3600)} ч ${String(Math.round((s % 3600) / 60)).padStart(2, '0')} мин`

export function ComplianceView ({ period }) {
  const [data, setData] = useState(null)
  const [error, setError] = useState(null)
  const set = (p) => navigate('/reports/compliance' + qs(p), { replace: true })
  useEffect(() => {
    setData(null)
    api('GET', '/api/reports/compliance' + qs(period)).then((d) => { setData(d); setError(null) }, (err) => setError(err.message))
  }, [period.from, period.to])
  const c = data?.compliance
  const fig = (title, value, testid) => html`<div class="figure" data-testid=${testid}><div class="figure-title">${title}</div><div class="figure-value" data-testid=${testid + '-value'}>${value}</div></div>`
  return html`<div class="compliance">
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <label>С <input type="date" value=${period.from} data-testid="comp-from" onChange=${(e) => set({ ...period, from: e.target.value })} /></label>
      <label>по <input type="date" value=${period.to} data-testid="comp-to" onChange=${(e) => set({ ...period, to: e.target.value })} /></label>
      <a class="button" href=${'/api/reports/compliance' + qs({ ...period, format: 'pdf' })} download data-testid="comp-pdf">PDF</a>
      <a class="button" href=${'/api/reports/compliance' + qs({ ...period, format: 'xlsx' })} download data-testid="comp-xlsx">XLSX</a>
    </form>
    ${error !== null && html`<p class="error" role="alert">${error}</p>`}
    ${data === null && error === null && html`<p class="muted">Загрузка…</p>`}
    ${c && html`
      <h2 data-testid="comp-title">${data.title}</h2>
      <div class="figures">
        ${fig('Без ответа в рабочее время', `${c.unansweredInHours.length} (перезвонили: ${c.calledBack})`, 'comp-unanswered')}
        ${fig('Звонков вне графика', c.outsideHours.total, 'comp-outside')}
        ${fig('Зарегистрировано позже срока (п. 3.3)', c.lateRegistrations.length, 'comp-late-reg')}
        ${fig('Решено после срока', c.resolvedLate.length, 'comp-late-res')}
        ${fig('Без специалиста на линии', `${hours(c.noSpecialist.uncoveredSeconds)} из ${hours(c.noSpecialist.workingSeconds)}`, 'comp-uncovered')}
      </div>
      ${data.tables.map((t, i) => html`<div class="card comp-table" data-testid=${'comp-table-' + i}>
        <h3>${t.title}</h3>
        ${t.note && html`<p class="muted small">${t.note}</p>`}
        <div class="table-wrap"><table class="grid compact">
          <thead><tr>${t.columns.map((col) => html`<th>${col.label}</th>`)}</tr></thead>
          <tbody>
            ${t.rows.length === 0 && html`<tr><td colspan=${t.columns.length} class="empty">${t.empty}</td></tr>`}
            ${t.rows.map((r) => html`<tr>${r.map((v) => html`<td>${v}</td>`)}</tr>`)}
          </tbody>
        </table></div>
      </div>`)}`}
  </div>`
}
