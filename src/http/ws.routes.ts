// GET /ws: the specialists' realtime channel. The session hook (http/auth.ts) has already
// refused the upgrade with 401 when there is no valid session; here the socket joins the hub.
import type { FastifyInstance } from 'fastify'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type {} from '@fastify/websocket' // the websocket route options and handler types
import { Type } from 'typebox'
import type { PushHub } from '../push/hub.js'
import { currentUser } from './auth.js'
import { httpError } from './errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** the route takes websocket upgrades */
    socket?: boolean
  }
}

/**
 * An upgrade to a route that is no socket (the UI fallback caught /ws;x or /ws%00, say) is refused
 * before the handshake: @fastify/websocket would otherwise complete it and only then close the socket.
 */
export function refuseStrayUpgrades (app: FastifyInstance): void {
  app.addHook('onRequest', async (req) => {
    if (req.headers.upgrade?.toLowerCase() !== 'websocket' || (!req.is404 && req.routeOptions.config.socket === true)) return
    throw httpError(404, 'ROUTE_NOT_FOUND', `no websocket at ${req.url.split('?')[0] ?? ''}`)
  })
}

export interface WsRoutesOptions { hub: PushHub }

export const wsRoutes: FastifyPluginAsyncTypebox<WsRoutesOptions> = async (app, { hub }) => {
  app.get('/ws', {
    websocket: true,
    config: { socket: true },
    schema: {
      hide: true,
      querystring: Type.Object({
        since: Type.Optional(Type.Integer({ minimum: 0, description: 'the last message id this screen saw: replays what came after it' }))
      })
    }
  }, (socket, req) => {
    hub.connect(socket, currentUser(req), req.query.since, req.sessionToken)
  })
}
