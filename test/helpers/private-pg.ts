// A PostgreSQL server of the test's own (initdb in a temp dir, another port), for fault tests that
// restart the server: the machine's shared server at 5432 serves the other tests and is never touched.
// initdb refuses root, so as root the cluster belongs to the `postgres` user.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import net from 'node:net'

const run = promisify(execFile)

export interface PrivatePostgres {
  url: string
  /** pg_ctl restart: `fast` ends every session (as a service restart does), `immediate` as a crash */
  restart: (mode?: 'fast' | 'immediate') => Promise<void>
  stop: () => Promise<void>
}

/** The directory of initdb/pg_ctl, or undefined when PostgreSQL's server binaries are not installed. */
export function postgresBin (): string | undefined {
  const root = '/usr/lib/postgresql'
  if (!fs.existsSync(root)) return undefined
  const versions = fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a))
  return versions[0] === undefined ? undefined : path.join(root, versions[0], 'bin')
}

async function freePort (): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  await new Promise<void>((resolve) => server.close(() => { resolve() }))
  return port
}

export async function privatePostgres (t: { teardown: (fn: () => unknown) => void }): Promise<PrivatePostgres> {
  const bin = postgresBin()
  if (bin === undefined) throw new Error('no PostgreSQL server binaries in /usr/lib/postgresql')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hdj-pg-'))
  const asRoot = process.getuid?.() === 0
  if (asRoot) fs.chownSync(dir, Number((await run('id', ['-u', 'postgres'])).stdout), Number((await run('id', ['-g', 'postgres'])).stdout))
  const pgUser = async (cmd: string, args: string[]): Promise<void> => {
    if (asRoot) await run('runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args], { cwd: dir })
    else await run(path.join(bin, cmd), args, { cwd: dir })
  }
  const data = path.join(dir, 'data')
  const port = await freePort()
  await pgUser('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'])
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`
  await pgUser('pg_ctl', ['-D', data, '-o', opts, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start'])
  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    await pgUser('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {})
    fs.rmSync(dir, { recursive: true, force: true })
  }
  t.teardown(stop)
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: async (mode = 'fast') => { await pgUser('pg_ctl', ['-D', data, '-m', mode, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'restart']) },
    stop
  }
}
