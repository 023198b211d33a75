// The specialists' screen: log-in, the journal, the entry form, the call log, the head's pages, and
// the incoming-call popup over all of them. Preact + htm as plain ES modules: nothing to build.
import { html, render, useEffect, useState } from '/vendor/preact.js'
import { api, onUnauthenticated } from './lib/api.js'
import { live } from './lib/live.js'
import { getState, isHead, navigate, setState, useStore } from './lib/store.js'
import { askNotificationPermission, notificationPermission, onSoundState, ringWasMissed, soundState, unlockAudio } from './lib/notify.js'
import { dateTime, time } from './lib/format.js'
import { label, loadVocabulary, ROLES } from './lib/labels.js'
import { LoginView } from './views/login.js'
import { JournalView } from './views/journal.js'
import { EntryView } from './views/entry.js'
import { CallsView } from './views/calls.js'
import { UsersView } from './views/users.js'
import { CalendarView } from './views/calendar.js'
import { CallPopups, trackCalls } from './views/popup.js'
import { ReportsView } from './views/reports.js'
import { MailPopups, trackMail } from './views/mail.js'
import { DirectoryView } from './views/directory.js'
import { ScheduleView } from './views/schedule.js'
import { PasswordView } from './views/password.js'

window.__live = live // for the browser tests and for support staff in the console
trackCalls(live)
trackMail(live)
live.onState((s) => setState({ live: s }))
// the upgrade refused (no session any more?): asking who we are shows the log-in screen on a 401
live.on('live.failed', () => { api('GET', '/api/auth/me').catch(() => {}) })
live.on('hello', (m) => setState({ presence: m.presence ?? [] }))
live.on('resync', (m) => setState({ presence: m.presence ?? [] }))
live.on('presence', (m) => setState({ presence: m.specialists ?? [] }))
// back online: the status pills are asked again at once, not at the next 15 s tick
live.on('live.open', (m) => { if (m.reconnect) void refreshHealth() })

onUnauthenticated(() => {
  if (getState().me !== null) { live.stop(); setState({ me: null }) }
})

async function refreshHealth () {
  try {
    const res = await fetch('/health', { headers: { accept: 'application/json' } })
    const body = await res.json()
    setState({ health: body })
  } catch {
    setState({ health: { status: 'error', db: 'error', ami: 'unknown', mail: 'unknown' } })
  }
  if (getState().me === null) return
  try { setState({ schedule: await api('GET', '/api/schedule/status') }) } catch { /* calendar not there yet */ }
}
setInterval(refreshHealth, 15000)
window.addEventListener('online', () => { live.kick(); void refreshHealth() })

async function loggedIn (user) {
  // the labels, the status moves and the center's zone are the server's
  try { await loadVocabulary() } catch { /* shown as codes until the next log-in */ }
  setState({ me: user })
  live.start()
  void refreshHealth()
}

async function logout () {
  try { await api('POST', '/api/auth/logout') } catch { /* the session is gone anyway */ }
  live.stop()
  setState({ me: null })
  navigate('/login', { replace: true })
}

function routeOf (path) {
  const p = path.split('?')[0]
  let m
  if (p === '/' || p === '/journal') return { view: 'journal' }
  if ((m = p.match(/^\/entries\/(\d+)$/)) !== null) return { view: 'entry', id: Number(m[1]) }
  if (p === '/calls') return { view: 'calls' }
  if (p === '/users') return { view: 'users' }
  if (p === '/calendar') return { view: 'calendar' }
  if (p === '/directory') return { view: 'directory' }
  if (p === '/schedule') return { view: 'schedule' }
  if (p === '/password') return { view: 'password' }
  if (p === '/reports' || p.startsWith('/reports/')) return { view: 'reports' }
  if (p === '/login') return { view: 'login' }
  return { view: 'notfound' }
}

