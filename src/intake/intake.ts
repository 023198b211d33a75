// The shared intake: every channel (the phone now, e-mail next) hands an arriving request here.
// It identifies who the request is from once, opens the request's draft journal entry with what
// is known of them, and announces the draft to the journal screens. A channel's own announcement
// (the phone's popup) uses the identification returned, so the draft and the popup never disagree.
//
// The interface a channel uses:
//   intake.open({ channel: 'phone' | 'email', from: { phone?, email?, name? }, arrivedAt: Date,
//                 description?: string, externalKey: string })
//     → { entryId, entry?, caller }
//   - externalKey is the channel's own id of the request (a call's Linkedid, a message's Message-ID);
//     open() is idempotent on it: a replay, a reconnect or a crash between two steps never opens a
//     second draft (the channel's ChannelLink, given to createIntake, records which draft a key has,
//     in the draft's transaction). `entry` is there only when this call opened the draft.
//   - caller: who it is from (the directory contact, else earlier entries; see identify.ts).
//   intake.openMany([request, …]) → the same for a burst of one channel's requests: one
//     identification read and one transaction for all, the results in the order given.
//   intake.identify({ phone } | { email }) → the same identification, for a request already open.
import type { Transaction } from 'kysely'
import type { DB } from '../db/types.js'
import type { JournalService, NewDraft } from '../services/journal.service.js'
import type { Channel, Entry } from '../journal/index.js'
import type { From, Identification } from './identify.js'

export type { From, Identification }

export interface ArrivingRequest {
  channel: Extract<Channel, 'phone' | 'email'>
  from: From
  arrivedAt: Date
  /** what the request says (an e-mail's subject and text); a call has none */
  description?: string
  /** the channel's id of the request (Linkedid, Message-ID): open() is idempotent on it */
  externalKey: string
}

export interface OpenedRequest {
  entryId: number
  /** the draft, when this call opened it (absent when the request had one already) */
  entry?: Entry
  caller: Identification
}

/** Where a channel records which draft a request has (the phone: the call row's entry_id). */
export interface ChannelLink {
  /** Locks the channel's record of the request: its draft's id, null when none yet, undefined when there is no such request. */
  lock: (trx: Transaction<DB>, externalKey: string) => Promise<number | null | undefined>
  /** Records the draft of the request (in the same transaction); `at`: now. */
  link: (trx: Transaction<DB>, externalKey: string, entryId: number, at: Date) => Promise<void>
  /** lock of several requests in one statement (absent: one lock each): the stored ones' drafts, null when none yet. */
  lockMany?: (trx: Transaction<DB>, externalKeys: readonly string[]) => Promise<Map<string, number | null>>
  /** link of several requests in one statement (absent: one link each). */
  linkMany?: (trx: Transaction<DB>, links: ReadonlyArray<{ externalKey: string, entryId: number }>, at: Date) => Promise<void>
}

export interface IntakeDeps {
  journal: Pick<JournalService, 'transaction'>
  identify: (from: From) => Promise<Identification>
  /** identify for several senders in one go (absent: one by one) */
  identifyMany?: (froms: readonly From[]) => Promise<Identification[]>
  clock: () => Date
  links: Partial<Record<ArrivingRequest['channel'], ChannelLink>>
  /** Tells the journal screens of a new draft (entry.created). */
  announce?: (entry: Entry) => Promise<void>
}

export interface Intake {
  open: (request: ArrivingRequest) => Promise<OpenedRequest>
  /**
   * open() of several requests of one channel together: one identification read and one
   * transaction for all (a burst of calls); the results in the order given. A request that cannot
   * be opened (not stored) fails the batch; the caller opens those alone.
   */
  openMany: (requests: readonly ArrivingRequest[]) => Promise<OpenedRequest[]>
  identify: (from: From) => Promise<Identification>
}

export function createIntake (deps: IntakeDeps): Intake {
  const identifyAll = async (froms: readonly From[]): Promise<Identification[]> =>
    deps.identifyMany !== undefined ? await deps.identifyMany(froms) : await Promise.all(froms.map(deps.identify))

  const openMany = async (reqs: readonly ArrivingRequest[]): Promise<OpenedRequest[]> => {
    if (reqs.length === 0) return []
    const channel = reqs[0]!.channel
    const link = deps.links[channel]
    if (link === undefined) throw new Error(`no intake link for the ${channel} channel`)
    if (reqs.some((r) => r.channel !== channel)) throw new Error('openMany takes the requests of one channel')
    const callers = await identifyAll(reqs.map((r) => ({ ...r.from, at: r.arrivedAt })))
    const opened = await deps.journal.transaction(async (journal, trx): Promise<Array<{ entryId: number, entry?: Entry }>> => {
      const keys = reqs.map((r) => r.externalKey)
      const existing = link.lockMany !== undefined
        ? await link.lockMany(trx, keys)
        : new Map(await Promise.all(keys.map(async (k) => [k, await link.lock(trx, k)] as const)))
      const missing = keys.find((k) => existing.get(k) === undefined)
      if (missing !== undefined) throw new Error(`${channel} request ${missing} is not stored`)
      // a key given twice gets one draft
      const fresh = reqs.map((r, i) => ({ r, i })).filter(({ r, i }) => existing.get(r.externalKey) === null && keys.indexOf(r.externalKey) === i)
      const entries = await journal.createDrafts(fresh.map(({ r, i }) => ({ draft: draftOf(r, callers[i]!), actor: { by: null, at: r.arrivedAt } })))
      const links = fresh.map(({ r }, k) => ({ externalKey: r.externalKey, entryId: entries[k]!.id }))
      const at = deps.clock()
      if (link.linkMany !== undefined) await link.linkMany(trx, links, at)
      else for (const l of links) await link.link(trx, l.externalKey, l.entryId, at)
      const made = new Map(fresh.map(({ i }, k) => [i, entries[k]!]))
      const byKey = new Map(fresh.map(({ r }, k) => [r.externalKey, entries[k]!.id]))
      return reqs.map((r, i) => {
        const entry = made.get(i)
        return entry !== undefined ? { entryId: entry.id, entry } : { entryId: existing.get(r.externalKey) ?? byKey.get(r.externalKey)! }
      })
    })
    // handed over at once, in order: the push log stores them together
    const announce = deps.announce
    if (announce !== undefined) await Promise.all(opened.map(async (o) => { if (o.entry !== undefined) await announce(o.entry) }))
    return opened.map((o, i) => ({ ...o, caller: callers[i]! }))
  }

  return {
    identify: deps.identify,
    openMany,
    open: async (req) => (await openMany([req]))[0]!
  }
}

/** The draft of a request: the channel, how to reach the sender, and who they are as identified. */
function draftOf (req: ArrivingRequest, caller: Identification): NewDraft {
  const fields: NewDraft = { channel: req.channel, callerNumber: req.from.phone ?? null }
  if (req.from.email != null) fields.callerEmail = req.from.email
  if (req.description !== undefined) fields.description = req.description
  if (req.channel === 'phone') fields.callId = req.externalKey
  if (caller.contactId !== null) fields.contactId = caller.contactId
  // the name and the other ways to reach them; the number calling is the phone field's
  if (caller.contactText != null) fields.contactText = caller.contactText
  else if (caller.name !== null && caller.contactId === null) fields.contactText = caller.name
  if (caller.organizationId !== null) fields.organizationId = caller.organizationId
  else if (caller.organization !== null) fields.organizationName = caller.organization
  return fields
}
