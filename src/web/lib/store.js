// Application state shared by the screens: who is logged in, the route, the PBX and live status.
// A tiny observable instead of a state library: the UI has a handful of global facts.
import { useEffect, useState } from '/vendor/preact.js'

const state = { me: null, path: location.pathname + location.search, health: null, live: 'idle', schedule: null }
const listeners = new Set()

export function getState () { return state }
export function setState (patch) {
  Object.assign(state, patch)
  for (const fn of [...listeners]) fn(state)
}
export function subscribe (fn) { listeners.add(fn); return () => listeners.delete(fn) }

/** Re-renders the component when the selected part of the state changes. */
export function useStore (select) {
  const [value, setValue] = useState(() => select(state))
  useEffect(() => subscribe((s) => setValue(select(s))), [])
  return value
}

export function navigate (path, { replace = false } = {}) {
  if (path === state.path) return
  if (replace) history.replaceState(null, '', path)
  else history.pushState(null, '', path)
  setState({ path })
  window.scrollTo(0, 0)
}

window.addEventListener('popstate', () => setState({ path: location.pathname + location.search }))

// same-origin links navigate inside the app (Ctrl/middle click still opens a new tab)
document.addEventListener('click', (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return
  const a = ev.target instanceof Element ? /** @type {HTMLAnchorElement | null} */ (ev.target.closest('a[href]')) : null
  if (a === null || a === undefined || a.target !== '' || a.hasAttribute('download')) return
  const url = new URL(a.href, location.href)
  if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return
  ev.preventDefault()
  navigate(url.pathname + url.search)
})

export const isHead = (me) => me?.role === 'head'
export const canWrite = (me) => me !== null && me !== undefined && me.role !== 'auditor'
