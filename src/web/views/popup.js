// The incoming-call popup. It appears by itself when the PBX rings the helpdesk (websocket
// `call.ringing`), says who is calling (identified from earlier entries: name, organization, their
// open requests) and opens the call's draft in one click or with Enter. When a colleague answers,
// the popup says so; the specialist whose phone answered keeps it. Calls are keyed by id, so a
// message replayed after a reconnect updates a popup instead of opening a second one.
import { html, useEffect, useState } from '/vendor/preact.js'
import { navigate, useStore, setState, getState, subscribe } from '../lib/store.js'
import { duration, entryNumber, phone } from '../lib/format.js'
import { label, STATUSES } from '../lib/labels.js'
import { notify, ring } from '../lib/notify.js'

const calls = new Map() // id → popup model
let version = 0
const TAKEN_HIDE_MS = 15000
const MISSED_HIDE_MS = 60000

function changed () { setState({ calls: ++version }) }

const idOf = (m) => m.call.linkedId

/** Who answered: a user of the service (answeredBy) or, when no user has that extension, the extension. */
function answererOf (m) {
  const u = m.answeredBy
  if (u !== null) return { userId: u.userId, name: u.fullName, extension: u.extension }
  return { userId: null, name: null, extension: m.call.transferredTo ?? m.call.answeredBy }
}

const digits = (s) => String(s ?? '').replace(/\D/g, '')

function callerOf (c) {
  if (c === null || c === undefined || typeof c !== 'object') return null
  const org = c.organization ?? null
  // a "name" that is only the number again says nothing: the caller is new
  const name = c.name !== null && c.name !== undefined && digits(c.name) !== '' && digits(c.name) === digits(c.number ?? c.name) && !/[A-Za-zА-Яа-яЁё]/.test(c.name) ? null : c.name ?? null
  return {
    name,
    organization: typeof org === 'object' && org !== null ? org.name : org,
    openEntries: c.openRequests
  }
}

function merge (id, patch) {
  const cur = calls.get(id) ?? { id, state: 'ringing', caller: null, entryId: null, dismissed: false, answeredBy: null, mine: false, receivedAt: Date.now() }
  const next = { ...cur }
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) next[k] = v
  calls.set(id, next)
  return next
}

function isMine (me, who) {
  if (me === null || who === null) return false
  if (who.userId !== null && who.userId !== undefined) return who.userId === me.id
  return who.extension !== null && me.extension !== null && String(who.extension) === String(me.extension)
}

function openDraft (c) {
  if (c === undefined || c.entryId === null) return
  calls.set(c.id, { ...calls.get(c.id), dismissed: true })
  changed()
  navigate(`/entries/${c.entryId}`)
}

function dismiss (id) {
  const c = calls.get(id)
  if (c !== undefined) { calls.set(id, { ...c, dismissed: true }); changed() }
}

function callerLine (c) {
  const n = c.caller?.name
  return n ? `${n}${c.caller.organization ? ', ' + c.caller.organization : ''}` : phone(c.number) || 'Номер скрыт'
}

function startRinging (id) {
  let count = 0
  const tick = () => {
    const c = calls.get(id)
    if (c === undefined || c.state !== 'ringing' || c.dismissed || count >= 6) return
    count++
    ring()
    setTimeout(tick, 3000)
  }
  tick()
}

function onRinging (m, { quiet = false } = {}) {
  const id = idOf(m)
  if (id === '') return
  const known = calls.has(id)
  const next = merge(id, {
    number: m.call.callerNumber ?? null,
    arrivedAt: m.call.arrivedAt ?? null,
    callId: m.call.callId ?? undefined,
    entryId: m.draft?.id ?? calls.get(id)?.entryId ?? null,
    caller: callerOf(m.caller) ?? calls.get(id)?.caller ?? null
  })
  changed()
  if (!known && !quiet && m.replay !== true && next.state === 'ringing') {
    startRinging(id)
    notify('Входящий звонок', callerLine(next), { tag: `call-${id}`, onClick: () => openDraft(calls.get(id)) })
  }
}

function onAnswered (m) {
  const id = idOf(m)
  if (id === '') return
  const who = answererOf(m)
  const mine = isMine(getState().me, who)
  const prev = calls.get(id)
  merge(id, {
    state: 'answered',
    answeredBy: who,
    mine,
    number: m.call.callerNumber ?? prev?.number ?? null,
    callId: m.call.callId ?? undefined,
    entryId: m.draft?.id ?? prev?.entryId ?? null,
    caller: callerOf(m.caller) ?? prev?.caller ?? null,
    // the answerer's popup comes back if it was hidden before the answer
    dismissed: mine ? false : prev?.dismissed ?? false
  })
  if (!mine) setTimeout(() => { const x = calls.get(id); if (x !== undefined && !x.mine && x.state === 'answered') { calls.delete(id); changed() } }, TAKEN_HIDE_MS)
  changed()
}

function onEnded (m) {
  const id = idOf(m)
  const cur = calls.get(id)
  if (cur === undefined) return
  const missed = m.missed === true
  if (!missed && !cur.mine) { calls.delete(id); changed(); return }
  merge(id, { state: missed ? 'missed' : 'ended', entryId: m.draft?.id ?? cur.entryId })
  changed()
  if (missed) setTimeout(() => { const x = calls.get(id); if (x?.state === 'missed') { calls.delete(id); changed() } }, MISSED_HIDE_MS)
}

