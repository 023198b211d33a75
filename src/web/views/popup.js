// The incoming-call popup. It appears by itself when the PBX rings the helpdesk (websocket
// `call.ring`, the moment the service reads the ring, with the number; `call.ringing` follows with
// the draft and who is calling) and says who is calling (the directory, else the caller's last entries: name,
// organization, their requests, how often the number called). Each popup belongs to its call and to
// the specialist who took it (issue 10): Enter and the popup's button open only *your* call's draft
// (the call your extension answered); a call a colleague took says who and leaves after a few
// seconds; a ringing or abandoned call opens nothing. Once a call is over its popup leaves: your
// unregistered calls collapse into one quiet «Незарегистрированные звонки (N)» item (click → the
// list), missed calls into «Перезвонить (M)» (the callback list). Calls are keyed by id, so a message
// replayed after a reconnect updates a popup instead of opening a second one.
import { html, useEffect, useState } from '/vendor/preact.js'
import { navigate, useStore, setState, getState, subscribe } from '../lib/store.js'
import { api, qs } from '../lib/api.js'
import { date, dateTime, duration, entryNumber, integer, isoDay, phone, plural } from '../lib/format.js'
import { label, STATUSES } from '../lib/labels.js'
import { notify, ring } from '../lib/notify.js'

const calls = new Map() // id → popup model
let version = 0
/** a colleague's call: long enough to read who took it */
const TAKEN_HIDE_MS = 4000

function changed () { setState({ calls: ++version }) }

/**
 * The server's messages (src/push/messages.ts), as these handlers take them.
 * @typedef {import('../../push/messages.js').ServerMessages} ServerMessages
 * @typedef {import('../../push/messages.js').CallerView} CallerView
 * @typedef {import('../../push/messages.js').CallSnapshot} CallSnapshot
 * @typedef {{ call: ServerMessages['call.ringing']['call'], draft?: ServerMessages['call.ringing']['draft'], caller?: CallerView | null, replay?: true }} Ringing a call.ring (the number only), a call.ringing, or a snapshot's call replayed
 * @typedef {ServerMessages['call.answered']} Answered a call.answered frame, or a snapshot's answered call
 */

/** @param {{ call: { linkedId: string } }} m */
const idOf = (m) => m.call.linkedId

/**
 * Who answered: a user of the service (answeredBy) or, when no user has that extension, the extension holding the call.
 * @param {Answered} m
 */
function answererOf (m) {
  const u = m.answeredBy
  if (u !== null) return { userId: u.userId, name: u.fullName, extension: u.extension }
  return { userId: null, name: null, extension: m.call.holder }
}

/** @param {CallerView | null | undefined} c (requests is optional: without it, the open ones are what is known) */
function callerOf (c) {
  if (c === null || c === undefined) return null
  return { name: c.name, organization: c.organization, openEntries: c.openRequests, requests: c.requests ?? c.openRequests, calls: c.calls ?? null }
}

function merge (id, patch) {
  const cur = calls.get(id) ?? { id, state: 'ringing', caller: null, entryId: null, dismissed: false, opened: false, answeredBy: null, mine: false, receivedAt: Date.now() }
  const next = { ...cur }
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) next[k] = v
  calls.set(id, next)
  return next
}

function isMine (me, who) {
  if (me === null || me === undefined || who === null) return false
  if (who.userId !== null && who.userId !== undefined) return who.userId === me.id
  return who.extension !== null && me.extension !== null && String(who.extension) === String(me.extension)
}

/** Only your own call's draft opens from its popup or with Enter. */
function openDraft (c) {
  if (c === undefined || c.entryId === null || !c.mine) return
  calls.set(c.id, { ...calls.get(c.id), dismissed: true, opened: true })
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

/** @param {Ringing} m */
function onRinging (m, { quiet = false } = {}) {
  const id = idOf(m)
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
    notify('Входящий звонок', callerLine(next), { tag: `call-${id}` })
  }
}

/** A ring that was no new call (the PBX repeated one already over): its popup leaves, unless it became yours meanwhile. */
/** @param {ServerMessages['call.withdrawn']} m */
function onWithdrawn (m) {
  const id = idOf(m)
  const cur = calls.get(id)
  if (cur === undefined || cur.mine || cur.state !== 'ringing') return
  calls.delete(id)
  changed()
}

/** @param {Answered} m */
function onAnswered (m) {
  const id = idOf(m)
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
    // the answerer's popup comes back if it was hidden before the answer (not once its draft is open)
    dismissed: mine ? prev?.opened === true : prev?.dismissed ?? false,
    // a transfer away from you: the call is not yours any more
    ...(prev?.mine === true && !mine ? { opened: false } : {})
  })
  if (!mine) setTimeout(() => { const x = calls.get(id); if (x !== undefined && !x.mine && x.state === 'answered') { calls.delete(id); changed() } }, TAKEN_HIDE_MS)
  changed()
  refreshTray()
}

