// `npm run demo`: the whole service against the AMI simulator, for a newcomer without an Asterisk.
// It prepares an embedded database with demo users, starts the PBX simulator, starts the service
// (src/main.ts, unchanged) pointed at it, and replays the recorded call scenarios one after another
// with their real timing, each as new calls, so calls arrive on the screens and in the call log.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { AmiSimulator, CALL_TRANSCRIPTS, FIXTURES_DIR, loadTranscript, relabel } from './ami/simulator.js'
import { openPglite } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { usersRepository } from './db/users.repository.js'
import { hashPassword } from './auth/passwords.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const PASSWORD = process.env.DEMO_PASSWORD ?? 'demo-password'
const PORT = process.env.PORT ?? '3000'
const PAUSE_MS = Number(process.env.DEMO_PAUSE_MS ?? 6000)
const SPEED = Number(process.env.DEMO_SPEED ?? 1)

async function main (): Promise<void> {
  const dataDir = process.env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hdj-demo-'))
  const recordingsDir = path.join(dataDir, 'recordings')
  fs.mkdirSync(recordingsDir, { recursive: true })

  // demo users: the head (admin) and two specialists on the lab's extensions 101 and 102
  const database = await openPglite(path.join(dataDir, 'pglite'))
  await migrateToLatest(database)
  const users = usersRepository(database.db)
  if ((await users.count()) === 0) {
    const passwordHash = await hashPassword(PASSWORD)
    await users.create({ username: 'admin', fullName: 'Руководитель центра', passwordHash, role: 'head', extension: null })
    await users.create({ username: 'ivanova', fullName: 'Иванова Анна Сергеевна', passwordHash, role: 'specialist', extension: '101' })
    await users.create({ username: 'smirnov', fullName: 'Смирнов Павел Андреевич', passwordHash, role: 'specialist', extension: '102' })
  }
  await database.close()

  const sim = await AmiSimulator.start({ port: Number(process.env.DEMO_AMI_PORT ?? 0) })
  console.log(`AMI simulator on 127.0.0.1:${sim.port} (AMI_URL=${sim.url().replace(sim.secret, '***')})`)

  const service = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'main.ts')], {
    stdio: 'inherit',
    env: { ...process.env, PORT, DATA_DIR: dataDir, RECORDINGS_DIR: recordingsDir, AMI_URL: sim.url(), HELPDESK_DID: '73452290256' }
  })
  const stop = (): void => { service.kill('SIGTERM'); void sim.close().then(() => process.exit(0)) }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  service.on('exit', (code) => { console.log(`service exited (${code ?? 'signal'})`); void sim.close().then(() => process.exit(code ?? 0)) })

  await sim.waitForLogin()
  console.log(`\nDemo: open http://localhost:${PORT}/ and log in as ivanova (extension 101), smirnov (102) or admin, password "${PASSWORD}".`)
  console.log(`Data in ${dataDir}. Scenarios replay every ${PAUSE_MS / 1000} s: ${CALL_TRANSCRIPTS.join(', ')}.\n`)

  const wav = fs.readFileSync(path.join(FIXTURES_DIR, 'recordings', '1795866724.0.wav'))
  let epoch = Math.floor(Date.now() / 1000)
  for (let round = 0; ; round++) {
    for (const name of CALL_TRANSCRIPTS) {
      if (name === 'ami-reconnect' && round > 0) continue // one PBX restart is enough
      const tr = relabel(loadTranscript(name), ++epoch)
      // the lab's recording stands in for every recorded call of the demo
      for (const m of tr.blocks.map((b) => /MIXMONITOR_FILENAME\r\nValue: \S*\/([^/\r\n]+)/.exec(b.bytes.toString('utf8'))).filter((x) => x !== null)) {
        fs.writeFileSync(path.join(recordingsDir, m[1]!), wav)
      }
      console.log(`[demo] PBX: scenario ${name}`)
      await sim.play(tr, { speed: SPEED })
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS))
    }
  }
}

main().catch((err: unknown) => {
  console.error('the demo failed:', err)
  process.exit(1)
})
