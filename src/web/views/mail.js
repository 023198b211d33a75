// The e-mail channel on screen: a popup when a message opens a draft or answers an entry
// (websocket `mail.received`),
// and an entry's correspondence in order — incoming and outgoing, each reply's delivery state,
// attachments as downloads. Mail is someone else's content: it is shown as text only (never as
// HTML), and files are downloaded, never opened in the page.
import { html, useEffect, useState } from '/vendor/preact.js'
import { api } from '../lib/api.js'
import { live } from '../lib/live.js'
import { canWrite, navigate, setState, useStore } from '../lib/store.js'
import { dateTime } from '../lib/format.js'
import { notify } from '../lib/notify.js'

const KIND = {
  request: 'запрос', reply: 'ответ заявителя', 'auto-reply': 'автоответ', bounce: 'недоставка', own: 'наше письмо', malformed: 'нераспознанное',
  answer: 'ответ заявителю', question: 'вопрос заявителю'
}
const DELIVERY = { queued: ['warn', 'в очереди'], sending: ['warn', 'отправляется'], sent: ['ok', 'отправлено'], failed: ['bad', 'не отправлено'] }

function size (n) {
  if (n < 1024) return `${n} Б`
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} КБ`
  return `${(n / 1024 / 1024).toFixed(1).replace('.', ',')} МБ`
}

const mails = new Map() // mail id → popup model
let version = 0
const changed = () => setState({ mails: ++version })
const RECENT_MS = 10 * 60_000

export function trackMail (liveConn) {
  liveConn.on('mail.received', (m) => {
    // a new draft, or a person's message on an existing entry (machine mail pops nothing up)
    if (m.entry?.id === undefined || (m.mail?.created !== true && m.mail?.kind !== 'reply')) return
    // a replay after a reconnect brings back only what is still fresh
    if (m.replay === true && Date.now() - new Date(m.mail.receivedAt).getTime() > RECENT_MS) return
    if (mails.has(m.mail.id)) return
    const n = m.entry.year && m.entry.number ? `${m.entry.year}-${m.entry.number}` : null
    mails.set(m.mail.id, {
      id: m.mail.id, entryId: m.entry.id, from: m.mail.fromName ?? m.mail.fromAddress ?? '', address: m.mail.fromAddress, subject: m.mail.subject,
      receivedAt: m.mail.receivedAt, dismissed: false, created: m.mail.created === true, number: n, resumed: m.mail.resumed === true
    })
    changed()
    if (m.replay !== true) notify?.('Новое письмо', `${m.mail.fromName ?? m.mail.fromAddress ?? ''}: ${m.mail.subject}`)
  })
}

function dismiss (id) {
  const p = mails.get(id)
  if (p !== undefined) { mails.set(id, { ...p, dismissed: true }); changed() }
}

export function MailPopups ({ me }) {
  useStore((s) => s.mails)
  const list = [...mails.values()].filter((p) => !p.dismissed).slice(-4).reverse()
  if (list.length === 0 || me?.role === 'auditor') return null
  return html`<div class="popups mail-popups" aria-live="polite">${list.map((p) => html`
    <section class="popup mail" role="dialog" aria-label="Новое письмо" data-testid="mail-popup" data-entry-id=${p.entryId}>
      <header><strong>${p.created ? 'Новое письмо' : `Письмо по обращению${p.number ? ` № ${p.number}` : ''}`}</strong><span class="pill off">${dateTime(p.receivedAt)}</span>
        <button class="close" title="Скрыть" aria-label="Скрыть" onClick=${() => dismiss(p.id)}>×</button></header>
      <div class="caller"><b>${p.from}</b>${p.address && p.address !== p.from ? html` <span class="muted">${p.address}</span>` : ''}</div>
      <div class="subject">${p.subject || '(без темы)'}</div>
      ${p.resumed && html`<div class="small">Сведения получены: запрос снова «В работе», срок идёт.</div>`}
      <footer><button class="primary" data-testid="open-mail-draft" onClick=${() => { dismiss(p.id); navigate(`/entries/${p.entryId}`) }}>${p.created ? 'Открыть черновик' : 'Открыть запись'}</button></footer>
    </section>`)}</div>`
}

/** The correspondence of one entry, kept up to date by mail.received / mail.outbox. */
export function Correspondence ({ me, entryId }) {
  const [items, setItems] = useState(null)
  const [error, setError] = useState(null)
  const load = () => api('GET', `/api/entries/${entryId}/mail`).then((r) => { setItems(r.items ?? []); setError(null) }).catch((err) => setError(err.message))
  useEffect(() => { void load() }, [entryId])
  useEffect(() => {
    const offs = [
      live.on('mail.received', (m) => { if (m.entry?.id === entryId) void load() }),
      live.on('mail.outbox', (m) => { if (m.entryId === entryId) void load() }),
      live.on('entry.updated', (m) => { if (m.entry?.id === entryId) void load() })
    ]
    return () => { for (const off of offs) off() }
  }, [entryId])
  if (items === null) return error === null ? null : html`<p class="error">${error}</p>`
  if (items.length === 0) return null
  async function retry (outboxId) {
    try { await api('POST', `/api/mail/outbox/${outboxId}/retry`); await load() } catch (err) { setError(err.message) }
  }
  return html`<section class="card correspondence" data-testid="correspondence">
    <h3>Переписка (${items.length})</h3>
    ${error !== null && html`<p class="error" role="alert">${error}</p>`}
    ${items.map((m) => {
      const d = m.outbox === null ? null : DELIVERY[m.outbox.state] ?? ['off', m.outbox.state]
      return html`<article class=${'mail-item ' + m.direction} data-testid="mail-item" data-direction=${m.direction} data-kind=${m.kind}>
        <header>
          <span class=${'pill ' + (m.direction === 'in' ? 'off' : 'ok')}>${m.direction === 'in' ? 'Входящее' : 'Исходящее'}</span>
          <span>${dateTime(m.receivedAt)}</span>
          <span>${m.direction === 'in' ? `от ${m.fromName ? `${m.fromName} <${m.fromAddress}>` : m.fromAddress ?? '—'}` : `кому ${m.to.join(', ')}`}</span>
          <span class="muted">${KIND[m.kind] ?? m.kind}</span>
          ${d !== null && html`<span class=${'pill ' + d[0]} data-testid="mail-delivery" data-state=${m.outbox.state}
            title=${m.outbox.lastError ?? ''}>${d[1]}${m.outbox.attempts > 1 ? ` (попыток: ${m.outbox.attempts})` : ''}</span>`}
        </header>
        <div class="subject"><b>${m.subject || '(без темы)'}</b></div>
        ${m.outbox?.lastError && html`<p class="small ${m.outbox.state === 'failed' ? 'error' : 'muted'}">Ответ почтового сервера: ${m.outbox.lastError}</p>`}
        ${m.outbox?.state === 'failed' && canWrite(me) && html`<button onClick=${() => retry(m.outbox.id)} data-testid="mail-retry">Отправить снова</button>`}
        <pre class="mail-body">${m.body}</pre>
        ${m.attachments.length > 0 && html`<ul class="attachments">${m.attachments.map((a) => html`<li>
          ${a.kept
            ? html`<a href=${`/api/mail/attachments/${a.id}`} download=${a.filename} data-testid="mail-attachment">${a.filename}</a>`
            : html`<span title="больше допустимого размера: не сохранено">${a.filename}</span>`}
          <span class="muted small"> ${size(a.size)}${a.inline ? ', в тексте письма' : ''}${a.kept ? '' : ', не сохранено (больше лимита)'}</span></li>`)}</ul>`}
        ${m.note && m.direction === 'in' && m.kind !== 'request' && html`<p class="muted small">${m.note}</p>`}
        <a class="small" href=${`/api/mail/messages/${m.id}/source`} download>Исходное письмо (.eml)</a>
      </article>`
    })}
  </section>`
}
