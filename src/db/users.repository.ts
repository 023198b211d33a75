// Users and their sessions. Rows are mapped once, here, to the shapes the rest uses.
import { createHash, randomBytes } from 'node:crypto'
import type { Db } from './database.js'
import type { Role } from './tables/auth.js'

export type { Role }

export interface User {
  id: number
  username: string
  fullName: string
  role: Role
  extension: string | null
  active: boolean
  createdAt: Date
}

export interface NewUser {
  username: string
  fullName: string
  passwordHash: string
  role: Role
  extension?: string | null
}

export interface UserChanges {
  fullName?: string
  role?: Role
  extension?: string | null
  active?: boolean
  passwordHash?: string
}

export interface SessionInfo {
  user: User
  csrfToken: string
  expiresAt: Date
}

const userColumns = ['id', 'username', 'full_name', 'role', 'extension', 'active', 'created_at'] as const

function toUser (row: { id: number, username: string, full_name: string, role: Role, extension: string | null, active: boolean, created_at: Date }): User {
  return { id: row.id, username: row.username, fullName: row.full_name, role: row.role, extension: row.extension, active: row.active, createdAt: row.created_at }
}

const tokenHash = (token: string): string => createHash('sha256').update(token).digest('base64url')

export function usersRepository (db: Db) {
  return {
    count: async (): Promise<number> =>
      Number((await db.selectFrom('app_user').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),

    list: async (): Promise<User[]> =>
      (await db.selectFrom('app_user').select(userColumns).orderBy('username').execute()).map(toUser),

    byId: async (id: number): Promise<User | undefined> => {
      const row = await db.selectFrom('app_user').select(userColumns).where('id', '=', id).executeTakeFirst()
      return row === undefined ? undefined : toUser(row)
    },

    byExtension: async (extension: string): Promise<User | undefined> => {
      const row = await db.selectFrom('app_user').select(userColumns).where('extension', '=', extension).where('active', '=', true).executeTakeFirst()
      return row === undefined ? undefined : toUser(row)
    },

    /** For log-in only: the one place the hash leaves the table. */
    credentials: async (username: string): Promise<{ user: User, passwordHash: string } | undefined> => {
      const row = await db.selectFrom('app_user').select([...userColumns, 'password_hash']).where('username', '=', username).executeTakeFirst()
      return row === undefined ? undefined : { user: toUser(row), passwordHash: row.password_hash }
    },

    create: async (u: NewUser): Promise<User> =>
      toUser(await db.insertInto('app_user')
        .values({ username: u.username, full_name: u.fullName, password_hash: u.passwordHash, role: u.role, extension: u.extension ?? null })
        .returning(userColumns).executeTakeFirstOrThrow()),

    /** Creates the first user only when there is none (several instances may race here). */
    createIfNoUsers: async (u: NewUser): Promise<User | undefined> =>
      await db.transaction().execute(async (trx) => {
        await trx.selectFrom('app_user').select('id').forUpdate().execute()
        const n = Number((await trx.selectFrom('app_user').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
        if (n > 0) return undefined
        const row = await trx.insertInto('app_user')
          .values({ username: u.username, full_name: u.fullName, password_hash: u.passwordHash, role: u.role, extension: u.extension ?? null })
          .onConflict((oc) => oc.column('username').doNothing())
          .returning(userColumns).executeTakeFirst()
        return row === undefined ? undefined : toUser(row)
      }),

    update: async (id: number, c: UserChanges, now: Date): Promise<User | undefined> => {
      const row = await db.updateTable('app_user').set({
        ...(c.fullName !== undefined ? { full_name: c.fullName } : {}),
        ...(c.role !== undefined ? { role: c.role } : {}),
        ...(c.extension !== undefined ? { extension: c.extension } : {}),
        ...(c.active !== undefined ? { active: c.active } : {}),
        ...(c.passwordHash !== undefined ? { password_hash: c.passwordHash } : {}),
        updated_at: now
      }).where('id', '=', id).returning(userColumns).executeTakeFirst()
      return row === undefined ? undefined : toUser(row)
    },

    /** Whether the user has logged in from this address since then (the log-in throttle trusts such an address). */
    hasLoggedInFrom: async (userId: number, ip: string, since: Date): Promise<boolean> =>
      (await db.selectFrom('user_session').select('id').where('user_id', '=', userId).where('ip', '=', ip).where('created_at', '>=', since).limit(1).executeTakeFirst()) !== undefined,

    startSession: async (userId: number, now: Date, ttlMs: number, meta: { userAgent?: string, ip?: string }): Promise<{ token: string, csrfToken: string, expiresAt: Date }> => {
      const token = randomBytes(32).toString('base64url')
      const csrfToken = randomBytes(24).toString('base64url')
      const expiresAt = new Date(now.getTime() + ttlMs)
      await db.insertInto('user_session').values({
        id: tokenHash(token), user_id: userId, csrf_token: csrfToken, created_at: now, last_seen_at: now, expires_at: expiresAt,
        revoked_at: null, user_agent: meta.userAgent?.slice(0, 300) ?? null, ip: meta.ip ?? null
      }).execute()
      return { token, csrfToken, expiresAt }
    },

    /** The live session of a cookie token, sliding its expiry; undefined when unknown, expired, revoked or the user is disabled. */
    touchSession: async (token: string, now: Date, ttlMs: number): Promise<SessionInfo | undefined> => {
      const row = await db.selectFrom('user_session as s').innerJoin('app_user as u', 'u.id', 's.user_id')
        .select(['u.id', 'u.username', 'u.full_name', 'u.role', 'u.extension', 'u.active', 'u.created_at', 's.csrf_token', 's.expires_at', 's.last_seen_at'])
        .where('s.id', '=', tokenHash(token)).where('s.revoked_at', 'is', null).where('s.expires_at', '>', now)
        .executeTakeFirst()
      if (row === undefined || !row.active) return undefined
      let expiresAt = row.expires_at
      // write at most once a minute: every API call would otherwise be a write
      if (now.getTime() - row.last_seen_at.getTime() > 60_000) {
        expiresAt = new Date(now.getTime() + ttlMs)
        await db.updateTable('user_session').set({ last_seen_at: now, expires_at: expiresAt }).where('id', '=', tokenHash(token)).execute()
      }
      return { user: toUser(row), csrfToken: row.csrf_token, expiresAt }
    },

    revokeSession: async (token: string, now: Date): Promise<void> => {
      await db.updateTable('user_session').set({ revoked_at: now }).where('id', '=', tokenHash(token)).where('revoked_at', 'is', null).execute()
    },

    /** Ends every session of the user, but the one of `exceptToken` when given (the one changing its password). */
    revokeAllSessions: async (userId: number, now: Date, exceptToken?: string): Promise<void> => {
      await db.updateTable('user_session').set({ revoked_at: now }).where('user_id', '=', userId).where('revoked_at', 'is', null)
        .$if(exceptToken !== undefined, (qb) => qb.where('id', '<>', tokenHash(exceptToken!))).execute()
    }
  }
}

export type UsersRepository = ReturnType<typeof usersRepository>
