// The only reader of process.env: every setting is parsed and checked once, at start,
// so a wrong value stops the service with a message that names the variable.
import { isIP } from 'node:net'
import fs from 'node:fs'
import { passwordProblem } from './util/password-policy.js'

export interface AmiEndpoint {
  host: string
  port: number
  username: string
  secret: string
}

export interface Config {
  port: number
  host: string
  /** unset → embedded PostgreSQL (PGlite) in dataDir */
  databaseUrl: string | undefined
  dataDir: string
  /** unset → no PBX; /health says ami: "disabled" */
  ami: AmiEndpoint | undefined
  helpdeskDid: string
  recordingsDir: string
  bootstrapAdminPassword: string | undefined
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  timeZone: string
  /** PBX_TIME_ZONE: the zone of the PBX's clock (its Cdr times); unset → the offset the dialplan writes into each record, else timeZone */
  pbxTimeZone: string | undefined
  /** The center's name as the printed journal's heading continues «Ситуационного центра …» */
  centerName: string
  /** Secure flag on the session cookie: on behind HTTPS */
  cookieSecure: boolean
  sessionTtlHours: number
  /** failed log-ins allowed per minute for one address and user name (the other budgets derive from it) */
  loginRateLimit: number
  /** addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed; empty → none */
  trustProxy: string[]
  /** origins whose pages may write and open the websocket; empty → the host the request was sent to */
  allowedOrigins: string[]
  /** the e-mail channel (IMAP_URL, SMTP_URL, MAIL_FROM …); mail.imap undefined → no mailbox */
  mail: MailConfig
}

export class ConfigError extends Error {
  constructor (readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export function loadConfig (env: Record<string, string | undefined>): Config {
  const problems: string[] = []
  const str = (name: string, fallback: string): string => {
    const v = env[name]
    return v === undefined || v.trim() === '' ? fallback : v.trim()
  }
  const optional = (name: string): string | undefined => {
    const v = env[name]
    return v === undefined || v.trim() === '' ? undefined : v.trim()
  }
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = optional(name)
    if (raw === undefined) return fallback
    const n = Number(raw)
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      problems.push(`${name}=${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`)
      return fallback
    }
    return n
  }
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = optional(name)
    if (raw === undefined) return fallback
    if (/^(1|true|yes|on)$/i.test(raw)) return true
    if (/^(0|false|no|off)$/i.test(raw)) return false
    problems.push(`${name}=${JSON.stringify(raw)}: expected true or false`)
    return fallback
  }

  const databaseUrl = optional('DATABASE_URL')
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL: expected postgres://user:password@host:5432/database')
  }

  const amiUrl = optional('AMI_URL')
  let ami: AmiEndpoint | undefined
  if (amiUrl !== undefined) {
    ami = parseAmiUrl(amiUrl)
    if (ami === undefined) problems.push('AMI_URL: expected ami://user:secret@host:5038')
  }

  const helpdeskDid = str('HELPDESK_DID', '73452290256')
  if (!/^\+?\d{3,20}$/.test(helpdeskDid)) problems.push(`HELPDESK_DID=${JSON.stringify(helpdeskDid)}: expected the dialled number, digits only`)

  const logLevel = str('LOG_LEVEL', 'info')
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) problems.push(`LOG_LEVEL=${JSON.stringify(logLevel)}: expected one of ${LOG_LEVELS.join(', ')}`)

  const timeZone = str('TIME_ZONE', 'Asia/Yekaterinburg')
  if (!isValidZone(timeZone)) problems.push(`TIME_ZONE=${JSON.stringify(timeZone)}: not an IANA time zone`)

  const pbxTimeZone = optional('PBX_TIME_ZONE')
  if (pbxTimeZone !== undefined && !isValidZone(pbxTimeZone)) problems.push(`PBX_TIME_ZONE=${JSON.stringify(pbxTimeZone)}: not an IANA time zone (e.g. Asia/Yekaterinburg, UTC)`)

  const bootstrapAdminPassword = optional('BOOTSTRAP_ADMIN_PASSWORD')
  const weak = bootstrapAdminPassword === undefined ? undefined : passwordProblem(bootstrapAdminPassword, 'admin')
  if (weak !== undefined) problems.push(`BOOTSTRAP_ADMIN_PASSWORD: the password must be ${weak}`)

  const centerName = str('CENTER_NAME', 'внедрения и сопровождения АИС ЭДО в Тюменской области')
  if (centerName.length > 200) problems.push('CENTER_NAME: at most 200 characters (it continues the printed journal\'s heading)')

  const dataDir = str('DATA_DIR', './data')
  const config: Config = {
    port: int('PORT', 3000, 0, 65535),
    host: str('HOST', '0.0.0.0'),
    databaseUrl,
    dataDir,
    ami,
    helpdeskDid: helpdeskDid.replace(/^\+/, ''),
    recordingsDir: str('RECORDINGS_DIR', `${dataDir}/recordings`),
    bootstrapAdminPassword,
    logLevel: logLevel as Config['logLevel'],
    timeZone,
    pbxTimeZone,
    centerName,
    cookieSecure: bool('COOKIE_SECURE', false),
    sessionTtlHours: int('SESSION_TTL_HOURS', 12, 1, 24 * 30),
    loginRateLimit: int('LOGIN_RATE_LIMIT', 10, 1, 10000),
    trustProxy: parseTrustProxy(optional('TRUST_PROXY'), problems),
    allowedOrigins: parseOrigins(optional('ALLOWED_ORIGINS'), problems),
    mail: loadMailConfig(env, problems)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return config
}