const MAIL_TEXT = { connected: ['ok', 'Почта подключена'], disconnected: ['bad', 'Нет связи с почтой'], disabled: ['off', 'Почта не настроена'] }
const AMI_TEXT = { connected: ['ok', 'АТС подключена'], disconnected: ['bad', 'Нет связи с АТС'], disabled: ['off', 'АТС не настроена'] }
const LIVE_TEXT = { open: ['ok', 'В сети'], connecting: ['warn', 'Подключение…'], waiting: ['bad', 'Нет связи, переподключение…'], idle: ['off', 'Не подключено'] }
const REASON_TEXT = { lunch: 'Обед', weekend: 'Выходной', holiday: 'Праздник', 'before-hours': 'Ещё закрыто', 'after-hours': 'Закрыто' }

function StatusBar () {
  const health = useStore((s) => s.health)
  const liveState = useStore((s) => s.live)
  const schedule = useStore((s) => s.schedule)
  const ami = health === null ? null : (AMI_TEXT[health.ami] ?? ['bad', 'АТС: неизвестно'])
  const mail = health === null ? null : (MAIL_TEXT[health.mail] ?? ['bad', 'Почта: неизвестно'])
  const [lcls, ltext] = LIVE_TEXT[liveState] ?? LIVE_TEXT.idle
  let sched = null
  if (schedule !== null) {
    sched = schedule.open
      ? ['ok', `Приём до ${time(schedule.closesAt).slice(0, 5)}`]
      : ['off', `${REASON_TEXT[schedule.reason] ?? 'Закрыто'}${schedule.opensAt ? ` до ${dateTime(schedule.opensAt).replace(/\.\d{4}/, '')}` : ''}`]
  }
  return html`<div class="status">
    ${ami !== null && html`<span class="pill ${ami[0]}" data-testid="pbx-status" data-state=${health.ami} title="Состояние связи сервиса с АТС">${ami[1]}</span>`}
    ${mail !== null && html`<span class="pill ${mail[0]}" data-testid="mail-status" data-state=${health.mail} title="Связь сервиса с почтовым ящиком Ситуационного центра">${mail[1]}</span>`}
    <span class="pill ${lcls}" data-testid="live-status" data-state=${liveState} title="Связь браузера с сервером: всплывающие окна звонков и обновления журнала">${ltext}</span>
    ${sched !== null && html`<span class="pill ${sched[0]}" data-testid="schedule-status" title="График работы Ситуационного центра">${sched[1]}</span>`}
    ${health?.db === 'error' && html`<span class="pill bad">База данных недоступна</span>`}
    <${Presence} />
  </div>`
}

function Presence () {
  const presence = useStore((s) => s.presence ?? [])
  const online = presence.filter((p) => p.online && p.role === 'specialist')
  if (presence.length === 0) return null
  const names = presence.filter((p) => p.role === 'specialist')
    .map((p) => `${p.fullName}${p.extension ? ` (доб. ${p.extension})` : ''}: ${p.onCall ? 'разговаривает' : p.online ? 'на месте' : 'не в сети'}`).join('\n')
  return html`<span class=${'pill ' + (online.length > 0 ? 'ok' : 'bad')} title=${names} data-testid="presence">На линии: ${online.length}</span>`
}

function NotificationButton () {
  const [perm, setPerm] = useState(notificationPermission())
  if (perm === 'granted' || perm === 'unsupported') return null
  if (perm === 'denied') return html`<span class="muted small" title="Разрешите уведомления для этого сайта в настройках браузера">Уведомления запрещены</span>`
  return html`<button class="link small" onClick=${async () => setPerm(await askNotificationPermission())}
    title="Показывать системное уведомление о звонке, когда вкладка свёрнута">Включить уведомления</button>`
}

