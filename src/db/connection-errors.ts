// Whether a database error means "the server is unreachable right now" (restart, failover, network)
// rather than "this statement is wrong": the first kind is retried once the server is back, so a
// PostgreSQL restart delays the call tracking instead of losing its writes.
const CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN', 'EHOSTUNREACH', 'ENETUNREACH',
  '57P01', // admin_shutdown: the server is stopping (restart, fast shutdown)
  '57P02', // crash_shutdown
  '57P03' // cannot_connect_now: starting up or in recovery
])
const MESSAGES = /Connection terminated|connection error|timeout exceeded when trying to connect|Connection ended|the database system is (starting up|shutting down|in recovery)|terminating connection/i

export function isConnectionError (err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false
  const { code, message } = err as { code?: unknown, message?: unknown }
  if (typeof code === 'string' && (CODES.has(code) || code.startsWith('08'))) return true // 08: connection_exception
  return typeof message === 'string' && MESSAGES.test(message)
}
