// Liveness for load balancers and the PBX administrator: is the database reachable and taking writes,
// are AMI and the mailbox up.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { sql } from 'kysely'
import type { Db } from '../db/database.js'

export type AmiStatus = 'disabled' | 'connected' | 'disconnected'

export interface HealthRoutesOptions { db: Db, amiStatus: () => AmiStatus, mailStatus?: () => AmiStatus }

const Link = Type.Union([Type.Literal('disabled'), Type.Literal('connected'), Type.Literal('disconnected')])

export const healthRoutes: FastifyPluginAsyncTypebox<HealthRoutesOptions> = async (app, { db, amiStatus, mailStatus = () => 'disabled' }) => {
  app.get('/health', {
    config: { access: 'public' },
    schema: {
      tags: ['health'],
      response: {
        200: Type.Object({ status: Type.Literal('ok'), db: Type.Literal('ok'), ami: Link, mail: Link }),
        503: Type.Object({ status: Type.Literal('error'), db: Type.Literal('error'), ami: Type.String(), mail: Type.String() })
      }
    }
  }, async (req, reply) => {
    try {
      await sql`select 1`.execute(db)
      if (app.storageHealth.state() === 'failing') {
        // reads work, writes do not (a full disk): not healthy
        return await reply.code(503).send({ status: 'error' as const, db: 'error' as const, ami: amiStatus(), mail: mailStatus() })
      }
      return { status: 'ok' as const, db: 'ok' as const, ami: amiStatus(), mail: mailStatus() }
    } catch (err) {
      req.log.error({ err }, 'health: database unreachable')
      return reply.code(503).send({ status: 'error' as const, db: 'error' as const, ami: amiStatus(), mail: mailStatus() })
    }
  })
}
