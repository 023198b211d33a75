// Entries for the journal's rule tests: a draft and a registered entry with every field spelled out.
import { defaultCalendar } from '../../src/calendar/index.js'
import type { Entry } from '../../src/journal/index.js'

export const cal = defaultCalendar()

/** An instant from ISO text with an explicit offset. */
export const at = (iso: string): Date => {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) throw new Error(`bad instant in a test table: ${iso}`)
  return d
}

export function draft (over: Partial<Entry> = {}): Entry {
  return {
    id: 7,
    registeredOn: null,
    year: null,
    number: null,
    type: 'support',
    description: 'Не открывается раздел «Программы» в Навигаторе',
    organizationId: 3,
    organizationName: 'МАОУ СОШ № 1 г. Тюмени',
    contactId: null,
    contactText: 'Петрова Ольга, +7 912 000-00-00',
    additionalInfo: null,
    status: null,
    resolvedOn: null,
    note: null,
    resolution: null,
    channel: 'phone',
    module: 'navigator',
    callerNumber: '79120000000',
    callerEmail: null,
    registeredAt: null,
    registeredBy: null,
    resolvedAt: null,
    resolvedBy: null,
    assignedTo: null,
    dueAt: null,
    agreement: null,
    annulment: null,
    referenceId: null,
    createdAt: at('2026-03-02T10:00:00+05:00'),
    createdBy: 1,
    updatedAt: at('2026-03-02T10:00:00+05:00'),
    pauses: [],
    extensions: [],
    ...over
  }
}

/** Registered on Monday 2 March 2026, due at 17:00 on the fifth working day (9 March is a holiday). */
export function registered (over: Partial<Entry> = {}): Entry {
  return draft({
    registeredOn: '2026-03-02',
    year: 2026,
    number: 153,
    status: 'in_progress',
    registeredAt: at('2026-03-02T10:05:00+05:00'),
    registeredBy: 1,
    assignedTo: 1,
    dueAt: at('2026-03-10T17:00:00+05:00'),
    ...over
  })
}

export const agreed = { state: 'agreed', by: 'Оператор Системы: Сидоров И.И.', at: at('2026-03-03T11:00:00+05:00'), comment: null, recordedBy: 1 } as const
export const rejected = { state: 'rejected', by: 'Департамент: Кузнецова Е.А.', at: at('2026-03-03T11:00:00+05:00'), comment: 'не ошибка системы', recordedBy: 1 } as const
export const pending = { state: 'pending', by: null, at: null, comment: null, recordedBy: null } as const
