// One journal entry: complete a call's draft and register it (it gets its number then), edit it,
// move it through the statuses of reg. 3.6 (the server enforces the rules; its refusal is shown as
// it says it), record the agreement of an Ошибка/Улучшение, extend the deadline with a recorded
// agreement, annul with a reason; the full history of changes and the linked calls with recordings.
import { html, useEffect, useRef, useState } from '/vendor/preact.js'
import { canWrite, navigate, useStore } from '../lib/store.js'
import { live } from '../lib/live.js'
import { api, qs } from '../lib/api.js'
import { errorText } from '../lib/errors.js'
import {
  annulEntry, changeStatus, entryHistory, extendDeadline, getEntry, recordAgreement, registerEntry, updateEntry
} from '../lib/journal-api.js'
import { date, dateTime, duration, entryNumber, isoDay, phone } from '../lib/format.js'
import { AGREEMENT, CHANNELS, label, MAIL, MODULES, OUTCOMES, STATUSES, TRANSITIONS, TYPES } from '../lib/labels.js'
import { Dialog, OrgInput, Select } from '../lib/components.js'
import { Correspondence } from './mail.js'

const FIELDS = ['type', 'module', 'channel', 'description', 'organizationId', 'organizationName', 'contactText', 'callerNumber', 'callerEmail', 'additionalInfo', 'note']
const needsAgreement = (type) => type === 'error' || type === 'improvement'

const STATUS_VERB = {
  resolved: 'Решен', in_progress: 'В работу', feedback: 'Обратная связь', to_developer: 'Передать разработчику', closed: 'Закрыть'
}

function formOf (e) {
  const f = {}
  for (const k of FIELDS) f[k] = e[k] ?? null
  if (f.organizationName === null && e.organization?.name) f.organizationName = e.organization.name
  return f
}

function diffOf (form, e) {
  const out = {}
  const base = formOf(e)
  for (const k of FIELDS) {
    const v = typeof form[k] === 'string' && form[k].trim() === '' ? null : form[k]
    if (JSON.stringify(v) !== JSON.stringify(base[k])) out[k] = v
  }
  return out
}

