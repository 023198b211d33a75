// The phones' registration in Asterisk's words, read with the account's classes only (read
// `call`, write `call,reporting`): ContactStatus and PJSIPShowContacts need `system` and are
// refused, so the signal is the PJSIP device state — `DeviceStateChange` (class call) as it
// changes, and the `DeviceStateList` action (call, reporting; res_manager_devicestate) after every
// (re)connect. A PJSIP endpoint without a reachable contact is UNAVAILABLE (INVALID: no such
// endpoint); NOT_INUSE, INUSE, BUSY, RINGING, RINGINUSE and ONHOLD mean registered; UNKNOWN says
// nothing. Only the phones (`PJSIP/<extension>`, extensions of 2–10 digits as the users have
// them) count: the trunk and the Queue: devices are left out.
import type { PhoneState } from '../calls/phones.js'
import type { AmiClient } from './client.js'
import type { AmiMessage } from './message.js'

const DEVICE_STATE_EVENT = 'DeviceStateChange'
const REGISTERED = new Set(['NOT_INUSE', 'INUSE', 'BUSY', 'RINGING', 'RINGINUSE', 'ONHOLD'])
const NOT_REGISTERED = new Set(['UNAVAILABLE', 'INVALID'])

/** A device state event (live or a list item) as a PhoneState; undefined for anything else. */
export function phoneStateOf (msg: AmiMessage, at: Date): PhoneState | undefined {
  if (msg.kind !== 'event' || msg.name !== DEVICE_STATE_EVENT) return undefined
  const m = /^PJSIP\/([0-9]{2,10})$/.exec((msg.headers.device ?? '').trim())
  if (m === null) return undefined
  const state = (msg.headers.state ?? '').trim().toUpperCase()
  if (REGISTERED.has(state)) return { extension: m[1]!, registered: true, at }
  if (NOT_REGISTERED.has(state)) return { extension: m[1]!, registered: false, at }
  return undefined
}

/** The phones' states as the PBX has them now (DeviceStateList); rejects when the list cannot be read. */
export async function listPhoneStates (ami: Pick<AmiClient, 'action'>, at: Date): Promise<PhoneState[]> {
  const reply = await ami.action({ Action: 'DeviceStateList' })
  return reply.items.flatMap((item) => {
    const s = phoneStateOf(item, at)
    return s === undefined ? [] : [s]
  })
}
