// Reports: the monthly journal to print and sign (PDF/XLSX), the statistics with charts and the
// period before for comparison, working-hours compliance, and the yearly archive. The head and
// the auditor see everything; a specialist downloads his own journal.
import { html, useEffect, useState } from '/vendor/preact.js'
import { api, qs } from '../lib/api.js'
import { navigate } from '../lib/store.js'
import { date, isoDay } from '../lib/format.js'
import { CHANNELS, MODULES, STATUSES, TYPES, REJECT_REASONS } from '../lib/labels.js'
import { ChartBox } from '../lib/chart.js'
import { ArchiveView } from './reports-archive.js'
import { ComplianceView } from './reports-compliance.js'

const MONTHS = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь']
const WEEKDAYS = ['Пн', 'Вт', 'Ср', 'Чт', 'Пт', 'Сб', 'Вс']
const WEEK_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

const minutes = (hhmm) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))
const overlap = (a0, a1, span) => span === null ? 0 : Math.max(0, Math.min(a1, minutes(span.to)) - Math.max(a0, minutes(span.from)))

/**
 * The center's schedule (GET /api/schedule) as the hour chart's bands: an hour is working when half
 * of it or more is working time on some weekday, lunch when half of it or more is the lunch break.
 */
export function hourBands (schedule, hours) {
  return hours.map((h) => {
    const from = h * 60
    const to = from + 60
    if (overlap(from, to, schedule.lunch) >= 30) return 'lunch'
    const work = Math.max(...WEEK_KEYS.map((k) => overlap(from, to, schedule.week[k])))
    return work >= 30 ? 'work' : null
  })
}

/** The weekday chart's bands: a weekday without working hours in the schedule is a day off. */
export function weekdayBands (schedule) {
  return WEEK_KEYS.map((k) => schedule.week[k] === null ? 'off' : null)
}

/** «рабочее время 09:00–17:00 (пт до 16:00), обед 12:30–13:30» from the schedule. */
function scheduleText (schedule) {
  const days = WEEK_KEYS.map((k, i) => [WEEKDAYS[i], schedule.week[k]]).filter(([, s]) => s !== null)
  const spans = [...new Set(days.map(([, s]) => `${s.from}–${s.to}`))]
  const hours = spans.map((sp) => `${days.filter(([, s]) => `${s.from}–${s.to}` === sp).map(([d]) => d.toLowerCase()).join(', ')} ${sp}`).join('; ')
  return `Рабочее время по графику центра: ${hours}${schedule.lunch === null ? '' : `; обед ${schedule.lunch.from}–${schedule.lunch.to}`}.`
}
const DEADLINE = [['onTime', 'Решено в срок'], ['late', 'Решено с нарушением срока'], ['openOverdue', 'Не решено, срок истёк'], ['openInTime', 'Не решено, срок не истёк']]
const CALLS = [['received', 'Поступило'], ['answered', 'Принято'], ['missed', 'Пропущено'], ['abandoned', 'Не дождались ответа'], ['rejected', 'Отклонено (вне графика)']]

const readers = (me) => me.role === 'head' || me.role === 'auditor'

/** The previous month of the center's calendar: the one the 5th-of-the-month duty prints. */
export function lastMonth () {
  const [y, m] = isoDay().split('-').map(Number)
  return m === 1 ? { year: y - 1, month: 12 } : { year: y, month: m - 1 }
}
export function monthPeriod ({ year, month }) {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
  const mm = String(month).padStart(2, '0')
  return { from: `${year}-${mm}-01`, to: `${year}-${mm}-${String(last).padStart(2, '0')}` }
}

export function ReportsView ({ me, path }) {
  const sub = path.split('?')[0].split('/')[2] ?? ''
  const tab = (href, name, text) => html`<a href=${href} class=${sub === name ? 'active' : ''} aria-current=${sub === name ? 'page' : undefined}>${text}</a>`
  let body
  if (!readers(me) || sub === '') body = html`<${JournalDownload} me=${me} />`
  else if (sub === 'statistics') body = html`<${StatisticsView} path=${path} />`
  else if (sub === 'compliance') body = html`<${ComplianceView} period=${readPeriod(path)} />`
  else if (sub === 'archive') body = html`<${ArchiveView} me=${me} lastMonth=${lastMonth()} />`
  else body = html`<p class="empty">Страница не найдена.</p>`
  return html`<section class="reports">
    <div class="toolbar"><h1>Отчёты</h1>
      ${readers(me) && html`<nav class="subnav">
        ${tab('/reports', '', 'Журнал за месяц')}
        ${tab('/reports/statistics', 'statistics', 'Статистика')}
        ${tab('/reports/compliance', 'compliance', 'Соблюдение графика')}
        ${tab('/reports/archive', 'archive', 'Архив')}
      </nav>`}
    </div>
    ${body}
  </section>`
}

