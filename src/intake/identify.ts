// Who a request is from, decided once per request for its draft and its popup: the directory
// contact with this phone number (or e-mail address), else what earlier entries from it say,
// plus that person's requests (the open ones, and the earlier ones open or closed), what to write in
// the draft's «ФИО, контактная информация» (never the number calling: that is the phone field), and
// how often the number called before.
import type { Entry } from '../journal/entry.js'
import { displayPhone, normalizePhone } from '../journal/phone.js'
import type { Contact } from '../db/organizations.repository.js'
import type { CallerView, OpenRequestView } from '../push/messages.js'

/** How a request names its sender: a call its number, a message its address (and a name). */
export interface From {
  phone?: string | null
  email?: string | null
  /** the name the sender gave (an e-mail's display name), used when the directory knows none */
  name?: string | null
  /** when the request arrived: earlier calls are the ones before it (default: all) */
  at?: Date
}

export type Identification = CallerView

export interface CallerSources {
  byCallerNumber: (number: string, limit?: number) => Promise<Entry[]>
  findByPhone: (number: string) => Promise<Contact[]>
  byCallerEmail?: (email: string, limit?: number) => Promise<Entry[]>
  findByEmail?: (email: string) => Promise<Contact[]>
  /** Calls from this number that arrived before `before` (any outcome), and the latest one's instant. */
  callsFrom?: (number: string, before?: Date) => Promise<{ count: number, lastAt: Date | null }>
}

/** Statuses of a registered request that is not finished yet. */
const OPEN = new Set(['in_progress', 'feedback', 'to_developer'])

export function callerIdentifier (sources: CallerSources): (from: From) => Promise<Identification> {
  return async (from) => {
    const phone = from.phone ?? null
    const email = from.email ?? null
    const [byPhone, byEmail, earlierByPhone, earlierByEmail, calls] = await Promise.all([
      phone === null ? [] : sources.findByPhone(phone),
      email === null || sources.findByEmail === undefined ? [] : sources.findByEmail(email),
      phone === null ? [] : sources.byCallerNumber(phone, 50),
      email === null || sources.byCallerEmail === undefined ? [] : sources.byCallerEmail(email, 50),
      phone === null || sources.callsFrom === undefined ? undefined : sources.callsFrom(phone, from.at)
    ])
    const contact = byPhone[0] ?? byEmail[0]
    const all = [...earlierByPhone, ...earlierByEmail.filter((e) => !earlierByPhone.some((p) => p.id === e.id))]
    // the last registered entry says best who the caller is; a draft only when nothing was registered
    const earlier = [...all.filter((e) => e.number !== null), ...all.filter((e) => e.number === null)]
    // a text of numbers only names nobody
    const named = earlier.find((e) => /[A-Za-zА-Яа-яЁё]/.test(withoutNumber(e.contactText, phone) ?? ''))
    const withOrg = earlier.find((e) => e.organizationName !== null && e.organizationName !== '')
    const view = (e: Entry): OpenRequestView => ({ id: e.id, number: e.number, year: e.year, registeredOn: e.registeredOn, status: e.status as string, description: e.description })
    const registered = earlier.filter((e) => e.number !== null && e.status !== null && e.annulment === null)
    const openRequests = registered.filter((e) => OPEN.has(e.status as string)).map(view)
    const namedText = withoutNumber(named?.contactText ?? null, phone)
    return {
      number: phone,
      name: contact?.fullName ?? (namedText === null ? null : namedText.split(',')[0]!.trim()) ?? from.name ?? null,
      organization: contact?.organizationName ?? withOrg?.organizationName ?? null,
      contactId: contact?.id ?? named?.contactId ?? null,
      organizationId: contact?.organizationId ?? withOrg?.organizationId ?? null,
      openRequests,
      requests: registered.slice(0, 10).map(view),
      contactText: contact !== undefined ? contactDetails(contact, phone) : namedText,
      ...(calls !== undefined ? { calls: { count: calls.count, lastAt: calls.lastAt === null ? null : calls.lastAt.toISOString() } } : {})
    }
  }
}

const sameDigits = (a: string, b: string): boolean => {
  const x = normalizePhone(a)
  const y = normalizePhone(b)
  return x !== null && y !== null && (x === y || (x.length >= 10 && y.length >= 10 && x.slice(-10) === y.slice(-10)))
}

/** A contact text without the parts that are only the calling number (a bare draft held it there); null when nothing is left. */
export function withoutNumber (text: string | null, phone: string | null): string | null {
  if (text === null) return null
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '')
  const kept = phone === null ? parts : parts.filter((p) => !(/^[\d\s()+\-.]+$/.test(p) && sameDigits(p, phone)))
  return kept.length === 0 ? null : kept.join(', ')
}

/** A directory contact as the journal's column writes them: name, position, the other phones, the addresses. */
function contactDetails (c: Contact, phone: string | null): string {
  const phones = c.phones.filter((p) => phone === null || !sameDigits(p, phone)).map(displayPhone)
  return [c.fullName, c.position, ...phones, ...c.emails].filter((x): x is string => x !== null && x.trim() !== '').join(', ')
}
