// What a call effect says on the specialists' screens: the payload of call.ringing /
// call.answered / call.ended, and the snapshot a reconnecting screen rebuilds its popups from.
import type { Call } from '../calls/call.js'
import type { StoredCall } from '../db/push.repository.js'
import { toCallView, type CallerView, type CallMessageType, type CallSnapshot, type EntryView, type ServerMessages, type UserRef } from './messages.js'

/** What the AMI pipeline hands over (see src/pipeline.ts): one call effect worth a popup. */
export interface CallPush {
  type: CallMessageType
  call: Call
  /** The call's draft entry (the journal API's shape), when there is one. */
  entry?: unknown
  caller?: CallerView | null
  /** Row id of the call in the call log. */
  callId?: number | null
}

export interface CallPayloadLookups {
  identify: (number: string | null) => Promise<CallerView | null>
  userByExtension: (extension: string) => Promise<{ id: number, fullName: string, extension: string | null } | undefined>
}

export async function callPayload (push: CallPush, lookups: CallPayloadLookups): Promise<Record<string, unknown>> {
  const call = toCallView(push.call, push.callId ?? null)
  const draft = toEntryView(push.entry)
  if (push.type === 'call.ringing') {
    const caller = push.caller !== undefined ? push.caller : await lookups.identify(push.call.callerNumber)
    return { call, draft, caller } satisfies ServerMessages['call.ringing']
  }
  if (push.type === 'call.answered') {
    // after a blind transfer the call belongs to whoever holds it now
    const ext = push.call.transferredTo ?? push.call.answeredBy
    const user = ext === null ? undefined : await lookups.userByExtension(ext)
    const answeredBy: UserRef | null = user === undefined ? null : { userId: user.id, fullName: user.fullName, extension: user.extension }
    return { call, answeredBy, ...(draft !== null ? { draft } : {}), ...(push.caller != null ? { caller: push.caller } : {}) }
  }
  // missed: rang in hours and nobody answered (a call rejected outside hours never rang)
  const missed = push.call.answeredAt === null && push.call.outcome !== 'rejected'
  return { call, missed, ...(draft !== null ? { draft } : {}) }
}

export function toSnapshot (c: StoredCall): CallSnapshot {
  const p = c.payload
  return {
    id: c.messageId,
    type: c.type === 'call.answered' ? 'call.answered' : 'call.ringing',
    call: p.call as CallSnapshot['call'],
    draft: (p.draft ?? null) as EntryView | null,
    caller: (p.caller ?? null) as CallerView | null,
    answeredBy: (p.answeredBy ?? null) as UserRef | null
  }
}

function toEntryView (entry: unknown): EntryView | null {
  if (typeof entry !== 'object' || entry === null) return null
  const id = (entry as { id?: unknown }).id
  if (typeof id !== 'number') return null
  return JSON.parse(JSON.stringify(entry)) as EntryView
}
