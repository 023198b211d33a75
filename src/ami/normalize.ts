// Asterisk → our terms, once. Every Asterisk spelling the call tracking depends on (event and
// header names, DialStatus values, cause codes, channel naming) is read here and nowhere else.
// Event shapes: test/fixtures/ami/README.md (real Asterisk 22 transcripts) and
// https://docs.asterisk.org/Asterisk_22_Documentation/API_Documentation/AMI_Events/
import path from 'node:path'
import { DECISIONS, type CallEvent, type Decision, type LegResult } from '../calls/call.js'
import type { AmiMessage } from './message.js'
import { channelExtension, dispositionOf, pbxLocalTime, readUserfield } from './pbx-record.js'

export interface NormalizeOptions {
  /**
   * PBX_TIME_ZONE: the zone of the Asterisk host's clock, in which Cdr StartTime/AnswerTime/EndTime
   * are written. Unset: the UTC offset the dialplan writes into each record (userfield tz=+0500),
   * else `centerTimeZone`.
   */
  pbxTimeZone?: string
  /** TIME_ZONE, the center's: the PBX's zone when nothing else says (default UTC) */
  centerTimeZone?: string
}

/** The dialplan variables the service reads (dialplan/extensions.conf sets them). */
export const DECISION_VARIABLE = 'HD_STATUS'
export const RECORDING_VARIABLE = 'MIXMONITOR_FILENAME'

/** An AMI event as a CallEvent, or undefined when it says nothing about a call (most of them). */
export function normalize (msg: AmiMessage, at: Date, opts: NormalizeOptions = {}): CallEvent | undefined {
  if (msg.kind !== 'event') return undefined
  const h = msg.headers
  const linkedId = h.linkedid ?? h.destlinkedid
  switch (msg.name) {
    case 'Newchannel':
      // the call's first channel (the trunk's inbound leg): its Uniqueid is the call's Linkedid
      if (h.uniqueid === undefined || h.uniqueid !== h.linkedid || h.exten === undefined) return undefined
      return { type: 'started', linkedId: h.uniqueid, callerNumber: phoneNumber(h.calleridnum), dialled: h.exten, at }
    case 'VarSet': {
      if (linkedId === undefined || h.value === undefined) return undefined
      if (h.variable === DECISION_VARIABLE) {
        const status = decisionOf(h.value)
        return status === null ? undefined : { type: 'decided', linkedId, status, at }
      }
      if (h.variable === RECORDING_VARIABLE) {
        const file = path.posix.basename(h.value.trim())
        return file === '' ? undefined : { type: 'recording', linkedId, file, at }
      }
      return undefined
    }
    case 'DialBegin':
      if (linkedId === undefined || h.destuniqueid === undefined) return undefined
      return { type: 'ringing', linkedId, legId: h.destuniqueid, extension: extensionOf(h.destchannel, h.destcalleridnum), at }
    case 'DialEnd': {
      if (linkedId === undefined || h.destuniqueid === undefined) return undefined
      const result = DIAL_STATUS[(h.dialstatus ?? '').toUpperCase()]
      if (result === undefined) return undefined
      return { type: 'dial-ended', linkedId, legId: h.destuniqueid, extension: extensionOf(h.destchannel, h.destcalleridnum), result, at }
    }
    case 'HangupRequest': // the remote side (the caller's BYE/CANCEL on the inbound leg)
    case 'SoftHangupRequest': // the PBX (dialplan Hangup(), shutdown); its Cause is a flag, not a Q.850 cause
      if (linkedId === undefined || h.uniqueid === undefined) return undefined
      return { type: 'hangup-requested', linkedId, channelId: h.uniqueid, by: msg.name === 'HangupRequest' ? 'remote' : 'pbx', at }
    case 'Hangup': {
      if (linkedId === undefined || h.uniqueid === undefined) return undefined
      const cause = h.cause === undefined || !/^\d+$/.test(h.cause) ? null : Number(h.cause)
      return { type: 'hungup', linkedId, channelId: h.uniqueid, cause, causeText: nonEmpty(h['cause-txt']), busy: cause === CAUSE_USER_BUSY, at }
    }
    case 'Cdr': {
      // cdr_manager: no Linkedid; UniqueID is the inbound channel's, i.e. the call's Linkedid
      if (h.uniqueid === undefined) return undefined
      const disposition = dispositionOf(h.disposition)
      if (disposition === undefined) return undefined
      const note = readUserfield(h.userfield)
      const zone = { zone: opts.pbxTimeZone, offsetMinutes: note.offsetMinutes, fallback: opts.centerTimeZone ?? 'UTC' }
      return {
        type: 'cdr',
        linkedId: h.uniqueid,
        extension: h.destinationchannel === undefined || h.destinationchannel === '' ? null : extensionOf(h.destinationchannel, undefined),
        disposition,
        startedAt: pbxLocalTime(h.starttime, zone),
        answeredAt: pbxLocalTime(h.answertime, zone),
        endedAt: pbxLocalTime(h.endtime, zone),
        decision: note.status === null ? null : decisionOf(note.status),
        at
      }
    }
    default:
      return undefined
  }
}

/** Q.850 cause 17, "User busy" (https://docs.asterisk.org/Configuration/Miscellaneous/Hangup-Cause-Mappings/). */
const CAUSE_USER_BUSY = 17