// off, or a list of proxies: "true" (believe any client's header) would let anyone choose their address
function parseTrustProxy (raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined || /^(0|false|no|off)$/i.test(raw)) return []
  const list = raw.split(',').map((s) => s.trim()).filter((s) => s !== '')
  const bad = list.filter((s) => !isAddressOrRange(s))
  if (bad.length > 0 || list.length === 0) {
    problems.push(`TRUST_PROXY=${JSON.stringify(raw)}: expected false or the proxies' addresses, comma-separated (10.0.0.5, 10.0.0.0/24, ::1)`)
    return []
  }
  return list
}

function parseOrigins (raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined) return []
  const origins: string[] = []
  for (const item of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    let url: URL | undefined
    try { url = new URL(item) } catch {}
    if (url === undefined || !/^https?:$/.test(url.protocol) || url.origin !== item.replace(/\/$/, '')) {
      problems.push(`ALLOWED_ORIGINS: ${JSON.stringify(item)} is not an origin like https://journal.example.ru or http://10.0.0.5:3000`)
    } else origins.push(url.origin)
  }
  return origins
}

function isAddressOrRange (s: string): boolean {
  const [address, bits, ...rest] = s.split('/')
  if (address === undefined || rest.length > 0) return false
  const family = isIP(address)
  if (family === 0) return false
  if (bits === undefined) return true
  const n = Number(bits)
  return /^\d{1,3}$/.test(bits) && n <= (family === 4 ? 32 : 128)
}

export function parseAmiUrl (url: string): AmiEndpoint | undefined {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return undefined
  }
  if (u.protocol !== 'ami:' || u.hostname === '' || u.username === '') return undefined
  const port = u.port === '' ? 5038 : Number(u.port)
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    username: decodeURIComponent(u.username),
    secret: decodeURIComponent(u.password)
  }
}

function isValidZone (zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

/** `npm run demo`'s own settings (the service's come from loadConfig). */
export interface DemoSettings {
  /** the demo users' password (DEMO_PASSWORD) */
  password: string
  /** pause between replayed scenarios (DEMO_PAUSE_MS) */
  pauseMs: number
  /** replay speed, 1 = the recorded timing (DEMO_SPEED) */
  speed: number
  /** the simulated PBX's AMI port, 0 = any free one (DEMO_AMI_PORT) */
  amiPort: number
  /** DATA_DIR when given; unset → a fresh temporary folder */
  dataDir: string | undefined
}

export function loadDemoConfig (env: Record<string, string | undefined>): { config: Config, demo: DemoSettings } {
  const config = loadConfig({ ...env, DATABASE_URL: undefined, AMI_URL: undefined, HELPDESK_DID: '73452290256' })
  const problems: string[] = []
  const num = (name: string, fallback: number, ok: (n: number) => boolean): number => {
    const raw = env[name]?.trim()
    if (raw === undefined || raw === '') return fallback
    const n = Number(raw)
    if (!Number.isFinite(n) || !ok(n)) { problems.push(`${name}=${JSON.stringify(raw)}: out of range`); return fallback }
    return n
  }
  const demo: DemoSettings = {
    password: env.DEMO_PASSWORD?.trim() || 'demo-password',
    pauseMs: num('DEMO_PAUSE_MS', 6000, (n) => n >= 0),
    speed: num('DEMO_SPEED', 1, (n) => n > 0),
    amiPort: num('DEMO_AMI_PORT', 0, (n) => Number.isInteger(n) && n >= 0 && n <= 65535),
    dataDir: env.DATA_DIR?.trim() || undefined
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return { config, demo }
}

// ── the e-mail channel: IMAP_URL for the mailbox, SMTP_URL and MAIL_FROM for replies, the TLS trust a
// real provider needs, the size limits. Unset IMAP_URL → no mailbox (mail "disabled").

/** The helpdesk mailbox (IMAP_URL). */
export interface ImapEndpoint {
  host: string
  port: number
  /** TLS from the start (imaps:); otherwise STARTTLS when offered */
  secure: boolean
  user: string
  password: string
  mailbox: string
  /** PEM certificates to trust (IMAP_TLS_CA_FILE) */
  ca?: Buffer[]
  rejectUnauthorized: boolean
}

export interface SmtpEndpoint {
  /** smtp://user:password@host:587 (STARTTLS when offered) or smtps://…:465 */
  url: string
  rejectUnauthorized: boolean
  ca?: Buffer[]
}

export interface MailConfig {
  imap: ImapEndpoint | undefined
  smtp: SmtpEndpoint | undefined
  /** From of our replies: { address, name } */
  from: { address: string, name: string | null } | undefined
  /** our own addresses: mail from them is never a request */
  ownAddresses: string[]
  maxMessageBytes: number
  maxAttachmentBytes: number
  pollSeconds: number
  backfillDays: number
}

export function parseImapUrl (url: string): Omit<ImapEndpoint, 'rejectUnauthorized' | 'ca'> | undefined {
  let u: URL
  try { u = new URL(url) } catch { return undefined }
  if ((u.protocol !== 'imap:' && u.protocol !== 'imaps:') || u.hostname === '' || u.username === '') return undefined
  const secure = u.protocol === 'imaps:'
  const mailbox = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'INBOX'
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port === '' ? (secure ? 993 : 143) : Number(u.port),
    secure,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    mailbox
  }
}

/** "Ситуационный центр <aisedo@pioner72.ru>" or a bare address. */
export function parseMailbox (text: string): { address: string, name: string | null } | undefined {
  const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text) ?? /^\s*()([^<>\s"]+@[^<>\s"]+)\s*$/.exec(text)
  if (m === null) return undefined
  return { address: m[2]!.toLowerCase(), name: m[1]?.trim() || null }
}

