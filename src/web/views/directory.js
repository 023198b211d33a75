// The directory the popups identify callers from: participant organizations (name, kind, ИНН) and
// their contacts (person, position, phones in any spelling, e-mail addresses). Found by a part of the
// name, the ИНН, a phone number or an address; created and edited here (the auditor only reads).
import { html, useEffect, useState } from '/vendor/preact.js'
import { api, qs } from '../lib/api.js'
import { canWrite, navigate } from '../lib/store.js'
import { phone, plural } from '../lib/format.js'
import { label, ORG_KINDS } from '../lib/labels.js'
import { Dialog, OrgInput } from '../lib/components.js'

const PAGE = 50
const lines = (v) => String(v ?? '').split(/[\n,;]+/).map((x) => x.trim()).filter((x) => x !== '')
const blankToNull = (v) => { const s = String(v ?? '').trim(); return s === '' ? null : s }

function readQuery (path) {
  const u = new URLSearchParams(path.split('?')[1] ?? '')
  return { tab: u.get('tab') === 'contacts' ? 'contacts' : 'organizations', q: u.get('q') ?? '', org: u.get('org') === null ? null : Number(u.get('org')) }
}

export function DirectoryView ({ me, path }) {
  const query = readQuery(path)
  const go = (patch) => {
    const next = { ...query, ...patch }
    navigate('/directory' + qs({ tab: next.tab === 'contacts' ? 'contacts' : undefined, q: next.q || undefined, org: next.org ?? undefined }), { replace: true })
  }
  return html`<section class="directory">
    <div class="toolbar">
      <h1>Справочник организаций и контактов</h1>
      <div class="tabs" role="tablist" aria-label="Раздел справочника">
        <button role="tab" aria-selected=${query.tab === 'organizations'} class=${query.tab === 'organizations' ? 'active' : ''} onClick=${() => go({ tab: 'organizations', q: '', org: null })}>Организации</button>
        <button role="tab" aria-selected=${query.tab === 'contacts'} class=${query.tab === 'contacts' ? 'active' : ''} onClick=${() => go({ tab: 'contacts', q: '', org: null })}>Контакты</button>
      </div>
    </div>
    <p class="muted small">По этому справочнику всплывающее окно звонка узнаёт абонента: номер телефона или адрес почты контакта находит его и его организацию.</p>
    ${query.tab === 'contacts'
      ? html`<${ContactsList} me=${me} q=${query.q} onSearch=${(q) => go({ q })} />`
      : query.org !== null
        ? html`<${OrganizationCard} me=${me} id=${query.org} key=${query.org} onBack=${() => go({ org: null })} />`
        : html`<${OrganizationsList} me=${me} q=${query.q} onSearch=${(q) => go({ q })} onOpen=${(id) => go({ org: id })} />`}
  </section>`
}

function SearchBox ({ q, onSearch, placeholder, testid }) {
  const [text, setText] = useState(q)
  return html`<form class="search" role="search" onSubmit=${(e) => { e.preventDefault(); onSearch(text.trim()) }}>
    <input type="search" value=${text} onInput=${(e) => setText(e.target.value)} placeholder=${placeholder} aria-label="Поиск в справочнике" data-testid=${testid} />
    <button type="submit">Найти</button>
  </form>`
}

function OrganizationsList ({ me, q, onSearch, onOpen }) {
  const [data, setData] = useState(null)
  const [error, setError] = useState(null)
  const [page, setPage] = useState(1)
  const [creating, setCreating] = useState(false)
  const load = async () => {
    try { setData(await api('GET', '/api/organizations' + qs({ q, limit: PAGE, offset: (page - 1) * PAGE }))); setError(null) } catch (err) { setError(err.message) }
  }
  useEffect(() => { void load() }, [q, page])
  const total = data?.total ?? 0
  return html`<div>
    <div class="toolbar">
      <${SearchBox} q=${q} onSearch=${(v) => { setPage(1); onSearch(v) }} placeholder="Часть названия или ИНН" testid="org-search" />
      ${canWrite(me) && html`<button class="primary" onClick=${() => setCreating(true)} data-testid="org-new">+ Организация</button>`}
    </div>
    ${error !== null && html`<p class="error" role="alert">${error}</p>`}
    <div class="table-wrap"><table class="grid" data-testid="org-table">
      <thead><tr><th scope="col">Наименование</th><th scope="col">Вид</th><th scope="col">ИНН</th><th scope="col">Примечание</th></tr></thead>
      <tbody>
        ${data !== null && data.items.length === 0 && html`<tr><td colspan="4" class="empty">${q ? 'Ничего не найдено' : 'Справочник пуст'}</td></tr>`}
        ${(data?.items ?? []).map((o) => html`<tr key=${o.id} onClick=${() => onOpen(o.id)}>
          <td><a href=${`/directory?org=${o.id}`} onClick=${(e) => { e.preventDefault(); onOpen(o.id) }}>${o.name}</a></td>
          <td>${label(ORG_KINDS, o.kind)}</td><td class="nowrap">${o.inn ?? ''}</td><td class="desc">${o.note ?? ''}</td>
        </tr>`)}
      </tbody>
    </table></div>
    <nav class="pager" aria-label="Страницы справочника">
      <span class="muted">${total} ${plural(total, 'организация', 'организации', 'организаций')}</span>
      <button disabled=${page <= 1} onClick=${() => setPage(page - 1)}>← Назад</button>
      <button disabled=${page * PAGE >= total} onClick=${() => setPage(page + 1)}>Вперёд →</button>
    </nav>
    ${creating && html`<${OrganizationDialog} onClose=${() => setCreating(false)} onSaved=${(o) => onOpen(o.id)} />`}
  </div>`
}