/**
 * HD_STATUS as the dialplan sets it (dialplan/extensions.conf: open, lunch, weekend, holiday,
 * before-hours, after-hours, closed) → our Decision; a value the service does not know is closed.
 */
export function decisionOf (raw: string | undefined): Decision | null {
  const v = (raw ?? '').trim().toLowerCase()
  if (v === '') return null
  return (DECISIONS as readonly string[]).includes(v) ? v as Decision : 'closed'
}

const DIAL_STATUS: Record<string, Exclude<LegResult, 'ringing'>> = {
  ANSWER: 'answered',
  BUSY: 'busy',
  NOANSWER: 'no-answer',
  CANCEL: 'cancelled',
  CHANUNAVAIL: 'failed',
  CONGESTION: 'failed',
  INVALIDARGS: 'failed'
}

/** Events whose arrival says nothing to the call tracking; not worth a debug line each. */
const NOISE_EVENTS = new Set([
  'Newexten', 'VarSet', 'DeviceStateChange', 'QueueMemberStatus', 'NewConnectedLine', 'NewCallerid', 'Newstate',
  'DialState', 'RTCPSent', 'RTCPReceived', 'BridgeCreate', 'BridgeEnter', 'BridgeLeave', 'BridgeDestroy',
  'MixMonitorStart', 'MixMonitorStop', 'FullyBooted', 'SuccessfulAuth', 'ChallengeSent', 'QueueCallerJoin',
  'QueueCallerLeave', 'AgentCalled', 'AgentConnect', 'AgentComplete', 'AgentRingNoAnswer', 'QueueCallerAbandon',
  'NewAccountCode', 'Registry', 'PeerStatus', 'ContactStatus', 'BlindTransfer', 'AttendedTransfer', 'LocalBridge',
  'Shutdown', 'Reload', 'Hold', 'Unhold', 'MusicOnHoldStart', 'MusicOnHoldStop'
])

/** Events normalize() reads (some only in certain shapes). */
const USED_EVENTS = new Set(['Newchannel', 'VarSet', 'DialBegin', 'DialEnd', 'HangupRequest', 'SoftHangupRequest', 'Hangup', 'Cdr'])

/** An event the call tracking neither reads nor expects: worth one debug line. */
export function isUnusedEvent (name: string): boolean {
  return !USED_EVENTS.has(name) && !NOISE_EVENTS.has(name)
}

/** '<unknown>' and empty caller ids are no number. */
function phoneNumber (v: string | undefined): string | null {
  if (v === undefined) return null
  const s = v.trim()
  return s === '' || s === '<unknown>' ? null : s
}

function nonEmpty (v: string | undefined): string | null {
  return v === undefined || v.trim() === '' ? null : v.trim()
}

/**
 * The specialist's extension from a channel name: `PJSIP/101-00000001` → '101',
 * `Local/101@specialists-00000003;1` → '101'; else the channel's caller id number.
 */
function extensionOf (channel: string | undefined, callerIdNum: string | undefined): string | null {
  return channelExtension(channel) ?? phoneNumber(callerIdNum)
}

/** `Duration: 00:01:05` (CoreShowChannel) → seconds. */
function durationSeconds (v: string | undefined): number {
  const m = /^(\d+):(\d{2}):(\d{2})$/.exec((v ?? '').trim())
  return m === null ? 0 : Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])
}

/**
 * Reconciliation after a (re)connect: the CoreShowChannel list items (and, per call, the
 * dialplan variables read with Status) → one 'alive' event per call up on the PBX.
 */
export function aliveCalls (
  items: readonly AmiMessage[],
  at: Date,
  variables: ReadonlyMap<string, Record<string, string>> = new Map()
): Array<Extract<CallEvent, { type: 'alive' }>> {
  const byLinkedId = new Map<string, AmiMessage[]>()
  for (const item of items) {
    if (item.name !== 'CoreShowChannel' || item.headers.linkedid === undefined) continue
    const list = byLinkedId.get(item.headers.linkedid) ?? []
    list.push(item)
    byLinkedId.set(item.headers.linkedid, list)
  }
  const out: Array<Extract<CallEvent, { type: 'alive' }>> = []
  for (const [linkedId, channels] of byLinkedId) {
    const first = channels.find((c) => c.headers.uniqueid === linkedId)
    if (first === undefined) continue // its inbound leg is gone: nothing to follow
    const bridge = first.headers.bridgeid ?? ''
    const peer = bridge === '' ? undefined : channels.find((c) => c !== first && c.headers.bridgeid === bridge)
    const vars = variables.get(linkedId) ?? {}
    const decision = decisionOf(vars[DECISION_VARIABLE])
    const recording = vars[RECORDING_VARIABLE]?.trim()
    out.push({
      type: 'alive',
      linkedId,
      callerNumber: phoneNumber(first.headers.calleridnum),
      dialled: first.headers.exten ?? '',
      upSeconds: durationSeconds(first.headers.duration),
      talkingWith: peer === undefined ? null : extensionOf(peer.headers.channel, peer.headers.calleridnum),
      decision,
      recordingFile: recording === undefined || recording === '' ? null : path.posix.basename(recording),
      at
    })
  }
  return out
}

/** `Variable: NAME=value` lines of a Status event → { NAME: value }. */
export function statusVariables (status: AmiMessage): Record<string, string> {
  const vars: Record<string, string> = {}
  for (const line of status.all.variable ?? []) {
    const eq = line.indexOf('=')
    if (eq > 0) vars[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return vars
}
