// Changing one's own password: the current one, the new one twice. The service refuses a weak
// password (WEAK_PASSWORD, explained in Russian) and ends the user's other sessions.
import { html, useState } from '/vendor/preact.js'
import { api } from '../lib/api.js'

export function PasswordView () {
  const [error, setError] = useState(null)
  const [notice, setNotice] = useState(null)
  const [busy, setBusy] = useState(false)

  async function submit (ev) {
    ev.preventDefault()
    const form = ev.target
    const fd = new FormData(form)
    const next = String(fd.get('newPassword') ?? '')
    setNotice(null)
    if (next !== String(fd.get('repeat') ?? '')) { setError('Новый пароль и его повтор не совпадают'); return }
    setBusy(true)
    try {
      await api('POST', '/api/auth/password', { currentPassword: String(fd.get('currentPassword') ?? ''), newPassword: next })
      form.reset()
      setError(null)
      setNotice('Пароль изменён. Сеансы на других компьютерах завершены.')
    } catch (err) {
      setError(err.code === 'INVALID_CREDENTIALS' ? 'Текущий пароль указан неверно' : err.message)
    } finally { setBusy(false) }
  }

  return html`<section class="password">
    <div class="toolbar"><h1>Смена пароля</h1></div>
    <form class="card narrow" onSubmit=${submit} aria-label="Смена пароля" data-testid="password-form">
      <label>Текущий пароль<input name="currentPassword" type="password" required autocomplete="current-password" /></label>
      <label>Новый пароль<input name="newPassword" type="password" required minlength="8" autocomplete="new-password" aria-describedby="password-rule" /></label>
      <label>Новый пароль ещё раз<input name="repeat" type="password" required minlength="8" autocomplete="new-password" /></label>
      <p class="small hint" id="password-rule">Не короче 8 знаков без пробелов, из разных знаков; не подряд идущие цифры или клавиши, не из самых частых паролей и без имени пользователя.</p>
      ${error !== null && html`<p class="error" role="alert" data-testid="password-error">${error}</p>`}
      ${notice !== null && html`<p class="notice" role="status" data-testid="password-notice">${notice}</p>`}
      <div class="actions"><button type="submit" class="primary" disabled=${busy}>Сменить пароль</button></div>
    </form>
  </section>`
}