function JournalDownload ({ me }) {
  const [m, setM] = useState(lastMonth())
  const [specialistId, setSpecialistId] = useState('')
  const [specialists, setSpecialists] = useState([])
  useEffect(() => { if (readers(me)) api('GET', '/api/reports/specialists').then((r) => setSpecialists(r.items)).catch(() => {}) }, [])
  const years = []
  for (let y = lastMonth().year + 1; y >= 2020; y--) years.push(y)
  const link = (format) => '/api/reports/journal' + qs({ year: m.year, month: m.month, format, specialistId: specialistId || undefined })
  return html`<div class="card report-card">
    <h2>Журнал специалиста за месяц</h2>
    <p class="muted">Каждого 5 числа месяца, следующего за отчётным, журнал распечатывается, подписывается и подшивается в папку годовой отчётности.</p>
    <div class="filters">
      <label>Месяц <select data-testid="journal-month" onChange=${(e) => setM({ ...m, month: Number(e.target.value) })}>
        ${MONTHS.map((name, i) => html`<option value=${i + 1} selected=${m.month === i + 1}>${name}</option>`)}</select></label>
      <label>Год <select data-testid="journal-year" onChange=${(e) => setM({ ...m, year: Number(e.target.value) })}>
        ${years.map((y) => html`<option value=${y} selected=${m.year === y}>${y}</option>`)}</select></label>
      ${readers(me) && html`<label>Специалист <select data-testid="journal-specialist" onChange=${(e) => setSpecialistId(e.target.value)}>
        <option value="">Весь центр</option>
        ${specialists.map((s) => html`<option value=${s.id} selected=${String(s.id) === specialistId}>${s.fullName}</option>`)}</select></label>`}
    </div>
    <p class="actions">
      <a class="button primary" href=${link('pdf')} download data-testid="journal-pdf">Скачать PDF для печати</a>
      <a class="button" href=${link('xlsx')} download data-testid="journal-xlsx">Скачать XLSX</a>
    </p>
    ${!readers(me) && html`<p class="muted small">Ваш журнал: запросы, которые вы зарегистрировали.</p>`}
  </div>`
}

function readPeriod (path) {
  const u = new URLSearchParams(path.split('?')[1] ?? '')
  const def = monthPeriod(lastMonth())
  return { from: u.get('from') ?? def.from, to: u.get('to') ?? def.to }
}

/** The figure, and how it changed since the period before. */
function Figure ({ title, value, before, testid, unit = '' }) {
  const delta = typeof value === 'number' && typeof before === 'number' ? value - before : null
  return html`<div class="figure" data-testid=${testid}>
    <div class="figure-title">${title}</div>
    <div class="figure-value" data-testid=${testid && testid + '-value'}>${value ?? '—'}${value !== null && value !== undefined ? unit : ''}</div>
    <div class="figure-before muted small">было ${before ?? '—'}${delta !== null && delta !== 0 ? html` <span class=${delta > 0 ? 'up' : 'down'}>(${delta > 0 ? '+' : ''}${Math.round(delta * 100) / 100})</span>` : ''}</div>
  </div>`
}

