import t from 'tap'
import { outgoingAnswered, outgoingCall } from '../../src/calls/callback.js'
import type { CallEvent } from '../../src/calls/call.js'

const opts = { helpdeskDid: '73452290256' }
const at = new Date('2026-03-02T05:00:00Z')
const started = (callerNumber: string | null, dialled: string): CallEvent => ({ type: 'started', linkedId: 'L1', callerNumber, dialled, at })

t.test('outgoingCall: a specialist\'s phone dialling an outside number, nothing else', async (t) => {
  for (const [caller, dialled, want] of [
    ['101', '89123456789', true],
    ['101', '+7 (912) 345-67-89', true],
    ['101', '290256', true],
    ['+79123456789', '73452290256', false], // the helpdesk's incoming call: step()'s
    ['101', '83452290256', false], // a phone dialling the helpdesk number itself
    ['101', '102', false], // one extension to another
    [null, '89123456789', false],
    ['89123456789', '89220001122', false] // not from an extension
  ] as const) {
    t.equal(outgoingCall(started(caller, dialled), opts) !== undefined, want, `${caller} → ${dialled}`)
  }
  const call = outgoingCall(started('101', '89123456789'), opts)!
  t.same(call, { linkedId: 'L1', extension: '101', number: '89123456789' }, 'who dials whom')
  t.ok(outgoingAnswered(call, { type: 'dial-ended', linkedId: 'L1', legId: 'L2', extension: 'trunk', result: 'answered', at }), 'answered: the callback')
  t.notOk(outgoingAnswered(call, { type: 'dial-ended', linkedId: 'L1', legId: 'L2', extension: 'trunk', result: 'no-answer', at }), 'not answered: no callback')
  t.notOk(outgoingAnswered(call, { type: 'dial-ended', linkedId: 'L9', legId: 'L2', extension: 'trunk', result: 'answered', at }), 'another call')
})
