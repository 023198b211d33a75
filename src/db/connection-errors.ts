// Whether a database error means "the database cannot take this right now" rather than "this
// statement is wrong": unreachable (restart, failover, network) or out of room (disk full, an I/O
// error). The first kind is retried once the database is back, so a PostgreSQL restart or a full
// disk delays the call tracking and the screens' messages instead of losing them, and a request
// gets 503 STORAGE_UNAVAILABLE (try again) instead of a 500.
const CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN', 'EHOSTUNREACH', 'ENETUNREACH',
  '57P01', // admin_shutdown: the server is stopping (restart, fast shutdown)
  '57P02', // crash_shutdown
  '57P03' // cannot_connect_now: starting up or in recovery
])
const MESSAGES = /Connection terminated|connection error|timeout exceeded when trying to connect|Connection ended|the database system is (starting up|shutting down|in recovery)|terminating connection/i

const FULL_CODES = new Set(['53100', // disk_full
  '58030', // io_error
  'ENOSPC', 'EDQUOT', 'EIO'])
// PGlite runs PostgreSQL in WebAssembly: a full disk surfaces as Emscripten's ErrnoError (ENOSPC 51,
// EIO 29, EDQUOT 19) or as PostgreSQL's own text
const EMSCRIPTEN_ERRNOS = new Set([51, 29, 19])
const FULL_MESSAGES = /No space left on device|could not (extend|write to) file|disk quota exceeded/i

export function isConnectionError (err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const { code, message } = err as { code?: unknown, message?: unknown }
  if (typeof code === 'string' && (CODES.has(code) || code.startsWith('08'))) return true // 08: connection_exception
  return typeof message === 'string' && MESSAGES.test(message)
}

/** Out of room: the disk (or quota) is full, or the storage failed to write. */
export function isStorageFull (err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const { code, errno, message } = err as { code?: unknown, errno?: unknown, message?: unknown }
  if (typeof code === 'string' && FULL_CODES.has(code)) return true
  if (typeof errno === 'number' && (err as Error).name === 'ErrnoError' && EMSCRIPTEN_ERRNOS.has(errno)) return true
  return typeof message === 'string' && FULL_MESSAGES.test(message)
}

/** Either: the write can succeed later, unchanged. */
export function isStorageUnavailable (err: unknown): boolean {
  return isConnectionError(err) || isStorageFull(err)
}
