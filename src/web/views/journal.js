// The journal: the regulation's columns in its order (appendix «Журнал специалиста») plus the due
// date with overdue entries highlighted; filters, full-text search, sorting and paging kept in the
// address (a reload or a shared link shows the same list); live updates from the websocket.
import { html, useEffect, useRef, useState } from '/vendor/preact.js'
import { navigate, canWrite } from '../lib/store.js'
import { live } from '../lib/live.js'
import { createEntry, listEntries } from '../lib/journal-api.js'
import { api } from '../lib/api.js'
import { counted, date, dateTime, entryNumber, phone } from '../lib/format.js'
import { CHANNELS, label, MODULES, STATUSES, TYPES } from '../lib/labels.js'
import { Dialog, OrgInput, Select } from '../lib/components.js'

const PAGE = 50
const FILTER_KEYS = ['from', 'to', 'type', 'status', 'channel', 'module', 'organizationId', 'overdue', 'q', 'sort', 'order', 'page', 'drafts', 'mine']

// [sort key, header, class]: the regulation's columns, in order (the class sets the share of the width
// each gets, so that the ten columns and «Срок» fit an office screen of 1024 px and an A4 landscape page)
const COLUMNS = [
  ['registeredOn', 'Дата', 'c-date'],
  ['number', '№ п/п', 'c-number'],
  [null, 'Тип запроса', 'c-type'],
  [null, 'Описание запроса', 'c-desc'],
  [null, 'Наимено\u00adвание органи\u00adзации', 'c-org'],
  [null, 'ФИО, контакт\u00adная инфор\u00adмация', 'c-contact'],
  [null, 'Дополни\u00adтельная инфор\u00adмация', 'c-info'],
  [null, 'Статус решения запроса', 'c-status'],
  [null, 'Дата решения запроса', 'c-date'],
  [null, 'Приме\u00adчание', 'c-note'],
  ['dueAt', 'Срок', 'c-due']
]

function readFilters (path) {
  const u = new URLSearchParams(path.split('?')[1] ?? '')
  const f = {}
  for (const k of FILTER_KEYS) { const v = u.get(k); if (v !== null && v !== '') f[k] = v }
  return f
}

function toQuery (f) {
  const u = new URLSearchParams()
  for (const k of FILTER_KEYS) if (f[k] !== undefined && f[k] !== null && f[k] !== '' && !(k === 'page' && Number(f[k]) <= 1)) u.set(k, f[k])
  const s = u.toString()
  return s === '' ? '/journal' : `/journal?${s}`
}

export function contactText (e) {
  const parts = [e.contactText ?? e.contactName ?? e.contact?.fullName, e.callerNumber ? phone(e.callerNumber) : null, e.callerEmail]
  return parts.filter((x) => x !== null && x !== undefined && x !== '').filter((x, i, a) => a.indexOf(x) === i).join(', ')
}

export const isOverdue = (e) => e.overdue === true

