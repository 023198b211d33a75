// The printed journal of the regulation's appendix: its ten columns in order, and what each
// entry puts in them. Shared by the PDF and the XLSX so both print the same record.
import { ENTRY_TYPE_LABELS, STATUS_LABELS, type EntryType, type Status } from '../journal/vocabulary.js'
import { monthTitle, officeDate, type Month } from './dates.js'

/** One registered entry as the journal prints it. */
export interface JournalRow {
  id: number
  registeredOn: string // yyyy-MM-dd
  year: number
  number: number
  type: EntryType | null
  description: string | null
  organizationName: string | null
  contactText: string | null
  callerNumber: string | null
  callerEmail: string | null
  additionalInfo: string | null
  status: Status
  resolvedOn: string | null
  note: string | null
  resolution: string | null
  annulledOn: string | null // yyyy-MM-dd in the center's zone
  annulReason: string | null
  annulledByName: string | null
  registeredById: number | null
  registeredByName: string | null
}

export const COLUMNS = [
  { key: 'date', label: 'Дата' },
  { key: 'number', label: '№ п/п' },
  { key: 'type', label: 'Тип запроса' },
  { key: 'description', label: 'Описание запроса' },
  { key: 'organization', label: 'Наименование организации' },
  { key: 'contact', label: 'ФИО, контактная информация' },
  { key: 'additional', label: 'Дополнительная информация' },
  { key: 'status', label: 'Статус решения запроса' },
  { key: 'resolvedOn', label: 'Дата решения запроса' },
  { key: 'note', label: 'Примечание' }
] as const
export type ColumnKey = typeof COLUMNS[number]['key']

export const SIGNATURE_LINE = 'Дата, ФИО специалиста полностью, подпись'
export const ANNULLED = 'АННУЛИРОВАНА'

export interface JournalHeading {
  center: string
  month: Month
  /** One specialist's journal: their full name; the whole center's: null. */
  specialistName: string | null
}

/** «Журнал специалиста Ситуационного центра … за ноябрь 2026 г.» */
export function journalTitle (h: JournalHeading): string {
  return `Журнал специалиста Ситуационного центра ${h.center} за ${monthTitle(h.month)}`
}

/** Russian phone numbers as +7 (3452) 29-02-56; anything else as it came. */
export function formatPhone (v: string): string {
  const d = v.replace(/\D/g, '')
  if (d.length !== 11 || (d[0] !== '7' && d[0] !== '8')) return v
  const n = d.slice(1)
  return n.startsWith('3452')
    ? `+7 (3452) ${n.slice(4, 6)}-${n.slice(6, 8)}-${n.slice(8)}`
    : `+7 (${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6, 8)}-${n.slice(8)}`
}

function contact (r: JournalRow): string {
  const parts = [r.contactText?.trim() ?? '']
  const text = parts[0]!.replace(/\D/g, '')
  if (r.callerNumber !== null && r.callerNumber !== '' && !text.includes(r.callerNumber.replace(/\D/g, '').slice(1))) parts.push(formatPhone(r.callerNumber))
  if (r.callerEmail !== null && r.callerEmail !== '' && !(r.contactText ?? '').toLowerCase().includes(r.callerEmail.toLowerCase())) parts.push(r.callerEmail)
  return parts.filter((p) => p !== '').join(', ')
}

/** The annulment as the note column prints it: the record stays, marked, with its reason. */
export function annulmentText (r: JournalRow): string | null {
  if (r.annulReason === null) return null
  const by = r.annulledByName === null ? '' : `, ${r.annulledByName.replace(/\.$/, '')}`
  return `${ANNULLED} ${officeDate(r.annulledOn)}${by}. Причина: ${r.annulReason}`
}

/** The text of each column, in order (dates as an office writes them). */
export function journalCells (r: JournalRow): Record<ColumnKey, string> {
  const notes = [annulmentText(r), r.note, r.resolution === null || r.resolution === r.note ? null : `Решение: ${r.resolution}`]
  return {
    date: officeDate(r.registeredOn),
    number: String(r.number),
    type: r.type === null ? '' : ENTRY_TYPE_LABELS[r.type],
    description: r.description ?? '',
    organization: r.organizationName ?? '',
    contact: contact(r),
    additional: r.additionalInfo ?? '',
    status: r.annulReason !== null ? `${STATUS_LABELS[r.status]} (аннулирована)` : STATUS_LABELS[r.status],
    resolvedOn: officeDate(r.resolvedOn),
    note: notes.filter((n): n is string => n !== null && n.trim() !== '').join('\n')
  }
}
