// Calls as stored: one row per Linkedid, written idempotently (upsert on linked_id) so replays,
// reconnects and restarts never add a second row. Returns domain objects only.
import { sql, type Insertable, type Selectable } from 'kysely'
import type { Db } from './database.js'
import type { CallTable } from './tables/calls.js'
import { MISSED_OUTCOMES, announcementSeconds, isMissed, talkSeconds, waitSeconds, type Call, type CallOutcome, type RejectReason } from '../calls/call.js'
import type { CallbackHow } from '../calls/callback.js'

export interface StoredCall {
  id: number
  call: Call
  entryId: number | null
  answeredByUserId: number | null
  /** saveMany/save: the row had ended and was kept as it was (the version given had not) */
  keptEnded?: true
}

/** One row of the call log (GET /api/calls). */
export interface CallLogItem {
  id: number
  linkedId: string
  callerNumber: string | null
  arrivedAt: Date
  answeredAt: Date | null
  endedAt: Date | null
  state: Call['state']
  outcome: CallOutcome | null
  rejectReason: RejectReason | null
  answeredBy: { extension: string, userId: number | null, fullName: string | null } | null
  transferredTo: string | null
  /** waiting for a specialist; null for a rejected call (see announcementSeconds) */
  waitSeconds: number | null
  talkSeconds: number | null
  /** a rejected call: the time with the announcement (not waiting) */
  announcementSeconds: number | null
  hangupCause: number | null
  hangupCauseText: string | null
  /** isMissed(call): to be called back */
  missed: boolean
  hasRecording: boolean
  entryId: number | null
  approximate: boolean
  /** a missed call called back: when, by whom, by which answered call (null: marked by hand) */
  calledBack: { at: Date, how: CallbackHow, by: { userId: number, fullName: string | null } | null, callId: number | null, note: string | null } | null
}

export interface CallLogQuery {
  from?: Date
  to?: Date
  outcome?: CallOutcome
  /** true: the missed calls only (isMissed); false: all but those */
  missed?: boolean
  /** the call(s) of one journal entry */
  entryId?: number
  /** true: called back only; false: not called back yet (with missed: the callback list) */
  calledBack?: boolean
  /** one call */
  id?: number
  limit?: number
  offset?: number
}

type Row = Selectable<CallTable>

function toCall (row: Row): Call {
  return {
    linkedId: row.linked_id,
    callerNumber: row.caller_number,
    dialled: row.dialled,
    state: row.state,
    arrivedAt: row.arrived_at,
    answeredAt: row.answered_at,
    endedAt: row.ended_at,
    answeredBy: row.answered_by_extension,
    transferredTo: row.transferred_to_extension,
    decision: row.decision,
    recordingFile: row.recording_file,
    callerHungUp: row.caller_hung_up,
    legs: row.legs,
    hangupCause: row.hangup_cause,
    hangupCauseText: row.hangup_cause_text,
    outcome: row.outcome,
    rejectReason: row.reject_reason,
    approximate: row.approximate
  }
}

function toStored (row: Row): StoredCall {
  return { id: Number(row.id), call: toCall(row), entryId: row.entry_id === null ? null : Number(row.entry_id), answeredByUserId: row.answered_by_user_id }
}

/** Only a bare file name reaches the table (the check constraint says the same). */
const SAFE_FILE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/

function columns (call: Call, now: Date): Insertable<CallTable> {
  return {
    linked_id: call.linkedId,
    caller_number: call.callerNumber,
    dialled: call.dialled,
    state: call.state,
    arrived_at: call.arrivedAt,
    answered_at: call.answeredAt,
    ended_at: call.endedAt,
    answered_by_extension: call.answeredBy,
    transferred_to_extension: call.transferredTo,
    decision: call.decision,
    outcome: call.outcome,
    reject_reason: call.rejectReason,
    hangup_cause: call.hangupCause,
    hangup_cause_text: call.hangupCauseText,
    recording_file: call.recordingFile !== null && SAFE_FILE.test(call.recordingFile) ? call.recordingFile : null,
    caller_hung_up: call.callerHungUp,
    legs: JSON.stringify(call.legs),
    approximate: call.approximate,
    updated_at: now
  }
}