export function JournalView ({ me, path }) {
  const filters = readFilters(path)
  const [data, setData] = useState(null)
  const [error, setError] = useState(null)
  const [flash, setFlash] = useState(new Set())
  const [org, setOrg] = useState({ id: filters.organizationId ? Number(filters.organizationId) : null, name: filters.orgName ?? '' })
  const [q, setQ] = useState(filters.q ?? '')
  const [picked, setPicked] = useState(new Set())
  const [dismissing, setDismissing] = useState(false)
  const [notice, setNotice] = useState(null)
  const reloadTimer = useRef(null)
  const key = toQuery(filters)

  const set = (patch) => navigate(toQuery({ ...filters, page: undefined, ...patch }), { replace: true })

  async function load () {
    try {
      const page = Math.max(1, Number(filters.page ?? 1))
      const params = {
        from: filters.from, to: filters.to, type: filters.type, status: filters.status, channel: filters.channel,
        module: filters.module, organizationId: filters.organizationId, overdue: filters.overdue === '1' ? true : undefined,
        q: filters.q, sort: filters.sort ?? (filters.drafts === '1' ? 'createdAt' : 'registeredOn'), order: filters.order ?? 'desc',
        // a dismissed draft is gone from the drafts; an annulled entry stays in the journal, marked
        annulled: filters.drafts === '1' ? 'exclude' : 'include', assignedTo: filters.mine === '1' ? me.id : undefined,
        draft: filters.drafts === '1' ? 'true' : 'false', limit: PAGE, offset: (page - 1) * PAGE
      }
      setData(await listEntries(params))
      setError(null)
    } catch (err) { setError(err.message) }
  }
  useEffect(() => { void load(); setPicked(new Set()) }, [key])

  // live: another specialist registered or changed an entry → reload this page of the list
  useEffect(() => {
    const onEntry = (msg) => {
      setFlash((s) => new Set([...s, msg.entry.id]))
      clearTimeout(reloadTimer.current)
      reloadTimer.current = setTimeout(() => { void load() }, 250)
    }
    const offs = [live.on('entry.created', onEntry), live.on('entry.updated', onEntry), live.on('mail.received', onEntry), live.on('live.open', (m) => { if (m.reconnect) void load() }), live.on('hello', (m) => { if (m.gap) void load() })]
    return () => { offs.forEach((off) => off()); clearTimeout(reloadTimer.current) }
  }, [key])
  useEffect(() => { if (flash.size === 0) return; const t = setTimeout(() => setFlash(new Set()), 3000); return () => clearTimeout(t) }, [flash])

  const items = data?.items ?? []
  const total = data?.total ?? 0
  // a capped total («более 1 000»): the server counted past this page's end, so a next page exists
  const exact = data?.totalExact !== false
  const page = Math.max(1, Number(filters.page ?? 1))
  const pages = Math.max(1, Math.ceil(total / PAGE))
  const sort = filters.sort ?? (filters.drafts === '1' ? 'createdAt' : 'registeredOn')
  const order = filters.order ?? 'desc'

  function sortBy (k) {
    if (k === null) return
    set({ sort: k, order: sort === k && order === 'desc' ? 'asc' : 'desc' })
  }

  const [asking, setAsking] = useState(false)
  const drafts = filters.drafts === '1'
  const picking = drafts && canWrite(me)
  const sortMark = (k) => sort === k ? (order === 'asc' ? ' ▲' : ' ▼') : ''
  const ariaSort = (k) => k === null ? undefined : sort === k ? (order === 'asc' ? 'ascending' : 'descending') : 'none'
  return html`<section class="journal">
    <div class="toolbar">
      <h1>Журнал специалиста</h1>
      <form class="search" role="search" onSubmit=${(e) => { e.preventDefault(); set({ q: q.trim() }) }}>
        <input type="search" placeholder="Поиск по журналу: описание, организация, ФИО, телефон…" value=${q} onInput=${(e) => setQ(e.target.value)} data-testid="journal-search" aria-label="Поиск" />
        <button type="submit">Найти</button>
      </form>
      ${canWrite(me) && html`<button class="primary" onClick=${() => setAsking(true)} title="Запрос, пришедший не звонком на линию: по почте, лично или по телефону мимо АТС" data-testid="new-entry">+ Новая запись</button>`}
    </div>
    <form class="filters" onSubmit=${(e) => e.preventDefault()} aria-label="Отбор записей">
      <label>С <input type="date" value=${filters.from ?? ''} onChange=${(e) => set({ from: e.target.value })} /></label>
      <label>по <input type="date" value=${filters.to ?? ''} onChange=${(e) => set({ to: e.target.value })} /></label>
      <${Select} list=${TYPES} value=${filters.type} empty="Все типы" label="Тип запроса" onChange=${(v) => set({ type: v })} />
      <${Select} list=${STATUSES} value=${filters.status} empty="Все статусы" label="Статус" onChange=${(v) => set({ status: v })} />
      <${Select} list=${CHANNELS} value=${filters.channel} empty="Все каналы" label="Канал" onChange=${(v) => set({ channel: v })} />
      <${Select} list=${MODULES} value=${filters.module} empty="Все модули" label="Модуль системы" onChange=${(v) => set({ module: v })} />
      <div class="org-filter"><${OrgInput} value=${org} placeholder="Организация" label="Организация" onChange=${(o) => { setOrg(o); if (o.id !== null) set({ organizationId: String(o.id) }); else if (o.name === '' && filters.organizationId) set({ organizationId: undefined }) }} /></div>
      <label class="check"><input type="checkbox" checked=${filters.overdue === '1'} onChange=${(e) => set({ overdue: e.target.checked ? '1' : undefined })} data-testid="filter-overdue" /> Просроченные</label>
      <label class="check"><input type="checkbox" checked=${filters.drafts === '1'} onChange=${(e) => set({ drafts: e.target.checked ? '1' : undefined })} data-testid="filter-drafts" /> Черновики</label>
      ${canWrite(me) && html`<label class="check" title="Записи и черновики, закреплённые за вами"><input type="checkbox" checked=${filters.mine === '1'} onChange=${(e) => set({ mine: e.target.checked ? '1' : undefined })} data-testid="filter-mine" /> Мои</label>`}
      ${Object.keys(filters).some((k) => k !== 'sort' && k !== 'order') && html`<button type="button" class="link" onClick=${() => { setQ(''); setOrg({ id: null, name: '' }); navigate('/journal', { replace: true }) }}>Сбросить</button>`}
    </form>
    ${error !== null && html`<p class="error" role="alert">${error}</p>`}
    ${notice !== null && html`<p class="notice" role="status" data-testid="journal-notice">${notice}</p>`}
    ${drafts && canWrite(me) && html`<div class="bulk">
      <label class="check"><input type="checkbox" checked=${items.length > 0 && picked.size === items.length} onChange=${(e) => setPicked(e.target.checked ? new Set(items.map((x) => x.id)) : new Set())} data-testid="pick-all" /> Выбрать все на странице</label>
      <button disabled=${picked.size === 0} onClick=${() => setDismissing(true)} data-testid="dismiss-drafts">Отклонить выбранные (${picked.size})…</button>
    </div>`}
    ${dismissing && html`<${Dialog} title=${`Отклонить черновики (${picked.size})`} submitText="Отклонить" danger=${true} onClose=${() => setDismissing(false)} testid="dismiss-dialog"
      onSubmit=${async (fd) => {
        const r = await api('POST', '/api/entries/dismiss', { ids: [...picked], reason: String(fd.get('reason') ?? '').trim() })
        setNotice(`Отклонено черновиков: ${r.dismissed.length}${r.refused.length > 0 ? `; не отклонены: ${r.refused.map((x) => x.message).join('; ')}` : ''}`)
        setPicked(new Set())
        void load()
      }}>
      <p>Черновики уйдут из списка; они сохранятся с причиной (аннулированы), номера не получат.</p>
      <label>Причина <span class="req">*</span><textarea name="reason" rows="2" required placeholder="Например: ошиблись номером, повторный звонок по тому же вопросу"></textarea></label>
    <//>`}
    <div class="table-wrap">
    <table class="grid" data-testid="journal-table">
      <colgroup>${picking && html`<col class="c-pick" />`}${COLUMNS.map(([, , c]) => html`<col class=${c} />`)}</colgroup>
      <thead><tr>
        ${picking && html`<th scope="col" class="c-pick"><span class="sr-only">Выбор</span></th>`}
        ${COLUMNS.map(([k, h, c]) => html`<th scope="col" class=${c} aria-sort=${ariaSort(k)}>${k === null ? h
          : html`<button type="button" class="sort" onClick=${() => sortBy(k)} data-sort=${k} title="Упорядочить по этому столбцу">${h}<span aria-hidden="true">${sortMark(k)}</span></button>`}</th>`)}
      </tr></thead>
      <tbody>
        ${data === null && error === null && html`<tr><td colspan=${picking ? 12 : 11} class="empty">Загрузка…</td></tr>`}
        ${data !== null && items.length === 0 && html`<tr><td colspan=${picking ? 12 : 11} class="empty">Записей не найдено</td></tr>`}
        ${items.map((e) => html`<tr key=${e.id} data-entry-id=${e.id} class=${[isOverdue(e) ? 'overdue' : '', e.annulment ? 'annulled' : '', flash.has(e.id) ? 'flash' : '', e.number === null || e.number === undefined ? 'draft' : ''].join(' ')}
            onClick=${(ev) => { if (ev.target.closest('a, input, label') === null) navigate(`/entries/${e.id}`) }}>
          ${picking && html`<td class="c-pick"><input type="checkbox" aria-label="Выбрать черновик" checked=${picked.has(e.id)} onChange=${(ev) => { const n = new Set(picked); if (ev.target.checked) n.add(e.id); else n.delete(e.id); setPicked(n) }} data-testid="pick" /></td>`}
          <td>${date(e.registeredOn) || html`<span class="muted">${dateTime(e.createdAt)}</span>`}</td>
          <td><a href=${`/entries/${e.id}`}>${entryNumber(e) || 'черновик'}</a></td>
          <td>${label(TYPES, e.type)}</td>
          <td class="desc main">${e.description}${e.annulment ? html` <span class="pill bad">аннулирована</span>` : ''}</td>
          <td>${e.organizationName ?? e.organization?.name ?? ''}</td>
          <td>${contactText(e)}</td>
          <td class="desc">${e.additionalInfo ?? ''}</td>
          <td>${e.annulment ? html`<span class="status s-annulled">Аннулирована</span>` : html`<span class=${'status s-' + (e.status ?? 'draft')}>${label(STATUSES, e.status) || 'Черновик'}</span>`}</td>
          <td>${date(e.resolvedOn)}</td>
          <td class="desc">${e.note ?? ''}</td>
          <td class="due">${e.annulment || e.status === 'resolved' || e.status === 'closed' ? '' : e.paused ? html`<span class="muted">приостановлен</span>` : dateTime(e.dueAt)}${isOverdue(e) ? html` <span class="pill bad">просрочен</span>` : ''}</td>
        </tr>`)}
      </tbody>
    </table>
    </div>
    ${asking && html`<${Dialog} title="Новая запись журнала" submitText="Создать черновик" onClose=${() => setAsking(false)} testid="new-entry-dialog"
      onSubmit=${async (fd) => {
        const e = await createEntry({ channel: String(fd.get('channel')) })
        navigate(`/entries/${e.id}`)
      }}>
      <fieldset class="choices"><legend>Как поступил запрос?</legend>
        ${CHANNELS.map(([c, t]) => html`<label class="check"><input type="radio" name="channel" value=${c} required /> ${t}</label>`)}
      </fieldset>
      <p class="muted small">Звонки на линию Ситуационного центра записываются сами: их черновик открывается из всплывающего окна.</p>
    <//>`}
    <nav class="pager" aria-label="Страницы">
      <span class="muted" data-testid="journal-total">${counted(total, exact, 'запись', 'записи', 'записей')}</span>
      <button disabled=${page <= 1} onClick=${() => set({ page: String(page - 1) })}>← Назад</button>
      <span data-testid="journal-page">${exact ? `Стр. ${page} из ${pages}` : `Стр. ${page}`}</span>
      <button disabled=${exact && page >= pages} onClick=${() => set({ page: String(page + 1) })}>Вперёд →</button>
    </nav>
  </section>`
}
