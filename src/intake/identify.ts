// Who a request is from, decided once per request for its draft and its popup: the directory
// contact with this phone number (or e-mail address), else what earlier entries from it say,
// plus that person's requests still open.
import type { Entry } from '../journal/entry.js'
import type { Contact } from '../db/organizations.repository.js'
import type { CallerView, OpenRequestView } from '../push/messages.js'

/** How a request names its sender: a call its number, a message its address (and a name). */
export interface From {
  phone?: string | null
  email?: string | null
  /** the name the sender gave (an e-mail's display name), used when the directory knows none */
  name?: string | null
}

export type Identification = CallerView

export interface CallerSources {
  byCallerNumber: (number: string, limit?: number) => Promise<Entry[]>
  findByPhone: (number: string) => Promise<Contact[]>
  byCallerEmail?: (email: string, limit?: number) => Promise<Entry[]>
  findByEmail?: (email: string) => Promise<Contact[]>
}

/** Statuses of a registered request that is not finished yet. */
const OPEN = new Set(['in_progress', 'feedback', 'to_developer'])

export function callerIdentifier (sources: CallerSources): (from: From) => Promise<Identification> {
  return async (from) => {
    const phone = from.phone ?? null
    const email = from.email ?? null
    const [byPhone, byEmail, earlierByPhone, earlierByEmail] = await Promise.all([
      phone === null ? [] : sources.findByPhone(phone),
      email === null || sources.findByEmail === undefined ? [] : sources.findByEmail(email),
      phone === null ? [] : sources.byCallerNumber(phone, 50),
      email === null || sources.byCallerEmail === undefined ? [] : sources.byCallerEmail(email, 50)
    ])
    const contact = byPhone[0] ?? byEmail[0]
    const earlier = [...earlierByPhone, ...earlierByEmail.filter((e) => !earlierByPhone.some((p) => p.id === e.id))]
    const named = earlier.find((e) => e.contactText !== null && e.contactText !== '')
    const withOrg = earlier.find((e) => e.organizationName !== null && e.organizationName !== '')
    const openRequests: OpenRequestView[] = earlier
      .filter((e) => e.number !== null && e.status !== null && OPEN.has(e.status) && e.annulment === null)
      .map((e) => ({ id: e.id, number: e.number, year: e.year, registeredOn: e.registeredOn, status: e.status as string, description: e.description }))
    return {
      number: phone,
      name: contact?.fullName ?? named?.contactText ?? from.name ?? null,
      organization: contact?.organizationName ?? withOrg?.organizationName ?? null,
      contactId: contact?.id ?? named?.contactId ?? null,
      organizationId: contact?.organizationId ?? withOrg?.organizationId ?? null,
      openRequests
    }
  }
}
