// The statistics of reg. 2.1 («ведение учета и статистики») built from the database's aggregates:
// requests by type, status, channel, module, organization and period; deadline compliance and
// time to resolve in working days; calls by outcome, reason, hour and weekday; per specialist.
// Pure: the working calendar and the aggregates come in, plain figures go out.
import { addDays, describeDay, type IsoDate, type WorkCalendar } from '../calendar/index.js'
import { REJECT_REASONS, type CallOutcome, type RejectReason } from '../calls/call.js'
import { CHANNELS, ENTRY_TYPES, MODULES, STATUSES, type Channel, type EntryType, type Module, type Status } from '../journal/vocabulary.js'
import { periodBuckets, type Period } from './period.js'

export interface RawStatistics {
  requestGroups: Array<{ type: EntryType | null, status: Status, channel: Channel, module: Module | null, annulled: boolean, count: number }>
  organizations: Array<{ name: string, count: number }>
  requestsByDay: Array<{ day: IsoDate, count: number }>
  deadline: { onTime: number, late: number, openOverdue: number, openInTime: number }
  resolvePairs: Array<{ registeredOn: IsoDate, resolvedOn: IsoDate, count: number }>
  callOutcomes: Array<{ outcome: CallOutcome | null, reason: RejectReason | null, count: number }>
  wait: Quantiles
  talk: Quantiles
  /** rejected calls: the time with the announcement (kept out of waiting) */
  announcement: Quantiles
  callsByHour: Array<{ hour: number, outcome: CallOutcome | null, count: number }>
  callsByWeekday: Array<{ weekday: number, outcome: CallOutcome | null, count: number }>
  callsByDay: Array<{ day: IsoDate, count: number }>
  specialists: Array<{ id: number, fullName: string, registered: number, resolved: number, answered: number, talkSeconds: number }>
  /** The period's missed calls (rang, nobody answered) and what became of them: the callback list. */
  callbacks?: Callbacks
}

/** Missed calls of the period: called back (by a later answered call with the number, or marked by hand) and still waiting. */
export interface Callbacks { missed: number, calledBack: number, byCall: number, byHand: number, pending: number }

export interface Quantiles { median: number | null, p90: number | null }

/** Calls by what happened to them; `missed`: rang, nobody answered; `abandoned`: the caller gave up. */
export interface CallCounts { received: number, answered: number, missed: number, abandoned: number, rejected: number, inProgress: number }

export interface Statistics {
  period: Period
  requests: {
    total: number
    annulled: number
    byType: Record<EntryType | 'none', number>
    byStatus: Record<Status, number>
    byChannel: Record<Channel, number>
    byModule: Record<Module | 'none', number>
    byOrganization: Array<{ name: string, count: number }>
    byPeriod: { unit: 'day' | 'month', items: Array<{ key: string, count: number }> }
    deadline: RawStatistics['deadline']
    resolveWorkingDays: { count: number, mean: number | null, median: number | null, p90: number | null }
  }
  calls: CallCounts & {
    rejectedByReason: Record<RejectReason, number>
    /** waiting for a specialist (rejected calls excluded: the announcement is not waiting) */
    waitSeconds: Quantiles
    talkSeconds: Quantiles
    /** rejected calls: the announcement's length */
    announcementSeconds: Quantiles
    byHour: Array<{ hour: number } & CallCounts>
    byWeekday: Array<{ weekday: number } & CallCounts>
    byPeriod: { unit: 'day' | 'month', items: Array<{ key: string, count: number }> }
    callbacks: Callbacks
  }
  specialists: RawStatistics['specialists']
}

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>
const noCalls = (): CallCounts => ({ received: 0, answered: 0, missed: 0, abandoned: 0, rejected: 0, inProgress: 0 })

function addCall (c: CallCounts, outcome: CallOutcome | null, n: number): void {
  c.received += n
  if (outcome === 'answered') c.answered += n
  else if (outcome === 'abandoned') c.abandoned += n
  else if (outcome === 'rejected') c.rejected += n
  else if (outcome === null) c.inProgress += n
  else c.missed += n // no-answer, busy, failed: it rang and nobody took it
}

const round2 = (v: number | null): number | null => v === null ? null : Math.round(v * 100) / 100

