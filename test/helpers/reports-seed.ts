// A seeded month for the report tests: November 2026, entries with known numbers, types, statuses,
// an annulled one, a very long one, and neighbours (October, December, a draft) that must not show.
import type { Db } from '../../src/db/database.js'
import type { Channel, EntryType, Module, Status } from '../../src/journal/vocabulary.js'

export const NOVEMBER = { year: 2026, month: 11 }
export const LONG_DESCRIPTION = Array.from({ length: 60 }, (_, i) => `Фрагмент ${i + 1}: при выгрузке списка детей из Навигатора в формат Excel пропадают отчества`).join('; ') + '. КОНЕЦ ОПИСАНИЯ'

export interface SeedEntry {
  number: number
  on: string // registered_on
  type: EntryType
  status: Status
  channel: Channel
  module: Module
  org: string
  by: 'ivanova' | 'smirnov'
  /** Resolved that day at 15:00 local. */
  resolvedOn?: string
  /** Due date (17:00 local). */
  dueOn: string
  description?: string
  annul?: string
}

const ORGS = ['МАОУ СОШ № 5 г. Тюмени', 'МАУ ДО ДДТ г. Ишима', 'ИП Кузнецова Е. В.']
// 20 entries of November, numbered 201..220 (the year's numbering goes on from earlier months)
export const ENTRIES: SeedEntry[] = [
  { number: 201, on: '2026-11-02', type: 'support', status: 'resolved', channel: 'phone', module: 'navigator', org: ORGS[0]!, by: 'ivanova', resolvedOn: '2026-11-02', dueOn: '2026-11-10' },
  { number: 202, on: '2026-11-02', type: 'support', status: 'closed', channel: 'email', module: 'navigator', org: ORGS[1]!, by: 'smirnov', resolvedOn: '2026-11-05', dueOn: '2026-11-10' },
  { number: 203, on: '2026-11-03', type: 'error', status: 'to_developer', channel: 'phone', module: 'talents', org: ORGS[0]!, by: 'ivanova', dueOn: '2026-11-11', description: LONG_DESCRIPTION },
  { number: 204, on: '2026-11-03', type: 'support', status: 'resolved', channel: 'phone', module: 'paid_services', org: ORGS[2]!, by: 'ivanova', resolvedOn: '2026-11-12', dueOn: '2026-11-11' },
  { number: 205, on: '2026-11-05', type: 'support', status: 'in_progress', channel: 'phone', module: 'navigator', org: ORGS[0]!, by: 'smirnov', dueOn: '2026-11-12', annul: 'Запись внесена ошибочно: дубль № 2026-204' },
  { number: 206, on: '2026-11-05', type: 'improvement', status: 'feedback', channel: 'email', module: 'navigator', org: ORGS[1]!, by: 'ivanova', dueOn: '2026-11-12' },
  { number: 207, on: '2026-11-06', type: 'support', status: 'resolved', channel: 'phone', module: 'talents', org: ORGS[0]!, by: 'smirnov', resolvedOn: '2026-11-06', dueOn: '2026-11-13' },
  { number: 208, on: '2026-11-09', type: 'support', status: 'resolved', channel: 'walk_in', module: 'navigator', org: ORGS[2]!, by: 'ivanova', resolvedOn: '2026-11-10', dueOn: '2026-11-16' },
  { number: 209, on: '2026-11-10', type: 'error', status: 'resolved', channel: 'email', module: 'paid_services', org: ORGS[1]!, by: 'smirnov', resolvedOn: '2026-11-18', dueOn: '2026-11-17' },
  { number: 210, on: '2026-11-11', type: 'support', status: 'closed', channel: 'phone', module: 'navigator', org: ORGS[0]!, by: 'ivanova', resolvedOn: '2026-11-11', dueOn: '2026-11-18' },
  { number: 211, on: '2026-11-12', type: 'support', status: 'in_progress', channel: 'phone', module: 'other', org: ORGS[0]!, by: 'ivanova', dueOn: '2026-11-19' },
  { number: 212, on: '2026-11-13', type: 'support', status: 'resolved', channel: 'phone', module: 'navigator', org: ORGS[1]!, by: 'smirnov', resolvedOn: '2026-11-16', dueOn: '2026-11-20' },
  { number: 213, on: '2026-11-16', type: 'improvement', status: 'in_progress', channel: 'email', module: 'talents', org: ORGS[2]!, by: 'ivanova', dueOn: '2026-11-23' },
  { number: 214, on: '2026-11-17', type: 'support', status: 'resolved', channel: 'phone', module: 'navigator', org: ORGS[0]!, by: 'ivanova', resolvedOn: '2026-11-17', dueOn: '2026-11-24' },
  { number: 215, on: '2026-11-18', type: 'support', status: 'resolved', channel: 'phone', module: 'navigator', org: ORGS[0]!, by: 'smirnov', resolvedOn: '2026-11-19', dueOn: '2026-11-25' },
  { number: 216, on: '2026-11-19', type: 'error', status: 'in_progress', channel: 'phone', module: 'navigator', org: ORGS[1]!, by: 'ivanova', dueOn: '2026-11-26' },
  { number: 217, on: '2026-11-23', type: 'support', status: 'resolved', channel: 'email', module: 'paid_services', org: ORGS[2]!, by: 'smirnov', resolvedOn: '2026-11-24', dueOn: '2026-11-30' },
  { number: 218, on: '2026-11-25', type: 'support', status: 'closed', channel: 'phone', module: 'navigator', org: ORGS[0]!, by: 'ivanova', resolvedOn: '2026-11-25', dueOn: '2026-12-02' },
  { number: 219, on: '2026-11-27', type: 'support', status: 'in_progress', channel: 'phone', module: 'talents', org: ORGS[1]!, by: 'smirnov', dueOn: '2026-12-04' },
  { number: 220, on: '2026-11-30', type: 'support', status: 'resolved', channel: 'phone', module: 'navigator', org: ORGS[0]!, by: 'ivanova', resolvedOn: '2026-11-30', dueOn: '2026-12-07' }
]
/** Outside the month: must never appear in November's journal. */
export const NEIGHBOURS: SeedEntry[] = [
  { number: 200, on: '2026-10-30', type: 'support', status: 'resolved', channel: 'phone', module: 'navigator', org: ORGS[0]!, by: 'ivanova', resolvedOn: '2026-10-30', dueOn: '2026-11-09', description: 'ОКТЯБРЬСКАЯ запись' },
  { number: 221, on: '2026-12-01', type: 'support', status: 'in_progress', channel: 'phone', module: 'navigator', org: ORGS[0]!, by: 'ivanova', dueOn: '2026-12-08', description: 'ДЕКАБРЬСКАЯ запись' }
]