/** The call's number is this one: the same last ten digits (8…, +7…, 7… spellings), or all digits when shorter. */
function sameNumberSql (digits: string) {
  const tail = digits.length >= 10 ? digits.slice(-10) : digits
  return digits.length >= 10
    ? sql<boolean>`right(regexp_replace(coalesce(call.caller_number, ''), '[^0-9]', '', 'g'), 10) = ${tail}`
    : sql<boolean>`regexp_replace(coalesce(call.caller_number, ''), '[^0-9]', '', 'g') = ${tail}`
}

export function callsRepository (db: Db) {
  const filtered = (q: CallLogQuery) => db.selectFrom('call')
    .$if(q.from !== undefined, (qb) => qb.where('call.arrived_at', '>=', q.from!))
    .$if(q.to !== undefined, (qb) => qb.where('call.arrived_at', '<', q.to!))
    .$if(q.outcome !== undefined, (qb) => qb.where('call.outcome', '=', q.outcome!))
    // the SQL form of isMissed(): the outcome is one of MISSED_OUTCOMES
    .$if(q.missed === true, (qb) => qb.where('call.outcome', 'in', [...MISSED_OUTCOMES]))
    .$if(q.missed === false, (qb) => qb.where((eb) => eb.or([eb('call.outcome', 'is', null), eb('call.outcome', 'not in', [...MISSED_OUTCOMES])])))
    .$if(q.entryId !== undefined, (qb) => qb.where('call.entry_id', '=', q.entryId!))
    .$if(q.calledBack === true, (qb) => qb.where('call.called_back_at', 'is not', null))
    .$if(q.calledBack === false, (qb) => qb.where('call.called_back_at', 'is', null))
    .$if(q.id !== undefined, (qb) => qb.where('call.id', '=', q.id!))

  /** Rows per statement (19 parameters a row, far below PostgreSQL's 65 535). */
  const SAVE_CHUNK = 500
  const saveMany = async (list: readonly Call[], now: Date): Promise<StoredCall[]> => {
    const byId = new Map<string, StoredCall>()
    const unique = [...new Map(list.map((c) => [c.linkedId, c])).values()] // a statement may touch a row once
    for (let i = 0; i < unique.length; i += SAVE_CHUNK) {
      const chunk = unique.slice(i, i + SAVE_CHUNK)
      const rows = await db.insertInto('call').values(chunk.map((c) => columns(c, now)))
        .onConflict((oc) => oc.column('linked_id').doUpdateSet((eb) => ({
          caller_number: eb.ref('excluded.caller_number'),
          state: eb.ref('excluded.state'),
          arrived_at: eb.ref('excluded.arrived_at'),
          answered_at: eb.ref('excluded.answered_at'),
          ended_at: eb.ref('excluded.ended_at'),
          answered_by_extension: eb.ref('excluded.answered_by_extension'),
          transferred_to_extension: eb.ref('excluded.transferred_to_extension'),
          decision: eb.ref('excluded.decision'),
          outcome: eb.ref('excluded.outcome'),
          reject_reason: eb.ref('excluded.reject_reason'),
          hangup_cause: eb.ref('excluded.hangup_cause'),
          hangup_cause_text: eb.ref('excluded.hangup_cause_text'),
          recording_file: eb.ref('excluded.recording_file'),
          caller_hung_up: eb.ref('excluded.caller_hung_up'),
          legs: eb.ref('excluded.legs'),
          approximate: eb.ref('excluded.approximate'),
          updated_at: eb.ref('excluded.updated_at')
        })).where((eb) => eb.or([eb('call.ended_at', 'is', null), eb('excluded.ended_at', 'is not', null)])))
        // what the row is now is what was given: only the columns the call does not carry come back
        .returning(['id', 'linked_id', 'entry_id', 'answered_by_user_id']).execute()
      // (as stored: a recording name that is no bare file name is not kept)
      const given = new Map(chunk.map((c) => [c.linkedId, c.recordingFile === null || SAFE_FILE.test(c.recordingFile) ? c : { ...c, recordingFile: null }]))
      for (const row of rows) byId.set(row.linked_id, { id: Number(row.id), call: given.get(row.linked_id)!, entryId: row.entry_id === null ? null : Number(row.entry_id), answeredByUserId: row.answered_by_user_id })
      // the stored rows that had ended while this version had not: kept as they are
      const kept = chunk.filter((c) => !byId.has(c.linkedId)).map((c) => c.linkedId)
      if (kept.length > 0) for (const row of await db.selectFrom('call').selectAll().where('linked_id', 'in', kept).execute()) byId.set(row.linked_id, { ...toStored(row), keptEnded: true })
    }
    return list.map((c) => byId.get(c.linkedId)).filter((x): x is StoredCall => x !== undefined)
  }

  return {
    /** Insert or update by linked_id; an ended row is never reopened by a late or replayed event. `now`: updated_at. */
    save: async (call: Call, now: Date): Promise<StoredCall> => {
      const [stored] = await saveMany([call], now)
      if (stored === undefined) throw new Error(`call ${call.linkedId} not saved`)
      return stored
    },

    /**
     * `save` for many calls in one statement (each Linkedid once: the state to keep), in their order;
     * a row that had ended and is given a version that has not is returned as stored.
     */
    saveMany: async (list: readonly Call[], now: Date): Promise<StoredCall[]> => await saveMany(list, now),

    byLinkedId: async (linkedId: string): Promise<StoredCall | undefined> => {
      const row = await db.selectFrom('call').selectAll().where('linked_id', '=', linkedId).executeTakeFirst()
      return row === undefined ? undefined : toStored(row)
    },

    /** The stored calls among these ids (one query). */
    byLinkedIds: async (linkedIds: readonly string[]): Promise<StoredCall[]> =>
      linkedIds.length === 0 ? [] : (await db.selectFrom('call').selectAll().where('linked_id', 'in', [...linkedIds]).execute()).map(toStored),

    byId: async (id: number): Promise<StoredCall | undefined> => {
      const row = await db.selectFrom('call').selectAll().where('id', '=', id).executeTakeFirst()
      return row === undefined ? undefined : toStored(row)
    },

    /**
     * Calls since `since` that rang the phones (a leg dialled, or answered) and have no draft: their
     * follow-up was cut short (the instance stopped between storing the call and opening its draft).
     */
    rangWithoutDraft: async (since: Date): Promise<StoredCall[]> =>
      (await db.selectFrom('call').selectAll()
        .where('entry_id', 'is', null).where('arrived_at', '>=', since)
        .where((eb) => eb.or([eb('state', 'in', ['ringing', 'talking']), eb('answered_at', 'is not', null), eb(sql`legs::text`, '<>', '{}')]))
        .where((eb) => eb.or([eb('outcome', 'is', null), eb('outcome', '<>', 'rejected')]))
        .orderBy('arrived_at').execute()).map(toStored),

    /** Calls not ended yet (restored into memory on start, reconciled with the PBX). */
    open: async (): Promise<StoredCall[]> =>
      (await db.selectFrom('call').selectAll().where('ended_at', 'is', null).orderBy('arrived_at').execute()).map(toStored),

    /**
     * Locks the call row (inside a transaction) and returns its draft's id: null when it has none
     * yet, undefined when there is no such call.
     */
    lockForDraft: async (linkedId: string): Promise<number | null | undefined> => {
      const row = await db.selectFrom('call').select('entry_id').where('linked_id', '=', linkedId).forUpdate().executeTakeFirst()
      return row === undefined ? undefined : row.entry_id === null ? null : Number(row.entry_id)
    },

    /** lockForDraft of several calls in one statement (in Linkedid order): each stored call's draft id or null. */
    lockForDrafts: async (linkedIds: readonly string[]): Promise<Map<string, number | null>> => {
      if (linkedIds.length === 0) return new Map()
      const rows = await db.selectFrom('call').select(['linked_id', 'entry_id']).where('linked_id', 'in', [...linkedIds])
        .orderBy('linked_id').forUpdate().execute()
      return new Map(rows.map((r) => [r.linked_id, r.entry_id === null ? null : Number(r.entry_id)]))
    },

    /** linkEntry of several calls in one statement; a call that has a draft already keeps it. */
    linkEntries: async (links: ReadonlyArray<{ linkedId: string, entryId: number }>, now: Date): Promise<void> => {
      if (links.length === 0) return
      const values = sql.join(links.map((l) => sql`(${l.linkedId}::text, ${l.entryId}::int)`))
      await sql`update call set entry_id = v.entry_id, updated_at = ${now}
        from (values ${values}) as v (linked_id, entry_id)
        where call.linked_id = v.linked_id and call.entry_id is null`.execute(db)
    },

    /** Links the draft; false when the call already has one (the first link wins). */
    linkEntry: async (linkedId: string, entryId: number, now: Date): Promise<boolean> => {
      const r = await db.updateTable('call').set({ entry_id: entryId, updated_at: now })
        .where('linked_id', '=', linkedId).where('entry_id', 'is', null).executeTakeFirst()
      return Number(r.numUpdatedRows) === 1
    },

    setAnsweredBy: async (linkedId: string, userId: number | null, now: Date): Promise<void> => {
      await db.updateTable('call').set({ answered_by_user_id: userId, updated_at: now }).where('linked_id', '=', linkedId).execute()
    },

    /** Calls from this number (the last ten digits, whatever the spelling) that arrived before `before`, and the latest one's instant. */
    callsFrom: async (number: string, before?: Date): Promise<{ count: number, lastAt: Date | null }> => {
      const digits = number.replace(/\D/g, '')
      if (digits.length < 5) return { count: 0, lastAt: null }
      const row = await db.selectFrom('call')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('call.arrived_at').as('last')])
        .where(sameNumberSql(digits))
        .$if(before !== undefined, (qb) => qb.where('call.arrived_at', '<', before!))
        .executeTakeFirstOrThrow()
      return { count: Number(row.n), lastAt: row.last === null ? null : new Date(row.last as unknown as string) }
    },

    /** callsFrom for several numbers in one statement (each with its own `before`), in the order given. */
    callsFromMany: async (asked: ReadonlyArray<{ number: string, before?: Date }>): Promise<Array<{ count: number, lastAt: Date | null }>> => {
      const out = asked.map(() => ({ count: 0, lastAt: null as Date | null }))
      const tails = asked.map((a, i) => ({ i, digits: a.number.replace(/\D/g, ''), before: a.before ?? null })).filter((a) => a.digits.length >= 10)
      if (tails.length > 0) {
        const values = sql.join(tails.map((a) => sql`(${a.i}::int, ${a.digits.slice(-10)}::text, ${a.before}::timestamptz)`))
        // per number the same indexed expression as callsFrom (call_caller_tail_idx)
        const rows = await sql<{ i: number, n: number | string, last: Date | string | null }>`
          select v.i, c.n, c.last from (values ${values}) as v (i, tail, before)
          cross join lateral (
            select count(*) as n, max(call.arrived_at) as last from call
             where right(regexp_replace(coalesce(call.caller_number, ''), '[^0-9]', '', 'g'), 10) = v.tail
               and (v.before is null or call.arrived_at < v.before)) c`.execute(db)
        for (const r of rows.rows) out[r.i] = { count: Number(r.n), lastAt: r.last === null ? null : new Date(r.last) }
      }
      // a short number (an internal one) is compared whole, as callsFrom does
      for (const [i, a] of asked.entries()) {
        const digits = a.number.replace(/\D/g, '')
        if (digits.length >= 5 && digits.length < 10) {
          const row = await db.selectFrom('call').select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('call.arrived_at').as('last')])
            .where(sameNumberSql(digits)).$if(a.before !== undefined, (qb) => qb.where('call.arrived_at', '<', a.before!)).executeTakeFirstOrThrow()
          out[i] = { count: Number(row.n), lastAt: row.last === null ? null : new Date(row.last as unknown as string) }
        }
      }
      return out
    },

    /**
     * A later call with this number was answered — the caller's (`how` 'answered', `callId` that call)
     * or a specialist's outgoing one ('outgoing', no call row) — by `userId`: every missed call from the
     * number before it that is not called back yet is settled by it. Returns the ids marked.
     */
    settleMissed: async (number: string, before: Date, callId: number | null, userId: number | null, at: Date, how: Exclude<CallbackHow, 'by-hand'> = 'answered'): Promise<number[]> => {
      const digits = number.replace(/\D/g, '')
      if (digits.length < 5) return []
      const rows = await db.updateTable('call')
        .set({ called_back_at: at, called_back_by: userId, called_back_call_id: callId, called_back_how: how, updated_at: at })
        .where(sameNumberSql(digits)).where('call.arrived_at', '<', before)
        .$if(callId !== null, (qb) => qb.where('call.id', '<>', callId!))
        .where('call.outcome', 'in', [...MISSED_OUTCOMES]).where('call.called_back_at', 'is', null)
        .returning('call.id').execute()
      return rows.map((r) => Number(r.id))
    },

    /** Records a call called back by hand; the first mark stands (a later one changes nothing). */
    markCalledBack: async (id: number, userId: number, at: Date, note: string | null): Promise<void> => {
      await db.updateTable('call').set({ called_back_at: at, called_back_by: userId, called_back_note: note, called_back_how: 'by-hand', updated_at: at })
        .where('id', '=', id).where('called_back_at', 'is', null).execute()
    },

    /** How many calls the query matches (for paging). */
    count: async (q: CallLogQuery = {}): Promise<number> =>
      Number((await filtered(q).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),

    /** Newest first. `to` is exclusive. */
    list: async (q: CallLogQuery = {}): Promise<CallLogItem[]> => {
      const rows = await filtered(q)
        .leftJoin('app_user', 'app_user.id', 'call.answered_by_user_id')
        .leftJoin('app_user as cb', 'cb.id', 'call.called_back_by')
        .selectAll('call')
        .select(['app_user.full_name as answered_by_name', 'cb.full_name as called_back_by_name'])
        .orderBy('call.arrived_at', 'desc').orderBy('call.id', 'desc')
        .limit(q.limit ?? 1000)
        .offset(q.offset ?? 0)
        .execute()
      return rows.map((row) => {
        const call = toCall(row)
        return {
          id: Number(row.id),
          linkedId: row.linked_id,
          callerNumber: call.callerNumber,
          arrivedAt: call.arrivedAt,
          answeredAt: call.answeredAt,
          endedAt: call.endedAt,
          state: call.state,
          outcome: call.outcome,
          rejectReason: call.rejectReason,
          answeredBy: call.answeredBy === null ? null : { extension: call.answeredBy, userId: row.answered_by_user_id, fullName: row.answered_by_name },
          transferredTo: call.transferredTo,
          waitSeconds: waitSeconds(call),
          talkSeconds: talkSeconds(call),
          announcementSeconds: announcementSeconds(call),
          hangupCause: call.hangupCause,
          hangupCauseText: call.hangupCauseText,
          missed: isMissed(call),
          hasRecording: call.recordingFile !== null && call.answeredAt !== null,
          entryId: row.entry_id === null ? null : Number(row.entry_id),
          approximate: call.approximate,
          calledBack: row.called_back_at === null
            ? null
            : {
                at: row.called_back_at,
                how: row.called_back_how ?? 'by-hand',
                by: row.called_back_by === null ? null : { userId: row.called_back_by, fullName: row.called_back_by_name },
                callId: row.called_back_call_id === null ? null : Number(row.called_back_call_id),
                note: row.called_back_note
              }
        }
      })
    }
  }
}

export type CallsRepository = ReturnType<typeof callsRepository>
