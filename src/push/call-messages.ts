// What a call effect says on the specialists' screens: the payload of call.ringing /
// call.answered / call.ended, and the snapshot a reconnecting screen rebuilds its popups from.
import { holder, isMissed, type Call } from '../calls/call.js'
import type { Entry } from '../journal/entry.js'
import type { StoredCall } from '../db/push.repository.js'
import { toCallView, type CallerView, type CallMessageType, type CallSnapshot, type EntryView, type ServerMessages, type UserRef } from './messages.js'

/** One call effect worth a message, as the telephony hands it to the hub (src/telephony/pipeline.ts). */
export interface CallMessage {
  type: CallMessageType
  call: Call
  /** Row id of the call in the call log. */
  callId?: number | null
  /** The call's draft entry, when this step opened or changed it. */
  entry?: Entry | EntryView
  /** Who is calling, as the intake identified them (call.ringing); looked up here only when not given. */
  caller?: CallerView | null
  /** Who holds the call now (call.answered), as the telephony found them; looked up here only when not given. */
  answeredBy?: UserRef | null
}

export interface CallPayloadLookups {
  identify: (number: string | null) => Promise<CallerView | null>
  userByExtension: (extension: string) => Promise<{ id: number, fullName: string, extension: string | null } | undefined>
}

type CallPayload = ServerMessages['call.ringing'] | ServerMessages['call.answered'] | ServerMessages['call.ended']

export async function callPayload (m: CallMessage, lookups: CallPayloadLookups): Promise<CallPayload> {
  const call = toCallView(m.call, m.callId ?? null)
  const draft = toEntryView(m.entry)
  if (m.type === 'call.ringing') {
    const caller = m.caller !== undefined ? m.caller : await lookups.identify(m.call.callerNumber)
    return { call, draft, caller }
  }
  if (m.type === 'call.answered') {
    const answeredBy = m.answeredBy !== undefined ? m.answeredBy : await holderRef(m.call, lookups)
    return { call, answeredBy, ...(draft !== null ? { draft } : {}), ...(m.caller != null ? { caller: m.caller } : {}) }
  }
  return { call, missed: isMissed(m.call), ...(draft !== null ? { draft } : {}) }
}

async function holderRef (call: Call, lookups: CallPayloadLookups): Promise<UserRef | null> {
  const ext = holder(call)
  const user = ext === null ? undefined : await lookups.userByExtension(ext)
  return user === undefined ? null : { userId: user.id, fullName: user.fullName, extension: user.extension }
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

function toEntryView (entry: Entry | EntryView | undefined): EntryView | null {
  if (entry === undefined) return null
  return JSON.parse(JSON.stringify(entry)) as EntryView
}
