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

/** What the directory, the journal and the call log hold of one sender. */
interface Found {
  byPhone: Contact[]
  byEmail: Contact[]
  earlierByPhone: Entry[]
  earlierByEmail: Entry[]
  calls: { count: number, lastAt: Date | null } | undefined
}

export function callerIdentifier (sources: CallerSources): (from: From) => Promise<Identification> {
  return async (from) => {
    const phone = from.phone ?? null
    const email = from.email ?? null
    const [byPhone, byEmail, earlierByPhone, earlierByEmail, calls] = await Promise.all([
      phone === null ? [] : sources.findByPhone(phone),
      email === null || sources.findByEmail === undefined ? [] : sources.findByEmail(email),
      phone === null ? [] : sources.byCallerNumber(phone, EARLIER),
      email === null || sources.byCallerEmail === undefined ? [] : sources.byCallerEmail(email, EARLIER),
      phone === null || sources.callsFrom === undefined ? undefined : sources.callsFrom(phone, from.at)
    ])
    return identification(from, { byPhone, byEmail, earlierByPhone, earlierByEmail, calls })
  }
}

/** The same reads for several callers at once: a burst of calls costs three reads, not three a call. */
export interface CallerBatchSources {
  findByPhones: (numbers: readonly string[]) => Promise<Contact[]>
  byCallerNumbers: (numbers: readonly string[], limit?: number) => Promise<Map<string, Entry[]>>
  callsFromMany?: (asked: ReadonlyArray<{ number: string, before?: Date }>) => Promise<Array<{ count: number, lastAt: Date | null }>>
}

/**
 * Identifies several callers by phone in one go, each exactly as callerIdentifier would (the same
 * rule on the same rows); a sender with an e-mail address is identified alone.
 */
export function callersIdentifier (one: (from: From) => Promise<Identification>, sources: CallerBatchSources): (froms: readonly From[]) => Promise<Identification[]> {
  return async (froms) => {
    const byPhoneOnly = froms.map((f, i) => ({ f, i })).filter(({ f }) => f.email == null && f.phone != null)
    const out: Array<Identification | undefined> = froms.map(() => undefined)
    if (byPhoneOnly.length > 0) {
      const numbers = byPhoneOnly.map(({ f }) => f.phone!)
      const [contacts, earlier, calls] = await Promise.all([
        sources.findByPhones(numbers),
        sources.byCallerNumbers(numbers, EARLIER),
        sources.callsFromMany === undefined ? undefined : sources.callsFromMany(byPhoneOnly.map(({ f }) => ({ number: f.phone!, ...(f.at !== undefined ? { before: f.at } : {}) })))
      ])
      byPhoneOnly.forEach(({ f, i }, k) => {
        const phone = normalizePhone(f.phone!)
        out[i] = identification(f, {
          byPhone: phone === null ? [] : contacts.filter((c) => c.phones.includes(phone)),
          byEmail: [],
          earlierByPhone: phone === null ? [] : earlier.get(phone) ?? [],
          earlierByEmail: [],
          calls: calls?.[k]
        })
      })
    }
    return await Promise.all(froms.map(async (f, i) => out[i] ?? await one(f)))
  }
}

/** How many earlier requests of a sender are read to identify them. */
const EARLIER = 50

function identification (from: From, found: Found): Identification {
  const phone = from.phone ?? null
  const { byPhone, byEmail, earlierByPhone, earlierByEmail, calls } = found
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