function OrganizationDialog ({ org, onClose, onSaved }) {
  return html`<${Dialog} title=${org ? 'Изменить организацию' : 'Новая организация'} onClose=${onClose} submitText=${org ? 'Сохранить' : 'Добавить'} testid="org-dialog"
    onSubmit=${async (fd) => {
      const body = { name: String(fd.get('name') ?? '').trim(), kind: fd.get('kind'), inn: blankToNull(fd.get('inn')), note: blankToNull(fd.get('note')) }
      const saved = org ? await api('PATCH', `/api/organizations/${org.id}`, body) : await api('POST', '/api/organizations', body)
      onSaved(saved)
    }}>
    <label>Наименование <span class="req">*</span><input name="name" value=${org?.name ?? ''} required maxlength="500" /></label>
    <label>Вид организации<select name="kind">${ORG_KINDS.map(([c, t]) => html`<option value=${c} selected=${(org?.kind ?? 'educational') === c}>${t}</option>`)}</select></label>
    <label>ИНН<input name="inn" value=${org?.inn ?? ''} inputmode="numeric" placeholder="10 или 12 цифр" /></label>
    <label>Примечание<textarea name="note" rows="2">${org?.note ?? ''}</textarea></label>
  <//>`
}

function OrganizationCard ({ me, id, onBack }) {
  const [org, setOrg] = useState(null)
  const [contacts, setContacts] = useState([])
  const [error, setError] = useState(null)
  const [dialog, setDialog] = useState(null)
  const load = async () => {
    try {
      setOrg(await api('GET', `/api/organizations/${id}`))
      setContacts((await api('GET', `/api/organizations/${id}/contacts?limit=500`)).items)
      setError(null)
    } catch (err) { setError(err.message) }
  }
  useEffect(() => { void load() }, [id])
  if (org === null) return error !== null ? html`<p class="error" role="alert">${error}</p>` : html`<p class="empty">Загрузка…</p>`
  return html`<div class="org-card">
    <p><button class="link" onClick=${onBack}>← Все организации</button></p>
    <div class="card">
      <h2 data-testid="org-title">${org.name}</h2>
      <p>${label(ORG_KINDS, org.kind)}${org.inn ? html` · ИНН ${org.inn}` : ''}</p>
      ${org.note && html`<p class="small">${org.note}</p>`}
      ${canWrite(me) && html`<button onClick=${() => setDialog({ kind: 'org' })} data-testid="org-edit">Изменить…</button>`}
    </div>
    ${error !== null && html`<p class="error" role="alert">${error}</p>`}
    <div class="toolbar" style="margin-top: 12px"><h2>Контакты</h2>
      ${canWrite(me) && html`<button class="primary" onClick=${() => setDialog({ kind: 'contact' })} data-testid="contact-new">+ Контакт</button>`}</div>
    <${ContactsTable} contacts=${contacts} me=${me} onEdit=${(c) => setDialog({ kind: 'contact', contact: c })} />
    ${dialog?.kind === 'org' && html`<${OrganizationDialog} org=${org} onClose=${() => setDialog(null)} onSaved=${() => load()} />`}
    ${dialog?.kind === 'contact' && html`<${ContactDialog} contact=${dialog.contact} organization=${org} onClose=${() => setDialog(null)} onSaved=${() => load()} />`}
  </div>`
}