function StatisticsView ({ path }) {
  const period = readPeriod(path)
  const [data, setData] = useState(null)
  const [error, setError] = useState(null)
  const [schedule, setSchedule] = useState(null)
  const set = (p) => navigate('/reports/statistics' + qs(p), { replace: true })
  useEffect(() => {
    setData(null)
    api('GET', '/api/reports/statistics' + qs(period)).then((d) => { setData(d); setError(null) }, (err) => setError(err.message))
  }, [period.from, period.to])
  useEffect(() => { api('GET', '/api/schedule').then(setSchedule, () => setSchedule(null)) }, [])
  const lm = lastMonth()
  const thisMonth = monthPeriod(lm.month === 12 ? { year: lm.year + 1, month: 1 } : { year: lm.year, month: lm.month + 1 })
  const year = isoDay().slice(0, 4)
  const c = data?.current
  const p = data?.previous
  return html`<div class="statistics">
    <form class="filters" onSubmit=${(e) => e.preventDefault()}>
      <label>С <input type="date" value=${period.from} data-testid="stat-from" onChange=${(e) => set({ ...period, from: e.target.value })} /></label>
      <label>по <input type="date" value=${period.to} data-testid="stat-to" onChange=${(e) => set({ ...period, to: e.target.value })} /></label>
      <button type="button" onClick=${() => set(monthPeriod(lm))}>Прошлый месяц</button>
      <button type="button" onClick=${() => set(thisMonth)}>Этот месяц</button>
      <button type="button" onClick=${() => set({ from: `${year}-01-01`, to: `${year}-12-31` })}>Этот год</button>
      <a class="button" href=${'/api/reports/statistics' + qs({ ...period, format: 'xlsx' })} download data-testid="stat-xlsx">Выгрузить в XLSX</a>
    </form>
    ${error !== null && html`<p class="error" role="alert">${error}</p>`}
    ${data === null && error === null && html`<p class="muted">Загрузка…</p>`}
    ${c && html`
      <p class="muted" data-testid="stat-periods">Период ${date(c.period.from)} — ${date(c.period.to)}; для сравнения ${date(p.period.from)} — ${date(p.period.to)}.</p>
      <h2>Запросы</h2>
      <div class="figures">
        <${Figure} title="Зарегистрировано" value=${c.requests.total} before=${p.requests.total} testid="stat-requests" />
        <${Figure} title="Решено в срок" value=${c.requests.deadline.onTime} before=${p.requests.deadline.onTime} testid="stat-ontime" />
        <${Figure} title="Решено с нарушением срока" value=${c.requests.deadline.late} before=${p.requests.deadline.late} testid="stat-late" />
        <${Figure} title="Не решено, срок истёк" value=${c.requests.deadline.openOverdue} before=${p.requests.deadline.openOverdue} testid="stat-overdue" />
        <${Figure} title="Время решения, медиана (раб. дней)" value=${c.requests.resolveWorkingDays.median} before=${p.requests.resolveWorkingDays.median} testid="stat-resolve-median" />
        <${Figure} title="Аннулировано записей" value=${c.requests.annulled} before=${p.requests.annulled} testid="stat-annulled" />
      </div>
      <div class="charts">
        <div class="card wide"><h3>По ${c.requests.byPeriod.unit === 'day' ? 'дням' : 'месяцам'}</h3>
          <${ChartBox} type="bar" testid="chart-requests-period" labels=${c.requests.byPeriod.items.map((i) => i.key.length === 10 ? date(i.key).slice(0, 5) : i.key)}
            datasets=${[{ label: 'Запросов', data: c.requests.byPeriod.items.map((i) => i.count) }]} /></div>
        <div class="card"><h3>По типу</h3><${ChartBox} type="doughnut" testid="chart-type" labels=${TYPES.map(([, t]) => t)} datasets=${[{ data: TYPES.map(([k]) => c.requests.byType[k]) }]} /></div>
        <div class="card"><h3>По статусу</h3><${ChartBox} type="bar" horizontal testid="chart-status" labels=${STATUSES.map(([, t]) => t)} datasets=${[{ label: 'Запросов', data: STATUSES.map(([k]) => c.requests.byStatus[k]) }]} /></div>
        <div class="card"><h3>Соблюдение срока (п. 3.4.2)</h3><${ChartBox} type="doughnut" testid="chart-deadline" labels=${DEADLINE.map(([, t]) => t)} datasets=${[{ data: DEADLINE.map(([k]) => c.requests.deadline[k]), backgroundColor: ['#2e9d5b', '#e0a100', '#d2452f', '#8a8f98'] }]} /></div>
        <div class="card"><h3>По каналу</h3><${ChartBox} type="bar" testid="chart-channel" labels=${CHANNELS.map(([, t]) => t)} datasets=${[{ label: 'Запросов', data: CHANNELS.map(([k]) => c.requests.byChannel[k]) }]} /></div>
        <div class="card"><h3>По модулю</h3><${ChartBox} type="bar" horizontal testid="chart-module" labels=${MODULES.map(([, t]) => t)} datasets=${[{ label: 'Запросов', data: MODULES.map(([k]) => c.requests.byModule[k]) }]} /></div>
        <div class="card"><h3>Организации</h3>
          <table class="grid compact" data-testid="stat-orgs"><tbody>${c.requests.byOrganization.map((o) => html`<tr><td>${o.name}</td><td class="num">${o.count}</td></tr>`)}</tbody></table></div>
      </div>
      <h2>Звонки</h2>
      <div class="figures">
        ${CALLS.map(([k, t]) => html`<${Figure} title=${t} value=${c.calls[k]} before=${p.calls[k]} testid=${'stat-calls-' + k} />`)}
        <${Figure} title="Перезвонили по пропущенным" value=${c.calls.callbacks === undefined ? null : `${c.calls.callbacks.calledBack} из ${c.calls.callbacks.missed}`} before=${p.calls.callbacks === undefined ? null : `${p.calls.callbacks.calledBack} из ${p.calls.callbacks.missed}`} testid="stat-calls-called-back" />
        <${Figure} title="Ждут обратного звонка" value=${c.calls.callbacks?.pending ?? null} before=${p.calls.callbacks?.pending ?? null} testid="stat-calls-callback-pending" />
        <${Figure} title="Ожидание ответа, медиана / 90%" value=${c.calls.waitSeconds.median === null ? null : `${c.calls.waitSeconds.median} / ${c.calls.waitSeconds.p90} с`} before=${p.calls.waitSeconds.median === null ? null : `${p.calls.waitSeconds.median} / ${p.calls.waitSeconds.p90} с`} testid="stat-wait" />
        <${Figure} title="Разговор, медиана / 90%" value=${c.calls.talkSeconds.median === null ? null : `${c.calls.talkSeconds.median} / ${c.calls.talkSeconds.p90} с`} before=${p.calls.talkSeconds.median === null ? null : `${p.calls.talkSeconds.median} / ${p.calls.talkSeconds.p90} с`} testid="stat-talk" />
        <${Figure} title="Объявление о графике (отклонённые), медиана" value=${c.calls.announcementSeconds?.median == null ? null : `${c.calls.announcementSeconds.median} с`} before=${p.calls.announcementSeconds?.median == null ? null : `${p.calls.announcementSeconds.median} с`} testid="stat-announcement" />
      </div>
      <div class="charts">
        <div class="card wide"><h3>По часам суток (время центра)</h3>
          <${ChartBox} type="bar" stacked testid="chart-hours" labels=${c.calls.byHour.map((h) => String(h.hour).padStart(2, '0'))}
            bands=${schedule === null ? null : hourBands(schedule, c.calls.byHour.map((h) => h.hour))}
            datasets=${CALLS.slice(1).map(([k, t]) => ({ label: t, data: c.calls.byHour.map((h) => h[k]) }))} />
          ${schedule !== null && html`<p class="muted small" data-testid="chart-hours-note">${scheduleText(schedule)} Зелёным выделены рабочие часы, жёлтым — обед.</p>`}</div>
        <div class="card"><h3>По дням недели</h3>
          <${ChartBox} type="bar" stacked testid="chart-weekdays" labels=${WEEKDAYS} bands=${schedule === null ? null : weekdayBands(schedule)}
            datasets=${CALLS.slice(1).map(([k, t]) => ({ label: t, data: c.calls.byWeekday.map((d) => d[k]) }))} />
          ${schedule !== null && html`<p class="muted small" data-testid="chart-weekdays-note">Серым выделены выходные дни графика (праздники — по производственному календарю).</p>`}</div>
        <div class="card"><h3>Отклонены по причине</h3>
          <table class="grid compact" data-testid="stat-reasons"><tbody>${REJECT_REASONS.map(([k, t]) => html`<tr><td>${t}</td><td class="num">${c.calls.rejectedByReason[k]}</td></tr>`)}</tbody></table></div>
      </div>
      <h2>Специалисты</h2>
      <table class="grid" data-testid="stat-specialists">
        <thead><tr><th>Специалист</th><th>Зарегистрировал запросов</th><th>Решил</th><th>Принял звонков</th><th>Разговоров, мин</th></tr></thead>
        <tbody>${c.specialists.map((s) => html`<tr><td>${s.fullName}</td><td class="num">${s.registered}</td><td class="num">${s.resolved}</td><td class="num">${s.answered}</td><td class="num">${Math.round(s.talkSeconds / 6) / 10}</td></tr>`)}</tbody>
      </table>`}
  </div>`
}