const local = (date: string, hhmm: string): Date => new Date(`${date}T${hhmm}:00+05:00`)

export async function seedMonth (db: Db, users: { ivanova: number, smirnov: number, head: number }): Promise<void> {
  for (const e of [...NEIGHBOURS, ...ENTRIES]) {
    const by = users[e.by]
    await db.insertInto('journal_entry').values({
      registered_on: e.on,
      year: Number(e.on.slice(0, 4)),
      number: e.number,
      type: e.type,
      description: e.description ?? `Запрос № ${e.number}: не сохраняется карточка программы в Навигаторе`,
      organization_name: e.org,
      contact_text: `Заявитель ${e.number} Ольга Петровна`,
      caller_number: e.channel === 'phone' ? `7912000${String(e.number).padStart(4, '0')}` : null,
      caller_email: e.channel === 'email' ? `school${e.number}@example.ru` : null,
      additional_info: e.number === 206 ? 'Просят добавить фильтр по возрасту' : null,
      status: e.status,
      resolved_on: e.resolvedOn ?? null,
      resolved_at: e.resolvedOn === undefined ? null : local(e.resolvedOn, '15:00'),
      resolved_by: e.resolvedOn === undefined ? null : by,
      resolution: e.resolvedOn === undefined ? null : `Дан ответ по запросу ${e.number}`,
      note: e.number === 201 ? 'Перезвонили в тот же день' : null,
      channel: e.channel,
      module: e.module,
      registered_at: local(e.on, '10:00'),
      registered_by: by,
      due_at: local(e.dueOn, '17:00'),
      annulled_at: e.annul === undefined ? null : local(e.on, '16:00'),
      annul_reason: e.annul ?? null,
      annulled_by: e.annul === undefined ? null : users.head,
      created_by: by
    }).execute()
  }
  // a draft of the month: not registered, not in the journal
  await db.insertInto('journal_entry').values({ channel: 'phone', description: 'ЧЕРНОВИК без номера', created_by: users.ivanova }).execute()
}

