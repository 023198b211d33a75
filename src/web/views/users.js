// The head's page of users: who may log in, their role, and the phone extension each specialist
// answers on (the popup follows the extension that answered).
import { html, useEffect, useState } from '/vendor/preact.js'
import { api } from '../lib/api.js'
import { dateTime } from '../lib/format.js'
import { label, ROLES } from '../lib/labels.js'
import { Dialog, Select } from '../lib/components.js'

export function UsersView ({ me }) {
  const [users, setUsers] = useState(null)
  const [error, setError] = useState(null)
  const [dialog, setDialog] = useState(null)
  const [redraw, setRedraw] = useState(0) // a refused or cancelled role change puts the select back
  const load = async () => { try { setUsers((await api('GET', '/api/users')).items); setError(null) } catch (err) { setError(err.message) } }
  useEffect(() => { void load() }, [])

  async function change (u, patch) {
    try { await api('PATCH', `/api/users/${u.id}`, patch); await load() } catch (err) { setError(err.message) }
  }

  return html`<section class="users">
    <div class="toolbar"><h1>Пользователи и внутренние номера</h1>
      <button class="primary" onClick=${() => setDialog({ kind: 'new' })}>+ Добавить пользователя</button></div>
    ${error !== null && html`<p class="error" role="alert">${error}</p>`}
    <table class="grid" data-testid="users-table">
      <thead><tr><th>Пользователь</th><th>ФИО</th><th>Роль</th><th>Внутренний номер</th><th>Доступ</th><th>Создан</th><th><span class="visually-hidden">Действия</span></th></tr></thead>
      <tbody>${(users ?? []).map((u) => html`<tr key=${u.id} class=${u.active ? '' : 'muted'}>
        <td>${u.username}</td>
        <td>${u.fullName}</td>
        <td><${Select} key=${`${u.id}-${u.role}-${redraw}`} list=${ROLES} value=${u.role} disabled=${u.id === me.id} label=${`Роль: ${u.fullName}`} testid=${'role-' + u.username}
          onChange=${(role) => setDialog({ kind: 'role', user: u, role })} /></td>
        <td><input class="ext" aria-label=${`Доб. ${u.fullName}`} value=${u.extension ?? ''} placeholder="—" size="6" inputmode="numeric"
          onChange=${(e) => change(u, { extension: e.target.value.trim() === '' ? null : e.target.value.trim() })} title="Внутренний номер телефона: звонок, принятый на нём, остаётся у этого специалиста" /></td>
        <td>${u.active ? 'активен' : 'отключён'}</td>
        <td class="nowrap muted">${dateTime(u.createdAt)}</td>
        <td class="nowrap">
          <button class="small" onClick=${() => setDialog({ kind: 'password', user: u })}>Пароль…</button>
          ${u.id !== me.id && html`<button class="small" onClick=${() => change(u, { active: !u.active })}>${u.active ? 'Отключить' : 'Включить'}</button>`}
        </td>
      </tr>`)}</tbody>
    </table>
    ${dialog?.kind === 'new' && html`<${Dialog} title="Новый пользователь" onClose=${() => setDialog(null)} submitText="Создать"
      onSubmit=${async (fd) => {
        const ext = String(fd.get('extension') ?? '').trim()
        await api('POST', '/api/users', { username: String(fd.get('username')).trim().toLowerCase(), fullName: String(fd.get('fullName')).trim(), password: String(fd.get('password')), role: fd.get('role'), ...(ext !== '' ? { extension: ext } : {}) })
        await load()
      }}>
      <label>Имя для входа (латиница)<input name="username" required pattern="[a-z0-9._\\-]{2,64}" /></label>
      <label>ФИО<input name="fullName" required /></label>
      <label>Роль<select name="role">${ROLES.map(([c, t]) => html`<option value=${c}>${t}</option>`)}</select></label>
      <label>Внутренний номер<input name="extension" inputmode="numeric" pattern="[0-9]{2,10}" /></label>
      <label>Пароль (не короче 8 символов)<input name="password" type="password" required minlength="8" autocomplete="new-password" /></label>
    <//>`}
    ${dialog?.kind === 'role' && html`<${Dialog} title="Сменить роль?" submitText="Сменить роль" testid="role-dialog"
      onClose=${() => { setDialog(null); setRedraw((n) => n + 1) }}
      onSubmit=${async () => { await api('PATCH', `/api/users/${dialog.user.id}`, { role: dialog.role }); await load() }}>
      <p>${dialog.user.fullName}: «${label(ROLES, dialog.user.role)}» → «${label(ROLES, dialog.role)}».</p>
      <p class="muted small">${dialog.role === 'head' ? 'Руководитель управляет пользователями, графиком и календарём.' : dialog.role === 'auditor' ? 'Аудитор только просматривает журнал и отчёты.' : 'Специалист ведёт журнал и принимает звонки.'} Роль меняется сразу.</p>
    <//>`}
    ${dialog?.kind === 'password' && html`<${Dialog} title=${`Новый пароль: ${dialog.user.fullName}`} onClose=${() => setDialog(null)}
      onSubmit=${async (fd) => { await api('PATCH', `/api/users/${dialog.user.id}`, { password: String(fd.get('password')) }) }}>
      <label>Пароль (не короче 8 символов)<input name="password" type="password" required minlength="8" autocomplete="new-password" /></label>
      <p class="muted small">Все сеансы пользователя будут завершены.</p>
    <//>`}
    <p class="muted small">Роли: ${ROLES.map(([c, t]) => t).join(', ')}. ${label(ROLES, 'auditor')} только просматривает.</p>
  </section>`
}
