// dialplan/ must stay consistent with what the service parses and with the lab configuration the
// transcripts were recorded with.
import t from 'tap'
import fs from 'node:fs'
import path from 'node:path'
import { PROJECT_ROOT } from '../../src/app.js'
import { DECISION_VARIABLE } from '../../src/ami/normalize.js'
import { REJECT_REASONS } from '../../src/calls/call.js'

const read = (...p: string[]): string => fs.readFileSync(path.join(PROJECT_ROOT, ...p), 'utf8')
const ext = read('dialplan', 'extensions.conf')
const lab = read('test', 'fixtures', 'ami', 'config', 'extensions.conf')

t.test('dialplan: every HD_STATUS value it can set is one the service understands', async (t) => {
  const literal = [...ext.matchAll(/Set\(HD_STATUS=([a-z-]+)\)/g)].map((m) => m[1]!)
  t.ok(literal.length >= 4, 'the static schedule sets HD_STATUS literally')
  const known = new Set<string>(['open', ...REJECT_REASONS])
  for (const v of literal) t.ok(known.has(v), `HD_STATUS=${v} is known`)
  t.match(ext, /Set\(HD_STATUS=\$\{HD_DB_STATE\}\)/, 'the AstDB state is copied into HD_STATUS')
  t.equal(DECISION_VARIABLE, 'HD_STATUS', 'the service reads the same variable')
})

t.test('dialplan: same DID, contexts, recording name and ringing as the lab configuration', async (t) => {
  for (const needle of ['[from-trunk]', 'exten => 73452290256,1,', '[helpdesk-hours]', '[specialists]',
    'MixMonitor(${RECORDINGS_DIR}/${UNIQUEID}.wav,b)', 'Queue(helpdesk,r,,,60)', 'n(busy),Hangup(17)',
    'GotoIfTime(12:30-13:30,mon-fri,*,*,${HELPDESK_TZ}?lunch)', 'GotoIfTime(09:00-17:00,mon-thu,*,*,${HELPDESK_TZ}?open)',
    'GotoIfTime(09:00-16:00,fri,*,*,${HELPDESK_TZ}?open)']) {
    t.ok(lab.includes(needle), `the lab has ${needle}`)
    t.ok(ext.includes(needle), `dialplan/extensions.conf has ${needle}`)
  }
  t.match(ext, /DB\(helpdesk\/state\)/, 'reads helpdesk/state from AstDB')
  t.match(ext, /DB\(helpdesk\/until\)/, 'reads helpdesk/until from AstDB')
  t.match(ext, /HD_DB_UNTIL\} <= \$\{EPOCH\}/, 'an expired state falls back to the clock')
  t.notMatch(ext, /X-Helpdesk-Force/, 'the test-only SIP header override is not in production')
})

t.test('dialplan: the AMI user has least privileges', async (t) => {
  const mgr = read('dialplan', 'manager.conf')
  t.match(mgr, /^read = call,dialplan,cdr$/m, 'reads call, dialplan (VarSet) and cdr events only')
  t.match(mgr, /^write = system$/m, 'writes system actions only (DBPut, CoreShowChannels, Status)')
  t.notMatch(mgr, /= all$/m, 'no "all" anywhere')
  t.match(mgr, /^deny = 0\.0\.0\.0\/0\.0\.0\.0$/m, 'denies everyone by default')
})
