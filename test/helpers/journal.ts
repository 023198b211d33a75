// Shared by the journal repository tests: a repository on a test database with a movable clock.
import { journalRepository } from '../../src/db/journal.repository.js'
import { journalService, type JournalService } from '../../src/services/journal.service.js'
import { usersRepository } from '../../src/db/users.repository.js'
import { defaultCalendar } from '../../src/calendar/index.js'
import type { Db } from '../../src/db/database.js'
import type { Entry } from '../../src/journal/index.js'

export const cal = defaultCalendar()
export const MONDAY = new Date('2026-03-02T10:00:00+05:00')

export async function setup (db: Db, now = MONDAY): Promise<{ journal: JournalService, userId: number, clock: { now: Date } }> {
  const user = await usersRepository(db).create({ username: 'ivanova', fullName: 'Иванова Анна', passwordHash: 'x', role: 'specialist' })
  const clock = { now }
  return { journal: journalService({ repo: journalRepository(db), calendar: () => cal, clock: () => clock.now }), userId: user.id, clock }
}

/** Every field a draft needs to be registered. */
export const complete = { channel: 'phone', type: 'support', description: 'Не открывается раздел программ в Навигаторе', organizationName: 'МАОУ СОШ № 1', contactText: 'Петрова Ольга', module: 'navigator' } as const

/** The entry of a successful outcome; a refusal fails the test with its code. */
export function ok (o: { ok: boolean, code?: string, message?: string }): Entry {
  if (!o.ok) throw new Error(`expected success, got ${o.code}: ${o.message}`)
  return (o as unknown as { entry: Entry }).entry
}
