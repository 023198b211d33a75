// dialplan/ must stay consistent with what the service parses, with the real transcripts of the
// project's dialplan on Asterisk 22 (fixtures/ami-dialplan: what its least-privilege account receives),
// and installable in one pass (one place for the provider, phones listed once, sounds that exist).
import t from 'tap'
import fs from 'node:fs'
import path from 'node:path'
import { PROJECT_ROOT } from '../../src/app.js'
import { DECISION_VARIABLE, RECORDING_VARIABLE } from '../../src/ami/normalize.js'
import { STATE_VARIABLES } from '../../src/ami/pbx-state.js'
import { REJECT_REASONS } from '../../src/calls/call.js'
import { loadTranscript } from '../../src/ami/simulator.js'
import { DIALPLAN_FIXTURES } from '../helpers/pbx-records.js'

const read = (...p: string[]): string => fs.readFileSync(path.join(PROJECT_ROOT, ...p), 'utf8')
const ext = read('dialplan', 'extensions.conf')
const wizard = read('dialplan', 'pjsip_wizard.conf')
const queues = read('dialplan', 'queues.conf')
const readme = read('dialplan', 'README.md')
const SCENARIOS = ['answered', 'busy', 'no-answer', 'rejected-lunch', 'fallback-service-down', 'service-started-mid-call']

/** Every block Asterisk sent in a recorded scenario, as header maps. */
function blocks (scenario: string): Array<Record<string, string>> {
  return loadTranscript(scenario, path.join(DIALPLAN_FIXTURES, scenario)).blocks.map((b) => {
    const h: Record<string, string> = {}
    for (const line of b.bytes.toString('utf8').split('\r\n')) {
      const i = line.indexOf(':')
      if (i > 0) h[line.slice(0, i)] = line.slice(i + 1).trim()
    }
    return h
  })
}
/** A context's lines of extensions.conf. */
function context (name: string): string {
  const start = ext.indexOf(`[${name}]`)
  const next = ext.indexOf('\n[', start + 1)
  return ext.slice(start, next === -1 ? undefined : next)
}

t.test('dialplan: every HD_STATUS value it can set is one the service understands', async (t) => {
  const literal = [...ext.matchAll(/Set\(HD_STATUS=([a-z-]+)\)/g)].map((m) => m[1]!)
  t.ok(literal.length >= 4, 'the static schedule sets HD_STATUS literally')
  const known = new Set<string>(['open', ...REJECT_REASONS])
  for (const v of literal) t.ok(known.has(v), `HD_STATUS=${v} is known`)
  t.match(ext, /Set\(HD_STATUS=\$\{HD_SERVICE_STATE\}\)/, 'the service\'s state is copied into HD_STATUS')
  t.equal(DECISION_VARIABLE, 'HD_STATUS', 'the service reads the same variable')
})

t.test('dialplan: the recorded calls show the contexts, variables and Cdr fields the service reads', async (t) => {
  for (const scenario of SCENARIOS) {
    const all = blocks(scenario)
    for (const ctx of new Set(all.map((b) => b.Context).filter((c): c is string => c !== undefined && c !== ''))) {
      t.ok(ext.includes(`[${ctx}]`), `${scenario}: context ${ctx} is in dialplan/extensions.conf`)
    }
    const decisions = all.filter((b) => b.Event === 'VarSet' && b.Variable === DECISION_VARIABLE)
    t.ok(decisions.length >= 1, `${scenario}: the decision arrives as VarSet ${DECISION_VARIABLE}`)
    for (const cdr of all.filter((b) => b.Event === 'Cdr')) {
      for (const field of ['StartTime', 'AnswerTime', 'EndTime', 'Disposition', 'DestinationChannel', 'UniqueID', 'UserField', 'Source', 'Destination']) {
        t.ok(field in cdr, `${scenario}: Cdr has ${field}`)
      }
      t.equal(cdr.UniqueID, all.find((b) => b.Event === 'Newchannel')?.Linkedid, `${scenario}: the Cdr's UniqueID is the call's Linkedid`)
    }
  }
  // the old dialplan started MixMonitor before Dial: the recording existed before anyone answered
  const noAnswer = blocks('no-answer')
  t.ok(noAnswer.some((b) => b.Event === 'VarSet' && b.Variable === RECORDING_VARIABLE), 'recorded: no-answer got a (44-byte) recording')
  t.ok(blocks('fallback-service-down').some((b) => b.Variable === 'HD_SOURCE' && b.Value === 'clock'), 'recorded: with the service down the static schedule decided')
})

t.test('dialplan: the state from the service lives in global variables, with the static fallback', async (t) => {
  t.match(ext, new RegExp(`GLOBAL\\(${STATE_VARIABLES.state}\\)`), `reads ${STATE_VARIABLES.state}`)
  t.match(ext, new RegExp(`GLOBAL\\(${STATE_VARIABLES.until}\\)`), `reads ${STATE_VARIABLES.until}`)
  t.notMatch(context('globals'), new RegExp(`^${STATE_VARIABLES.state}\\s*=`, 'm'), 'not declared in [globals] (a dialplan reload would empty it)')
  t.match(ext, /HD_SERVICE_UNTIL\} <= \$\{EPOCH\}/, 'an expired state falls back to the clock')
  t.notMatch(ext, /DB\(helpdesk/, 'no AstDB (writing it needs the system class)')
  for (const needle of ['GotoIfTime(12:30-13:30,mon-fri,*,*,${HELPDESK_TZ}?lunch)', 'GotoIfTime(09:00-17:00,mon-thu,*,*,${HELPDESK_TZ}?open)',
    'GotoIfTime(09:00-16:00,fri,*,*,${HELPDESK_TZ}?open)', 'n(busy),Hangup(17)', 'exten => 73452290256,1,']) {
    t.ok(ext.includes(needle), `keeps ${needle}`)
  }
  t.notMatch(ext, /X-Helpdesk-Force/, 'the test-only SIP header override is not in production')
})

