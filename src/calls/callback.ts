// A missed call is called back (issue 10): the caller calls again and is answered, a specialist's
// phone dials the number and is answered, or a specialist marks it by hand. Pure: which calls are
// a specialist's outgoing calls (the helpdesk's own callbacks) is decided here, from our events.
import { sameNumber, type CallEvent, type StepOptions } from './call.js'

export const CALLBACK_HOW = ['answered', 'outgoing', 'by-hand'] as const
export type CallbackHow = typeof CALLBACK_HOW[number]

/** A specialist's phone dialling out: the call a callback is made by. */
export interface OutgoingCall { linkedId: string, extension: string, number: string }

/** An internal extension (2–6 digits), as the PBX's own phones are numbered. */
const EXTENSION = /^\d{2,6}$/

/**
 * The first channel of a call that a specialist's phone placed to an outside number (not the
 * helpdesk's): undefined for anything else (the helpdesk's incoming calls are step()'s).
 */
export function outgoingCall (ev: CallEvent, opts: StepOptions): OutgoingCall | undefined {
  if (ev.type !== 'started' || ev.callerNumber === null || !EXTENSION.test(ev.callerNumber)) return undefined
  if (sameNumber(ev.dialled, opts.helpdeskDid) || ev.dialled.replace(/\D/g, '').length < 6) return undefined
  return { linkedId: ev.linkedId, extension: ev.callerNumber, number: ev.dialled }
}

/** The outside number answered the specialist's outgoing call: that is the callback. */
export function outgoingAnswered (call: OutgoingCall, ev: CallEvent): boolean {
  return ev.linkedId === call.linkedId && ev.type === 'dial-ended' && ev.result === 'answered'
}
