// Small shared facts of the cluster, one row per key (the elected instance writes, all read).
import { sql } from 'kysely'
import type { Db } from './database.js'

export function clusterRepository (db: Db) {
  return {
    put: async (key: string, value: string, at: Date): Promise<void> => {
      await db.insertInto('cluster_status').values({ key, value, updated_at: at })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at })).execute()
    },
    get: async (key: string): Promise<{ value: string, updatedAt: Date } | undefined> => {
      const row = await db.selectFrom('cluster_status').select(['value', 'updated_at']).where('key', '=', key).executeTakeFirst()
      return row === undefined ? undefined : { value: row.value, updatedAt: row.updated_at }
    },
    /** Whether some session of this database holds the advisory lock `key` (pg_advisory_lock(bigint)). */
    advisoryLockHeld: async (key: number): Promise<boolean> => {
      // a bigint key is filed as classid (high 32 bits), objid (low 32 bits), objsubid 1
      const r = await sql<{ held: boolean }>`select exists (
          select 1 from pg_locks
           where locktype = 'advisory' and granted and objsubid = 1
             and database = (select oid from pg_database where datname = current_database())
             and (classid::bigint << 32) + objid::bigint = ${key}) as held`.execute(db)
      return r.rows[0]?.held === true
    }
  }
}

export type ClusterRepository = ReturnType<typeof clusterRepository>