t.test('dialplan: every call record carries the decision and the PBX\'s UTC offset', async (t) => {
  const trunk = context('from-trunk')
  const userfield = trunk.indexOf('Set(CDR(userfield)=status=${HD_STATUS} tz=${STRFTIME(${EPOCH},,%z)})')
  t.ok(userfield > 0, 'CDR(userfield) = status=… tz=…')
  t.ok(userfield > trunk.indexOf('n(override)'), 'after the override (the final decision)')
  t.ok(userfield < trunk.indexOf('(open)') && userfield < trunk.indexOf('(closed)'), 'before ringing or announcing')
  t.match(read('dialplan', 'cdr_pgsql.conf'), /^table = pbx_cdr$/m, 'cdr_pgsql writes into pbx_cdr')
  const migration = read('migrations', '0030_pbx_cdr.sql')
  for (const col of ['start double precision', 'answer double precision', '"end" double precision', 'userfield text', 'linkedid text', 'dstchannel text', 'disposition text']) {
    t.ok(migration.includes(col), `pbx_cdr has ${col}`)
  }
})

t.test('dialplan: recording starts when a phone answers (no empty file for an unanswered call)', async (t) => {
  const trunk = context('from-trunk')
  t.notMatch(trunk, /MixMonitor/, 'no MixMonitor before ringing')
  t.match(trunk, /Dial\(\$\{HELPDESK_PHONES\},\$\{HELPDESK_RING_SECONDS\},U\(helpdesk-record\)\)/, 'Dial runs helpdesk-record on the answering phone')
  t.match(trunk, /Queue\(helpdesk,r,,,60,,,helpdesk-record\)/, 'Queue runs it as its gosub')
  t.match(context('specialists'), /Dial\(PJSIP\/\$\{EXTEN\},20,U\(helpdesk-record\)\)/, 'a transfer\'s answer records too')
  t.match(context('helpdesk-record'), /MixMonitor\(\$\{RECORDINGS_DIR\}\/\$\{CHANNEL\(linkedid\)\}\.wav,ab\)/, 'named after the call, appended after a transfer')
})

t.test('dialplan: one place for the provider; phones listed once; wording; sounds that exist', async (t) => {
  const trunk = wizard.slice(wizard.indexOf('[trunk]'), wizard.indexOf('[phone](!)'))
  const hosts = /^remote_hosts = (\S+)$/m.exec(trunk)?.[1]
  t.match(hosts ?? '', /^[\d.]+:\d+$/, 'remote_hosts is address:port')
  t.equal(/^identify\/match = (\S+)$/m.exec(trunk)?.[1], hosts, 'identify by the same address AND port')
  t.equal(wizard.split(hosts!).length - 1, 2, 'the provider\'s address is written in the trunk section only')
  t.equal(read('dialplan', 'pjsip.conf').includes(hosts!), false, 'and nowhere in pjsip.conf')
  t.match(trunk, /^sends_registrations = yes$/m, 'we register to the provider')
  t.match(wizard, /We register to the provider/, 'and the comment says so')
  t.notMatch(wizard + read('dialplan', 'pjsip.conf'), /provider registers us/i, 'not the reverse')

  const phones = [...wizard.matchAll(/^\[(\d+)\]\(phone\)$/gm)].map((m) => m[1]!).sort()
  t.same(phones, ['101', '102'], 'each phone is one section (with its secret)')
  const dialled = (/^HELPDESK_PHONES = (.+)$/m.exec(ext)?.[1] ?? '').split('&').map((p) => p.replace('PJSIP/', '')).sort()
  t.same(dialled, phones, 'HELPDESK_PHONES rings the same phones')
  t.same([...queues.matchAll(/^member => PJSIP\/(\d+),/gm)].map((m) => m[1]!).sort(), phones, 'queue members are the same phones')
  for (const p of phones) t.equal(wizard.split(`password = change-me-${p}`).length - 1, 1, `phone ${p}'s secret is written once`)

  const fallback = [...ext.matchAll(/PLAYBACKSTATUS\}" != "SUCCESS"\]\?Playback\(([^)]+)\)/g)].map((m) => m[1]!)
  t.equal(fallback.length, 3, 'each announcement has a fallback')
  for (const f of fallback) t.equal(f, 'im-sorry&vm-goodbye', 'the fallback plays core sounds every install has')
  t.match(readme, /asterisk-core-sounds-ru/, 'the README names the Russian core sounds')
})

t.test('dialplan: the AMI user is denied by default and limited to the service\'s address', async (t) => {
  const mgr = read('dialplan', 'manager.conf')
  t.notMatch(mgr, /= all$/m, 'no "all" anywhere')
  t.match(mgr, /^deny = 0\.0\.0\.0\/0\.0\.0\.0$/m, 'denies everyone by default')
  t.match(mgr, /^permit = /m, 'permits the service\'s address')
})
