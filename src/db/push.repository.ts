// The realtime push log, the calls-in-progress snapshot and presence rows. Appending a message
// and its NOTIFY happen in one statement, so every instance hears of every stored message.
import { sql, type Transaction } from 'kysely'
import type { Db } from './database.js'
import type { DB } from './types.js'

export const PUSH_CHANNEL = 'hdj_push'

export interface StoredMessage {
  id: number
  type: string
  payload: Record<string, unknown>
  createdAt: Date
}

export interface StoredCall {
  linkedId: string
  messageId: number
  type: string
  payload: Record<string, unknown>
  ended: boolean
  updatedAt: Date
}

export interface PresenceRow {
  userId: number
  connections: number
}

function toMessage (row: { id: number | string, type: string, payload: unknown, created_at: Date | string }): StoredMessage {
  return { id: Number(row.id), type: row.type, payload: row.payload as Record<string, unknown>, createdAt: new Date(row.created_at) }
}

function toCall (row: { linked_id: string, message_id: number | string, type: string, payload: unknown, ended: boolean, updated_at: Date }): StoredCall {
  return { linkedId: row.linked_id, messageId: Number(row.message_id), type: row.type, payload: row.payload as Record<string, unknown>, ended: row.ended, updatedAt: row.updated_at }
}

/** Inserts a message and NOTIFYs its id in the same statement (so it goes out exactly on commit). */
async function insertMessage (db: Db | Transaction<DB>, type: string, payload: Record<string, unknown>, now: Date): Promise<StoredMessage> {
  const r = await sql<{ id: number, type: string, payload: unknown, created_at: Date }>`
    with m as (
      insert into push_message (type, payload, created_at) values (${type}, ${JSON.stringify(payload)}::jsonb, ${now})
      returning id, type, payload, created_at
    )
    select m.id, m.type, m.payload, m.created_at, pg_notify(${PUSH_CHANNEL}, m.id::text) as notified from m`.execute(db)
  const row = r.rows[0]
  if (row === undefined) throw new Error('push_message insert returned no row')
  return toMessage(row)
}

/** Several messages in one statement, each NOTIFYing its id; returned in the order given. */
async function insertMessages (db: Db | Transaction<DB>, messages: ReadonlyArray<{ type: string, payload: Record<string, unknown> }>, now: Date): Promise<StoredMessage[]> {
  const values = sql.join(messages.map((m) => sql`(${m.type}, ${JSON.stringify(m.payload)}::jsonb, ${now}::timestamptz)`))
  const r = await sql<{ id: number, type: string, payload: unknown, created_at: Date }>`
    with m as (
      insert into push_message (type, payload, created_at) values ${values}
      returning id, type, payload, created_at
    )
    select m.id, m.type, m.payload, m.created_at, pg_notify(${PUSH_CHANNEL}, m.id::text) as notified from m order by m.id`.execute(db)
  // the ids are drawn row by row in the order of the values: ascending ids are the order given
  if (r.rows.length !== messages.length) throw new Error(`push_message insert returned ${r.rows.length} rows of ${messages.length}`)
  return r.rows.map(toMessage)
}

export interface CallMessageRow { type: string, linkedId: string, payload: Record<string, unknown>, ended: boolean }

/** A call message and its fold into the call's snapshot row, in one statement (atomic without a transaction). */
async function insertCallMessage (db: Db | Transaction<DB>, m: CallMessageRow, now: Date): Promise<StoredMessage> {
  const r = await sql<{ id: number, type: string, payload: unknown, created_at: Date }>`
    with m as (
      insert into push_message (type, payload, created_at) values (${m.type}, ${JSON.stringify(m.payload)}::jsonb, ${now})
      returning id, type, payload, created_at
    ), c as (
      insert into push_call (linked_id, message_id, type, payload, ended, updated_at)
      select ${m.linkedId}, m.id, m.type, m.payload, ${m.ended}, m.created_at from m
      on conflict (linked_id) do update set
        message_id = excluded.message_id, type = excluded.type, payload = push_call.payload || excluded.payload,
        ended = push_call.ended or excluded.ended, updated_at = excluded.updated_at
      where push_call.message_id < excluded.message_id
    )
    select m.id, m.type, m.payload, m.created_at, pg_notify(${PUSH_CHANNEL}, m.id::text) as notified from m`.execute(db)
  const row = r.rows[0]
  if (row === undefined) throw new Error('push_message insert returned no row')
  return toMessage(row)
}

