// Small building blocks shared by the screens: the organization autocomplete, a modal dialog,
// select boxes from a label list.
import { html, useEffect, useRef, useState } from '/vendor/preact.js'
import { searchOrganizations } from './journal-api.js'

/**
 * Organization: pick one from the directory while typing, or keep free text (SPEC §1 allows it).
 * value = { id, name }; onChange gets { id: number | null, name }.
 */
export function OrgInput ({ value, onChange, id, placeholder = 'Начните вводить название…', disabled = false, testid, label }) {
  const [text, setText] = useState(value?.name ?? '')
  const [items, setItems] = useState([])
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(-1)
  const seq = useRef(0)
  const listId = useRef(`org-list-${Math.random().toString(36).slice(2)}`).current
  useEffect(() => { setText(value?.name ?? '') }, [value?.id, value?.name])

  async function search (q) {
    const mine = ++seq.current
    if (q.trim().length < 2) { setItems([]); return }
    try {
      const r = await searchOrganizations(q.trim())
      if (mine === seq.current) { setItems(r.items); setOpen(true); setActive(-1) }
    } catch { if (mine === seq.current) setItems([]) }
  }
  const timer = useRef(null)
  function onInput (ev) {
    const q = ev.target.value
    setText(q)
    onChange({ id: null, name: q })
    clearTimeout(timer.current)
    timer.current = setTimeout(() => { void search(q) }, 150)
  }
  function pick (org) {
    setText(org.name)
    setOpen(false)
    onChange({ id: org.id, name: org.name })
  }
  function onKeyDown (ev) {
    if (!open || items.length === 0) return
    if (ev.key === 'ArrowDown') { ev.preventDefault(); setActive((a) => Math.min(items.length - 1, a + 1)) } else if (ev.key === 'ArrowUp') { ev.preventDefault(); setActive((a) => Math.max(0, a - 1)) } else if (ev.key === 'Enter' && active >= 0) { ev.preventDefault(); pick(items[active]) } else if (ev.key === 'Escape') { setOpen(false) }
  }
  return html`<div class="autocomplete">
    <input id=${id} value=${text} placeholder=${placeholder} disabled=${disabled} autocomplete="off" data-testid=${testid}
      role="combobox" aria-expanded=${open && items.length > 0} aria-autocomplete="list" aria-label=${label} aria-controls=${open && items.length > 0 ? listId : undefined}
      onInput=${onInput} onKeyDown=${onKeyDown} onFocus=${() => items.length > 0 && setOpen(true)} onBlur=${() => setTimeout(() => setOpen(false), 150)} />
    ${value?.id ? html`<span class="tick" title="Из справочника организаций">✓</span>` : ''}
    ${open && items.length > 0 && html`<ul class="suggest" role="listbox" id=${listId}>
      ${items.map((o, i) => html`<li role="option" aria-selected=${i === active} class=${i === active ? 'active' : ''}
        onMouseDown=${(e) => { e.preventDefault(); pick(o) }}>${o.name}${o.inn ? html` <span class="muted small">ИНН ${o.inn}</span>` : ''}</li>`)}
    </ul>`}
  </div>`
}

/** A modal dialog with a form; Esc or «Отмена» closes it; the server's refusal is shown inside. */
export function Dialog ({ title, children, onClose, onSubmit, submitText = 'Сохранить', danger = false, testid }) {
  const [error, setError] = useState(null)
  const [busy, setBusy] = useState(false)
  const ref = useRef(null)
  useEffect(() => {
    const first = ref.current?.querySelector('input, textarea, select')
    first?.focus()
    const onKey = (e) => { if (e.key === 'Escape') onClose() }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])
  async function submit (ev) {
    ev.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await onSubmit(new FormData(ev.target))
      onClose()
    } catch (err) {
      setError(err.message)
      setBusy(false)
    }
  }
  return html`<div class="backdrop" onMouseDown=${(e) => { if (e.target === e.currentTarget) onClose() }}>
    <form class="dialog card" role="dialog" aria-modal="true" aria-label=${title} ref=${ref} onSubmit=${submit} data-testid=${testid}>
      <h2>${title}</h2>
      ${children}
      ${error !== null && html`<p class="error" role="alert">${error}</p>`}
      <div class="actions">
        <button type="button" onClick=${onClose}>Отмена</button>
        <button type="submit" class=${danger ? 'danger' : 'primary'} disabled=${busy}>${submitText}</button>
      </div>
    </form>
  </div>`
}

/** <select> over a [code, label] list, with an optional empty choice (its text names the box unless `label` does). */
export function Select ({ list, value, onChange, empty, name, id, disabled, testid, label }) {
  return html`<select name=${name} id=${id} disabled=${disabled} data-testid=${testid} aria-label=${label ?? empty} value=${value ?? ''} onChange=${(e) => onChange?.(e.target.value === '' ? null : e.target.value)}>
    ${empty !== undefined && html`<option value="">${empty}</option>`}
    ${list.map(([code, text]) => html`<option value=${code} selected=${code === value}>${text}</option>`)}
  </select>`
}
