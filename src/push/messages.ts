// Everything the server pushes to a specialist's screen over /ws, in one typed map (the browser's
// only contract with the realtime side). Pure types and small mappers: no I/O.
//
// ─── The /ws protocol, for the UI (plain JS) ───────────────────────────────────────────────────
// Connect: `new WebSocket('/ws')` or `new WebSocket('/ws?since=<last id seen>')` with the session
// cookie (same origin). Without a valid session the upgrade is refused with HTTP 401 (the browser
// sees a close without open: go to the log-in screen).
// Every server frame is one JSON object: { id, type, at, ...payload }.
//   id   number, grows monotonically across the whole cluster; remember the largest one you saw.
//   type one of the keys of ServerMessages below; at: ISO instant the server produced it.
// On connect the server sends, in this order:
//   - with ?since=N: the stored messages with id > N (each also has `replay: true`), then
//   - `hello` { id: <last id>, user, calls: CallSnapshot[], presence: PresenceView[], gap }
//     `calls` are all calls in progress (ringing or talking) with their draft and caller: rebuild
//     the popups from it. gap: true means messages after `since` are gone (pruned, too old; or
//     `since` is beyond the log, e.g. a restored database): reload the journal list (the calls
//     snapshot is complete anyway). Take hello.id as your last id seen.
// A client may instead send, at any time, { "type": "resume", "since": N }: the server answers
// with the stored messages with id > N (replay: true) and then `resync` (same fields as hello).
// Then live messages follow. Apply them idempotently (a message may come twice around a
// reconnect: key calls by call.linkedId and entries by entry.id, replace, don't append).
//   call.ring     { call }                          live only (no id, never replayed): the PBX rings the
//                                                   phones; open the popup with the number now — the
//                                                   call.ringing with who is calling and the draft follows
//   call.withdrawn { call: { linkedId } }           live only: a call.ring that was no new call (the
//                                                   PBX repeated an old one): remove its popup
//   call.ringing  { call, draft, caller }           open the popup (draft: the entry to complete)
//   call.answered { call, answeredBy, draft? }     answeredBy.userId === hello.user.id → it's
//                                                   yours: only you open its draft; otherwise
//                                                   show it taken, briefly (answeredBy null: an
//                                                   extension of no user)
//   call.ended    { call, missed, draft? }          the call is over: its popup leaves (yours
//                                                   stays reachable until its draft is registered:
//                                                   GET /api/entries?draft=true&assignedTo=<you>);
//                                                   missed: rang and nobody answered — the call is
//                                                   on the callback list (GET /api/calls?missed=
//                                                   true&calledBack=false) and its untouched draft
//                                                   is dismissed (draft: annulled, with the reason);
//                                                   a call rejected outside hours only ends
//                                                   (call.outcome 'rejected', never rang)
// (draft? = present only when the draft changed; keep the one from call.ringing otherwise)
//   entry.created { entry }                         a journal entry appeared (draft or registered)
//   entry.updated { entry }                         an entry changed: replace it in the list
//   presence      { specialists: PresenceView[] }   the full list, replace yours
//   mail.received { entry, mail }                   a message arrived: a new e-mail draft (mail.created)
//                                                   or a message on an existing entry (its thread)
//   mail.outbox   { entryId, mailId, state }        a reply's delivery changed (sent / queued / failed)
// `entry` has the shape of GET /api/entries/:id (the journal API). `draft` is the journal's entry
// as the call pipeline has it ({ id, ... } with the same field names; may be null): open it with
// GET /api/entries/:id for the full view.
// The server pings every ~25 s; browsers answer pings by themselves. When the socket closes,
// reconnect with backoff and ?since=<largest id seen>; close code 4401 means the session ended
// (logged out elsewhere, expired, user disabled): show the log-in screen instead.
// Client → server frames other than `resume` are ignored.
// ────────────────────────────────────────────────────────────────────────────────────────────────
import { holder, type Call } from '../calls/call.js'

/** A call as the browser sees it (instants as ISO strings). */
export interface CallView {
  linkedId: string
  callerNumber: string | null
  dialled: string
  state: 'arrived' | 'ringing' | 'talking' | 'ended'
  arrivedAt: string
  answeredAt: string | null
  endedAt: string | null
  /** Extension that answered first. */
  answeredBy: string | null
  /** Extension holding the call after a transfer. */
  transferredTo: string | null
  /** Extension holding the call now (holder(): who took a blind transfer, else who answered). */
  holder: string | null
  outcome: string | null
  rejectReason: string | null
  /** The call's row id in the call log (GET /api/calls/:id/recording), when known. */
  callId: number | null
}

/** An earlier request of the same caller, still open. */
export interface OpenRequestView {
  id: number
  /** Journal number (№ п/п) and year, null for a draft. */
  number: number | null
  year: number | null
  registeredOn: string | null
  status: string
  description: string | null
}