export interface SeedCall {
  at: string // local 'yyyy-MM-ddTHH:mm'
  outcome: 'answered' | 'no-answer' | 'busy' | 'abandoned' | 'rejected'
  reason?: 'lunch' | 'weekend' | 'holiday' | 'before-hours' | 'after-hours'
  wait?: number
  talk?: number
  by?: 'ivanova' | 'smirnov'
}

export const CALLS: SeedCall[] = [
  { at: '2026-11-02T09:15', outcome: 'answered', wait: 10, talk: 120, by: 'ivanova' },
  { at: '2026-11-02T10:40', outcome: 'answered', wait: 20, talk: 300, by: 'ivanova' },
  { at: '2026-11-03T11:05', outcome: 'answered', wait: 5, talk: 60, by: 'smirnov' },
  { at: '2026-11-03T14:20', outcome: 'no-answer', wait: 40 },
  { at: '2026-11-05T12:45', outcome: 'rejected', reason: 'lunch' },
  { at: '2026-11-05T18:10', outcome: 'rejected', reason: 'after-hours' },
  { at: '2026-11-07T11:00', outcome: 'rejected', reason: 'weekend' },
  { at: '2026-11-04T10:00', outcome: 'rejected', reason: 'holiday' },
  { at: '2026-11-06T08:30', outcome: 'rejected', reason: 'before-hours' },
  { at: '2026-11-09T15:00', outcome: 'abandoned', wait: 25 },
  { at: '2026-11-10T09:05', outcome: 'answered', wait: 8, talk: 200, by: 'smirnov' },
  { at: '2026-11-10T16:30', outcome: 'busy', wait: 3 },
  { at: '2026-11-12T13:40', outcome: 'answered', wait: 12, talk: 90, by: 'ivanova' },
  { at: '2026-11-13T15:55', outcome: 'answered', wait: 30, talk: 240, by: 'ivanova' }
]
/** October's one call (the period before) and one of December (never in November). */
export const NEIGHBOUR_CALLS: SeedCall[] = [
  { at: '2026-10-30T10:00', outcome: 'answered', wait: 4, talk: 100, by: 'ivanova' },
  { at: '2026-12-01T10:00', outcome: 'no-answer', wait: 15 }
]

export async function seedCalls (db: Db, users: { ivanova: number, smirnov: number }, calls: SeedCall[] = [...CALLS, ...NEIGHBOUR_CALLS]): Promise<void> {
  let n = 0
  for (const c of calls) {
    const arrived = new Date(`${c.at}:00+05:00`)
    const answered = c.outcome === 'answered' ? new Date(arrived.getTime() + c.wait! * 1000) : null
    const ended = c.outcome === 'rejected' ? new Date(arrived.getTime() + 12_000)
      : answered !== null ? new Date(answered.getTime() + c.talk! * 1000) : new Date(arrived.getTime() + c.wait! * 1000)
    await db.insertInto('call').values({
      linked_id: `seed-${++n}.0`,
      caller_number: `79123450${String(n).padStart(3, '0')}`,
      dialled: '73452290256',
      state: 'ended',
      arrived_at: arrived,
      answered_at: answered,
      ended_at: ended,
      answered_by_extension: c.by === undefined ? null : c.by === 'ivanova' ? '101' : '102',
      answered_by_user_id: c.by === undefined ? null : users[c.by],
      outcome: c.outcome,
      reject_reason: c.reason ?? null,
      decision: c.reason ?? 'open',
      caller_hung_up: c.outcome === 'abandoned',
      legs: '{}'
    }).execute()
  }
}
