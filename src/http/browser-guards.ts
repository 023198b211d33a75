// What a browser needs to be told, beyond the session: writes and the websocket come only from the
// service's own pages (SameSite cookies stop other sites, not another port or a sibling host), and
// every answer says not to sniff types, frame it or leak the URL.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { httpError } from './errors.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Whether a request's Origin may write or open the socket: the configured origins when given, else
 * the same host the request was sent to. No Origin at all is a script or an old client, not a page
 * of another site (browsers send it with every write and every websocket), and the CSRF token or the
 * session still decides.
 */
export function originAllowed (origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false // "null" (a sandboxed frame, a file) and garbage
  }
  if (allowed.length > 0) return allowed.includes(url.origin)
  return host !== undefined && url.host === host.toLowerCase()
}

export function checkOrigins (app: FastifyInstance, allowed: readonly string[]): void {
  app.addHook('onRequest', async (req: FastifyRequest) => {
    const socket = req.headers.upgrade?.toLowerCase() === 'websocket'
    if (SAFE_METHODS.has(req.method) && !socket) return
    const origin = req.headers.origin
    if (!originAllowed(origin, req.headers.host, allowed)) {
      req.log.warn({ origin, host: req.headers.host }, 'request from another origin refused')
      throw httpError(403, 'ORIGIN_NOT_ALLOWED', `requests from ${origin ?? 'this origin'} are not accepted here (ALLOWED_ORIGINS lists the origins that are)`)
    }
  })
}

export function addSecurityHeaders (app: FastifyInstance): void {
  app.addHook('onSend', async (_req, reply) => {
    void reply.header('x-content-type-options', 'nosniff')
    if (!reply.hasHeader('referrer-policy')) void reply.header('referrer-policy', 'same-origin')
    void reply.header('x-frame-options', 'DENY')
  })
}