/** @param {ServerMessages['call.ended']} m */
function onEnded (m) {
  const id = idOf(m)
  const cur = calls.get(id)
  if (cur === undefined) return
  // a popup never outlives its call: yours stays reachable by Enter (and in the tray) until its draft is registered
  if (cur.mine) merge(id, { state: 'ended', entryId: m.draft?.id ?? cur.entryId })
  else calls.delete(id)
  changed()
  refreshTray()
}

/**
 * hello / resync: every call in progress now. Rebuild the popups from it.
 * @param {{ calls: CallSnapshot[] }} m
 */
function onSnapshot (m) {
  const live = new Set()
  for (const snap of m.calls) {
    const id = idOf(snap)
    live.add(id)
    onRinging({ ...snap, replay: true }, { quiet: calls.has(id) })
    if (snap.type === 'call.answered' || snap.call?.state === 'talking') onAnswered(snap)
  }
  for (const [id, c] of calls) {
    if (live.has(id) || c.state === 'ended') continue
    // the call ended while the connection was down
    if (c.mine) merge(id, { state: 'ended' })
    else calls.delete(id)
  }
  changed()
  refreshTray()
}

/**
 * The entry was registered or dismissed: its call needs nothing more.
 * @param {ServerMessages['entry.updated']} m
 */
function onEntry (m) {
  const e = m.entry
  if (e === undefined || (e.number == null && e.annulment == null)) return
  let any = false
  for (const c of calls.values()) if (c.entryId === e.id) { calls.delete(c.id); any = true }
  if (any) changed()
  refreshTray()
}

// ─── the tray: your unregistered calls and the missed calls to call back, one quiet item ───
let trayTimer = null
export function refreshTray () {
  clearTimeout(trayTimer)
  trayTimer = setTimeout(() => { void loadTray() }, 300)
}
async function loadTray () {
  const me = getState().me
  if (me === null || me === undefined || me.role === 'auditor') return
  try {
    const [drafts, missed] = await Promise.all([
      api('GET', '/api/entries' + qs({ draft: 'true', assignedTo: me.id, channel: 'phone', annulled: 'exclude', sort: 'createdAt', order: 'desc', limit: 20 })),
      api('GET', '/api/calls' + qs({ missed: 'true', calledBack: 'false', from: isoDay(), limit: 1 }))
    ])
    // a call still on the line has its popup; the tray holds the rest
    const live = new Set([...calls.values()].filter((c) => c.state !== 'ended').map((c) => c.entryId))
    const items = drafts.items.filter((e) => !live.has(e.id))
    setState({ tray: { drafts: items, draftsTotal: drafts.total - (drafts.items.length - items.length), draftsExact: drafts.totalExact !== false, missed: missed.total } })
  } catch { /* the next change tries again */ }
}

// a draft opened any other way (the call log, the journal) hides its popup too
let lastPath = null
subscribe((st) => {
  if (st.path === lastPath) return
  lastPath = st.path
  const m = /^\/entries\/(\d+)/.exec(st.path)
  if (m === null) return
  for (const c of calls.values()) if (c.entryId === Number(m[1]) && !c.dismissed) { calls.set(c.id, { ...c, dismissed: true, opened: true }); changed() }
})

/** Your newest call whose draft is waiting: what Enter opens (never a ringing, abandoned or colleague's call). */
function yourCall () {
  return [...calls.values()].filter((c) => c.mine && !c.opened && c.entryId !== null)
    .sort((a, b) => (b.receivedAt ?? 0) - (a.receivedAt ?? 0))[0]
}

export function trackCalls (live) {
  live.on('call.ring', (m) => onRinging(m))
  live.on('call.withdrawn', onWithdrawn)
  live.on('call.ringing', (m) => onRinging(m))
  live.on('call.answered', onAnswered)
  live.on('call.ended', onEnded)
  live.on('hello', onSnapshot)
  live.on('resync', onSnapshot)
  live.on('entry.updated', onEntry)
  live.on('entry.created', () => refreshTray())
  // Enter opens your call's draft, Esc hides the newest popup (not while typing in a field)
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Enter' && ev.key !== 'Escape') return
    const t = ev.target
    if (t instanceof HTMLElement && (t.closest('input, textarea, select, [contenteditable]') !== null || (ev.key === 'Enter' && t.closest('button, a, summary') !== null))) return
    if (document.querySelector('.backdrop') !== null) return
    const target = ev.key === 'Enter' ? yourCall() : visible()[0]
    if (target === undefined) return
    ev.preventDefault()
    if (ev.key === 'Enter') openDraft(target)
    else dismiss(target.id)
  })
}

/** The popups on screen: calls in progress not hidden (an ended call is in the tray, not a popup). */
function visible () {
  return [...calls.values()].filter((c) => !c.dismissed && c.state !== 'ended').sort((a, b) => (b.receivedAt ?? 0) - (a.receivedAt ?? 0))
}