function loadMailConfig (env: Record<string, string | undefined>, problems: string[]): MailConfig {
  const opt = (name: string): string | undefined => { const v = env[name]; return v === undefined || v.trim() === '' ? undefined : v.trim() }
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = opt(name)
    if (raw === undefined) return fallback
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) { problems.push(`${name}=${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`); return fallback }
    return Number(raw)
  }
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = opt(name)
    if (raw === undefined) return fallback
    if (/^(1|true|yes|on)$/i.test(raw)) return true
    if (/^(0|false|no|off)$/i.test(raw)) return false
    problems.push(`${name}=${JSON.stringify(raw)}: expected true or false`)
    return fallback
  }
  const caFile = opt('IMAP_TLS_CA_FILE')
  let ca: Buffer[] | undefined
  if (caFile !== undefined) {
    try { ca = [fs.readFileSync(caFile)] } catch (err) { problems.push(`IMAP_TLS_CA_FILE: cannot read ${caFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`) }
  }

  let imap: ImapEndpoint | undefined
  const imapUrl = opt('IMAP_URL')
  if (imapUrl !== undefined) {
    const parsed = parseImapUrl(imapUrl)
    if (parsed === undefined) problems.push('IMAP_URL: expected imaps://user:password@host:993/INBOX (or imap:// for STARTTLS on 143)')
    else imap = { ...parsed, rejectUnauthorized: bool('IMAP_TLS_REJECT_UNAUTHORIZED', true), ...(ca !== undefined ? { ca } : {}) }
  }

  let smtp: SmtpEndpoint | undefined
  const smtpUrl = opt('SMTP_URL')
  if (smtpUrl !== undefined) {
    if (!/^smtps?:\/\/[^/]+/.test(smtpUrl)) problems.push('SMTP_URL: expected smtps://user:password@host:465 or smtp://user:password@host:587')
    else smtp = { url: smtpUrl, rejectUnauthorized: bool('SMTP_TLS_REJECT_UNAUTHORIZED', true), ...(ca !== undefined ? { ca } : {}) }
  }

  const fromText = opt('MAIL_FROM')
  let from = fromText === undefined ? undefined : parseMailbox(fromText)
  if (fromText !== undefined && from === undefined) problems.push(`MAIL_FROM=${JSON.stringify(fromText)}: expected an address, e.g. "Ситуационный центр <aisedo@pioner72.ru>"`)
  if (from === undefined && imap !== undefined && imap.user.includes('@')) from = { address: imap.user.toLowerCase(), name: null }
  if (smtp !== undefined && from === undefined) problems.push('MAIL_FROM: needed with SMTP_URL (the address replies come from)')

  const own = new Set<string>()
  if (from !== undefined) own.add(from.address)
  if (imap !== undefined && imap.user.includes('@')) own.add(imap.user.toLowerCase())

  return {
    imap,
    smtp,
    from,
    ownAddresses: [...own],
    maxMessageBytes: int('MAIL_MAX_MESSAGE_MB', 25, 1, 200) * 1024 * 1024,
    maxAttachmentBytes: int('MAIL_MAX_ATTACHMENT_MB', 10, 1, 200) * 1024 * 1024,
    pollSeconds: int('MAIL_POLL_SECONDS', 60, 5, 3600),
    backfillDays: int('MAIL_BACKFILL_DAYS', 3, 0, 365)
  }
}
