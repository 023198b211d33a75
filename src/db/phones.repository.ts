// The phones' registration history (phone_interval): the open stretches, and the changes the
// domain computed (src/calls/phones.ts) applied in one transaction. Idempotent enough for a
// second instance taking over: opening where a stretch is open already does nothing.
import type { Db } from './database.js'
import type { PhoneChange } from '../calls/phones.js'

export type OpenPhones = Map<string, { registered: boolean, from: Date }>

export function phonesRepository (db: Db) {
  return {
    /** The open stretch of every extension. */
    open: async (): Promise<OpenPhones> => {
      const rows = await db.selectFrom('phone_interval').select(['extension', 'registered', 'from_at']).where('to_at', 'is', null).execute()
      return new Map(rows.map((r) => [r.extension, { registered: r.registered, from: r.from_at }]))
    },

    apply: async (changes: readonly PhoneChange[]): Promise<void> => {
      if (changes.length === 0) return
      await db.transaction().execute(async (trx) => {
        for (const c of changes) {
          if (c.type === 'close') {
            await trx.updateTable('phone_interval').set((eb) => ({ to_at: eb.fn('greatest', ['from_at', eb.val(c.at)]) }))
              .where('extension', '=', c.extension).where('to_at', 'is', null).execute()
          } else {
            await trx.insertInto('phone_interval').values({ extension: c.extension, registered: c.registered, from_at: c.at })
              .onConflict((oc) => oc.column('extension').where('to_at', 'is', null).doNothing()).execute()
          }
        }
      })
    }
  }
}

export type PhonesRepository = ReturnType<typeof phonesRepository>
