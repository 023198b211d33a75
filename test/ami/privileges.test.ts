// Least privilege, proven on the wire: the simulator enforces dialplan/manager.conf's write classes
// with Asterisk 22's table (src/ami/privileges.ts) and answers a denied action exactly as Asterisk
// does (main/manager.c: astman_send_error "Permission denied" — byte for byte the answer recorded in
// fixtures/ami/actions/action-before-login). The service's whole run (state writes, reconcile) goes
// through with that account; reading the PBX's configuration does not.
import t from 'tap'
import fs from 'node:fs'
import path from 'node:path'
import { PROJECT_ROOT } from '../../src/app.js'
import { ACTION_CLASSES, classList, mayWrite } from '../../src/ami/privileges.js'
import { FIXTURES_DIR } from '../../src/ami/simulator.js'
import { startPbxStateWriter } from '../../src/ami/pbx-state.js'
import { defaultCalendar } from '../../src/calendar/index.js'
import { simulator, client, waitFor, memoryLogger } from '../helpers/ami.js'
import { stack } from '../helpers/pipeline.js'
import net from 'node:net'

const manager = fs.readFileSync(path.join(PROJECT_ROOT, 'dialplan', 'manager.conf'), 'utf8')
const account = manager.slice(manager.indexOf('[helpdesk-journal]'))
const write = classList(/^write\s*=\s*(.+)$/m.exec(account)![1]!)
const read = classList(/^read\s*=\s*(.+)$/m.exec(account)![1]!)

t.test('manager.conf: the narrowest classes — no system, no config, no command, no originate', async (t) => {
  t.same(write, ['call', 'reporting'], 'write = call,reporting')
  t.same(read, ['call', 'dialplan', 'cdr'], 'read = call,dialplan,cdr')
  for (const action of ['Setvar', 'Status', 'CoreShowChannels', 'Ping', 'Login', 'Logoff']) t.equal(mayWrite(action, write), true, `${action}: allowed`)
  for (const action of ['GetConfig', 'GetConfigJSON', 'UpdateConfig', 'Command', 'Reload', 'ModuleLoad', 'Originate', 'DBPut', 'PJSIPShowEndpoint']) {
    t.equal(mayWrite(action, write), false, `${action}: impossible`)
  }
  t.notOk(write.includes('system') || write.includes('config') || write.includes('all'), 'neither system, config nor all')
})

/** The recorded denial (an action before Login): the bytes Asterisk sends, with its ActionID. */
function recordedDenial (): { bytes: string, actionId: string } {
  const tr = fs.readFileSync(path.join(FIXTURES_DIR, 'actions', 'action-before-login.recv.raw'), 'latin1')
  const start = tr.indexOf('Response: Error\r\n')
  const bytes = tr.slice(start, tr.indexOf('\r\n\r\n', start) + 4)
  return { bytes, actionId: /ActionID: (.+)\r\n/.exec(bytes)![1]! }
}

t.test('simulator with the account\'s classes: GetConfig is refused exactly as Asterisk refuses it', async (t) => {
  const sim = await simulator(t, { writeClasses: write })
  const { bytes, actionId } = recordedDenial()
  t.equal(bytes, `Response: Error\r\nActionID: ${actionId}\r\nMessage: Permission denied\r\n\r\n`, 'the recorded denial')
  // a raw socket: what comes back, byte for byte
  const socket = net.connect(sim.port, '127.0.0.1')
  t.teardown(() => { socket.destroy() })
  let got = ''
  socket.setEncoding('latin1')
  socket.on('data', (d: string) => { got += d })
  socket.write(`Action: Login\r\nActionID: l1\r\nUsername: ${sim.username}\r\nSecret: ${sim.secret}\r\n\r\n`)
  await waitFor('logged in', () => got.includes('Authentication accepted'))
  socket.write(`Action: GetConfig\r\nActionID: ${actionId}\r\nFilename: pjsip.conf\r\n\r\n`)
  await waitFor('the answer', () => got.includes('Permission denied'))
  t.ok(got.endsWith(bytes), 'GetConfig pjsip.conf: the same bytes as Asterisk\'s recorded denial')
  t.notMatch(got, /password|secret =/i, 'no configuration came back')
  socket.write('Action: Ping\r\nActionID: p1\r\n\r\n')
  await waitFor('the session stays open', () => got.includes('Ping: Pong'))
})

t.test('the real client gets the denial as an error, and the service runs whole on the account', async (t) => {
  const sim = await simulator(t, { writeClasses: write })
  const s = await stack(t)
  const svc = s.service(sim.url())
  const writer = startPbxStateWriter({
    ami: svc.client,
    calendar: { current: () => defaultCalendar(), onChange: () => () => {} },
    clock: () => new Date('2026-12-01T12:45:00+05:00'),
    log: memoryLogger()
  })
  t.teardown(() => { writer.stop() })
  await waitFor('state written', () => sim.globals.get('HELPDESK_UNTIL') !== undefined)
  sim.channels = [{ Channel: 'PJSIP/trunk-00000029', Uniqueid: '1796157278.41', Linkedid: '1796157278.41', CallerIDNum: '+79123456789', ChannelStateDesc: 'Ring', Context: 'from-trunk', Exten: '73452290256', Seconds: 3, variables: { HD_STATUS: 'open' } }]
  await svc.pipeline.reconcile(svc.client)
  await svc.pipeline.idle()
  const sent = [...new Set(sim.received.map((a) => a.action))]
  for (const action of sent) t.equal(mayWrite(action, write), true, `the service sent ${action}: the account may`)
  t.ok(sent.includes('setvar') && sent.includes('coreshowchannels') && sent.includes('status'), 'state, channel list and variables were all asked')
  t.notOk(svc.log.lines.some((l) => /failed/.test(l.msg)) || svc.client.logs.lines.some((l) => /Permission denied/.test(JSON.stringify(l.obj))), 'nothing was refused')
  await t.rejects(svc.client.action({ Action: 'GetConfig', Filename: 'manager.conf' }), /Permission denied/, 'GetConfig manager.conf: refused')
  await t.rejects(svc.client.action({ Action: 'DBPut', Family: 'helpdesk', Key: 'state', Val: 'open' }), /Permission denied/, 'AstDB writes need system: refused')
  t.equal(svc.client.status.state, 'connected', 'still connected after the refusals')
  t.ok(Object.keys(ACTION_CLASSES).length > 20, 'the class table covers the actions at hand')
})
