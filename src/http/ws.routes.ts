// GET /ws: the specialists' realtime channel. The session hook (http/auth.ts) has already
// refused the upgrade with 401 when there is no valid session; here the socket joins the hub.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type {} from '@fastify/websocket' // the websocket route options and handler types
import { Type } from 'typebox'
import type { PushHub } from '../push/hub.js'
import { currentUser } from './auth.js'

export interface WsRoutesOptions { hub: PushHub }

export const wsRoutes: FastifyPluginAsyncTypebox<WsRoutesOptions> = async (app, { hub }) => {
  app.get('/ws', {
    websocket: true,
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
