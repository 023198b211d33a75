// Reconciliation parsing on real data: the CoreShowChannel and Status list items Asterisk sent while
// two calls were up (actions/coreshowchannels-live), read through the real client.
import t from 'tap'
import path from 'node:path'
import { simulator, client, tracker, waitFor } from '../helpers/ami.js'
import { loadTranscript, FIXTURES_DIR } from '../../src/ami/simulator.js'
import { aliveCalls, statusVariables } from '../../src/ami/normalize.js'

t.test('reconcile: the live channel lists of two bridged calls give two calls and who talks', async (t) => {
  const sim = await simulator(t)
  const c = client(t, sim.url())
  const tr = tracker(c)
  c.start()
  await sim.play(loadTranscript('coreshowchannels-live', path.join(FIXTURES_DIR, 'actions')))
  await waitFor('both calls ended', () => [...tr.calls.values()].filter((x) => x.state === 'ended').length === 2)
  const items = tr.events.filter((e) => e.name === 'CoreShowChannel' && e.actionId === 'coreshowchannels-live-csc-1')
  t.equal(items.length, 4, 'four channels listed while the calls were up')
  const status = tr.events.find((e) => e.name === 'Status' && e.actionId === 'coreshowchannels-live-status-one-vars')!
  const vars = statusVariables(status)
  t.same(vars, { HD_DID: '73452290256', HD_STATUS: 'open', HD_MODE: 'dial', MIXMONITOR_FILENAME: '/var/spool/asterisk/monitor/1795868284.0.wav' }, 'Status variables (repeated Variable headers) all kept')
  const at = new Date('2026-11-28T12:17:56Z')
  const alive = aliveCalls(items, at, new Map([['1795868284.0', vars]]))
  t.same(alive.map((a) => [a.linkedId, a.callerNumber, a.dialled, a.talkingWith, a.upSeconds]).sort(), [
    ['1795868284.0', '+79123456789', '73452290256', '101', 5],
    ['1795868284.3', '+79220001122', '73452290256', '102', 5]
  ], 'one alive call per Linkedid, with the specialist in its bridge')
  t.equal(alive.find((a) => a.linkedId === '1795868284.0')?.decision, 'open', 'the decision from Status')
  t.equal(alive.find((a) => a.linkedId === '1795868284.0')?.recordingFile, '1795868284.0.wav', 'the recording from Status')
  const calls = [...tr.calls.values()]
  t.same(calls.map((x) => [x.linkedId, x.outcome, x.answeredBy]).sort(), [['1795868284.0', 'answered', '101'], ['1795868284.3', 'answered', '102']], 'the same transcript\'s events track both calls')
})
