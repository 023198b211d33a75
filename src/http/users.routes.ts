// The head manages the users of the center: roles, phone extensions, passwords, access.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { UsersRepository } from '../db/users.repository.js'
import { hashPassword } from '../auth/passwords.js'
import { assertStrongPassword } from './auth.js'
import { currentUser, requireRole } from './auth.js'
import { httpError, notFound } from './errors.js'
import { ExtensionSchema, IdParams, Password, RoleSchema, UserSchema, Username } from './schemas.js'

export interface UsersRoutesOptions {
  users: UsersRepository
  clock: () => Date
  /** sessions were revoked: their open screens are closed at once */
  sessionsEnded: () => Promise<void>
}

export const usersRoutes: FastifyPluginAsyncTypebox<UsersRoutesOptions> = async (app, { users, clock, sessionsEnded }) => {
  const headOnly = requireRole('head')

  app.get('/api/users', {
    preHandler: headOnly,
    schema: { tags: ['users'], summary: 'All users (head only)', response: { 200: Type.Object({ items: Type.Array(UserSchema) }) } }
  }, async () => ({ items: await users.list() }))

  app.get('/api/users/:id', {
    preHandler: headOnly,
    schema: { tags: ['users'], params: IdParams, response: { 200: UserSchema } }
  }, async (req) => (await users.byId(req.params.id)) ?? Promise.reject(notFound('user')))

  app.post('/api/users', {
    preHandler: headOnly,
    schema: {
      tags: ['users'],
      summary: 'Create a user (head only)',
      body: Type.Object({
        username: Username,
        fullName: Type.String({ minLength: 1, maxLength: 200 }),
        password: Password,
        role: RoleSchema,
        extension: Type.Optional(ExtensionSchema)
      }, { additionalProperties: false }),
      response: { 201: UserSchema }
    }
  }, async (req, reply) => {
    const b = req.body
    assertStrongPassword(b.password, b.username)
    await assertExtensionFree(b.extension ?? null, undefined)
    const user = await users.create({ username: b.username, fullName: b.fullName.trim(), passwordHash: await hashPassword(b.password), role: b.role, extension: b.extension ?? null })
      .catch((err: { code?: string }) => {
        if (err.code === '23505') throw httpError(409, 'USERNAME_TAKEN', `user name ${b.username} is taken`, { username: b.username })
        throw err
      })
    req.log.info({ userId: user.id, by: currentUser(req).id }, 'user created')
    return reply.code(201).send(user)
  })

  app.patch('/api/users/:id', {
    preHandler: headOnly,
    schema: {
      tags: ['users'],
      summary: 'Change a user: name, role, extension, active, password (head only)',
      params: IdParams,
      body: Type.Object({
        fullName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        role: Type.Optional(RoleSchema),
        extension: Type.Optional(ExtensionSchema),
        active: Type.Optional(Type.Boolean()),
        password: Type.Optional(Password)
      }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: UserSchema }
    }
  }, async (req) => {
    const me = currentUser(req)
    const target = await users.byId(req.params.id)
    if (target === undefined) throw notFound('user')
    const b = req.body
    const losesHead = target.role === 'head' && ((b.role !== undefined && b.role !== 'head') || b.active === false)
    if (losesHead) {
      const heads = (await users.list()).filter((u) => u.role === 'head' && u.active)
      if (heads.length <= 1) throw httpError(409, 'LAST_HEAD', 'the center needs at least one active head')
    }
    if (b.password !== undefined) assertStrongPassword(b.password, target.username)
    if (b.extension !== undefined) await assertExtensionFree(b.extension, target.id)
    const now = clock()
    const updated = await users.update(target.id, {
      fullName: b.fullName?.trim(), role: b.role, extension: b.extension, active: b.active,
      passwordHash: b.password === undefined ? undefined : await hashPassword(b.password)
    }, now)
    if (b.active === false || b.password !== undefined) {
      await users.revokeAllSessions(target.id, now)
      await sessionsEnded()
    }
    req.log.info({ userId: target.id, by: me.id, fields: Object.keys(b).filter((k) => k !== 'password') }, 'user changed')
    return updated ?? Promise.reject(notFound('user'))
  })

  async function assertExtensionFree (extension: string | null, exceptUserId: number | undefined): Promise<void> {
    if (extension === null) return
    const holder = await users.byExtension(extension)
    if (holder !== undefined && holder.id !== exceptUserId) {
      throw httpError(409, 'EXTENSION_TAKEN', `extension ${extension} belongs to ${holder.fullName}`, { extension, holder: holder.fullName })
    }
  }
}
