// The boundaries the code is built on, checked on every `npm test` (README, Architecture):
// only src/ami/ speaks Asterisk; the domain (calendar, journal, calls) does no I/O and reads no
// clock; a layer imports only layers below it (or its own).
import fs from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { PROJECT_ROOT } from '../src/app.js'

const SRC = path.join(PROJECT_ROOT, 'src')

function files (dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name)
    if (d.isDirectory()) return files(full)
    return /\.(ts|js)$/.test(d.name) ? [full] : []
  })
}

/** The code without its comments (a comment may name an Asterisk fact; the code may not). */
function code (text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1')
}

// AMI action, event and header names as Asterisk spells them, and the dialplan's variables
const ASTERISK_NAMES = [
  'CoreShowChannels', 'CoreShowChannel', 'CoreShowChannelsComplete', 'Status', 'StatusComplete', 'DBPut', 'DBGet', 'DBDel',
  'Ping', 'Originate', 'Getvar', 'Setvar', 'Command', 'Login', 'Logoff', 'QueueStatus', 'Redirect', 'Hangup',
  'Newchannel', 'Newstate', 'DialBegin', 'DialEnd', 'HangupRequest', 'SoftHangupRequest', 'VarSet', 'Cdr', 'BridgeEnter',
  'BridgeLeave', 'UserEvent', 'OriginateResponse', 'FullyBooted', 'DeviceStateChange', 'DeviceStateList', 'DeviceStateListComplete',
  'UNAVAILABLE', 'NOT_INUSE', 'PJSIPShowContacts', 'ContactStatus',
  'Linkedid', 'Uniqueid', 'DestUniqueid', 'CallerIDNum', 'CallerIDName', 'DestChannel', 'DialStatus', 'Disposition',
  'ChanVariable', 'Variables', 'ActionID', 'EventList', 'BridgeId', 'Cause-txt', 'HD_STATUS', 'MIXMONITOR_FILENAME'
]
const NAME_LITERAL = new RegExp(`['"\`](${ASTERISK_NAMES.join('|')})['"\`]`)
/** A parsed AMI message's headers (the keys Asterisk sends, lower-cased), an action object, a cause code. */
const HEADER_ACCESS = /\.headers\.(linkedid|uniqueid|destuniqueid|destlinkedid|calleridnum|calleridname|channel|destchannel|dialstatus|exten|bridgeid|duration|cause|variable|value|disposition|device|state)\b|headers\[['"]cause-txt|\bAction\s*:|[cC]ause\s*===?\s*17\b/

/**
 * Spellings that are Asterisk's and never ours, as a word anywhere in the code (a regular expression,
 * a template, a header read through an alias or brackets): the mixed-case names and the lower-cased
 * header keys of src/ami/message.ts. Ours are camelCase (linkedId), the tables' snake_case (linked_id).
 */
const ASTERISK_WORD = new RegExp(`\\b(${[
  'CoreShowChannels?', 'CoreShowChannelsComplete', 'StatusComplete', 'DBPut', 'DBGet', 'DBDel', 'Newchannel', 'Newstate', 'DialBegin',
  'DialEnd', 'HangupRequest', 'SoftHangupRequest', 'VarSet', 'BridgeEnter', 'BridgeLeave', 'OriginateResponse', 'FullyBooted',
  'DeviceStateChange', 'DeviceStateList', 'DeviceStateListComplete', 'PJSIPShowContacts', 'ContactStatus', 'Linkedid', 'Uniqueid',
  'DestUniqueid', 'CallerIDNum', 'CallerIDName', 'DestChannel', 'DialStatus', 'ChanVariable', 'ActionID', 'EventList', 'HD_STATUS',
  'MIXMONITOR_FILENAME', 'linkedid', 'uniqueid', 'destuniqueid', 'destlinkedid', 'calleridnum', 'calleridname', 'destchannel',
  'dialstatus', 'bridgeid', 'chanvariable', 'actionid', 'eventlist'
].join('|')})\\b`)

function asteriskWords (text: string): string[] {
  const found: string[] = []
  for (const line of code(text).split('\n')) {
    const m = NAME_LITERAL.exec(line) ?? HEADER_ACCESS.exec(line) ?? ASTERISK_WORD.exec(line)
    if (m !== null) found.push(m[0])
  }
  return found
}

/**
 * The one exception: the table Asterisk's cdr_pgsql writes (pbx_cdr) has Asterisk's column names;
 * its repository hands the rows as they are to src/ami/pbx-record.ts, which reads them.
 */
const ASTERISK_TABLE = ['src/db/tables/pbx-cdr.ts', 'src/db/pbx-cdr.repository.ts']

const IO_MODULES = /^(fastify|@fastify\/.*|kysely|pg|ws|@electric-sql\/.*|asterisk-manager|(node:)?(fs|fs\/promises|net|http|https|child_process|dgram|os))$/
const CLOCK = /\bprocess\.env\b|\bDate\.now\s*\(|\bnew Date\s*\(\s*\)/

function imports (text: string): string[] {
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!)
}

/** Layers from the bottom; a file may import its own layer and those below. */
const LAYERS: Array<[string, string[]]> = [
  ['domain', ['calls', 'calendar', 'journal', 'util', 'types']],
  ['adapters', ['ami', 'db', 'reports']],
  ['services', ['services', 'push', 'cluster', 'auth', 'config.ts']],
  ['intake', ['intake']],
  ['channels', ['telephony', 'mail']],
  ['http', ['http']],
  ['composition', ['app.ts', 'service.ts', 'run.ts', 'main.ts', 'demo.ts']]
]
function layerOf (file: string): number | undefined {
  const top = path.relative(SRC, file).split(path.sep)[0]!
  const i = LAYERS.findIndex(([, parts]) => parts.includes(top))
  return i === -1 ? undefined : i
}

const server = files(SRC).filter((f) => !f.startsWith(path.join(SRC, 'web') + path.sep))

t.test('architecture: the checks find what they look for', async (t) => {
  t.same(asteriskWords("await ami.action({ Action: 'CoreShowChannels' })"), ['\'CoreShowChannels\''], 'an action name')
  t.same(asteriskWords('const id = item.headers.linkedid'), ['.headers.linkedid'], 'a header read')
  t.same(asteriskWords('const c = req.headers.cookie'), [], 'but not an HTTP header')
  t.same(asteriskWords("if (v === 'HD_STATUS') return"), ['\'HD_STATUS\''], 'a dialplan variable')
  t.same(asteriskWords('if (call.hangupCause === 17) busy()'), ['Cause === 17'], 'a cause code')
  t.same(asteriskWords('// Asterisk says Linkedid and CoreShowChannels'), [], 'but not a comment')
  t.same(asteriskWords("const s = 'Status: ok'"), [], 'nor a word inside a longer string')
  t.same(asteriskWords('const h = msg.headers; return h.linkedid'), ['linkedid'], 'a header read through an alias')
  t.same(asteriskWords("return msg.headers['uniqueid']"), ['uniqueid'], 'or through brackets')
  t.same(asteriskWords('const m = /MIXMONITOR_FILENAME\\r\\nValue: (\\S+)/.exec(s)'), ['MIXMONITOR_FILENAME'], 'a name inside a regular expression')
  t.same(asteriskWords('const id = call.linkedId; const row = { linked_id: id }'), [], 'but not our own spellings')
  t.ok(CLOCK.test('const now = new Date()') && CLOCK.test('Date.now()') && !CLOCK.test('new Date(ms)'), 'reading the clock, not building a date')
  t.same(imports("import { sql } from 'kysely'\nimport type { X } from './x.js'\nexport { y } from '../y.js'"), ['kysely', './x.js', '../y.js'], 'imports and re-exports')
})

t.test('architecture: only src/ami/ speaks Asterisk', async (t) => {
  const amiDir = path.join(SRC, 'ami') + path.sep
  for (const f of files(SRC).filter((f) => !f.startsWith(amiDir) && !f.endsWith('.d.ts') && !ASTERISK_TABLE.includes(path.relative(PROJECT_ROOT, f)))) {
    t.same(asteriskWords(fs.readFileSync(f, 'utf8')), [], `${path.relative(PROJECT_ROOT, f)}: no Asterisk names (they belong in src/ami/)`)
  }
})

t.test('architecture: calendar, journal and calls are pure (no I/O, no clock, no environment)', async (t) => {
  for (const dir of ['calendar', 'journal', 'calls']) {
    for (const f of files(path.join(SRC, dir))) {
      const text = fs.readFileSync(f, 'utf8')
      const name = path.relative(PROJECT_ROOT, f)
      t.same(imports(text).filter((m) => IO_MODULES.test(m)), [], `${name}: imports no I/O module`)
      t.same(imports(text).filter((m) => m.startsWith('.') && layerOf(path.resolve(path.dirname(f), m)) !== 0), [], `${name}: imports only the domain`)
      t.notOk(CLOCK.test(code(text)), `${name}: reads neither the clock nor process.env`)
    }
  }
})

t.test('architecture: no layer imports a layer above it', async (t) => {
  for (const f of server) {
    const own = layerOf(f)
    const name = path.relative(PROJECT_ROOT, f)
    if (own === undefined) { t.fail(`${name}: in no layer (add its folder to LAYERS)`); continue }
    const upward = imports(fs.readFileSync(f, 'utf8')).filter((m) => m.startsWith('.')).filter((m) => {
      const target = layerOf(path.resolve(path.dirname(f), m))
      return target !== undefined && target > own
    })
    t.same(upward, [], `${name} (${LAYERS[own]![0]}): imports nothing above its layer`)
  }
  // the entry points hand the environment to config.ts, which alone reads it
  const readers = server.filter((f) => f !== path.join(SRC, 'config.ts') &&
    /\bprocess\.env\b/.test(code(fs.readFileSync(f, 'utf8')).replace(/\bload(Demo)?Config\(process\.env\)/g, '')))
  t.same(readers.map((f) => path.relative(PROJECT_ROOT, f)), [], 'config.ts is the only reader of process.env')
})
