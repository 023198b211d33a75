// Small shared facts of the cluster, one row per key (the elected instance writes, all read).
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
    }
  }
}

export type ClusterRepository = ReturnType<typeof clusterRepository>
