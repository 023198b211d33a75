// The live connection to /ws: calls ringing, answered, ended; journal entries created and updated.
// It reconnects by itself with exponential backoff and jitter and tells the server the id of the
// last message it saw (?since=N), so the server replays what was missed and then sends `hello` with
// every call in progress: a dropped connection never loses a popup. Protocol: src/push/messages.ts.

/**
 * The server's frames: exactly the message map of src/push/messages.ts (type-checked by npm test).
 * @typedef {import('../../push/messages.js').ServerMessages} ServerMessages
 * @typedef {import('../../push/messages.js').MessageType} MessageType
 */
/**
 * @template {MessageType} K
 * @typedef {import('../../push/messages.js').ServerMessage<K>} Frame
 */
/**
 * What this connection itself tells its listeners.
 * @typedef {{ 'live.open': { type: 'live.open', reconnect: boolean }, 'live.closed': { type: 'live.closed', code: number }, 'live.failed': { type: 'live.failed', code: number } }} LocalEvents
 */

const MIN_DELAY_MS = 500
const MAX_DELAY_MS = 15000

export function createLive ({ url = defaultUrl(), WebSocketImpl = globalThis.WebSocket } = {}) {
  const handlers = new Map() // type → Set<fn>; '*' gets everything
  const stateListeners = new Set()
  let ws = null
  let lastId = null
  let attempt = 0
  let timer = null
  let stopped = true
  let state = 'idle' // idle | connecting | open | waiting
  let connects = 0
  let holdUntil = 0

  function setState (s) {
    state = s
    for (const fn of stateListeners) fn(s)
  }

  function connect () {
    clearTimeout(timer)
    timer = null
    if (stopped) return
    setState('connecting')
    const u = new URL(url, location.href)
    if (lastId !== null) u.searchParams.set('since', String(lastId))
    let sock
    try { sock = new WebSocketImpl(u.toString()) } catch { scheduleReconnect(); return }
    ws = sock
    let opened = false
    sock.onopen = () => {
      if (ws !== sock) return
      opened = true
      attempt = 0
      connects++
      setState('open')
      dispatch({ type: 'live.open', reconnect: connects > 1 })
    }
    sock.onmessage = (ev) => {
      if (ws !== sock) return
      let msg
      try { msg = JSON.parse(ev.data) } catch { return }
      if (msg === null || typeof msg !== 'object' || typeof msg.type !== 'string') return
      if (typeof msg.id === 'number') {
        // hello/resync carry the server's last id: take it as it is (the log may be younger than us)
        if (msg.type === 'hello' || msg.type === 'resync') lastId = msg.id
        else if (lastId === null || msg.id > lastId) lastId = msg.id
      }
      dispatch(msg)
    }
    sock.onclose = (ev) => {
      if (ws !== sock) return
      ws = null
      // never opened (upgrade refused) or 4401 (the session ended): the app checks the session
      dispatch({ type: opened && ev.code !== 4401 ? 'live.closed' : 'live.failed', code: ev.code })
      scheduleReconnect()
    }
    sock.onerror = () => { /* onclose follows */ }
  }

  function scheduleReconnect () {
    if (stopped) { setState('idle'); return }
    const base = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** attempt)
    const delay = Math.max(Math.round(base / 2 + Math.random() * base / 2), holdUntil - Date.now()) // "equal jitter"
    attempt++
    setState('waiting')
    timer = setTimeout(connect, delay)
  }

  function dispatch (msg) {
    for (const key of [msg.type, '*']) {
      const set = handlers.get(key)
      if (set !== undefined) for (const fn of [...set]) { try { fn(msg) } catch (err) { console.error(err) } }
    }
  }

  return {
    start () { if (!stopped) return; stopped = false; connect() },
    stop () { stopped = true; lastId = null; clearTimeout(timer); const s = ws; ws = null; if (s !== null) s.close(); setState('idle') },
    /** Drop the connection as a network failure would, staying away at least holdMs (tests, diagnostics). */
    drop (holdMs = 0) { holdUntil = Date.now() + holdMs; if (ws !== null) ws.close() },
    /** Reconnect now (e.g. the tab came back online) instead of waiting for the backoff. */
    kick () { if (!stopped && ws === null) { attempt = 0; connect() } },
    /**
     * Listens to one message type (a server frame or a local event); returns the unsubscribe function.
     * @template {MessageType | keyof LocalEvents} K
     * @param {K} type
     * @param {(msg: K extends MessageType ? Frame<K> : K extends keyof LocalEvents ? LocalEvents[K] : never) => void} fn
     * @returns {() => boolean}
     */
    on (type, fn) {
      let set = handlers.get(type)
      if (set === undefined) handlers.set(type, set = new Set())
      set.add(fn)
      return () => set.delete(fn)
    },
    onState (fn) { stateListeners.add(fn); fn(state); return () => stateListeners.delete(fn) },
    get state () { return state },
    get lastId () { return lastId },
    send (msg) { if (ws !== null && ws.readyState === 1) ws.send(JSON.stringify(msg)) }
  }
}

function defaultUrl () {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`
}

/** The page's one live connection (started after log-in). */
export const live = createLive()
