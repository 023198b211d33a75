// The head's production calendar: each day of a year as the service sees it (decree, Labour Code,
// or the head's edit), a click to make a day a holiday, a working day or a shortened day, and a
// warning when the year has no decree entered yet (provisional: Labour Code art. 112 only).
import { html, useEffect, useState } from '/vendor/preact.js'
import { api } from '../lib/api.js'
import { date, isoDay, zoneName } from '../lib/format.js'
import { DAY_KINDS, label } from '../lib/labels.js'
import { Dialog } from '../lib/components.js'

const MONTHS = ['Январь', 'Февраль', 'Март', 'Апрель', 'Май', 'Июнь', 'Июль', 'Август', 'Сентябрь', 'Октябрь', 'Ноябрь', 'Декабрь']
const WEEK = ['Пн', 'Вт', 'Ср', 'Чт', 'Пт', 'Сб', 'Вс']
const ORIGIN = { schedule: 'по графику', official: 'постановление Правительства', provisional: 'ТК РФ ст. 112 (предварительно)', manual: 'изменено руководителем' }

export function CalendarView () {
  const [year, setYear] = useState(Number(isoDay().slice(0, 4)))
  const [data, setData] = useState(null)
  const [error, setError] = useState(null)
  const [day, setDay] = useState(null)
  const [confirming, setConfirming] = useState(false)
  const load = async () => { try { setData(await api('GET', `/api/calendar?year=${year}`)); setError(null) } catch (err) { setError(err.message) } }
  useEffect(() => { setData(null); void load() }, [year])

  const today = isoDay()
  const byMonth = Array.from({ length: 12 }, () => [])
  for (const d of data?.days ?? []) byMonth[Number(d.date.slice(5, 7)) - 1].push(d)

  return html`<section class="calendar">
    <div class="toolbar">
      <h1>Производственный календарь</h1>
      <button onClick=${() => setYear(year - 1)}>← ${year - 1}</button>
      <b class="year" data-testid="calendar-year">${year}</b>
      <button onClick=${() => setYear(year + 1)}>${year + 1} →</button>
      ${data && html`<span class="muted">рабочих дней: ${data.workingDays}; ${zoneName(data.zone)}</span>`}
    </div>
    ${error !== null && html`<p class="error" role="alert">${error}</p>`}
    ${data && !data.confirmed && html`<p class="banner warn" data-testid="calendar-unconfirmed"><b>Календарь ${year} года не подтверждён.</b> Постановление о переносе выходных дней не внесено: праздники определены только по ст. 112 ТК РФ. Внесите дни из постановления, когда оно будет опубликовано, и подтвердите год.
      <button class="small" onClick=${() => setConfirming(true)} data-testid="confirm-year">Подтвердить год…</button></p>`}
    ${data && data.confirmed && html`<p class="muted small">Источник: ${data.source}</p>`}
    <div class="legend small">
      <span class="day working">рабочий</span><span class="day off">выходной</span><span class="day holiday">праздник / перенос</span>
      <span class="day shortened">сокращённый</span><span class="day manual">изменён руководителем</span>
    </div>
    <div class="months">${byMonth.map((days, m) => html`<div class="month card">
      <h3>${MONTHS[m]}</h3>
      <div class="week">${WEEK.map((w) => html`<span class="wd">${w}</span>`)}
        ${days.length > 0 && Array.from({ length: days[0].weekday - 1 }, () => html`<span></span>`)}
        ${days.map((d) => html`<button class=${dayClass(d, today)} title=${dayTitle(d)} onClick=${() => setDay(d)} data-date=${d.date}>${Number(d.date.slice(8))}</button>`)}
      </div>
    </div>`)}</div>
    ${confirming && html`<${Dialog} title=${`Подтвердить календарь ${year} года`} onClose=${() => setConfirming(false)} submitText="Подтвердить"
      onSubmit=${async (fd) => { await api('PUT', `/api/calendar/years/${year}`, { source: String(fd.get('source') ?? '').trim() }); await load() }}>
      <p class="small">Дни года в их нынешнем виде станут официальными. Сначала внесите переносы выходных из постановления.</p>
      <label>Постановление<input name="source" required minlength="5" placeholder="Постановление Правительства РФ от … № …" /></label>
    <//>`}
    ${day !== null && html`<${Dialog} title=${`${date(day.date)}, ${WEEK[day.weekday - 1]}`} onClose=${() => setDay(null)} testid="day-dialog"
      onSubmit=${async (fd) => {
        if (fd.get('kind') === '__revert') await api('DELETE', `/api/calendar/days/${day.date}`)
        else {
          const body = { kind: fd.get('kind') }
          const c = String(fd.get('comment') ?? '').trim()
          if (c !== '') body.comment = c
          const from = String(fd.get('from') ?? ''); const to = String(fd.get('to') ?? '')
          if ((body.kind === 'working' || body.kind === 'shortened') && from !== '' && to !== '') body.hours = { from, to }
          await api('PUT', `/api/calendar/days/${day.date}`, body)
        }
        await load()
      }}>
      <p>Сейчас: <b>${day.working ? (day.shortened ? 'сокращённый рабочий день' : 'рабочий день') : 'нерабочий день'}</b>${day.hours ? `, ${day.hours.from}–${day.hours.to}` : ''}
        <br/><span class="muted small">${ORIGIN[day.origin] ?? day.origin}${day.comment ? ` · ${day.comment}` : ''}</span></p>
      <label>Сделать днём<select name="kind" data-testid="day-kind">
        ${DAY_KINDS.map(([c, t]) => html`<option value=${c} selected=${c === day.kind}>${t}</option>`)}
        ${day.origin === 'manual' && html`<option value="__revert">Вернуть как в официальном календаре</option>`}
      </select></label>
      <div class="row2"><label>Начало (необязательно)<input type="time" name="from" /></label>
        <label>Окончание (необязательно)<input type="time" name="to" /></label></div>
      <p class="muted small">Без часов рабочий день идёт по обычному графику, сокращённый — на час короче (ст. 95 ТК РФ).</p>
      <label>Комментарий<input name="comment" placeholder="Например: постановление № …" /></label>
      <p class="muted small">Изменение применяется сразу: к графику приёма звонков на АТС и к срокам запросов.</p>
    <//>`}
  </section>`
}

function dayClass (d, today) {
  const c = ['day']
  if (!d.working) c.push(d.closedReason === 'holiday' ? 'holiday' : 'off')
  else c.push(d.shortened ? 'shortened' : 'working')
  if (d.origin === 'manual') c.push('manual')
  if (d.date === today) c.push('today')
  return c.join(' ')
}
function dayTitle (d) {
  const what = d.working ? (d.shortened ? 'сокращённый' : 'рабочий') : (d.closedReason === 'holiday' ? 'праздник/перенос' : 'выходной')
  return `${what}${d.hours ? ` ${d.hours.from}–${d.hours.to}` : ''} · ${ORIGIN[d.origin] ?? d.origin}${d.comment ? ' · ' + d.comment : ''}`
}
