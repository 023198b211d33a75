// Log-in: user name and password; the server answers the user and sets the session cookies.
import { html, useState } from '/vendor/preact.js'
import { api } from '../lib/api.js'

export function LoginView ({ onLoggedIn }) {
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)

  async function submit (ev) {
    ev.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const r = await api('POST', '/api/auth/login', { username: username.trim(), password })
      onLoggedIn(r.user)
    } catch (err) {
      setError(err.message)
      setBusy(false)
    }
  }

  return html`<div class="login">
    <form class="card" onSubmit=${submit} aria-labelledby="login-title">
      <h1 id="login-title">Журнал специалиста</h1>
      <p class="muted">Ситуационный центр внедрения и сопровождения АИС ЭДО в Тюменской области</p>
      <label>Имя пользователя
        <input name="username" autocomplete="username" autofocus required value=${username} onInput=${(e) => setUsername(e.target.value)} />
      </label>
      <label>Пароль
        <input name="password" type="password" autocomplete="current-password" required value=${password} onInput=${(e) => setPassword(e.target.value)} />
      </label>
      ${error !== null && html`<p class="error" role="alert" data-testid="login-error">${error}</p>`}
      <button class="primary" type="submit" disabled=${busy}>${busy ? 'Вход…' : 'Войти'}</button>
    </form>
  </div>`
}