function callsBefore (c) {
  const k = c.caller?.calls
  if (k === null || k === undefined || k.count === 0) return null
  return `Звонил(а) ${k.count} ${plural(k.count, 'раз', 'раза', 'раз')}${k.lastAt ? `, последний раз ${dateTime(k.lastAt)}` : ''}`
}

function Popup ({ c, now }) {
  const since = c.receivedAt ? Math.round((now - c.receivedAt) / 1000) : null
  let state
  if (c.state === 'ringing') state = html`<span class="pill warn blink">Звонит${since !== null ? ` · ${duration(since)}` : ''}</span>`
  else if (c.mine) state = html`<span class="pill ok">Вы приняли звонок</span>`
  else state = html`<span class="pill off">принят</span>`
  const requests = c.caller?.requests ?? []
  const before = callsBefore(c)
  const known = c.caller?.name || c.caller?.organization
  return html`<section class="popup ${c.state} ${c.mine ? 'mine' : ''}" role="alertdialog" aria-label="Входящий звонок" data-testid="call-popup" data-call-id=${c.id} data-state=${c.state} data-mine=${c.mine ? 'yes' : 'no'}>
    <header>
      <strong>Входящий звонок</strong>
      ${state}
      <button class="close" title="Скрыть (Esc)" aria-label="Скрыть" onClick=${() => dismiss(c.id)}>×</button>
    </header>
    <div class="number" data-testid="popup-number">${phone(c.number) || 'Номер скрыт'}</div>
    ${c.state === 'answered' && !c.mine && html`<div class="taken" data-testid="taken">Звонок принял(а): <b>${c.answeredBy?.name ?? 'другой специалист'}</b>${c.answeredBy?.extension ? ` (доб. ${c.answeredBy.extension})` : ''}</div>`}
    ${known
      ? html`<div class="caller" data-testid="popup-caller">${c.caller.name ? html`<b>${c.caller.name}</b>` : ''}${c.caller.organization ? html`<div>${c.caller.organization}</div>` : ''}</div>`
      : html`<div class="caller muted" data-testid="popup-caller">${before === null ? 'Новый абонент: ранее не обращался' : 'Абонент не назвался в прошлых обращениях'}</div>`}
    ${before !== null && html`<div class="muted small" data-testid="popup-calls">${before}</div>`}
    ${requests.length > 0 && html`<div class="history">
      <div class="muted small">Обращения (${requests.length}):</div>
      <ul>${requests.slice(0, 4).map((e) => html`<li><a href=${`/entries/${e.id}`}>№ ${entryNumber(e) || e.id}</a> <span class="muted">${label(STATUSES, e.status)}${e.registeredOn ? `, ${date(e.registeredOn)}` : ''}</span> ${(e.description ?? '').slice(0, 70)}</li>`)}</ul>
    </div>`}
    <footer>
      ${c.mine
        ? html`<button class="primary" disabled=${c.entryId === null} onClick=${() => openDraft(c)} data-testid="open-draft">
            ${c.entryId === null ? 'Черновик создаётся…' : 'Открыть черновик'} <kbd>Enter</kbd></button>`
        : c.state === 'ringing' && html`<span class="muted small" data-testid="answer-hint">Черновик откроется тому, кто ответит на звонок</span>`}
    </footer>
  </section>`
}

/** One quiet item for what is left of the calls: your unregistered drafts, the missed calls to call back. */
function Tray () {
  const tray = useStore((s) => s.tray ?? null)
  const [open, setOpen] = useState(false)
  if (tray === null || (tray.draftsTotal === 0 && tray.missed === 0)) return null
  return html`<div class="call-tray" data-testid="call-tray">
    ${tray.draftsTotal > 0 && html`<button class="link" aria-expanded=${open} onClick=${() => setOpen(!open)} data-testid="tray-drafts">Незарегистрированные звонки (${tray.draftsExact === false ? 'более ' : ''}${integer(tray.draftsTotal)})</button>`}
    ${open && tray.draftsTotal > 0 && html`<ul class="tray-list" data-testid="tray-list">
      ${tray.drafts.map((e) => html`<li><a href=${`/entries/${e.id}`} onClick=${() => setOpen(false)}>${dateTime(e.createdAt)} · ${phone(e.callerNumber) || 'номер скрыт'}${e.contactText ? ` · ${e.contactText}` : ''}</a></li>`)}
      <li><a href="/journal?drafts=1&mine=1" onClick=${() => setOpen(false)}>Все мои черновики в журнале</a></li>
    </ul>`}
    ${tray.missed > 0 && html`<a href="/calls?missed=1" data-testid="tray-missed">Перезвонить (${tray.missed})</a>`}
  </div>`
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
  useEffect(() => { refreshTray() }, [me?.id])
  // the auditor of the department reads the journal; calls are not theirs to take
  if (me?.role === 'auditor') return null
  return html`<div class="popups" aria-live="assertive">
    ${list.map((c) => html`<${Popup} key=${c.id} c=${c} now=${now} />`)}
    <${Tray} />
  </div>`
}