export function pushRepository (db: Db) {
  return {
    /** Stores a message and NOTIFYs its id on PUSH_CHANNEL (delivered on commit, to every listening instance). */
    append: async (type: string, payload: Record<string, unknown>, now: Date): Promise<StoredMessage> => {
      return await insertMessage(db, type, payload, now)
    },

    /** Several messages in one statement (one commit, one notification lock), in order. */
    appendMany: async (messages: ReadonlyArray<{ type: string, payload: Record<string, unknown> }>, now: Date): Promise<StoredMessage[]> =>
      messages.length === 0 ? [] : await insertMessages(db, messages, now),

    /**
     * Stores a call message and folds it into the call's snapshot row (later keys win, so the
     * draft and caller of call.ringing stay while call.answered/call.ended update the call),
     * in one statement; the NOTIFY goes out on its commit.
     */
    appendCall: async (type: string, linkedId: string, payload: Record<string, unknown>, ended: boolean, now: Date): Promise<StoredMessage> =>
      await insertCallMessage(db, { type, linkedId, payload, ended }, now),

    /**
     * Several call messages in one transaction, in order: one commit for all (every commit that
     * NOTIFYs takes PostgreSQL's one notification lock, so a burst of messages each committing alone
     * queues every NOTIFY behind the others' disk flushes).
     */
    appendCalls: async (messages: readonly CallMessageRow[], now: Date): Promise<StoredMessage[]> => {
      if (messages.length === 1) return [await insertCallMessage(db, messages[0]!, now)]
      return await db.transaction().execute(async (trx) => {
        const stored: StoredMessage[] = []
        for (const m of messages) stored.push(await insertCallMessage(trx, m, now))
        return stored
      })
    },

    byIds: async (ids: readonly number[]): Promise<StoredMessage[]> => {
      if (ids.length === 0) return []
      return (await db.selectFrom('push_message').select(['id', 'type', 'payload', 'created_at'])
        .where('id', 'in', [...ids]).orderBy('id').execute()).map(toMessage)
    },

    /** Messages after an id, oldest first. */
    after: async (id: number, limit: number): Promise<StoredMessage[]> =>
      (await db.selectFrom('push_message').select(['id', 'type', 'payload', 'created_at'])
        .where('id', '>', id).orderBy('id').limit(limit).execute()).map(toMessage),

    /** The newest message id (0 when the log is empty). */
    lastId: async (): Promise<number> => {
      const row = await db.selectFrom('push_message').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst()
      return row?.id === null || row?.id === undefined ? 0 : Number(row.id)
    },

    /** The oldest id still kept (undefined when the log is empty). */
    firstId: async (): Promise<number | undefined> => {
      const row = await db.selectFrom('push_message').select((eb) => eb.fn.min('id').as('id')).executeTakeFirst()
      return row?.id === null || row?.id === undefined ? undefined : Number(row.id)
    },

    /** Calls not ended whose last message is newer than `since` (a call nobody closed expires). */
    openCalls: async (since: Date): Promise<StoredCall[]> =>
      (await db.selectFrom('push_call').selectAll().where('ended', '=', false).where('updated_at', '>=', since)
        .orderBy('message_id').execute()).map(toCall),

    /**
     * The calls being talked on (presence: who is on a call), each with only its call: at 50 calls a
     * second the whole snapshot of every call in progress, read up to ten times a second, was a good
     * part of the embedded database's time.
     */
    talkingCalls: async (since: Date): Promise<StoredCall[]> =>
      (await db.selectFrom('push_call')
        .select(['linked_id', 'message_id', 'type', sql<unknown>`jsonb_build_object('call', payload -> 'call')`.as('payload'), 'ended', 'updated_at'])
        .where('ended', '=', false).where('updated_at', '>=', since).where(sql<string>`payload -> 'call' ->> 'state'`, '=', 'talking')
        .orderBy('message_id').execute()).map(toCall),

    /** Drops messages and ended calls older than the horizon; returns how many messages went. */
    prune: async (before: Date): Promise<number> => {
      await db.deleteFrom('push_call').where('updated_at', '<', before).execute()
      const r = await db.deleteFrom('push_message').where('created_at', '<', before).executeTakeFirst()
      return Number(r.numDeletedRows)
    },

    /** Sets this instance's connection count for a user (0 removes the row). */
    setPresence: async (instanceId: string, userId: number, connections: number, now: Date): Promise<void> => {
      if (connections <= 0) {
        await db.deleteFrom('push_presence').where('instance_id', '=', instanceId).where('user_id', '=', userId).execute()
        return
      }
      await db.insertInto('push_presence').values({ instance_id: instanceId, user_id: userId, connections, seen_at: now })
        .onConflict((oc) => oc.columns(['instance_id', 'user_id']).doUpdateSet({ connections, seen_at: now })).execute()
    },

    /** Marks all of this instance's rows as still alive. */
    refreshPresence: async (instanceId: string, now: Date): Promise<void> => {
      await db.updateTable('push_presence').set({ seen_at: now }).where('instance_id', '=', instanceId).execute()
    },

    clearPresence: async (instanceId: string): Promise<void> => {
      await db.deleteFrom('push_presence').where('instance_id', '=', instanceId).execute()
    },

    /** Removes rows of instances that stopped refreshing; returns how many. */
    expirePresence: async (before: Date): Promise<number> => {
      const r = await db.deleteFrom('push_presence').where('seen_at', '<', before).executeTakeFirst()
      return Number(r.numDeletedRows)
    },

    /** Users with at least one open screen on any live instance. */
    online: async (since: Date): Promise<PresenceRow[]> =>
      (await db.selectFrom('push_presence').select(['user_id', (eb) => eb.fn.sum<number>('connections').as('connections')])
        .where('seen_at', '>=', since).groupBy('user_id').orderBy('user_id').execute())
        .map((r) => ({ userId: r.user_id, connections: Number(r.connections) }))
  }
}

export type PushRepository = ReturnType<typeof pushRepository>
