// `npm run demo`: the whole service against the AMI simulator, for a newcomer without an Asterisk.
// It starts the PBX simulator, then the service as main.ts does (src/run.ts) on an embedded database
// with demo users, pointed at the simulator, and replays the recorded call scenarios one after
// another with their real timing, each as new calls, so calls arrive on the screens and in the call log.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { AmiSimulator, CALL_TRANSCRIPTS, FIXTURES_DIR, loadTranscript, recordingFiles, relabel, retimeRecords } from './ami/simulator.js'
import { ConfigError, loadDemoConfig, parseAmiUrl } from './config.js'
import { usersRepository } from './db/users.repository.js'
import { hashPassword } from './auth/passwords.js'
import { runService } from './run.js'

async function main (): Promise<void> {
  const { config, demo } = loadDemoConfig(process.env)
  const dataDir = demo.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'hdj-demo-'))
  const recordingsDir = path.join(dataDir, 'recordings')
  fs.mkdirSync(recordingsDir, { recursive: true })

  // the account of dialplan/manager.conf: write = call,reporting
  const sim = await AmiSimulator.start({ port: demo.amiPort, writeClasses: ['call', 'reporting'] })
  console.log(`AMI simulator on 127.0.0.1:${sim.port} (AMI_URL=${sim.url().replace(sim.secret, '***')})`)
  await runService({ ...config, dataDir, recordingsDir, ami: parseAmiUrl(sim.url()) }, {
    // demo users: the head (admin) and two specialists on the lab's extensions 101 and 102
    prepare: async (database) => {
      const users = usersRepository(database.db)
      if ((await users.count()) > 0) return
      const passwordHash = await hashPassword(demo.password)
      await users.create({ username: 'admin', fullName: 'Руководитель центра', passwordHash, role: 'head', extension: null })
      await users.create({ username: 'ivanova', fullName: 'Иванова Анна Сергеевна', passwordHash, role: 'specialist', extension: '101' })
      await users.create({ username: 'smirnov', fullName: 'Смирнов Павел Андреевич', passwordHash, role: 'specialist', extension: '102' })
    },
    onStopped: async () => { await sim.close() }
  })

  await sim.waitForLogin()
  console.log(`\nDemo: open http://localhost:${config.port}/ and log in as ivanova (extension 101), smirnov (102) or admin, password "${demo.password}".`)
  console.log(`Data in ${dataDir}. Scenarios replay every ${demo.pauseMs / 1000} s: ${CALL_TRANSCRIPTS.join(', ')}.\n`)

  const wav = fs.readFileSync(path.join(FIXTURES_DIR, 'recordings', '1795866724.0.wav'))
  let epoch = Math.floor(new Date().getTime() / 1000)
  for (let round = 0; ; round++) {
    for (const name of CALL_TRANSCRIPTS) {
      if (name === 'ami-reconnect' && round > 0) continue // one PBX restart is enough
      const tr = retimeRecords(relabel(loadTranscript(name), ++epoch), new Date(), config.pbxTimeZone ?? config.timeZone)
      // the lab's recording stands in for every recorded call of the demo
      for (const file of recordingFiles(tr)) fs.writeFileSync(path.join(recordingsDir, file), wav)
      console.log(`[demo] PBX: scenario ${name}`)
      await sim.play(tr, { speed: demo.speed })
      await new Promise((resolve) => setTimeout(resolve, demo.pauseMs))
    }
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : 'the demo failed:', err instanceof ConfigError ? '' : err)
  process.exit(err instanceof ConfigError ? 2 : 1)
})
