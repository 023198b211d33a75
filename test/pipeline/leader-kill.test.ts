// Fault: the instance reading AMI is killed (SIGKILL, no goodbye) while calls are under way; two
// real service processes on one PostgreSQL. The other instance takes the lock, logs in to the PBX,
// asks which calls are up and follows them to their end: the call log is the one the scenario
// gives — each call once, its outcome and answering extension, one draft per in-hours call.
import t, { type Test } from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { channelsAfter, headersOf, simulator, waitFor } from '../helpers/ami.js'
import { testDatabase, TEST_DATABASE_URL } from '../helpers/db.js'
import { loadTranscript } from '../../src/ami/simulator.js'
import type { Database } from '../../src/db/database.js'

const NO_PG = TEST_DATABASE_URL === undefined || TEST_DATABASE_URL === ''
  ? 'two instances need a real PostgreSQL: set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test)'
  : false
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

interface Instance { child: ChildProcess, lines: string[], exited: Promise<void> }

function instance (t: Test, env: Record<string, string>): Instance {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hdj-kill-'))
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const lines: string[] = []
  const keep = (chunk: Buffer): void => { lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== '')) }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
  t.teardown(async () => {
    if (child.exitCode === null && child.signalCode === null) { child.kill('SIGTERM'); await exited }
    fs.rmSync(dataDir, { recursive: true, force: true })
  })
  return { child, lines, exited }
}

const said = (i: Instance, msg: string): boolean => i.lines.some((l) => l.includes(`"msg":"${msg}"`))

interface Row { linked_id: string, state: string, outcome: string | null, answered_by_extension: string | null, entry_id: number | null }

async function rows (database: Database, linkedIds: string[]): Promise<Row[]> {
  const r = await database.db.selectFrom('call').select(['linked_id', 'state', 'outcome', 'answered_by_extension', 'entry_id'])
    .where('linked_id', 'in', linkedIds).orderBy('linked_id').execute()
  return r as Row[]
}

const SCENARIOS: Array<[string, Array<[string, string, string | null]>]> = [
  // linkedId, outcome, answering extension (two calls: one answered on each phone; each service
  // process costs seconds to start, so one scenario)
  ['two-concurrent-calls', [['1795866796.17', 'answered', '101'], ['1795866796.20', 'answered', '102']]]
]

for (const [name, expected] of SCENARIOS) {
  t.test(`fault: ${name}, the AMI leader killed mid-call; the other instance follows the calls to the end`, { skip: NO_PG, timeout: 240_000 }, async (t) => {
    const database = await testDatabase(t, 'pg')
    const sim = await simulator(t)
    const tr = loadTranscript(name)
    const linkedIds = expected.map(([id]) => id)
    const env = { DATABASE_URL: database.url!, AMI_URL: sim.url() }

    const a = instance(t, env)
    await waitFor('the first instance leads', () => said(a, 'leader: this instance consumes AMI'), 60_000)
    await sim.waitForLogin(1)
    const b = instance(t, env)
    await waitFor('the second instance is up', () => said(b, 'database ready') && b.lines.some((l) => l.includes('listening')), 60_000)
    t.notOk(said(b, 'leader: this instance consumes AMI'), 'the second instance follows')

    // the calls are answered and talking when the leader dies
    const cut = tr.blocks.findLastIndex((b) => headersOf(b.bytes).event === 'BridgeEnter') + 1
    await sim.play(tr, { to: cut })
    // where the scenario stands at the cut: a call whose inbound leg hung up before it has ended
    const endedBefore = new Set(tr.blocks.slice(0, cut).map((b) => headersOf(b.bytes)).filter((h) => h.event === 'Hangup' && h.uniqueid === h.linkedid).map((h) => h.linkedid))
    t.ok(linkedIds.some((id) => !endedBefore.has(id)), 'a call is under way at the cut')
    const caughtUp = async (): Promise<boolean> => {
      const r = await rows(database, linkedIds)
      return r.length === linkedIds.length && r.every((row) => row.state === (endedBefore.has(row.linked_id) ? 'ended' : 'talking'))
    }
    for (let tries = 0; !(await caughtUp()); tries++) {
      if (tries > 600) throw new Error('the leader never caught up with the calls')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }

    sim.channels = channelsAfter(tr, cut - 1)
    const asked = sim.received.filter((r) => r.action === 'coreshowchannels').length
    a.child.kill('SIGKILL')
    await a.exited
    await sim.waitForLogin(2)
    await waitFor('the new leader asks which calls are up', () => sim.received.filter((r) => r.action === 'coreshowchannels').length > asked, 30_000)
    t.ok(said(b, 'leader: this instance consumes AMI'), 'the second instance took over')
    await sim.play(tr, { from: cut })
    sim.channels = []

    const ended = async (): Promise<Row[]> => await rows(database, linkedIds)
    let got = await ended()
    for (let tries = 0; !(got.length === linkedIds.length && got.every((r) => r.state === 'ended')); tries++) {
      if (tries > 600) break
      await new Promise((resolve) => setTimeout(resolve, 50))
      got = await ended()
    }
    t.same(got.map((r) => [r.linked_id, r.outcome, r.answered_by_extension]), expected, `${name}: each call once, with its outcome and who answered`)
    t.ok(got.every((r) => r.entry_id !== null), 'each has its draft')
    const drafts = await database.db.selectFrom('journal_entry').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    t.equal(Number(drafts.n), linkedIds.length, 'and no draft twice')
  })
}
