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
}

export interface IntakeDeps {
  journal: Pick<JournalService, 'transaction'>
  identify: (from: From) => Promise<Identification>
  clock: () => Date
  links: Partial<Record<ArrivingRequest['channel'], ChannelLink>>
  /** Tells the journal screens of a new draft (entry.created). */
  announce?: (entry: Entry) => Promise<void>
}

export interface Intake {
  open: (request: ArrivingRequest) => Promise<OpenedRequest>
  identify: (from: From) => Promise<Identification>
}

export function createIntake (deps: IntakeDeps): Intake {
  return {
    identify: deps.identify,
    open: async (req) => {
      const link = deps.links[req.channel]
      if (link === undefined) throw new Error(`no intake link for the ${req.channel} channel`)
      const caller = await deps.identify({ ...req.from, at: req.arrivedAt })
      const opened = await deps.journal.transaction(async (journal, trx): Promise<{ entryId: number, entry?: Entry }> => {
        const existing = await link.lock(trx, req.externalKey)
        if (existing === undefined) throw new Error(`${req.channel} request ${req.externalKey} is not stored`)
        if (existing !== null) return { entryId: existing }
        const entry = await journal.createDraft(draftOf(req, caller), { by: null, at: req.arrivedAt })
        await link.link(trx, req.externalKey, entry.id, deps.clock())
        return { entryId: entry.id, entry }
      })
      if (opened.entry !== undefined) await deps.announce?.(opened.entry)
      return { ...opened, caller }
    }
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
