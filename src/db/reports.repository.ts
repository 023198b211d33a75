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

    /** The aggregates of the statistics over a period (days of the zone, inclusive); `now` decides what is overdue. */
    statistics: async (p: Period, zone: string, now: Date): Promise<RawStatistics> => {
      const { start, end } = periodBounds(p, zone)
      const entries = db.selectFrom('journal_entry as e')
        .where('e.number', 'is not', null)
        .where('e.registered_on', '>=', p.from).where('e.registered_on', '<=', p.to)
      const live = entries.where('e.annulled_at', 'is', null)
      const calls = db.selectFrom('call as c').where('c.arrived_at', '>=', start).where('c.arrived_at', '<', end)
      const quantiles = async (expr: ReturnType<typeof sql<number>>, answeredOnly: boolean): Promise<Quantiles> => {
        const r = await calls
          .select([
            sql<number | null>`percentile_cont(0.5) within group (order by ${expr})`.as('median'),
            sql<number | null>`percentile_cont(0.9) within group (order by ${expr})`.as('p90')
          ])
          .$if(answeredOnly, (qb) => qb.where('c.answered_at', 'is not', null).where('c.ended_at', 'is not', null))
          .$if(!answeredOnly, (qb) => qb.where('c.outcome', 'is not', null).where('c.outcome', '<>', 'rejected'))
          .executeTakeFirstOrThrow()
        const round = (v: number | null): number | null => v === null ? null : Math.round(Number(v) * 10) / 10
        return { median: round(r.median), p90: round(r.p90) }
      }
      // grouped by position: the zone is a parameter, so the select's expression and a repeated one would differ
      const localHour = sql<number>`extract(hour from c.arrived_at at time zone ${zone})::int`
      const localDow = sql<number>`extract(isodow from c.arrived_at at time zone ${zone})::int`
      const localDay = sql<string>`to_char(c.arrived_at at time zone ${zone}, 'YYYY-MM-DD')`
      const [requestGroups, organizations, requestsByDay, deadline, resolvePairs, callOutcomes, wait, talk, callsByHour, callsByWeekday, callsByDay, specialists] = await Promise.all([
        entries.select(['e.type', 'e.status', 'e.channel', 'e.module', sql<boolean>`e.annulled_at is not null`.as('annulled'), (eb) => eb.fn.countAll<number>().as('count')])
          .groupBy(['e.type', 'e.status', 'e.channel', 'e.module', sql`e.annulled_at is not null`]).execute(),
        live.select([sql<string>`coalesce(nullif(btrim(e.organization_name), ''), 'не указана')`.as('name'), (eb) => eb.fn.countAll<number>().as('count')])
          .groupBy(sql`coalesce(nullif(btrim(e.organization_name), ''), 'не указана')`).orderBy('count', 'desc').orderBy('name').limit(15).execute(),
        live.select([sql<string>`to_char(e.registered_on, 'YYYY-MM-DD')`.as('day'), (eb) => eb.fn.countAll<number>().as('count')])
          .groupBy('e.registered_on').execute(),
        live.select([
          sql<number>`count(*) filter (where e.resolved_at is not null and e.resolved_at <= e.due_at)`.as('onTime'),
          sql<number>`count(*) filter (where e.resolved_at is not null and e.resolved_at > e.due_at)`.as('late'),
          sql<number>`count(*) filter (where e.resolved_at is null and e.due_at < ${now})`.as('openOverdue'),
          sql<number>`count(*) filter (where e.resolved_at is null and (e.due_at is null or e.due_at >= ${now}))`.as('openInTime')
        ]).executeTakeFirstOrThrow(),
        live.select([sql<string>`to_char(e.registered_on, 'YYYY-MM-DD')`.as('registeredOn'), sql<string>`to_char(e.resolved_on, 'YYYY-MM-DD')`.as('resolvedOn'), (eb) => eb.fn.countAll<number>().as('count')])
          .where('e.resolved_on', 'is not', null).groupBy(['e.registered_on', 'e.resolved_on']).execute(),
        calls.select(['c.outcome', 'c.reject_reason as reason', (eb) => eb.fn.countAll<number>().as('count')]).groupBy(['c.outcome', 'c.reject_reason']).execute(),
        quantiles(sql<number>`extract(epoch from coalesce(c.answered_at, c.ended_at) - c.arrived_at)`, false),
        quantiles(sql<number>`extract(epoch from c.ended_at - c.answered_at)`, true),
        calls.select([localHour.as('hour'), 'c.outcome', (eb) => eb.fn.countAll<number>().as('count')]).groupBy(sql`1, 2`).execute(),
        calls.select([localDow.as('weekday'), 'c.outcome', (eb) => eb.fn.countAll<number>().as('count')]).groupBy(sql`1, 2`).execute(),
        calls.select([localDay.as('day'), (eb) => eb.fn.countAll<number>().as('count')]).groupBy(sql`1`).execute(),
        db.selectFrom('app_user as u')
          .select(['u.id', 'u.full_name as fullName',
            (eb) => eb.selectFrom('journal_entry as e').select(eb.fn.countAll<number>().as('n')).whereRef('e.registered_by', '=', 'u.id')
              .where('e.number', 'is not', null).where('e.annulled_at', 'is', null).where('e.registered_on', '>=', p.from).where('e.registered_on', '<=', p.to).as('registered'),
            (eb) => eb.selectFrom('journal_entry as e').select(eb.fn.countAll<number>().as('n')).whereRef('e.resolved_by', '=', 'u.id')
              .where('e.number', 'is not', null).where('e.annulled_at', 'is', null).where('e.resolved_at', '>=', start).where('e.resolved_at', '<', end).as('resolved'),
            (eb) => eb.selectFrom('call as c').select(eb.fn.countAll<number>().as('n')).whereRef('c.answered_by_user_id', '=', 'u.id')
              .where('c.arrived_at', '>=', start).where('c.arrived_at', '<', end).where('c.outcome', '=', 'answered').as('answered'),
            (eb) => eb.selectFrom('call as c').select(sql<number>`coalesce(round(sum(extract(epoch from c.ended_at - c.answered_at))), 0)`.as('n')).whereRef('c.answered_by_user_id', '=', 'u.id')
              .where('c.arrived_at', '>=', start).where('c.arrived_at', '<', end).where('c.outcome', '=', 'answered').as('talkSeconds')
          ])
          .where('u.role', '=', 'specialist')
          .orderBy('u.full_name').execute()
      ])
      const num = (v: unknown): number => Number(v ?? 0)
      return {
        requestGroups: requestGroups.map((g) => ({ type: g.type, status: g.status!, channel: g.channel, module: g.module, annulled: g.annulled, count: num(g.count) })),
        organizations: organizations.map((o) => ({ name: o.name, count: num(o.count) })),
        requestsByDay: requestsByDay.map((r) => ({ day: r.day, count: num(r.count) })),
        deadline: { onTime: num(deadline.onTime), late: num(deadline.late), openOverdue: num(deadline.openOverdue), openInTime: num(deadline.openInTime) },
        resolvePairs: resolvePairs.map((r) => ({ registeredOn: r.registeredOn, resolvedOn: r.resolvedOn, count: num(r.count) })),
        callOutcomes: callOutcomes.map((o) => ({ outcome: o.outcome, reason: o.reason, count: num(o.count) })),
        wait,
        talk,
        callsByHour: callsByHour.map((r) => ({ hour: num(r.hour), outcome: r.outcome, count: num(r.count) })),
        callsByWeekday: callsByWeekday.map((r) => ({ weekday: num(r.weekday), outcome: r.outcome, count: num(r.count) })),
        callsByDay: callsByDay.map((r) => ({ day: r.day, count: num(r.count) })),
        specialists: specialists.map((s) => ({ id: s.id, fullName: s.fullName, registered: num(s.registered), resolved: num(s.resolved), answered: num(s.answered), talkSeconds: num(s.talkSeconds) }))
      }
    },

    /** What the working-hours compliance report is built from. */
    complianceFacts: async (p: Period, zone: string): Promise<ComplianceFacts> => {
      const { start, end } = periodBounds(p, zone)
      const [unanswered, rejected, registrations, resolvedLate, presence] = await Promise.all([
        sql<{ id: number, arrived_at: Date, caller_number: string | null, outcome: ComplianceFacts['unanswered'][number]['outcome'], wait: number | null, registered_at: Date | null, registered_by: string | null, next_at: Date | null, next_by: string | null }>`
          select c.id, c.arrived_at, c.caller_number, c.outcome,
                 round(extract(epoch from coalesce(c.ended_at, c.arrived_at) - c.arrived_at))::int as wait,
                 e.registered_at, ru.full_name as registered_by, nx.answered_at as next_at, nu.full_name as next_by
            from call c
            left join journal_entry e on e.id = c.entry_id and e.number is not null
            left join app_user ru on ru.id = e.registered_by
            left join lateral (
              select n.answered_at, n.answered_by_user_id from call n
               where c.caller_number is not null and n.caller_number = c.caller_number
                 and n.arrived_at > c.arrived_at and n.outcome = 'answered'
               order by n.arrived_at limit 1) nx on true
            left join app_user nu on nu.id = nx.answered_by_user_id
           where c.arrived_at >= ${start} and c.arrived_at < ${end}
             and c.outcome in ('no-answer', 'busy', 'failed', 'abandoned')
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
          .orderBy('i.from_at').execute()
      ])
      return {
        unanswered: unanswered.rows.map((r) => ({ id: Number(r.id), arrivedAt: r.arrived_at, callerNumber: r.caller_number, outcome: r.outcome, waitSeconds: r.wait === null ? null : Number(r.wait), registeredAt: r.registered_at, registeredBy: r.registered_by, nextAnsweredAt: r.next_at, nextAnsweredBy: r.next_by })),
        rejected: rejected.map((r) => ({ id: Number(r.id), arrivedAt: r.arrived_at, callerNumber: r.caller_number, reason: r.reject_reason })),
        registrations: registrations.map((r) => ({ id: r.id, year: r.year!, number: r.number!, channel: r.channel, arrivedAt: (r.call_at as Date | null) ?? r.created_at, registeredAt: r.registered_at ?? r.created_at, registeredBy: r.full_name })),
        resolvedLate: resolvedLate.map((r) => ({ id: r.id, year: r.year!, number: r.number!, dueAt: r.due_at!, resolvedAt: r.resolved_at!, resolvedBy: r.full_name })),
        presence: presence.map((r) => ({ userId: r.user_id, from: r.from_at, to: r.to_at }))
      }
    },

    specialists: async (): Promise<Array<{ id: number, fullName: string, active: boolean }>> =>
      await db.selectFrom('app_user').select(['id', 'full_name as fullName', 'active']).where('role', '=', 'specialist').orderBy('full_name').execute(),

    userById: async (id: number): Promise<{ id: number, fullName: string, role: string } | undefined> =>
      await db.selectFrom('app_user').select(['id', 'full_name as fullName', 'role']).where('id', '=', id).executeTakeFirst()
  }
}

export type ReportsRepository = ReturnType<typeof reportsRepository>
