// The incoming-call popup. It appears by itself when the PBX rings the helpdesk (websocket
// `call.ringing`), says who is calling (identified from earlier entries: name, organization, their
// open requests) and opens the call's draft in one click or with Enter. When a colleague answers,
// the popup says so; the specialist whose phone answered keeps it. Calls are keyed by id, so a
// message replayed after a reconnect updates a popup instead of opening a second one.
import { html, useEffect, useState } from '/vendor/preact.js'
import { navigate, useStore, setState, getState } from '../lib/store.js'
import { duration, entryNumber, phone } from '../lib/format.js'
import { label, STATUSES } from '../lib/labels.js'
import { notify, ring } from '../lib/notify.js'

const calls = new Map() // id → popup model
let version = 0
const TAKEN_HIDE_MS = 15000
const MISSED_HIDE_MS = 60000

function changed () { setState({ calls: ++version }) }

const payload = (msg) => msg.data ?? msg.payload ?? msg
const callOf = (p) => p.call ?? p
const idOf = (p) => { const c = callOf(p); return String(c.id ?? c.callId ?? c.linkedId ?? p.callId ?? p.linkedId ?? '') }

/** Who answered, from whichever shape the message gives: a user, an extension, or both. */
function answererOf (p) {
  const c = callOf(p)
  const u = p.answeredByUser ?? p.user ?? p.specialist ?? c.answeredByUser ?? (typeof c.answeredBy === 'object' ? c.answeredBy : null) ?? (typeof p.answeredBy === 'object' ? p.answeredBy : null)
  const ext = (typeof p.answeredBy === 'string' ? p.answeredBy : null) ?? (typeof c.answeredBy === 'string' ? c.answeredBy : null) ?? p.extension ?? u?.extension ?? null
  return { userId: u?.id ?? u?.userId ?? null, name: u?.fullName ?? u?.name ?? null, extension: ext }
}

function callerOf (p) {
  const c = p.caller ?? p.identification ?? p.callerInfo ?? callOf(p).caller ?? null
  if (c === null || typeof c !== 'object') return null
  const org = c.organization ?? c.organizationName ?? null
  return {
    name: c.name ?? c.fullName ?? c.contactName ?? c.contactText ?? null,
    organization: typeof org === 'object' && org !== null ? org.name : org,
    openEntries: c.openEntries ?? c.openRequests ?? c.open ?? [],
    entriesCount: c.entriesCount ?? c.previousCount ?? null
  }
}

function merge (id, patch) {
  const cur = calls.get(id) ?? { id, state: 'ringing', caller: null, entryId: null, dismissed: false, answeredBy: null, rings: 0 }
  const next = { ...cur, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined && v !== null)) }
  calls.set(id, next)
  return { prev: calls.has(id) ? cur : null, next }
}

function isMine (me, who) {
  if (me === null || who === null) return false
  if (who.userId !== null && who.userId !== undefined) return who.userId === me.id
  return who.extension !== null && me.extension !== null && String(who.extension) === String(me.extension)
}

function openDraft (c) {
  if (c.entryId === null) return
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

export function trackCalls (live) {
  live.on('call.ringing', (msg) => {
    const p = payload(msg)
    const c = callOf(p)
    const id = idOf(p)
    if (id === '') return
    const known = calls.has(id)
    const entry = p.entry ?? p.draft ?? null
    const { next } = merge(id, {
      number: c.callerNumber ?? c.number ?? p.callerNumber ?? null,
      arrivedAt: c.arrivedAt ?? c.startedAt ?? p.at ?? null,
      entryId: entry?.id ?? c.entryId ?? p.entryId ?? null,
      caller: callerOf(p),
      receivedAt: known ? undefined : Date.now()
    })
    changed()
    if (!known && next.state === 'ringing') {
      startRinging(id)
      notify('Входящий звонок', callerLine(next), { tag: `call-${id}`, onClick: () => openDraft(calls.get(id)) })
    }
  })
  live.on('call.answered', (msg) => {
    const p = payload(msg)
    const id = idOf(p)
    if (id === '') return
    const who = answererOf(p)
    const c = callOf(p)
    const me = getState().me
    const mine = isMine(me, who)
    const { next } = merge(id, { state: 'answered', answeredBy: who, mine, number: c.callerNumber ?? null, entryId: p.entry?.id ?? c.entryId ?? p.entryId ?? null })
    if (!mine) {
      setTimeout(() => { const x = calls.get(id); if (x !== undefined && !x.mine) { calls.delete(id); changed() } }, TAKEN_HIDE_MS)
    } else if (next.dismissed && next.entryId === null) {
      calls.set(id, { ...next, dismissed: false })
    }
    changed()
  })
  live.on('call.ended', (msg) => {
    const p = payload(msg)
    const id = idOf(p)
    const cur = calls.get(id)
    if (cur === undefined) return
    const c = callOf(p)
    const outcome = c.outcome ?? p.outcome ?? null
    const missed = cur.state === 'ringing' && outcome !== 'answered'
    merge(id, { state: missed ? 'missed' : 'ended', outcome, entryId: c.entryId ?? p.entryId ?? null })
    changed()
    if (missed) setTimeout(() => { const x = calls.get(id); if (x?.state === 'missed') { calls.delete(id); changed() } }, MISSED_HIDE_MS)
    else if (!cur.mine) { calls.delete(id); changed() }
  })
  // Enter opens the newest popup's draft, Esc hides it (not while typing in a field)
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' && ev.key !== 'Escape') return
    const t = ev.target
    if (t instanceof HTMLElement && (t.closest('input, textarea, select, [contenteditable]') !== null || (ev.key === 'Enter' && t.closest('button, a') !== null))) return
    const top = visible(getState().me)[0]
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
  else if (c.state === 'answered') state = html`<span class="pill off" data-testid="taken">Принят: ${c.answeredBy?.name ?? (c.answeredBy?.extension ? `доб. ${c.answeredBy.extension}` : 'другой специалист')}</span>`
  else if (c.state === 'missed') state = html`<span class="pill bad">Пропущен — перезвонить</span>`
  else state = html`<span class="pill off">Разговор завершён</span>`
  const open = c.caller?.openEntries ?? []
  return html`<section class="popup ${c.state} ${c.mine ? 'mine' : ''}" role="alertdialog" aria-label="Входящий звонок" data-testid="call-popup" data-call-id=${c.id} data-state=${c.state}>
    <header>
      <strong>${c.state === 'missed' ? 'Пропущенный звонок' : 'Входящий звонок'}</strong>
      ${state}
      <button class="close" title="Скрыть (Esc)" aria-label="Скрыть" onClick=${() => dismiss(c.id)}>×</button>
    </header>
    <div class="number" data-testid="popup-number">${phone(c.number) || 'Номер скрыт'}</div>
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

export function CallPopups () {
  useStore((s) => s.calls)
  const [now, setNow] = useState(Date.now())
  const list = visible()
  const ringing = list.some((c) => c.state === 'ringing')
  useEffect(() => {
    if (!ringing) return
    const t = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(t)
  }, [ringing])
  if (list.length === 0) return null
  return html`<div class="popups" aria-live="assertive">${list.map((c) => html`<${Popup} key=${c.id} c=${c} now=${now} />`)}</div>`
}
