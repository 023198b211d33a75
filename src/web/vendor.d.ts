// Browser globals the UI touches beyond the DOM library's.
interface Window {
  /** the live connection, for debugging from the console */
  __live?: unknown
  /** Safari before 14.1 */
  webkitAudioContext?: typeof AudioContext
}

interface NotificationOptions {
  /** Chromium: ring again when a notification with the same tag is replaced */
  renotify?: boolean
}
