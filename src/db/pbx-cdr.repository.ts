// The PBX's own call records (table pbx_cdr, written by the PBX's cdr_pgsql): read only, as the rows
// the PBX wrote. src/ami/pbx-record.ts translates them into our terms.
import type { Selectable } from 'kysely'
import type { Db } from './database.js'
import type { PbxCdrTable } from './tables/pbx-cdr.js'

export type PbxCdrRow = Selectable<PbxCdrTable>

export function pbxCdrRepository (db: Db) {
  return {
    /** Rows of calls that started at or after `from` (oldest first), at most `limit`. */
    since: async (from: Date, limit = 20_000): Promise<PbxCdrRow[]> =>
      await db.selectFrom('pbx_cdr')
        .select(['start', 'answer', 'end', 'clid', 'src', 'dst', 'dcontext', 'channel', 'dstchannel', 'lastapp', 'lastdata',
          'duration', 'billsec', 'disposition', 'amaflags', 'accountcode', 'uniqueid', 'linkedid', 'userfield', 'peeraccount', 'sequence'])
        .where('start', '>=', from.getTime() / 1000)
        .orderBy('start').orderBy('end')
        .limit(limit)
        .execute()
  }
}

export type PbxCdrRepository = ReturnType<typeof pbxCdrRepository>
