// What the reports read: the month's registered entries in pages (the printed journal never holds
// a whole month in memory), and the figures of the statistics and compliance reports. Its own
// SQL on journal_entry, call and app_user, so the journal repository stays about the journal.
import { sql } from 'kysely'
import type { Db } from './database.js'
import type { JournalRow } from '../reports/journal.js'
import { monthDays, type Month } from '../reports/dates.js'
import type { RawStatistics, Quantiles } from '../reports/statistics.js'
import { periodBounds, type Period } from '../reports/period.js'
import type { ComplianceFacts } from '../reports/compliance.js'
import { MISSED_OUTCOMES } from '../calls/call.js'

/** The SQL form of isMissed() (src/calls/call.ts): rang in hours and nobody answered. */
const MISSED = sql.join([...MISSED_OUTCOMES])

export interface JournalQuery extends Month {
  /** Only the entries this user registered. */
  specialistId?: number
  /** The center's zone (the annulment's date). */
  zone: string
}

const PAGE = 500

export function reportsRepository (db: Db) {
  const journalPage = async (q: JournalQuery, after: number, limit: number): Promise<JournalRow[]> => {
    const { first, last } = monthDays(q)
    const rows = await db.selectFrom('journal_entry as e')
      .leftJoin('app_user as r', 'r.id', 'e.registered_by')
      .leftJoin('app_user as a', 'a.id', 'e.annulled_by')
      .select([
        'e.id', 'e.registered_on', 'e.year', 'e.number', 'e.type', 'e.description', 'e.organization_name', 'e.contact_text',
        'e.caller_number', 'e.caller_email', 'e.additional_info', 'e.status', 'e.resolved_on', 'e.note', 'e.resolution',
        'e.annul_reason', 'e.registered_by', 'r.full_name as registered_by_name', 'a.full_name as annulled_by_name',
        sql<string | null>`to_char(e.annulled_at at time zone ${q.zone}, 'YYYY-MM-DD')`.as('annulled_on')
      ])
      .where('e.number', 'is not', null)
      .where('e.registered_on', '>=', first).where('e.registered_on', '<=', last)
      .where('e.number', '>', after)
      .$if(q.specialistId !== undefined, (qb) => qb.where('e.registered_by', '=', q.specialistId!))
      .orderBy('e.number').limit(limit).execute()
    return rows.map((r) => ({
      id: r.id,
      registeredOn: r.registered_on!,
      year: r.year!,
      number: r.number!,
      type: r.type,
      description: r.description,
      organizationName: r.organization_name,
      contactText: r.contact_text,
      callerNumber: r.caller_number,
      callerEmail: r.caller_email,
      additionalInfo: r.additional_info,
      status: r.status!,
      resolvedOn: r.resolved_on,
      note: r.note,
      resolution: r.resolution,
      annulledOn: r.annulled_on,
      annulReason: r.annul_reason,
      annulledByName: r.annulled_by_name,
      registeredById: r.registered_by,
      registeredByName: r.registered_by_name
    }))
  }

  return {
    /** The month's registered entries in number order, a page at a time (keyset on the number). */
    journalRows: async function * (q: JournalQuery, pageSize = PAGE): AsyncGenerator<JournalRow> {
      let after = 0
      for (;;) {
        const page = await journalPage(q, after, pageSize)
        yield * page
        if (page.length < pageSize) return
        after = page[page.length - 1]!.number
      }
    },

    /** How many entries the month's journal has. */
    journalCount: async (q: JournalQuery): Promise<number> => {
      const { first, last } = monthDays(q)
      const r = await db.selectFrom('journal_entry').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('number', 'is not', null).where('registered_on', '>=', first).where('registered_on', '<=', last)
        .$if(q.specialistId !== undefined, (qb) => qb.where('registered_by', '=', q.specialistId!))
        .executeTakeFirstOrThrow()
      return Number(r.n)
    },

    /** Who registered the month's entries (they sign the center's journal), by name. */
    journalSigners: async (q: JournalQuery): Promise<Array<{ id: number, fullName: string }>> => {
      const { first, last } = monthDays(q)
      return await db.selectFrom('journal_entry as e').innerJoin('app_user as u', 'u.id', 'e.registered_by')
        .select(['u.id', 'u.full_name as fullName']).distinct()
        .where('e.number', 'is not', null)
        .where('e.registered_on', '>=', first).where('e.registered_on', '<=', last)
        .$if(q.specialistId !== undefined, (qb) => qb.where('e.registered_by', '=', q.specialistId!))
        .orderBy('u.full_name').execute()
    },

    /**
     * The aggregates of the statistics over a period (days of the zone, inclusive); `now` decides what
     * is overdue. One pass over the entries registered or resolved in the period, grouped every way at
     * once (grouping sets, the per-specialist counts among them: no correlated subquery per user);
     * the calls grouped likewise (the day grouped as a date, formatted after), the calls answered
     * per specialist, and the time quantiles. test/bench/statistics-explain.ts shows where the time goes.
     */
    statistics: async (p: Period, zone: string, now: Date): Promise<RawStatistics> => {
      const { start, end } = periodBounds(p, zone)
      type EntryGroup = { kind: 'g' | 'o' | 'd' | 'r' | 't' | 'u' | 'v', type: RawStatistics['requestGroups'][number]['type'], status: RawStatistics['requestGroups'][number]['status'] | null, channel: RawStatistics['requestGroups'][number]['channel'] | null, module: RawStatistics['requestGroups'][number]['module'], annulled: boolean | null, org: string | null, day: string | null, resolved: string | null, in_period: boolean | null, resolved_in: boolean | null, registered_by: number | null, resolved_by: number | null, n: number, on_time: number, late: number, open_overdue: number, open_in_time: number }
      type CallGroup = { kind: 'o' | 'h' | 'w' | 'd', outcome: RawStatistics['callOutcomes'][number]['outcome'], reason: RawStatistics['callOutcomes'][number]['reason'], hour: number | null, dow: number | null, day: string | null, n: number }
      const [entries, calls, answeredBy, quantiles, specialists] = await Promise.all([
        // in_period: registered in the period (every figure but the resolutions); resolved_in: resolved in it
        sql<EntryGroup>`
          select case when grouping(x.registered_by) = 0 then 'u' when grouping(x.resolved_by) = 0 then 'v'
                      when grouping(x.type) = 0 then 'g' when grouping(x.org) = 0 then 'o' when grouping(x.resolved_on) = 0 then 'r'
                      when grouping(x.registered_on) = 0 then 'd' else 't' end as kind,
                 x.type, x.status, x.channel, x.module, x.annulled, x.org, x.in_period, x.resolved_in, x.registered_by, x.resolved_by,
                 to_char(x.registered_on, 'YYYY-MM-DD') as day, to_char(x.resolved_on, 'YYYY-MM-DD') as resolved,
                 count(*)::int as n,
                 count(*) filter (where not x.annulled and x.resolved_at is not null and x.resolved_at <= x.due_at)::int as on_time,
                 count(*) filter (where not x.annulled and x.resolved_at is not null and x.resolved_at > x.due_at)::int as late,
                 count(*) filter (where not x.annulled and x.resolved_at is null and x.due_at < ${now})::int as open_overdue,
                 count(*) filter (where not x.annulled and x.resolved_at is null and (x.due_at is null or x.due_at >= ${now}))::int as open_in_time
            from (select e.type, e.status, e.channel, e.module, e.registered_on, e.resolved_on, e.resolved_at, e.due_at, e.registered_by, e.resolved_by,
                         e.annulled_at is not null as annulled, coalesce(nullif(btrim(e.organization_name), ''), 'не указана') as org,
                         e.registered_on >= ${p.from} and e.registered_on <= ${p.to} as in_period,
                         coalesce(e.resolved_at >= ${start} and e.resolved_at < ${end}, false) as resolved_in
                    from journal_entry e
                   where e.number is not null
                     and ((e.registered_on >= ${p.from} and e.registered_on <= ${p.to}) or (e.resolved_at >= ${start} and e.resolved_at < ${end}))) x
           group by grouping sets ((x.in_period, x.type, x.status, x.channel, x.module, x.annulled), (x.in_period, x.org, x.annulled),
                                   (x.in_period, x.registered_on, x.annulled), (x.in_period, x.registered_on, x.resolved_on, x.annulled), (x.in_period),
                                   (x.in_period, x.registered_by, x.annulled), (x.resolved_in, x.resolved_by, x.annulled))`.execute(db),
        sql<CallGroup>`
          select case when grouping(x.hour) = 0 then 'h' when grouping(x.dow) = 0 then 'w' when grouping(x.day) = 0 then 'd' else 'o' end as kind,
                 x.outcome, x.reason, x.hour, x.dow, to_char(x.day, 'YYYY-MM-DD') as day, count(*)::int as n
            from (select c.outcome, c.reject_reason as reason,
                         extract(hour from c.arrived_at at time zone ${zone})::int as hour,
                         extract(isodow from c.arrived_at at time zone ${zone})::int as dow,
                         (c.arrived_at at time zone ${zone})::date as day
                    from call c where c.arrived_at >= ${start} and c.arrived_at < ${end}) x
           group by grouping sets ((x.outcome, x.reason), (x.hour, x.outcome), (x.dow, x.outcome), (x.day))`.execute(db),
        sql<{ answered_by: number, answered: number, talk: number | null }>`
          select c.answered_by_user_id as answered_by, count(*)::int as answered, round(sum(extract(epoch from c.ended_at - c.answered_at))) as talk
            from call c where c.arrived_at >= ${start} and c.arrived_at < ${end} and c.outcome = 'answered' and c.answered_by_user_id is not null
           group by c.answered_by_user_id`.execute(db),
        sql<{ wait_median: number | null, wait_p90: number | null, talk_median: number | null, talk_p90: number | null, announcement_median: number | null, announcement_p90: number | null }>`
          select percentile_cont(0.5) within group (order by x.wait) as wait_median, percentile_cont(0.9) within group (order by x.wait) as wait_p90,
                 percentile_cont(0.5) within group (order by x.talk) as talk_median, percentile_cont(0.9) within group (order by x.talk) as talk_p90,
                 percentile_cont(0.5) within group (order by x.announcement) as announcement_median, percentile_cont(0.9) within group (order by x.announcement) as announcement_p90
            -- waitSeconds()/announcementSeconds() of src/calls/call.ts: a rejected call's time is the announcement, not waiting
            from (select case when c.outcome is not null and c.outcome <> 'rejected' then extract(epoch from coalesce(c.answered_at, c.ended_at) - c.arrived_at) end as wait,
                         case when c.answered_at is not null and c.ended_at is not null then extract(epoch from c.ended_at - c.answered_at) end as talk,
                         case when c.outcome = 'rejected' and c.ended_at is not null then extract(epoch from c.ended_at - c.arrived_at) end as announcement
                    from call c where c.arrived_at >= ${start} and c.arrived_at < ${end}) x`.execute(db),
        db.selectFrom('app_user as u').select(['u.id', 'u.full_name as fullName']).where('u.role', '=', 'specialist').orderBy('u.full_name').execute()
      ])
      const num = (v: unknown): number => Number(v ?? 0)
      const cb = (await sql<{ missed: number, called_back: number, by_call: number }>`
        select count(*)::int as missed, count(c.called_back_at)::int as called_back, count(*) filter (where c.called_back_how in ('answered', 'outgoing'))::int as by_call
          from call c where c.arrived_at >= ${start} and c.arrived_at < ${end} and c.outcome in (${MISSED})`.execute(db)).rows[0]
      const callbacks = { missed: num(cb?.missed), calledBack: num(cb?.called_back), byCall: num(cb?.by_call), byHand: num(cb?.called_back) - num(cb?.by_call), pending: num(cb?.missed) - num(cb?.called_back) }
      const round = (v: number | null): number | null => v === null ? null : Math.round(Number(v) * 10) / 10
      const e = entries.rows.filter((r) => r.kind === 'v' || r.in_period === true)
      const live = (k: EntryGroup['kind']): EntryGroup[] => e.filter((r) => r.kind === k && r.annulled === false)
      const total = e.find((r) => r.kind === 't')
      const q = quantiles.rows[0]
      const c = (k: CallGroup['kind']): CallGroup[] => calls.rows.filter((r) => r.kind === k)
      const registered = new Map(live('u').map((r) => [r.registered_by, num(r.n)]))
      const resolved = new Map(live('v').filter((r) => r.resolved_in === true).map((r) => [r.resolved_by, num(r.n)]))
      const answered = new Map(answeredBy.rows.map((r) => [r.answered_by, r]))
      return {
        requestGroups: e.filter((r) => r.kind === 'g').map((g) => ({ type: g.type, status: g.status!, channel: g.channel!, module: g.module, annulled: g.annulled === true, count: num(g.n) })),
        organizations: live('o').map((o) => ({ name: o.org!, count: num(o.n) })).sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).slice(0, 15),
        requestsByDay: live('d').map((r) => ({ day: r.day!, count: num(r.n) })),
        deadline: { onTime: num(total?.on_time), late: num(total?.late), openOverdue: num(total?.open_overdue), openInTime: num(total?.open_in_time) },
        resolvePairs: live('r').filter((r) => r.resolved !== null).map((r) => ({ registeredOn: r.day!, resolvedOn: r.resolved!, count: num(r.n) })),
        callOutcomes: c('o').map((o) => ({ outcome: o.outcome, reason: o.reason, count: num(o.n) })),
        wait: { median: round(q?.wait_median ?? null), p90: round(q?.wait_p90 ?? null) },
        talk: { median: round(q?.talk_median ?? null), p90: round(q?.talk_p90 ?? null) },
        announcement: { median: round(q?.announcement_median ?? null), p90: round(q?.announcement_p90 ?? null) },
        callsByHour: c('h').map((r) => ({ hour: num(r.hour), outcome: r.outcome, count: num(r.n) })),
        callsByWeekday: c('w').map((r) => ({ weekday: num(r.dow), outcome: r.outcome, count: num(r.n) })),
        callsByDay: c('d').map((r) => ({ day: r.day!, count: num(r.n) })),
        specialists: specialists.map((s) => ({ id: s.id, fullName: s.fullName, registered: registered.get(s.id) ?? 0, resolved: resolved.get(s.id) ?? 0, answered: num(answered.get(s.id)?.answered), talkSeconds: num(answered.get(s.id)?.talk) })),
        callbacks
      }
    },

    /** What the working-hours compliance report is built from. */
    complianceFacts: async (p: Period, zone: string): Promise<ComplianceFacts> => {
      const { start, end } = periodBounds(p, zone)
      const [unanswered, rejected, registrations, resolvedLate, presence, phonesDown] = await Promise.all([
        sql<{ id: number, arrived_at: Date, caller_number: string | null, outcome: ComplianceFacts['unanswered'][number]['outcome'], wait: number | null, registered_at: Date | null, registered_by: string | null, next_at: Date | null, next_by: string | null, called_back_at: Date | null, called_back_by: string | null, called_back_how: 'answered' | 'outgoing' | 'by-hand' | null }>`
          select c.id, c.arrived_at, c.caller_number, c.outcome,
                 round(extract(epoch from coalesce(c.ended_at, c.arrived_at) - c.arrived_at))::int as wait,
                 e.registered_at, ru.full_name as registered_by, nx.answered_at as next_at, nu.full_name as next_by,
                 c.called_back_at, cb.full_name as called_back_by, c.called_back_how
            from call c
            left join app_user cb on cb.id = c.called_back_by
            left join journal_entry e on e.id = c.entry_id and e.number is not null
            left join app_user ru on ru.id = e.registered_by
            left join lateral (
              select n.answered_at, n.answered_by_user_id from call n
               where c.caller_number is not null and n.caller_number = c.caller_number
                 and n.arrived_at > c.arrived_at and n.outcome = 'answered'
               order by n.arrived_at limit 1) nx on true
            left join app_user nu on nu.id = nx.answered_by_user_id
           where c.arrived_at >= ${start} and c.arrived_at < ${end}
             and c.outcome in (${MISSED})
           order by c.arrived_at`.execute(db),
        db.selectFrom('call').select(['id', 'arrived_at', 'caller_number', 'reject_reason'])
          .where('arrived_at', '>=', start).where('arrived_at', '<', end).where('outcome', '=', 'rejected').orderBy('arrived_at').execute(),
        db.selectFrom('journal_entry as e').leftJoin('app_user as u', 'u.id', 'e.registered_by')
          .select(['e.id', 'e.year', 'e.number', 'e.channel', 'e.registered_at', 'e.created_at', 'u.full_name',
            (eb) => eb.selectFrom('call as c').select((x) => x.fn.min('c.arrived_at').as('a')).whereRef('c.entry_id', '=', 'e.id').as('call_at')])
          .where('e.number', 'is not', null).where('e.annulled_at', 'is', null)
          .where('e.registered_on', '>=', p.from).where('e.registered_on', '<=', p.to)
          .orderBy('e.number').execute(),
        db.selectFrom('journal_entry as e').leftJoin('app_user as u', 'u.id', 'e.resolved_by')
          .select(['e.id', 'e.year', 'e.number', 'e.due_at', 'e.resolved_at', 'u.full_name'])
          .where('e.number', 'is not', null).where('e.annulled_at', 'is', null)
          .where('e.resolved_at', '>=', start).where('e.resolved_at', '<', end)
          .where(sql<boolean>`e.resolved_at > e.due_at`)
          .orderBy('e.resolved_at').execute(),
        db.selectFrom('presence_interval as i').innerJoin('app_user as u', 'u.id', 'i.user_id')
          .select(['i.user_id', 'i.from_at', 'i.to_at'])
          .where('u.role', '=', 'specialist')
          .where('i.from_at', '<', end).where((eb) => eb.or([eb('i.to_at', 'is', null), eb('i.to_at', '>', start)]))
          .orderBy('i.from_at').execute(),
        // a phone's history is per extension: it belongs to the specialist who has that extension
        db.selectFrom('phone_interval as i').innerJoin('app_user as u', 'u.extension', 'i.extension')
          .select(['u.id as user_id', 'i.from_at', 'i.to_at'])
          .where('u.role', '=', 'specialist').where('i.registered', '=', false)
          .where('i.from_at', '<', end).where((eb) => eb.or([eb('i.to_at', 'is', null), eb('i.to_at', '>', start)]))
          .orderBy('i.from_at').execute()
      ])
      return {
        unanswered: unanswered.rows.map((r) => ({ id: Number(r.id), arrivedAt: r.arrived_at, callerNumber: r.caller_number, outcome: r.outcome, waitSeconds: r.wait === null ? null : Number(r.wait), registeredAt: r.registered_at, registeredBy: r.registered_by, nextAnsweredAt: r.next_at, nextAnsweredBy: r.next_by, calledBackAt: r.called_back_at, calledBackBy: r.called_back_by, calledBackHow: r.called_back_how })),
        rejected: rejected.map((r) => ({ id: Number(r.id), arrivedAt: r.arrived_at, callerNumber: r.caller_number, reason: r.reject_reason })),
        registrations: registrations.map((r) => ({ id: r.id, year: r.year!, number: r.number!, channel: r.channel, arrivedAt: (r.call_at as Date | null) ?? r.created_at, registeredAt: r.registered_at ?? r.created_at, registeredBy: r.full_name })),
        resolvedLate: resolvedLate.map((r) => ({ id: r.id, year: r.year!, number: r.number!, dueAt: r.due_at!, resolvedAt: r.resolved_at!, resolvedBy: r.full_name })),
        presence: presence.map((r) => ({ userId: r.user_id, from: r.from_at, to: r.to_at })),
        phonesDown: phonesDown.map((r) => ({ userId: r.user_id, from: r.from_at, to: r.to_at }))
      }
    },

    specialists: async (): Promise<Array<{ id: number, fullName: string, active: boolean }>> =>
      await db.selectFrom('app_user').select(['id', 'full_name as fullName', 'active']).where('role', '=', 'specialist').orderBy('full_name').execute(),

    userById: async (id: number): Promise<{ id: number, fullName: string, role: string } | undefined> =>
      await db.selectFrom('app_user').select(['id', 'full_name as fullName', 'role']).where('id', '=', id).executeTakeFirst()
  }
}

export type ReportsRepository = ReturnType<typeof reportsRepository>