/** hello / resync: every call in progress now. Rebuild the popups from it. */
function onSnapshot (m) {
  const live = new Set()
  for (const snap of m.calls) {
    const id = idOf(snap)
    live.add(id)
    onRinging({ ...snap, replay: true }, { quiet: calls.has(id) })
    if (snap.type === 'call.answered' || snap.call?.state === 'talking') onAnswered(snap)
  }
  for (const [id, c] of calls) {
    if (live.has(id) || c.state === 'missed' || c.state === 'ended') continue
    // the call ended while the connection was down
    if (c.mine) merge(id, { state: 'ended' })
    else calls.delete(id)
  }
  changed()
}

// a draft opened any other way (the call log, the journal) hides its popup too
let lastPath = null
subscribe((st) => {
  if (st.path === lastPath) return
  lastPath = st.path
  const m = /^\/entries\/(\d+)/.exec(st.path)
  if (m === null) return
  for (const c of calls.values()) if (c.entryId === Number(m[1]) && !c.dismissed) dismiss(c.id)
})

export function trackCalls (live) {
  live.on('call.ringing', (m) => onRinging(m))
  live.on('call.answered', onAnswered)
  live.on('call.ended', onEnded)
  live.on('hello', onSnapshot)
  live.on('resync', onSnapshot)
  // Enter opens the newest popup's draft, Esc hides it (not while typing in a field)
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' && ev.key !== 'Escape') return
    const t = ev.target
    if (t instanceof HTMLElement && (t.closest('input, textarea, select, [contenteditable]') !== null || (ev.key === 'Enter' && t.closest('button, a') !== null))) return
    if (document.querySelector('.backdrop') !== null) return
    const top = visible().find((c) => c.state !== 'answered' || c.mine)
    if (top === undefined) return
    ev.preventDefault()
    if (ev.key === 'Enter') openDraft(top)
    else dismiss(top.id)
  })
}

function visible () {
  return [...calls.values()].filter((c) => !c.dismissed).sort((a, b) => (b.receivedAt ?? 0) - (a.receivedAt ?? 0))
}

function Popup ({ c, now }) {
  const since = c.receivedAt ? Math.round((now - c.receivedAt) / 1000) : null
  let state
  if (c.state === 'ringing') state = html`<span class="pill warn blink">Звонит${since !== null ? ` · ${duration(since)}` : ''}</span>`
  else if (c.state === 'answered' && c.mine) state = html`<span class="pill ok">Вы приняли звонок</span>`
  else if (c.state === 'answered') state = html`<span class="pill off">принят</span>`
  else if (c.state === 'missed') state = html`<span class="pill bad">перезвонить</span>`
  else state = html`<span class="pill off">Разговор завершён</span>`
  const open = c.caller?.openEntries ?? []
  return html`<section class="popup ${c.state} ${c.mine ? 'mine' : ''}" role="alertdialog" aria-label="Входящий звонок" data-testid="call-popup" data-call-id=${c.id} data-state=${c.state}>
    <header>
      <strong>${c.state === 'missed' ? 'Пропущенный звонок' : 'Входящий звонок'}</strong>
      ${state}
      <button class="close" title="Скрыть (Esc)" aria-label="Скрыть" onClick=${() => dismiss(c.id)}>×</button>
    </header>
    <div class="number" data-testid="popup-number">${phone(c.number) || 'Номер скрыт'}</div>
    ${c.state === 'answered' && !c.mine && html`<div class="taken" data-testid="taken">Звонок принял(а): <b>${c.answeredBy?.name ?? 'другой специалист'}</b>${c.answeredBy?.extension ? ` (доб. ${c.answeredBy.extension})` : ''}</div>`}
    ${c.caller?.name
      ? html`<div class="caller" data-testid="popup-caller"><b>${c.caller.name}</b>${c.caller.organization ? html`<div>${c.caller.organization}</div>` : ''}</div>`
      : html`<div class="caller muted" data-testid="popup-caller">${c.caller?.organization ?? 'Новый абонент: ранее не обращался'}</div>`}
    ${open.length > 0 && html`<div class="history">
      <div class="muted small">Открытые запросы (${open.length}):</div>
      <ul>${open.slice(0, 4).map((e) => html`<li><a href=${`/entries/${e.id}`}>№ ${entryNumber(e) || e.id}</a> <span class="muted">${label(STATUSES, e.status)}</span> ${(e.description ?? '').slice(0, 70)}</li>`)}</ul>
    </div>`}
    <footer>
      ${(c.state !== 'answered' || c.mine) && html`<button class="primary" disabled=${c.entryId === null} onClick=${() => openDraft(c)} data-testid="open-draft">
        ${c.entryId === null ? 'Черновик создаётся…' : c.state === 'missed' ? 'Перезвонить: открыть черновик' : 'Открыть черновик'} <kbd>Enter</kbd></button>`}
    </footer>
  </section>`
}

export function CallPopups ({ me }) {
  useStore((s) => s.calls)
  const [now, setNow] = useState(Date.now())
  const list = visible()
  const ringing = list.some((c) => c.state === 'ringing')
  useEffect(() => {
    if (!ringing) return
    const t = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(t)
  }, [ringing])
  // the auditor of the department reads the journal; calls are not theirs to take
  if (list.length === 0 || me?.role === 'auditor') return null
  return html`<div class="popups" aria-live="assertive">${list.map((c) => html`<${Popup} key=${c.id} c=${c} now=${now} />`)}</div>`
}