/** Who is calling, as identified from earlier entries with the same number. */
export interface CallerView {
  number: string | null
  name: string | null
  organization: string | null
  contactId: number | null
  organizationId: number | null
  openRequests: OpenRequestView[]
  /** The caller's earlier registered requests, open and closed, newest first (at most 10). */
  requests?: OpenRequestView[]
  /** «ФИО, контактная информация» for the draft: the name and the other ways to reach them (never the number calling). */
  contactText?: string | null
  /** How often this number called the helpdesk before, and when last (calls of any outcome). */
  calls?: { count: number, lastAt: string | null }
}

/** A journal entry: at least its id; the journal API's view for entry.*, the journal's Entry for a draft. */
export type EntryView = { id: number } & Record<string, unknown>

export interface UserRef {
  userId: number
  fullName: string
  extension: string | null
}

export interface PresenceView extends UserRef {
  role: string
  /** At least one screen open on some instance. */
  online: boolean
  /** The call the specialist is talking on (by their extension), else null. */
  onCall: string | null
}

export interface CallSnapshot {
  /** Id of the last message about this call. */
  id: number
  type: 'call.ringing' | 'call.answered'
  call: CallView
  draft: EntryView | null
  caller: CallerView | null
  answeredBy: UserRef | null
}

/** A message that arrived, as the popup and the entry page announce it. */
export interface MailNoticeView {
  /** mail_message id (GET /api/entries/:id/mail lists the entry's correspondence) */
  id: number
  kind: string
  fromAddress: string | null
  fromName: string | null
  subject: string
  receivedAt: string
  /** a new draft was opened for it */
  created: boolean
  /** its entry went from «Обратная связь» back to «В работе» */
  resumed: boolean
}

export interface ServerMessages {
  'hello': { user: UserRef & { role: string }, calls: CallSnapshot[], presence: PresenceView[], gap: boolean }
  'resync': { user: UserRef & { role: string }, calls: CallSnapshot[], presence: PresenceView[], gap: boolean }
  'call.ring': { call: CallView }
  'call.withdrawn': { call: { linkedId: string } }
  'call.ringing': { call: CallView, draft: EntryView | null, caller: CallerView | null }
  'call.answered': { call: CallView, answeredBy: UserRef | null, draft?: EntryView | null, caller?: CallerView | null }
  'call.ended': { call: CallView, missed: boolean, draft?: EntryView | null }
  'entry.created': { entry: EntryView }
  'entry.updated': { entry: EntryView }
  'presence': { specialists: PresenceView[] }
  'mail.received': { entry: EntryView, mail: MailNoticeView }
  'mail.outbox': { entryId: number | null, mailId: number, state: 'sent' | 'queued' | 'failed' }
}

export type MessageType = keyof ServerMessages
/** Frames sent to the screens as they happen and never stored: no id, no replay (a reconnect's snapshot has the stored state). */
export type LiveType = 'call.ring' | 'call.withdrawn'
/** Messages kept in the log and fanned out to every instance (hello/resync are per socket). */
export type BroadcastType = Exclude<MessageType, 'hello' | 'resync' | LiveType>
export type CallMessageType = 'call.ringing' | 'call.answered' | 'call.ended'

export const BROADCAST_TYPES = ['call.ringing', 'call.answered', 'call.ended', 'entry.created', 'entry.updated', 'presence', 'mail.received', 'mail.outbox'] as const satisfies readonly BroadcastType[]

/** One frame on the wire. */
export type ServerMessage<K extends MessageType = MessageType> = K extends LiveType
  ? { id?: undefined, type: K, at: string } & ServerMessages[K]
  : K extends MessageType
    ? { id: number, type: K, at: string, replay?: true } & ServerMessages[K]
    : never

/** Client → server. */
export interface ResumeRequest { type: 'resume', since: number }

export function isBroadcastType (type: string): type is BroadcastType {
  return (BROADCAST_TYPES as readonly string[]).includes(type)
}

const iso = (d: Date | null): string | null => d === null ? null : d.toISOString()

export function toCallView (call: Call, callId: number | null = null): CallView {
  return {
    linkedId: call.linkedId,
    callerNumber: call.callerNumber,
    dialled: call.dialled,
    state: call.state,
    arrivedAt: call.arrivedAt.toISOString(),
    answeredAt: iso(call.answeredAt),
    endedAt: iso(call.endedAt),
    answeredBy: call.answeredBy,
    transferredTo: call.transferredTo,
    holder: holder(call),
    outcome: call.outcome,
    rejectReason: call.rejectReason,
    callId
  }
}

/** Parses a client frame; undefined for anything but a well-formed resume request. */
export function parseClientMessage (text: string): ResumeRequest | undefined {
  let v: unknown
  try { v = JSON.parse(text) } catch { return undefined }
  if (typeof v !== 'object' || v === null) return undefined
  const o = v as Record<string, unknown>
  if (o.type !== 'resume') return undefined
  const since = typeof o.since === 'string' && /^\d+$/.test(o.since) ? Number(o.since) : o.since
  return typeof since === 'number' && Number.isSafeInteger(since) && since >= 0 ? { type: 'resume', since } : undefined
}