/** Linear interpolation between the closest ranks (as PostgreSQL's percentile_cont). */
export function percentile (values: ReadonlyArray<{ value: number, count: number }>, p: number): number | null {
  const sorted = [...values].filter((v) => v.count > 0).sort((a, b) => a.value - b.value)
  const n = sorted.reduce((s, v) => s + v.count, 0)
  if (n === 0) return null
  const rank = p * (n - 1)
  const at = (i: number): number => {
    let seen = 0
    for (const v of sorted) { seen += v.count; if (i < seen) return v.value }
    return sorted[sorted.length - 1]!.value
  }
  const lo = Math.floor(rank)
  return at(lo) + (at(Math.ceil(rank)) - at(lo)) * (rank - lo)
}

/** Working days after `from` up to and including `to` (0 when resolved the day it came). */
export function workingDaysBetween (from: IsoDate, to: IsoDate, cal: WorkCalendar, memo = new Map<IsoDate, boolean>()): number {
  let n = 0
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) {
    let w = memo.get(d)
    if (w === undefined) memo.set(d, w = describeDay(d, cal).working)
    if (w) n++
  }
  return n
}

export function buildStatistics (raw: RawStatistics, period: Period, cal: WorkCalendar): Statistics {
  const byType = zeros([...ENTRY_TYPES, 'none'] as const)
  const byStatus = zeros(STATUSES)
  const byChannel = zeros(CHANNELS)
  const byModule = zeros([...MODULES, 'none'] as const)
  let total = 0
  let annulled = 0
  for (const g of raw.requestGroups) {
    if (g.annulled) { annulled += g.count; continue } // an annulled entry stays in the journal, not in the figures
    total += g.count
    byType[g.type ?? 'none'] += g.count
    byStatus[g.status] += g.count
    byChannel[g.channel] += g.count
    byModule[g.module ?? 'none'] += g.count
  }

  const memo = new Map<IsoDate, boolean>()
  const durations = raw.resolvePairs.map((p) => ({ value: workingDaysBetween(p.registeredOn, p.resolvedOn, cal, memo), count: p.count }))
  const resolvedCount = durations.reduce((s, d) => s + d.count, 0)
  const mean = resolvedCount === 0 ? null : durations.reduce((s, d) => s + d.value * d.count, 0) / resolvedCount

  const buckets = periodBuckets(period)
  const bucketed = (rows: Array<{ day: IsoDate, count: number }>): Array<{ key: string, count: number }> => {
    const m = new Map(buckets.keys.map((k) => [k, 0]))
    for (const r of rows) {
      const key = buckets.unit === 'day' ? r.day : r.day.slice(0, 7)
      if (m.has(key)) m.set(key, m.get(key)! + r.count)
    }
    return [...m].map(([key, count]) => ({ key, count }))
  }

  const calls = noCalls()
  const rejectedByReason = zeros(REJECT_REASONS)
  for (const o of raw.callOutcomes) {
    addCall(calls, o.outcome, o.count)
    if (o.outcome === 'rejected' && o.reason !== null) rejectedByReason[o.reason] += o.count
  }
  const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, ...noCalls() }))
  for (const r of raw.callsByHour) addCall(byHour[r.hour]!, r.outcome, r.count)
  const byWeekday = Array.from({ length: 7 }, (_, i) => ({ weekday: i + 1, ...noCalls() }))
  for (const r of raw.callsByWeekday) addCall(byWeekday[r.weekday - 1]!, r.outcome, r.count)

  return {
    period,
    requests: {
      total,
      annulled,
      byType,
      byStatus,
      byChannel,
      byModule,
      byOrganization: raw.organizations,
      byPeriod: { unit: buckets.unit, items: bucketed(raw.requestsByDay) },
      deadline: raw.deadline,
      resolveWorkingDays: { count: resolvedCount, mean: round2(mean), median: round2(percentile(durations, 0.5)), p90: round2(percentile(durations, 0.9)) }
    },
    calls: {
      ...calls,
      rejectedByReason,
      waitSeconds: raw.wait,
      talkSeconds: raw.talk,
      announcementSeconds: raw.announcement,
      byHour,
      byWeekday,
      byPeriod: { unit: buckets.unit, items: bucketed(raw.callsByDay) },
      callbacks: raw.callbacks ?? { missed: 0, calledBack: 0, byCall: 0, byHand: 0, pending: 0 }
    },
    specialists: raw.specialists
  }
}