function ContactsTable ({ contacts, me, onEdit, withOrganization = false }) {
  return html`<div class="table-wrap"><table class="grid" data-testid="contacts-table">
    <thead><tr><th scope="col">ФИО</th><th scope="col">Должность</th>${withOrganization && html`<th scope="col">Организация</th>`}<th scope="col">Телефоны</th><th scope="col">Эл. почта</th>${canWrite(me) && html`<th scope="col"><span class="visually-hidden">Действия</span></th>`}</tr></thead>
    <tbody>
      ${contacts.length === 0 && html`<tr><td colspan="6" class="empty">Контактов нет</td></tr>`}
      ${contacts.map((c) => html`<tr key=${c.id}>
        <td>${c.fullName}</td><td>${c.position ?? ''}</td>
        ${withOrganization && html`<td>${c.organizationId ? html`<a href=${`/directory?org=${c.organizationId}`}>${c.organizationName}</a>` : ''}</td>`}
        <td>${c.phones.map((p) => html`<div class="nowrap">${phone(p)}</div>`)}</td>
        <td>${c.emails.map((e) => html`<div>${e}</div>`)}</td>
        ${canWrite(me) && html`<td><button class="small" onClick=${() => onEdit(c)} aria-label=${`Изменить контакт ${c.fullName}`}>Изменить…</button></td>`}
      </tr>`)}
    </tbody>
  </table></div>`
}

function ContactDialog ({ contact, organization, onClose, onSaved, withOrganization = false }) {
  const [org, setOrg] = useState({ id: contact?.organizationId ?? organization?.id ?? null, name: contact?.organizationName ?? organization?.name ?? '' })
  return html`<${Dialog} title=${contact ? 'Изменить контакт' : 'Новый контакт'} onClose=${onClose} submitText=${contact ? 'Сохранить' : 'Добавить'} testid="contact-dialog"
    onSubmit=${async (fd) => {
      const body = { fullName: String(fd.get('fullName') ?? '').trim(), position: blankToNull(fd.get('position')), phones: lines(fd.get('phones')), emails: lines(fd.get('emails')) }
      if (withOrganization || contact) body.organizationId = org.id
      const saved = contact
        ? await api('PATCH', `/api/contacts/${contact.id}`, body)
        : organization ? await api('POST', `/api/organizations/${organization.id}/contacts`, body) : await api('POST', '/api/contacts', body)
      onSaved(saved)
    }}>
    <label>ФИО <span class="req">*</span><input name="fullName" value=${contact?.fullName ?? ''} required maxlength="500" /></label>
    <label>Должность<input name="position" value=${contact?.position ?? ''} maxlength="500" /></label>
    ${(withOrganization || contact) && html`<label>Организация<${OrgInput} value=${org} onChange=${setOrg} /></label>`}
    <label>Телефоны (по одному в строке, в любой записи)<textarea name="phones" rows="2" placeholder="8 (3452) 29-02-56">${(contact?.phones ?? []).map(phone).join('\n')}</textarea></label>
    <label>Адреса эл. почты (по одному в строке)<textarea name="emails" rows="2">${(contact?.emails ?? []).join('\n')}</textarea></label>
  <//>`
}

function ContactsList ({ me, q, onSearch }) {
  const [data, setData] = useState(null)
  const [error, setError] = useState(null)
  const [dialog, setDialog] = useState(null)
  const load = async () => {
    // a number in any spelling is looked up as a phone, an address as an e-mail, the rest as a name
    const params = /@/.test(q) ? { email: q } : /^[\d\s()+\-.]{5,}$/.test(q) ? { phone: q } : { q }
    try { setData(await api('GET', '/api/contacts' + qs({ ...params, limit: 200 }))); setError(null) } catch (err) { setError(err.message) }
  }
  useEffect(() => { void load() }, [q])
  return html`<div>
    <div class="toolbar">
      <${SearchBox} q=${q} onSearch=${onSearch} placeholder="ФИО, номер телефона в любой записи или адрес почты" testid="contact-search" />
      ${canWrite(me) && html`<button class="primary" onClick=${() => setDialog({})} data-testid="contact-new">+ Контакт</button>`}
    </div>
    ${error !== null && html`<p class="error" role="alert">${error}</p>`}
    ${data !== null && html`<${ContactsTable} contacts=${data.items} me=${me} withOrganization=${true} onEdit=${(c) => setDialog({ contact: c })} />`}
    ${dialog !== null && html`<${ContactDialog} contact=${dialog.contact} withOrganization=${true} onClose=${() => setDialog(null)} onSaved=${() => load()} />`}
  </div>`
}
