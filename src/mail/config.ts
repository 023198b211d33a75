// The mail channel's settings, read by src/config.ts (the only reader of the environment) from the
// variables it is given: IMAP_URL for the mailbox, SMTP_URL and MAIL_FROM for replies, the TLS
// trust a real provider needs, and the size limits. Unset IMAP_URL → no mailbox (mail "disabled").
import fs from 'node:fs'
import type { ImapEndpoint } from './imap.js'

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

type Env = Record<string, string | undefined>

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

export function loadMailConfig (env: Env, problems: string[]): MailConfig {
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
