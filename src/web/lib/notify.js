// How an incoming call gets attention: a short ring made with WebAudio (no sound file to load) and a
// system notification when the tab is hidden, so a specialist in another window still sees it.

let ctx = null
const soundListeners = new Set()
let missedRing = false

/**
 * The ring's state as the header shows it: 'on' (it will sound), 'blocked' (the browser waits for a
 * click on the page: after a reload its autoplay rule keeps the sound off), 'unsupported'.
 */
export function soundState () {
  if (ctx === null) return typeof (window.AudioContext || window.webkitAudioContext) === 'function' ? 'blocked' : 'unsupported'
  return ctx.state === 'running' ? 'on' : 'blocked'
}
/** A ring was due while the sound was blocked (the header makes its button stand out). */
export const ringWasMissed = () => missedRing
/** Called with the state whenever it changes; returns the unsubscribe function. */
export function onSoundState (fn) { soundListeners.add(fn); return () => soundListeners.delete(fn) }
const told = () => { for (const fn of [...soundListeners]) fn(soundState()) }

function context () {
  try {
    if (ctx === null) {
      ctx = new (window.AudioContext || window.webkitAudioContext)()
      ctx.onstatechange = () => { if (ctx?.state === 'running') missedRing = false; told() }
    }
  } catch { ctx = null }
  return ctx
}
// at load: the context starts 'running' where the browser allows sound, else 'suspended' until a click
context()

/** Browsers allow sound only after a user gesture: call this from one (log-in, any click, «Включить звук»). */
export function unlockAudio () {
  const c = context()
  if (c !== null && c.state === 'suspended') void c.resume().then(told, told)
  told()
}
document.addEventListener('pointerdown', unlockAudio, { once: true, capture: true })
document.addEventListener('keydown', unlockAudio, { once: true, capture: true })

/** Two short tones, like a desk phone; silent if audio is not allowed yet. */
export function ring () {
  if (ctx === null || ctx.state !== 'running') { missedRing = true; told(); return false }
  const t0 = ctx.currentTime
  for (const [i, f] of [[0, 880], [1, 660]]) {
    const osc = ctx.createOscillator()
    const gain = ctx.createGain()
    osc.type = 'sine'
    osc.frequency.value = f
    const start = t0 + i * 0.22
    gain.gain.setValueAtTime(0.0001, start)
    gain.gain.exponentialRampToValueAtTime(0.25, start + 0.02)
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.2)
    osc.connect(gain).connect(ctx.destination)
    osc.start(start)
    osc.stop(start + 0.21)
  }
  return true
}

export const notificationsSupported = () => 'Notification' in window
export const notificationPermission = () => notificationsSupported() ? Notification.permission : 'unsupported'

export async function askNotificationPermission () {
  if (!notificationsSupported()) return 'unsupported'
  if (Notification.permission === 'default') return await Notification.requestPermission()
  return Notification.permission
}

/**
 * A system notification while the tab is hidden; clicking it brings the tab back and runs onClick.
 * @param {string} title @param {string} body @param {{ tag?: string, onClick?: () => void }} [options]
 */
export function notify (title, body, { tag, onClick } = {}) {
  if (!document.hidden || notificationPermission() !== 'granted') return null
  try {
    const n = new Notification(title, { body, tag, renotify: true, requireInteraction: true })
    n.onclick = () => { window.focus(); n.close(); onClick?.() }
    return n
  } catch { return null }
}
