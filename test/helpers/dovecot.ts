// A real IMAP server for the mail tests: Debian's Dovecot started by the test from a config in a
// temporary folder, on loopback ports, with plain IMAP and IMAPS (a self-signed certificate made
// here with openssl). Started by root (CI), the whole server runs as `nobody` (Dovecot refuses
// mail users below uid 100); otherwise as the current user. Messages are delivered with IMAP APPEND.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { ImapFlow } from 'imapflow'

export const DOVECOT = ['/usr/sbin/dovecot'].find((p) => fs.existsSync(p))
export const NO_DOVECOT = 'Dovecot is not installed (apt-get install dovecot-imapd; .ci/run does it): IMAP tests skipped'

export interface Dovecot {
  host: string
  /** plain IMAP (no TLS) */
  port: number
  /** IMAP over TLS */
  tlsPort: number
  user: string
  password: string
  /** the self-signed certificate (PEM) a client trusts with IMAP_TLS_CA_FILE */
  caFile: string
  /** imap://user:password@127.0.0.1:port/INBOX */
  url: (mailbox?: string) => string
  tlsUrl: (mailbox?: string) => string
  /** Puts a message into a mailbox as delivered at `internalDate`; returns its UID. */
  deliver: (raw: string | Buffer, opts?: { internalDate?: Date, mailbox?: string, flags?: string[] }) => Promise<number>
  /** A client of the test's own, logged in (closed by the caller). */
  client: () => Promise<ImapFlow>
  /** Stops the server and removes its folder. */
  stop: () => Promise<void>
  /** Cuts the user's IMAP sessions from the server's side (doveadm kick), as a provider's restart would. */
  kick: () => void
  /** Deletes and re-creates a mailbox: the server gives it a new UIDVALIDITY. */
  recreate: (mailbox: string) => Promise<void>
}

interface Teardown { teardown: (fn: () => unknown) => void }

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = net.createServer()
    s.unref()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })
}

async function waitForPort (port: number, ms: number, proc: ChildProcess, log: string): Promise<void> {
  const until = Date.now() + ms
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`dovecot exited (${proc.exitCode}): ${fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : ''}`)
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1')
      s.once('connect', () => { s.destroy(); resolve(true) })
      s.once('error', () => { resolve(false) })
    })
    if (ok) return
    if (Date.now() > until) throw new Error(`dovecot did not listen on ${port}: ${fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

export interface DovecotOptions {
  /** Leave IDLE out of the capabilities (the client must poll). */
  noIdle?: boolean
}

export async function startDovecot (t: Teardown, opts: DovecotOptions = {}): Promise<Dovecot> {
  if (DOVECOT === undefined) throw new Error(NO_DOVECOT)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hdj-dovecot-'))
  const asRoot = process.getuid?.() === 0
  const uid = asRoot ? 65534 : process.getuid!()
  const gid = asRoot ? 65534 : process.getgid!()
  const account = asRoot ? 'nobody' : os.userInfo().username
  const group = asRoot ? (execFileSync('getent', ['group', String(gid)]).toString().split(':')[0] ?? 'nogroup') : execFileSync('id', ['-gn']).toString().trim()
  const [port, tlsPort] = [await freePort(), await freePort()]
  const user = 'helpdesk'
  const password = 'mail-test-secret'
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' })
  fs.writeFileSync(path.join(dir, 'users'), `${user}:{PLAIN}${password}::::::\n`)
  for (const d of ['run', 'state', 'home']) fs.mkdirSync(path.join(dir, d))
  const log = path.join(dir, 'dovecot.log')
  const conf = `
base_dir = ${dir}/run
state_dir = ${dir}/state
instance_name = hdj-test-${port}
protocols = imap
listen = 127.0.0.1
default_internal_user = ${account}
default_internal_group = ${group}
default_login_user = ${account}
first_valid_uid = 100
log_path = ${log}
ssl = yes
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/home/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
}
${opts.noIdle === true ? 'imap_capability = IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE SORT THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH SPECIAL-USE MOVE' : ''}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${tlsPort}
    ssl = yes
  }
}
# an unprivileged master cannot chroot its helpers
service anvil {
  chroot =
}
service auth {
  unix_listener auth-userdb {
    mode = 0666
  }
}
`
  fs.writeFileSync(path.join(dir, 'dovecot.conf'), conf)
  if (asRoot) execFileSync('chown', ['-R', `${uid}:${gid}`, dir])
  // never as root: the master and every process it starts run as the mail user
  const proc = spawn(DOVECOT, ['-F', '-c', path.join(dir, 'dovecot.conf')], { stdio: ['ignore', 'ignore', 'pipe'], ...(asRoot ? { uid, gid } : {}) })
  let stderr = ''
  proc.stderr?.on('data', (d: Buffer) => { stderr += d.toString() })
  try {
    await waitForPort(port, 15_000, proc, log)
    await waitForPort(tlsPort, 5_000, proc, log)
  } catch (err) {
    proc.kill('SIGKILL')
    throw new Error(`${(err as Error).message}\n${stderr}`)
  }

  const client = async (): Promise<ImapFlow> => {
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, logger: false, doSTARTTLS: false })
    await c.connect()
    return c
  }
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null) {
      const exited = new Promise((resolve) => proc.once('exit', resolve))
      proc.kill('SIGTERM')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))])
      if (proc.exitCode === null) proc.kill('SIGKILL')
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
  t.teardown(stop)
  const enc = encodeURIComponent
  return {
    host: '127.0.0.1',
    port,
    tlsPort,
    user,
    password,
    caFile: path.join(dir, 'cert.pem'),
    url: (mailbox = 'INBOX') => `imap://${enc(user)}:${enc(password)}@127.0.0.1:${port}/${enc(mailbox)}`,
    tlsUrl: (mailbox = 'INBOX') => `imaps://${enc(user)}:${enc(password)}@localhost:${tlsPort}/${enc(mailbox)}`,
    deliver: async (raw, o = {}) => {
      const c = await client()
      try {
        const r = await c.append(o.mailbox ?? 'INBOX', typeof raw === 'string' ? Buffer.from(raw.replace(/\r?\n/g, '\r\n'), 'utf8') : raw, o.flags ?? [], o.internalDate ?? new Date())
        if (r === false || r.uid === undefined) throw new Error('APPEND gave no UID')
        return r.uid
      } finally {
        await c.logout().catch(() => {})
      }
    },
    client,
    stop,
    kick: () => { execFileSync('/usr/bin/doveadm', ['-c', path.join(dir, 'dovecot.conf'), 'kick', user], { stdio: 'ignore', ...(asRoot ? { uid, gid } : {}) }) },
    recreate: async (mailbox) => {
      const c = await client()
      try {
        await c.mailboxDelete(mailbox).catch(() => {})
        await c.mailboxCreate(mailbox)
      } finally {
        await c.logout().catch(() => {})
      }
    }
  }
}
