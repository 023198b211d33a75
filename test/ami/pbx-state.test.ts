import t from 'tap'
import { pbxState, startPbxStateWriter } from '../../src/ami/pbx-state.js'
import { defaultCalendar } from '../../src/calendar/index.js'
import { simulator, client, waitFor, memoryLogger } from '../helpers/ami.js'

const cal = defaultCalendar()
// instants in Asia/Yekaterinburg (UTC+5)
const at = (local: string): Date => new Date(`${local}+05:00`)

t.test('pbxState: the state and the next boundary, in the center\'s zone', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['2026-12-01T10:00:00', 'open', '2026-12-01T12:30:00'], // Tuesday morning → lunch
    ['2026-12-01T12:45:00', 'lunch', '2026-12-01T13:30:00'],
    ['2026-12-01T08:15:00', 'before-hours', '2026-12-01T09:00:00'],
    ['2026-12-01T17:30:00', 'after-hours', '2026-12-02T00:00:00'], // after-hours becomes before-hours at midnight
    ['2026-12-04T15:59:00', 'open', '2026-12-04T16:00:00'], // Friday closes at 16:00
    ['2026-12-05T11:00:00', 'weekend', '2026-12-07T00:00:00'], // Saturday: until Monday's before-hours
    ['2027-01-02T11:00:00', 'holiday', '2027-01-09T00:00:00'] // New Year holidays (a Saturday inside them)
  ]
  for (const [local, state, until] of cases) {
    const s = pbxState(at(local), cal)
    t.equal(s.state, state, `${local}: ${state}`)
    t.equal(s.until.toISOString(), at(until).toISOString(), `${local}: until ${until}`)
  }
})

t.test('pbx state writer: global variables (Setvar) on connect, again on reconnect and on a calendar change', async (t) => {
  const sim = await simulator(t, { writeClasses: ['call', 'reporting'] }) // dialplan/manager.conf's account
  const c = client(t, sim.url())
  const listeners: Array<() => void> = []
  const now = at('2026-12-01T12:45:00')
  const writer = startPbxStateWriter({
    ami: c,
    calendar: { current: () => cal, onChange: (l) => { listeners.push(l); return () => {} } },
    clock: () => now,
    log: memoryLogger()
  })
  t.teardown(() => { writer.stop() })
  c.start()
  await waitFor('state written', () => sim.globals.get('HELPDESK_UNTIL_LOCAL') !== undefined)
  t.equal(sim.globals.get('HELPDESK_STATE'), 'lunch', 'HELPDESK_STATE = lunch')
  t.equal(sim.globals.get('HELPDESK_UNTIL'), String(at('2026-12-01T13:30:00').getTime() / 1000), 'HELPDESK_UNTIL = epoch seconds of 13:30 local')
  t.equal(sim.globals.get('HELPDESK_UNTIL_LOCAL'), '2026-12-01T13:30:00.000+05:00', 'and a readable copy')
  t.equal(sim.astdb.size, 0, 'nothing in AstDB (that would need the system class)')

  sim.globals.clear() // the PBX restarted: globals set over AMI are gone
  sim.dropConnections()
  await waitFor('written again after the reconnect', () => sim.globals.get('HELPDESK_STATE') !== undefined)
  t.equal(sim.globals.get('HELPDESK_STATE'), 'lunch', 'rewritten on reconnect')

  const sets = sim.received.filter((a) => a.action === 'setvar').length
  for (const l of listeners) l()
  await waitFor('written on a calendar change', () => sim.received.filter((a) => a.action === 'setvar').length > sets)
  t.ok(sim.received.filter((a) => a.action === 'setvar').every((a) => a.fields.channel === undefined), 'always globals: no Channel header')
})
