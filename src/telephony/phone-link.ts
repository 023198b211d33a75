// The phone's record of which draft a call has: the call row's entry_id. The intake locks the row
// while it opens the draft, so a replay, a reconnect or a crash never leaves a call two drafts.
import { callsRepository } from '../db/calls.repository.js'
import type { ChannelLink } from '../intake/intake.js'

export const phoneLink: ChannelLink = {
  lock: async (trx, linkedId) => await callsRepository(trx).lockForDraft(linkedId),
  link: async (trx, linkedId, entryId, at) => { await callsRepository(trx).linkEntry(linkedId, entryId, at) },
  lockMany: async (trx, linkedIds) => await callsRepository(trx).lockForDrafts(linkedIds),
  linkMany: async (trx, links, at) => { await callsRepository(trx).linkEntries(links.map((l) => ({ linkedId: l.externalKey, entryId: l.entryId })), at) }
}