/** The ring's state, and the one click the browser needs before it lets the page sound. */
function SoundControl () {
  const [state, setSound] = useState(soundState())
  const [missed, setMissed] = useState(ringWasMissed())
  useEffect(() => onSoundState((s) => { setSound(s); setMissed(ringWasMissed()) }), [])
  if (state === 'unsupported') return null
  if (state === 'on') return html`<span class="pill ok" data-testid="sound-status" data-state="on" title="Звонок прозвучит при входящем вызове">Звук включён</span>`
  return html`<button class=${'sound-off' + (missed ? ' missed' : '')} onClick=${unlockAudio} data-testid="sound-enable" data-state="blocked"
    title="Браузер не даёт странице звучать, пока по ней не щёлкнули: после перезагрузки звонок не слышен">Включить звук</button>`
}

function Header ({ me, view }) {
  const tab = (href, name, text) => html`<a href=${href} class=${view === name ? 'active' : ''} aria-current=${view === name ? 'page' : undefined}>${text}</a>`
  return html`<header class="top">
    <div class="top-row">
      <div class="brand">Журнал специалиста<small>Ситуационный центр АИС ЭДО</small></div>
      <nav aria-label="Разделы">
        ${tab('/journal', 'journal', 'Журнал')}
        ${tab('/calls', 'calls', 'Звонки')}
        ${tab('/reports', 'reports', 'Отчёты')}
        ${tab('/directory', 'directory', 'Справочник')}
        ${tab('/schedule', 'schedule', 'График')}
        ${isHead(me) && tab('/users', 'users', 'Пользователи')}
        ${isHead(me) && tab('/calendar', 'calendar', 'Календарь')}
      </nav>
      <div class="who">
        <span data-testid="me" title=${label(ROLES, me.role)}>${me.fullName}${me.extension ? html` <span class="muted">(доб. ${me.extension})</span>` : ''}</span>
        <a href="/password" class=${view === 'password' ? 'active' : ''} data-testid="password-link">Пароль</a>
        <button class="link" onClick=${logout} data-testid="logout">Выйти</button>
      </div>
    </div>
    <div class="status-row">
      <${StatusBar} />
      <div class="alerts"><${SoundControl} /><${NotificationButton} /></div>
    </div>
  </header>`
}

function App () {
  const me = useStore((s) => s.me)
  const path = useStore((s) => s.path)
  const [checked, setChecked] = useState(false)

  useEffect(() => {
    api('GET', '/api/auth/me')
      .then(async (r) => { await loggedIn(r.user) })
      .catch(() => {})
      .finally(() => setChecked(true))
    void refreshHealth()
  }, [])

  if (!checked) return html`<p class="boot">Загрузка…</p>`
  const route = routeOf(path)
  if (me === null) {
    return html`<${LoginView} onLoggedIn=${(user) => {
      unlockAudio()
      void loggedIn(user)
      if (route.view === 'login') navigate('/journal', { replace: true })
    }} />`
  }
  if (route.view === 'login') { navigate('/journal', { replace: true }); return null }
  let body
  switch (route.view) {
    case 'journal': body = html`<${JournalView} me=${me} path=${path} />`; break
    case 'entry': body = html`<${EntryView} me=${me} id=${route.id} key=${route.id} />`; break
    case 'calls': body = html`<${CallsView} me=${me} path=${path} />`; break
    case 'reports': body = html`<${ReportsView} me=${me} path=${path} />`; break
    case 'users': body = isHead(me) ? html`<${UsersView} me=${me} />` : html`<p class="empty">Раздел доступен руководителю.</p>`; break
    case 'calendar': body = isHead(me) ? html`<${CalendarView} me=${me} />` : html`<p class="empty">Раздел доступен руководителю.</p>`; break
    case 'directory': body = html`<${DirectoryView} me=${me} path=${path} />`; break
    case 'schedule': body = html`<${ScheduleView} me=${me} />`; break
    case 'password': body = html`<${PasswordView} me=${me} />`; break
    default: body = html`<p class="empty">Страница не найдена. <a href="/journal">К журналу</a></p>`
  }
  return html`<${Header} me=${me} view=${route.view} />
    <main>${body}</main>
    <${CallPopups} me=${me} />
    <${MailPopups} me=${me} />`
}

render(html`<${App} />`, document.getElementById('app'))