export function EntryView ({ me, id }) {
  const [entry, setEntry] = useState(null)
  const [form, setForm] = useState(null)
  const [error, setError] = useState(null)
  const [notice, setNotice] = useState(null)
  const [dialog, setDialog] = useState(null)
  const [history, setHistory] = useState([])
  const [calls, setCalls] = useState([])
  const [stale, setStale] = useState(false)
  const [busy, setBusy] = useState(false)
  const [missing, setMissing] = useState([])
  const [earlier, setEarlier] = useState([])
  const dirtyRef = useRef(false)
  const focusedRef = useRef(false)
  const typeRef = useRef(null)
  const presence = useStore((s) => s.presence ?? [])

  async function load () {
    try {
      const e = await getEntry(id)
      setEntry(e)
      setForm(formOf(e))
      setStale(false)
      dirtyRef.current = false
      setError(null)
      entryHistory(id).then((h) => setHistory(h.lines ?? [])).catch(() => setHistory([]))
      const linked = e.calls ?? null
      if (Array.isArray(linked)) setCalls(linked)
      else if (e.channel === 'phone') loadCalls()
      // the caller's earlier requests, open and closed, beside the draft (issue 10)
      const who = e.callerNumber ? { callerNumber: e.callerNumber } : e.callerEmail ? { q: e.callerEmail } : null
      if (who !== null) {
        api('GET', '/api/entries' + qs({ ...who, draft: 'false', annulled: 'exclude', sort: 'registeredOn', order: 'desc', limit: 11 }))
          .then((r) => setEarlier(r.items.filter((x) => x.id !== id).slice(0, 10))).catch(() => setEarlier([]))
      } else setEarlier([])
    } catch (err) { setError(err.message) }
  }
  function loadCalls () { api('GET', `/api/calls?entryId=${id}`).then((r) => setCalls(r.items)).catch(() => setCalls([])) }
  useEffect(() => { void load() }, [id])
  // a draft opened mid-call: its call line follows the call (answered, ended, the talk's length)
  useEffect(() => {
    const mine = (m) => m.draft?.id === id || calls.some((c) => c.linkedId === m.call?.linkedId)
    const offs = /** @type {const} */ (['call.answered', 'call.ended']).map((t) => live.on(t, (m) => { if (mine(m)) loadCalls() }))
    return () => offs.forEach((o) => o())
  }, [id, calls])
  useEffect(() => {
    const offs = [
      live.on('entry.updated', (msg) => {
        if (msg.entry.id !== id) return
        if (dirtyRef.current) setStale(true)
        else void load()
      }),
      // back online: what changed meanwhile is loaded, and «Нет связи» goes away
      live.on('live.open', (m) => {
        if (!m.reconnect) return
        setError((e) => e === errorText('NETWORK', 0) ? null : e)
        if (!dirtyRef.current) void load()
      })
    ]
    return () => offs.forEach((off) => off())
  }, [id])
  // a draft opens with the cursor in «Тип запроса»: the first thing the specialist fills (from a popup too)
  useEffect(() => {
    if (focusedRef.current || entry === null || form === null) return
    if ((entry.number !== null && entry.number !== undefined) || !canWrite(me) || entry.annulment) return
    const select = typeRef.current?.querySelector('select')
    if (!(select instanceof HTMLSelectElement) || select.disabled) return
    focusedRef.current = true
    select.focus()
  }, [entry, form])

  if (error !== null && entry === null) return html`<p class="error" role="alert">${error} <a href="/journal">К журналу</a></p>`
  if (entry === null || form === null) return html`<p class="empty">Загрузка…</p>`

  const draft = entry.number === null || entry.number === undefined
  const annulled = entry.annulment !== null && entry.annulment !== undefined
  const closed = entry.status === 'closed'
  const editable = canWrite(me) && !annulled && !closed
  const set = (k) => (ev) => { dirtyRef.current = true; setForm({ ...form, [k]: ev?.target !== undefined ? ev.target.value : ev }) }
  const changes = diffOf(form, entry)
  const dirty = Object.keys(changes).length > 0

  async function act (fn, okText) {
    setBusy(true)
    setError(null)
    setNotice(null)
    try {
      const r = await fn()
      if (okText) setNotice(okText)
      if (r && typeof r === 'object' && r.id === id) { setEntry(r); setForm(formOf(r)); dirtyRef.current = false }
      await load()
      return r
    } catch (err) {
      setError(err.message)
      setMissing(err.details?.missing ?? [])
      throw err
    } finally { setBusy(false) }
  }

  const save = () => act(() => updateEntry(id, changes), 'Сохранено').catch(() => {})
  async function register (takeOver = false) {
    try {
      if (dirty) await updateEntry(id, changes)
      await act(() => registerEntry(id, takeOver), null)
      setMissing([])
      setNotice('Запрос зарегистрирован')
    } catch (err) {
      // a colleague's call: registered only when taken over knowingly (the server refuses otherwise)
      if (err.code === 'ASSIGNED_TO_ANOTHER') { setError(null); setDialog({ kind: 'takeOver', arg: holderName }); return }
      setError(err.message); setMissing(err.details?.missing ?? [])
    }
  }
  function onKeyDown (ev) {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); if (draft) void register(); else if (dirty) void save() }
  }

  const overdue = entry.overdue === true
  // who holds the draft, when it is not you (the call a colleague took)
  const holder = entry.assignedTo !== null && entry.assignedTo !== undefined && entry.assignedTo !== me?.id ? presence.find((p) => p.userId === entry.assignedTo) ?? { fullName: 'другой специалист', extension: null } : null
  const holderName = holder === null ? null : `${holder.fullName}${holder.extension ? ` (доб. ${holder.extension})` : ''}`
  // the deadline as the rules say: paused in «Обратная связь», none once resolved, closed or annulled
  const finished = annulled || entry.status === 'resolved' || entry.status === 'closed'
  const pausedSince = entry.paused === true ? (entry.pauses ?? []).find((p) => p.to === null)?.from ?? null : null
  const statusLines = history.filter((h) => h.action === 'status' || h.action === 'extension' || h.action === 'agreement' || h.action === 'annulled')
  // reg. 3.4.1: the resolution goes back by e-mail only for a message's request, and only when the mailbox sends
  const mailTo = entry.channel === 'email' && MAIL.replies && entry.callerEmail ? entry.callerEmail : null
  // the five columns a draft needs before it can be registered (the server lists the missing ones)
  const req = (field) => html`${draft ? html` <span class="req" title="обязательно для регистрации">*</span>` : ''}`
  const lbl = (field) => missing.includes(field) ? 'missing' : ''
  const dlg = dialog === null ? null : dialogs[dialog.kind]?.({ entry, id, close: () => setDialog(null), act, arg: dialog.arg, mailTo, register })

  return html`<section class="entry" onKeyDown=${onKeyDown}>
    <div class="toolbar">
      <a href="/journal" class="link">← Журнал</a>
      <h1 data-testid="entry-title">${draft ? 'Черновик записи' : `Запись № ${entryNumber(entry)}`}</h1>
      ${annulled
        ? html`<span class="pill bad" data-testid="entry-status">Аннулирована</span>`
        : draft ? html`<span class="pill warn">черновик: номер будет присвоен при регистрации</span>` : html`<span class=${'status s-' + entry.status} data-testid="entry-status">${label(STATUSES, entry.status)}</span>`}
      ${!draft && !finished && (pausedSince !== null
        ? html`<span class="pill off" data-testid="entry-due">Срок приостановлен с ${date(pausedSince)}</span>`
        : entry.dueAt && html`<span class=${'pill ' + (overdue ? 'bad' : 'off')} data-testid="entry-due">Срок: ${dateTime(entry.dueAt)}${overdue ? ' — просрочен' : ''}</span>`)}
    </div>
    ${annulled && html`<p class="banner bad">Аннулирована ${dateTime(entry.annulment.at)}: ${entry.annulment.reason}</p>`}
    ${draft && !annulled && holder !== null && html`<p class="banner warn" data-testid="foreign-draft">Этот звонок принял(а) ${holderName}: черновик заполняет и регистрирует он(а). Зарегистрировать его вы сможете, только взяв запрос на себя.</p>`}
    ${stale && html`<p class="banner warn">Запись изменил другой пользователь. <button class="link" onClick=${load}>Загрузить новую версию</button> (ваши несохранённые правки пропадут)</p>`}
    ${error !== null && html`<p class="error" role="alert" data-testid="entry-error">${error}</p>`}
    ${notice !== null && html`<p class="notice" role="status" data-testid="entry-notice">${notice}</p>`}

    <div class="entry-grid">
      <form class="card fields" onSubmit=${(e) => { e.preventDefault(); if (draft) void register(); else void save() }} aria-label="Запись журнала">
        <div class="row2">
          <label>Дата<input value=${date(entry.registeredOn) || '— (при регистрации)'} disabled /></label>
          <label>№ п/п<input value=${entryNumber(entry) || '—'} disabled /></label>
        </div>
        <div class="row2">
          <label class=${lbl('type')} ref=${typeRef}><span>Тип запроса${req('type')}</span><${Select} list=${TYPES} value=${form.type} empty="— выберите —" disabled=${!editable} onChange=${set('type')} testid="entry-type" /></label>
          <label class=${lbl('module')}><span>Модуль системы${req('module')}</span><${Select} list=${MODULES} value=${form.module} empty="— не указан —" disabled=${!editable} onChange=${set('module')} testid="entry-module" /></label>
        </div>
        <label class=${lbl('description')}><span>Описание запроса${req('description')}</span>
          <textarea rows="4" value=${form.description ?? ''} disabled=${!editable} onInput=${set('description')} data-testid="entry-description" placeholder="Что спросили или что случилось"></textarea></label>
        <label class=${lbl('organization')}><span>Наименование организации${req('organization')}</span>
          <${OrgInput} value=${{ id: form.organizationId, name: form.organizationName ?? '' }} disabled=${!editable} testid="entry-organization"
            onChange=${(o) => { dirtyRef.current = true; setForm({ ...form, organizationId: o.id, organizationName: o.name }) }} /></label>
        <label class=${lbl('contact')}><span>ФИО, контактная информация${req('contact')}</span>
          <input value=${form.contactText ?? ''} disabled=${!editable} onInput=${set('contactText')} data-testid="entry-contact" placeholder="Фамилия Имя Отчество, должность" /></label>
        <div class="row2">
          <label>Телефон<input value=${form.callerNumber ?? ''} disabled=${!editable} onInput=${set('callerNumber')} data-testid="entry-phone" /></label>
          <label>Эл. почта<input type="email" value=${form.callerEmail ?? ''} disabled=${!editable} onInput=${set('callerEmail')} /></label>
        </div>
        <label>Дополнительная информация<textarea rows="2" value=${form.additionalInfo ?? ''} disabled=${!editable} onInput=${set('additionalInfo')}></textarea></label>
        <label>Примечание<textarea rows="2" value=${form.note ?? ''} disabled=${!editable} onInput=${set('note')} data-testid="entry-note"></textarea></label>
        <div class="row2">
          <label>Канал<${Select} list=${CHANNELS} value=${form.channel} disabled=${!editable} onChange=${set('channel')} /></label>
          <label>Дата решения запроса<input value=${date(entry.resolvedOn) || '—'} disabled /></label>
        </div>
        ${entry.resolution && html`<div class="resolution"><b>Решение:</b> ${entry.resolution}</div>`}
        ${editable && html`<div class="actions">
          ${draft
            ? html`<button type="submit" class="primary" disabled=${busy} data-testid="register">Зарегистрировать <kbd>Ctrl+Enter</kbd></button>
                   <button type="button" disabled=${busy || !dirty} onClick=${save}>Сохранить черновик</button>`
            : html`<button type="submit" class="primary" disabled=${busy || !dirty} data-testid="save">Сохранить изменения</button>`}
        </div>`}
      </form>

      <aside>
        ${!draft && editable && html`<div class="card">
          <h3>Статус решения</h3>
          <div class="buttons">
            ${(TRANSITIONS[entry.status] ?? []).map((s) => html`<button onClick=${() => setDialog({ kind: 'status', arg: s })} data-testid=${'to-' + s}>${STATUS_VERB[s]}</button>`)}
          </div>
          <p class="muted small">«Обратная связь» останавливает срок, пока не придут сведения (п. 3.4.3). «Передано разработчику» — после согласования Ошибки/Улучшения.</p>
        </div>`}
        ${statusLines.length > 0 && html`<div class="card" data-testid="status-comments">
          <h3>Ход решения</h3>
          <ol class="status-lines">${statusLines.map((h) => html`<li><span class="when">${dateTime(h.at)}, ${h.userName ?? 'система'}</span><br />${h.text}</li>`)}</ol>
        </div>`}
        ${needsAgreement(entry.type) && html`<div class="card" data-testid="agreement">
          <h3>Согласование (п. 3.5)</h3>
          ${entry.agreement
            ? html`<p><span class=${'pill ' + ({ agreed: 'ok', rejected: 'bad' }[entry.agreement.state] ?? 'warn')}>${label(AGREEMENT, entry.agreement.state)}</span>
                ${entry.agreement.by ? html` — ${entry.agreement.by}` : ''} ${entry.agreement.at ? html`<span class="muted">${dateTime(entry.agreement.at)}</span>` : ''}</p>
                ${entry.agreement.comment && html`<p class="small">${entry.agreement.comment}</p>`}`
            : html`<p class="muted">Не согласовано</p>`}
          ${editable && !draft && html`<button onClick=${() => setDialog({ kind: 'agreement' })}>Записать согласование</button>`}
        </div>`}
        ${!draft && !finished && html`<div class="card" data-testid="deadline-card">
          <h3>Срок (п. 3.4.2)</h3>
          <p>${pausedSince !== null
            ? html`<span>приостановлен с <b>${date(pausedSince)}</b> («Обратная связь», п. 3.4.3)</span>`
            : entry.dueAt ? html`до <b class=${overdue ? 'overdue-text' : ''}>${dateTime(entry.dueAt)}</b>` : html`<span class="muted">срок не идёт</span>`}</p>
          ${(entry.extensions ?? []).map((x) => html`<p class="small">Продлён до ${dateTime(x.dueAt)}: ${x.reason} (согласовал: ${x.agreedBy})</p>`)}
          ${editable && pausedSince === null && html`<button onClick=${() => setDialog({ kind: 'extension' })} data-testid="extend">Продлить срок…</button>`}
        </div>`}
        ${earlier.length > 0 && html`<div class="card" data-testid="earlier-requests">
          <h3>Обращения абонента (${earlier.length})</h3>
          <ul class="plain">${earlier.map((e) => html`<li><a href=${`/entries/${e.id}`}>№ ${entryNumber(e)}</a> <span class="muted">${date(e.registeredOn)}, ${label(STATUSES, e.status)}</span> ${(e.description ?? '').slice(0, 80)}</li>`)}</ul>
        </div>`}
        ${calls.length > 0 && html`<div class="card">
          <h3>Звонки</h3>
          ${calls.map((c) => html`<div class="call-line">
            <div data-testid="call-line">${[dateTime(c.arrivedAt), phone(c.callerNumber), c.outcome ? label(OUTCOMES, c.outcome) : (c.state === 'talking' ? 'идёт разговор' : 'звонит'), c.talkSeconds ? duration(c.talkSeconds) : ''].filter((x) => x).join(' · ')}</div>
            ${c.hasRecording && html`<audio controls preload="none" src=${`/api/calls/${c.id}/recording`}></audio>`}
          </div>`)}
        </div>`}
        ${canWrite(me) && !annulled && html`<div class="card">
          <button class="danger" onClick=${() => setDialog({ kind: 'annul' })} data-testid="annul">${draft ? 'Отклонить черновик…' : 'Аннулировать…'}</button>
          <p class="muted small">${draft ? 'Черновик, который не нужен (ошиблись номером, повторный звонок), уходит из черновиков с причиной; номер он не получит.' : 'Записи журнала не удаляются: аннулированная запись остаётся с причиной.'}</p>
        </div>`}
      </aside>
    </div>

    ${entry.channel === 'email' && html`<${Correspondence} me=${me} entryId=${id} />`}
    <details class="card history" open=${history.length > 0 && history.length <= 12}>
      <summary>История изменений (${history.length})</summary>
      <ol class="history-lines" data-testid="history">${history.map((h) => html`<li key=${h.id}>
        <span class="when">${dateTime(h.at)}</span> <span class="who">${h.userName ?? 'система'}</span>
        <div class="what">${h.text}</div>
        ${h.changes.length > 0 && html`<ul class="changes small">${h.changes.map((c) => html`<li><b>${c.field}</b>: ${c.old === null ? '' : html`<s>${c.old}</s> → `}${c.new ?? '(пусто)'}</li>`)}</ul>`}
      </li>`)}</ol>
    </details>
    ${dlg}
  </section>`
}

