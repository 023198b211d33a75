// Who is calling, for the popup: the directory contact with this phone, else what earlier
// entries from the number say, plus that caller's requests still open.
import type { Entry } from '../journal/entry.js'
import type { Contact } from '../db/organizations.repository.js'
import type { CallerView, OpenRequestView } from './messages.js'

export interface CallerSources {
  byCallerNumber: (number: string, limit?: number) => Promise<Entry[]>
  findByPhone: (number: string) => Promise<Contact[]>
}

/** Statuses of a registered request that is not finished yet. */
const OPEN = new Set(['in_progress', 'feedback', 'to_developer'])

export function callerIdentifier (sources: CallerSources): (number: string) => Promise<CallerView> {
  return async (number) => {
    const [contacts, earlier] = await Promise.all([sources.findByPhone(number), sources.byCallerNumber(number, 50)])
    const contact = contacts[0]
    const named = earlier.find((e) => e.contactText !== null && e.contactText !== '')
    const withOrg = earlier.find((e) => e.organizationName !== null && e.organizationName !== '')
    const openRequests: OpenRequestView[] = earlier
      .filter((e) => e.number !== null && e.status !== null && OPEN.has(e.status) && e.annulment === null)
      .map((e) => ({ id: e.id, number: e.number, year: e.year, registeredOn: e.registeredOn, status: e.status as string, description: e.description }))
    return {
      number,
      name: contact?.fullName ?? named?.contactText ?? null,
      organization: contact?.organizationName ?? withOrg?.organizationName ?? null,
      contactId: contact?.id ?? named?.contactId ?? null,
      organizationId: contact?.organizationId ?? withOrg?.organizationId ?? null,
      openRequests
    }
  }
}