const dialogs = {
  status: ({ id, close, act, arg, mailTo }) => {
    const needsText = arg === 'resolved' || arg === 'feedback'
    // reg. 3.4.1: an e-mail request's resolution (and the question of «Обратная связь») goes to the sender
    const mailed = mailTo !== null && mailTo !== undefined && (arg === 'resolved' || arg === 'feedback')
    return html`<${Dialog} title=${`Статус: ${label(STATUSES, arg)}`} onClose=${close} submitText=${STATUS_VERB[arg]} testid="status-dialog"
      onSubmit=${async (fd) => {
        const text = String(fd.get('comment') ?? '').trim()
        const body = { status: arg }
        if (text !== '') { if (arg === 'resolved') body.resolution = text; else body.comment = text }
        await act(() => changeStatus(id, body), `Статус: ${label(STATUSES, arg)}`)
      }}>
      ${arg === 'resolved' && html`<label>Комментарий о решении (п. 3.4.1) <span class="req">*</span><textarea name="comment" rows="4" data-testid="resolution" placeholder="Что сделано или что ответили заявителю"></textarea></label>`}
      ${arg === 'feedback' && html`<label>Какие сведения запрошены<textarea name="comment" rows="3" data-testid="feedback-question"></textarea></label>`}
      ${mailed && html`<p class="small notice" data-testid="mail-notice">Текст будет отправлен по электронной почте на адрес ${mailTo} в переписке этого обращения.</p>`}
      ${!needsText && html`<label>Комментарий<textarea name="comment" rows="2"></textarea></label>`}
      ${arg === 'closed' && html`<p class="muted small">Закрытая запись больше не редактируется; новый запрос может на неё сослаться.</p>`}
    <//>`
  },
  agreement: ({ entry, id, close, act }) => html`<${Dialog} title="Согласование с оператором Системы / Департаментом" onClose=${close} testid="agreement-dialog"
      onSubmit=${async (fd) => {
        await act(() => recordAgreement(id, { state: fd.get('state'), by: String(fd.get('by') ?? '').trim() || null, comment: String(fd.get('comment') ?? '').trim() || null }), 'Согласование записано')
      }}>
      <label>Решение<select name="state">${AGREEMENT.map(([c, t]) => html`<option value=${c} selected=${entry.agreement?.state === c}>${t}</option>`)}</select></label>
      <label>Кто согласовал<input name="by" placeholder="Оператор Системы / Департамент, ФИО" value=${entry.agreement?.by ?? ''} /></label>
      <label>Комментарий<textarea name="comment" rows="3"></textarea></label>
    <//>`,
  extension: ({ entry, id, close, act }) => html`<${Dialog} title="Продление срока (п. 3.4.3)" onClose=${close} submitText="Продлить" testid="extension-dialog"
      onSubmit=${async (fd) => {
        await act(() => extendDeadline(id, { dueOn: fd.get('dueOn'), reason: String(fd.get('reason') ?? '').trim(), agreedBy: String(fd.get('agreedBy') ?? '').trim() }), 'Срок продлён')
      }}>
      <p class="muted small">Текущий срок: ${dateTime(entry.dueAt) || '—'}. Срок продлевается только по согласованию.</p>
      <label>Новый срок (рабочий день)<input type="date" name="dueOn" required min=${isoDay()} /></label>
      <label>Причина<textarea name="reason" rows="2" required></textarea></label>
      <label>Кто согласовал<input name="agreedBy" required placeholder="Оператор Системы / Департамент, ФИО" /></label>
    <//>`,
  takeOver: ({ close, arg, register }) => html`<${Dialog} title="Зарегистрировать звонок коллеги?" onClose=${close} submitText="Взять на себя и зарегистрировать" testid="takeover-dialog"
      onSubmit=${async () => { close(); await register(true) }}>
      <p>Этот звонок принял(а) ${arg ?? 'другой специалист'}. Обычно черновик регистрирует тот, кто ответил.</p>
      <p class="muted small">Если вы зарегистрируете его сами, запись перейдёт к вам (это попадёт в историю).</p>
    <//>`,
  annul: ({ id, close, act }) => html`<${Dialog} title="Аннулировать запись" onClose=${close} submitText="Аннулировать" danger=${true} testid="annul-dialog"
      onSubmit=${async (fd) => { await act(() => annulEntry(id, String(fd.get('reason') ?? '').trim()), 'Запись аннулирована') }}>
      <p>Запись останется в журнале с отметкой об аннулировании и причиной.</p>
      <label>Причина <span class="req">*</span><textarea name="reason" rows="3" required></textarea></label>
    <//>`
}

